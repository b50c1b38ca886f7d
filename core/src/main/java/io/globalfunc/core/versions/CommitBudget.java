package io.globalfunc.core.versions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a runtime's Python workers are shared among warm commits: the release's commit keeps its own
 * workers and is never evicted; every other commit gets an equal share of the rest of the budget;
 * at most {@code maxCommits} commits are warm, and room is made by stopping the least recently used
 * one.
 *
 * @param defaultWorkers workers of the release's commit
 * @param maxCommits commits warm at once, the release's included
 * @param budget workers over every warm commit (at least one more than {@code defaultWorkers})
 */
public record CommitBudget(int defaultWorkers, int maxCommits, int budget) {

  /** A warm commit other than the release's. */
  public record Warm(String commit, long lastUsedNanos, int workers) {}

  public CommitBudget {
    if (defaultWorkers < 1 || maxCommits < 1) {
      throw new IllegalArgumentException("workers and GF_MAX_COMMITS must be at least 1");
    }
    budget = Math.max(budget, defaultWorkers + (maxCommits > 1 ? 1 : 0));
  }

  /** The budget when none is configured: one worker per commit besides the release's. */
  public static CommitBudget withDefaultBudget(int defaultWorkers, int maxCommits) {
    return new CommitBudget(defaultWorkers, maxCommits, defaultWorkers + maxCommits - 1);
  }

  /** Workers of each commit other than the release's. */
  public int share() {
    return Math.max(1, (budget - defaultWorkers) / Math.max(1, maxCommits - 1));
  }

  /** True when one more commit of {@link #share()} workers fits beside what is warm. */
  public boolean fits(int otherCommits, int liveWorkers) {
    return otherCommits < maxCommits - 1 && liveWorkers + share() <= budget;
  }

  /**
   * The least recently used commits to stop so that one more fits; all of them when even that is
   * not enough (their workers may still be finishing calls, so the caller waits for them).
   */
  public List<String> victims(List<Warm> warm, int otherCommits, int liveWorkers) {
    List<Warm> byAge = new ArrayList<>(warm);
    byAge.sort(Comparator.comparingLong(Warm::lastUsedNanos));
    List<String> out = new ArrayList<>();
    int commits = otherCommits;
    int live = liveWorkers;
    for (Warm w : byAge) {
      if (fits(commits, live)) {
        break;
      }
      out.add(w.commit());
      commits--;
      live -= w.workers();
    }
    return out;
  }
}
