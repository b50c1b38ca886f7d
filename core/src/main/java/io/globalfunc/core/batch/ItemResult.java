package io.globalfunc.core.batch;

/**
 * What became of one item of a task: a result envelope to store ({@code DONE}, {@code FAILED},
 * {@code DEAD}), or its keyword arguments to queue again on their own ({@code RETRY}).
 *
 * @param retries for {@code RETRY}, the deliveries that ended without a result so far
 * @param shared fields (the provenance, {@link ResultEnvelope#fields}) that belong at the end of
 *     the envelope, stored once for the items of a task that share them ({@link ResultRuns}); null
 *     when the envelope is whole as it is
 */
public record ItemResult(int item, Outcome outcome, byte[] payload, int retries, byte[] shared) {

  /** How an item ended, with the batch counter it bumps. */
  public enum Outcome {
    DONE("done"),
    FAILED("failed"),
    DEAD("dead"),
    RETRY("retry");

    final String word;

    Outcome(String word) {
      this.word = word;
    }
  }

  public static ItemResult of(int item, Outcome outcome, byte[] envelope) {
    return new ItemResult(item, outcome, envelope, 0, null);
  }

  /** This result with {@code fields} to add to its envelope (shared with its task-mates). */
  public ItemResult sharing(byte[] fields) {
    return new ItemResult(item, outcome, payload, retries, fields);
  }

  public static ItemResult retry(int item, byte[] kwargs, int retries) {
    return new ItemResult(item, Outcome.RETRY, kwargs, retries, null);
  }
}
