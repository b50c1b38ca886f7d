package io.globalfunc.core.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommitBudgetTest {

  @Test
  void otherCommitsShareWhatTheReleaseLeaves() {
    CommitBudget b = new CommitBudget(4, 3, 8);
    assertThat(b.share()).isEqualTo(2);
    assertThat(CommitBudget.withDefaultBudget(2, 4).budget()).isEqualTo(5);
    assertThat(CommitBudget.withDefaultBudget(2, 4).share()).isEqualTo(1);
    // A budget that leaves nothing for other commits still leaves one worker.
    assertThat(new CommitBudget(4, 3, 2).budget()).isEqualTo(5);
  }

  @Test
  void fitsCountsCommitsAndWorkers() {
    CommitBudget b = new CommitBudget(1, 3, 4); // share 1, two other commits
    assertThat(b.fits(0, 1)).isTrue();
    assertThat(b.fits(1, 2)).isTrue();
    assertThat(b.fits(2, 3)).isFalse(); // GF_MAX_COMMITS
    assertThat(b.fits(1, 4)).isFalse(); // budget (a draining commit still holds workers)
    assertThat(new CommitBudget(1, 1, 4).fits(0, 1)).isFalse();
  }

  @Test
  void victimsAreTheLeastRecentlyUsedUntilOneMoreFits() {
    CommitBudget b = new CommitBudget(1, 3, 4);
    List<CommitBudget.Warm> warm =
        List.of(new CommitBudget.Warm("new", 30, 1), new CommitBudget.Warm("old", 10, 1));
    assertThat(b.victims(warm, 2, 3)).containsExactly("old");
    assertThat(b.victims(warm, 1, 2)).isEmpty();
    // Draining workers elsewhere: every warm commit goes and the caller waits for the rest.
    assertThat(b.victims(warm, 2, 6)).containsExactly("old", "new");
  }
}
