package io.globalfunc.core.batch;

/** What a batch has done so far; {@code total} is -1 when Redis lost the batch. */
public record BatchStatus(
    String id, String function, long total, long done, long failed, long deadLettered) {

  public long finished() {
    return done + failed + deadLettered;
  }

  public boolean complete() {
    return total >= 0 && finished() >= total;
  }

  public boolean lost() {
    return total < 0;
  }
}
