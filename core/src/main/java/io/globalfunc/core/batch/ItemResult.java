package io.globalfunc.core.batch;

/**
 * What became of one item of a task: a result envelope to store ({@code DONE}, {@code FAILED},
 * {@code DEAD}), or its keyword arguments to queue again on their own ({@code RETRY}).
 *
 * @param retries for {@code RETRY}, the deliveries that ended without a result so far
 */
public record ItemResult(int item, Outcome outcome, byte[] payload, int retries) {

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
    return new ItemResult(item, outcome, envelope, 0);
  }

  public static ItemResult retry(int item, byte[] kwargs, int retries) {
    return new ItemResult(item, Outcome.RETRY, kwargs, retries);
  }
}
