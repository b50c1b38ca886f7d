package io.globalfunc.core.batch;

import io.globalfunc.core.naming.BatchKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The one atomic step that finishes a task: every item's envelope is stored (first writer wins, per
 * batch and item) and counted, dead letters are listed, items to retry are queued again as tasks of
 * their own, and the task is acknowledged and deleted. Pure: builds the script's arguments.
 */
final class Completion {

  static final int KEY_COUNT = 5;

  /**
   * KEYS: results, meta, tasks, dead, progress. ARGV: group, stream id, retention, batch, fn,
   * quads. New results also leave one element in the progress list, which wakes a producer blocked
   * on it (BLPOP) at once; one element at most, since it only says "look again".
   */
  static final String SCRIPT =
      """
      local added = 0
      local counts = {}
      for i = 6, #ARGV, 4 do
        local item, outcome, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2]
        if outcome == 'retry' then
          if redis.call('HEXISTS', KEYS[1], item) == 0 then
            redis.call('XADD', KEYS[3], '*', '%s', ARGV[4], '%s', ARGV[5], '%s', item,
              '%s', '1', '%s', ARGV[i + 3], '0', payload)
          end
        elseif redis.call('HSETNX', KEYS[1], item, payload) == 1 then
          added = added + 1
          counts[outcome] = (counts[outcome] or 0) + 1
          if outcome == 'dead' then
            redis.call('RPUSH', KEYS[4], item)
          end
        end
      end
      for outcome, n in pairs(counts) do
        redis.call('HINCRBY', KEYS[2], outcome, n)
      end
      if added > 0 then
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        redis.call('EXPIRE', KEYS[2], ARGV[3])
        redis.call('EXPIRE', KEYS[4], ARGV[3])
        redis.call('LPUSH', KEYS[5], added)
        redis.call('LTRIM', KEYS[5], 0, 0)
        redis.call('EXPIRE', KEYS[5], ARGV[3])
      end
      redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
      redis.call('XDEL', KEYS[3], ARGV[2])
      return added
      """
          .formatted(
              TaskEntries.BATCH,
              TaskEntries.FUNCTION,
              TaskEntries.FROM,
              TaskEntries.COUNT,
              TaskEntries.RETRIES);

  private Completion() {}

  /** The script's keys and arguments, in EVAL order (after the script and the key count). */
  static List<Object> arguments(BatchKeys keys, BatchTask task, List<ItemResult> results) {
    List<Object> args = new ArrayList<>(9 + 4 * results.size());
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
    for (ItemResult r : results) {
      args.add(Integer.toString(r.item()));
      args.add(r.outcome().word);
      args.add(r.payload());
      args.add(Integer.toString(r.retries()));
    }
    return args;
  }
}
