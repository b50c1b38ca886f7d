package io.globalfunc.core.batch;

import io.globalfunc.core.batch.ItemResult.Outcome;
import io.globalfunc.core.naming.BatchKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The one atomic step that finishes a task: its items' envelopes are stored and counted, dead
 * letters are listed, items to retry are queued again as tasks of their own, and the task is
 * acknowledged and deleted. Only the first completion of a task stores anything: a task whose
 * acknowledgement finds it no longer pending (a redelivered or reclaimed copy that another consumer
 * finished first) changes nothing, so every item's result is written once, and all of a task's
 * envelopes go in with one {@code HSET} instead of one command per item. Pure: builds the script's
 * arguments.
 */
final class Completion {

  static final int KEY_COUNT = 5;

  /** Arguments before the stored pairs: group, stream id, retention, batch, fn, 3 counts, sizes. */
  static final int HEAD = 11;

  /**
   * KEYS: results, meta, tasks, dead, progress. ARGV: group, stream id, retention, batch, fn, done,
   * failed and dead counts, S = stored items, D = dead items, R = retried items; then S
   * item/envelope pairs, D dead item numbers, R item/retries/kwargs triples. New results also leave
   * one element in the progress list, which wakes a producer blocked on it (BLPOP) at once; one
   * element at most, since it only says "look again". Stored pairs go to HSET in slices (Lua's
   * unpack has a bounded stack).
   */
  static final String SCRIPT =
      """
      if redis.call('XACK', KEYS[3], ARGV[1], ARGV[2]) == 0 then
        redis.call('XDEL', KEYS[3], ARGV[2])
        return 0
      end
      local stored, dead, retried = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
      local at = %d
      local last = at + 2 * stored - 1
      while at <= last do
        local upto = math.min(last, at + 3999)
        redis.call('HSET', KEYS[1], unpack(ARGV, at, upto))
        at = upto + 1
      end
      if dead > 0 then
        redis.call('RPUSH', KEYS[4], unpack(ARGV, at, at + dead - 1))
        at = at + dead
      end
      for i = at, at + 3 * retried - 1, 3 do
        if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then
          redis.call('XADD', KEYS[3], '*', '%s', ARGV[4], '%s', ARGV[5], '%s', ARGV[i],
            '%s', '1', '%s', ARGV[i + 1], '0', ARGV[i + 2])
        end
      end
      local outcomes = {'done', 'failed', 'dead'}
      for k = 1, 3 do
        if tonumber(ARGV[5 + k]) > 0 then
          redis.call('HINCRBY', KEYS[2], outcomes[k], ARGV[5 + k])
        end
      end
      if stored > 0 then
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        redis.call('EXPIRE', KEYS[2], ARGV[3])
        redis.call('EXPIRE', KEYS[4], ARGV[3])
        redis.call('LPUSH', KEYS[5], stored)
        redis.call('LTRIM', KEYS[5], 0, 0)
        redis.call('EXPIRE', KEYS[5], ARGV[3])
      end
      redis.call('XDEL', KEYS[3], ARGV[2])
      return stored
      """
          .formatted(
              HEAD + 1,
              TaskEntries.BATCH,
              TaskEntries.FUNCTION,
              TaskEntries.FROM,
              TaskEntries.COUNT,
              TaskEntries.RETRIES);

  private Completion() {}

  /** The script's keys and arguments, in EVAL order (after the script and the key count). */
  static List<Object> arguments(BatchKeys keys, BatchTask task, List<ItemResult> results) {
    int[] counts = new int[Outcome.values().length];
    results.forEach(r -> counts[r.outcome().ordinal()]++);
    int stored = results.size() - counts[Outcome.RETRY.ordinal()];
    List<Object> args = new ArrayList<>(KEY_COUNT + HEAD + 2 * results.size());
    args.add(keys.results(task.batchId()));
    args.add(keys.meta(task.batchId()));
    args.add(keys.tasks());
    args.add(keys.deadLetters(task.batchId()));
    args.add(keys.progress(task.batchId()));
    args.add(BatchKeys.GROUP);
    args.add(task.streamId());
    args.add(Long.toString(BatchStore.RETENTION.toSeconds()));
    args.add(task.batchId());
    args.add(task.function());
    args.add(Integer.toString(counts[Outcome.DONE.ordinal()]));
    args.add(Integer.toString(counts[Outcome.FAILED.ordinal()]));
    args.add(Integer.toString(counts[Outcome.DEAD.ordinal()]));
    args.add(Integer.toString(stored));
    args.add(Integer.toString(counts[Outcome.DEAD.ordinal()]));
    args.add(Integer.toString(counts[Outcome.RETRY.ordinal()]));
    for (ItemResult r : results) {
      if (r.outcome() != Outcome.RETRY) {
        args.add(Integer.toString(r.item()));
        args.add(r.payload());
      }
    }
    for (ItemResult r : results) {
      if (r.outcome() == Outcome.DEAD) {
        args.add(Integer.toString(r.item()));
      }
    }
    for (ItemResult r : results) {
      if (r.outcome() == Outcome.RETRY) {
        args.add(Integer.toString(r.item()));
        args.add(Integer.toString(r.retries()));
        args.add(r.payload());
      }
    }
    return args;
  }
}
