package io.globalfunc.core.naming;

import java.util.regex.Pattern;

/**
 * The single owner of how batch queues are spelled in Redis, under the three tiers: tier 1 is the
 * space, tier 2 is {@code ~batch_<escaped branch>} (a Python package never starts with {@code ~},
 * so no function key can collide), tier 3 names the object.
 *
 * <ul>
 *   <li>{@link #tasks}: the release's stream of tasks, consumed by every runtime serving it
 *   <li>{@link #functions}: the set of {@code Package.function} names the consumers serve
 *   <li>{@link #meta}, {@link #results}, {@link #deadLetters}: one batch's state hash, its results
 *       hashes (one per {@link #RESULTS_PER_KEY} items, each holding runs of consecutive items'
 *       envelopes, see {@code ResultRuns}; one hash of a million fields made storing and reading
 *       results cost twice the CPU) and its dead-letter list
 *   <li>{@link #progress}: a list of at most one element, pushed when results are stored, that the
 *       producer waits on (BLPOP) instead of polling
 * </ul>
 *
 * <p>The tier-1/2 prefix is spelled once, and a batch's keys once per batch ({@link #batch}): a
 * runtime finishes thousands of tasks per batch, and spelling (escaping, validating, concatenating)
 * five keys per task was most of what the JIT compiled on a runtime's first batch.
 */
public final class BatchKeys {

  /** The consumer group every runtime of a release joins. */
  public static final String GROUP = "gf-runtimes";

  private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  private final String space;
  private final String branch;
  private final String prefix;
  private final String tasks;

  /** The batch whose keys were asked for last: tasks of one batch come in long runs. */
  private volatile Batch last;

  public BatchKeys(String space, String branch) {
    // Validates both through the owner of names.
    FunctionName.PackageBranch.of("x", branch);
    FunctionName.of(space, "x", branch, "x");
    this.space = space;
    this.branch = branch;
    this.prefix = space + ".~batch_" + FunctionName.escapeBranch(branch) + ".";
    this.tasks = prefix + "tasks";
  }

  public String space() {
    return space;
  }

  public String branch() {
    return branch;
  }

  public String tasks() {
    return tasks;
  }

  public String functions() {
    return prefix + "functions";
  }

  /** The keys of one batch, spelled once per batch. */
  public Batch batch(String batchId) {
    Batch b = last;
    if (b == null || !b.id().equals(batchId)) {
      String base = prefix + requireId(batchId);
      b =
          new Batch(
              batchId, base + ":meta", base + ":results:", base + ":dead", base + ":progress");
      last = b;
    }
    return b;
  }

  /** One batch's keys ({@link BatchKeys#batch}). */
  public record Batch(
      String id, String meta, String resultsBase, String deadLetters, String progress) {

    /** The results hash number {@code hash} (items {@code hash * RESULTS_PER_KEY} onwards). */
    public String resultsHash(int hash) {
      return resultsBase + hash;
    }
  }

  public String meta(String batchId) {
    return batch(batchId).meta();
  }

  /** Items whose results share one hash. */
  public static final int RESULTS_PER_KEY = 1024;

  /** The hash holding the result of item {@code item} of a batch. */
  public String results(String batchId, int item) {
    if (item < 0) {
      throw new IllegalArgumentException("no item " + item);
    }
    return batch(batchId).resultsHash(item / RESULTS_PER_KEY);
  }

  public String deadLetters(String batchId) {
    return batch(batchId).deadLetters();
  }

  public String progress(String batchId) {
    return batch(batchId).progress();
  }

  /** Batch ids are letters, digits and {@code -}: never a {@code .} that would add a tier. */
  public static String requireId(String batchId) {
    if (batchId == null || !BATCH_ID.matcher(batchId).matches()) {
      throw new IllegalArgumentException("a batch id is 1-64 letters, digits or '-': " + batchId);
    }
    return batchId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchKeys k && k.space.equals(space) && k.branch.equals(branch);
  }

  @Override
  public int hashCode() {
    return 31 * space.hashCode() + branch.hashCode();
  }

  @Override
  public String toString() {
    return "BatchKeys[space=" + space + ", branch=" + branch + "]";
  }
}
