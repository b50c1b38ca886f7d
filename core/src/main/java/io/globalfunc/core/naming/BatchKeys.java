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
 */
public record BatchKeys(String space, String branch) {

  /** The consumer group every runtime of a release joins. */
  public static final String GROUP = "gf-runtimes";

  private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  public BatchKeys {
    // Validates both through the owner of names.
    FunctionName.PackageBranch.of("x", branch);
    FunctionName.of(space, "x", branch, "x");
  }

  private String prefix() {
    return space + ".~batch_" + FunctionName.escapeBranch(branch) + ".";
  }

  public String tasks() {
    return prefix() + "tasks";
  }

  public String functions() {
    return prefix() + "functions";
  }

  public String meta(String batchId) {
    return prefix() + requireId(batchId) + ":meta";
  }

  /** Items whose results share one hash. */
  public static final int RESULTS_PER_KEY = 1024;

  /** The hash holding the result of item {@code item} of a batch. */
  public String results(String batchId, int item) {
    if (item < 0) {
      throw new IllegalArgumentException("no item " + item);
    }
    return prefix() + requireId(batchId) + ":results:" + item / RESULTS_PER_KEY;
  }

  public String deadLetters(String batchId) {
    return prefix() + requireId(batchId) + ":dead";
  }

  public String progress(String batchId) {
    return prefix() + requireId(batchId) + ":progress";
  }

  /** Batch ids are letters, digits and {@code -}: never a {@code .} that would add a tier. */
  public static String requireId(String batchId) {
    if (batchId == null || !BATCH_ID.matcher(batchId).matches()) {
      throw new IllegalArgumentException("a batch id is 1-64 letters, digits or '-': " + batchId);
    }
    return batchId;
  }
}
