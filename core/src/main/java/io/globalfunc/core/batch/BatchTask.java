package io.globalfunc.core.batch;

import java.util.List;

/**
 * One entry of a release's task stream: consecutive items {@code from..from+items.size()-1} of one
 * batch, each the UTF-8 bytes of the JSON keyword arguments its caller sent.
 *
 * @param retries deliveries of these items that already ended without a result (a crashed worker)
 */
public record BatchTask(
    String streamId, String batchId, int from, String function, List<byte[]> items, int retries) {

  /** An entry this version cannot read: acknowledged and dropped. */
  public static BatchTask malformed(String streamId) {
    return new BatchTask(streamId, null, -1, null, List.of(), 0);
  }

  public boolean isMalformed() {
    return batchId == null;
  }

  /** The batch index of the {@code k}-th item of this task. */
  public int item(int k) {
    return from + k;
  }
}
