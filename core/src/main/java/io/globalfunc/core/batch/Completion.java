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
 * envelopes go in with one {@code HSET} per results hash, as a few runs ({@link ResultRuns}) rather
 * than one field per item. Pure: builds the script's arguments.
 */
final class Completion {

  /** Keys before the results hashes: meta, tasks, dead, progress. */
  static final int FIXED_KEYS = 4;

  /** Arguments before the results: group, stream id, retention, batch, fn, 3 counts, 3 sizes. */
  static final int HEAD = 11;

  /**
   * KEYS: meta, tasks, dead, progress, then the B results hashes the task's items fall in. ARGV:
   * group, stream id, retention, batch, fn, done, failed and dead counts, B, D = dead items, R =
   * retried items; then for each results hash the number of its items stored, the number P of its
   * runs ({@link ResultRuns}) and P field/value pairs, then D dead item numbers, then R quads of
   * results hash (1..B), item, retries and kwargs. An item is queued again only when no run (or
   * older single field) holds it yet. New results also leave one element in the progress list,
   * which wakes a producer blocked on it (BLPOP) at once; one element at most, since it only says
   * "look again". Pairs go to HSET in slices (Lua's unpack has a bounded stack).
   */
  static final String SCRIPT =
      """
      local function held(key, item)
        if redis.call('HEXISTS', key, item) == 1 then
          return true
        end
        local n = tonumber(item)
        for _, f in ipairs(redis.call('HKEYS', key)) do
          local first, count = string.match(f, '^(%%d+)%%+(%%d+)$')
          if first and n >= tonumber(first) and n < tonumber(first) + tonumber(count) then
            return true
          end
        end
        return false
      end
      if redis.call('XACK', KEYS[2], ARGV[1], ARGV[2]) == 0 then
        return 0 -- finished already (and deleted) by whoever acknowledged it first
      end
      local hashes, dead, retried = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
      local at, stored = %d, 0
      for b = 1, hashes do
        local n, runs = tonumber(ARGV[at]), tonumber(ARGV[at + 1])
        at = at + 2
        if runs > 0 then
          local last = at + 2 * runs - 1
          while at <= last do
            local upto = math.min(last, at + 3999)
            redis.call('HSET', KEYS[4 + b], unpack(ARGV, at, upto))
            at = upto + 1
          end
          redis.call('EXPIRE', KEYS[4 + b], ARGV[3])
        end
        stored = stored + n
      end
      if dead > 0 then
        redis.call('RPUSH', KEYS[3], unpack(ARGV, at, at + dead - 1))
        at = at + dead
      end
      for i = at, at + 4 * retried - 1, 4 do
        if not held(KEYS[4 + tonumber(ARGV[i])], ARGV[i + 1]) then
          redis.call('XADD', KEYS[2], '*', '%s', ARGV[4], '%s', ARGV[5], '%s', ARGV[i + 1],
            '%s', '1', '%s', ARGV[i + 2], '0', ARGV[i + 3])
        end
      end
      local outcomes = {'%s', '%s', '%s'}
      for k = 1, 3 do
        if tonumber(ARGV[5 + k]) > 0 then
          redis.call('HINCRBY', KEYS[1], outcomes[k], ARGV[5 + k])
        end
      end
      if stored > 0 then
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        redis.call('EXPIRE', KEYS[3], ARGV[3])
        redis.call('LPUSH', KEYS[4], stored)
        redis.call('LTRIM', KEYS[4], 0, 0)
        redis.call('EXPIRE', KEYS[4], ARGV[3])
      end
      redis.call('XDEL', KEYS[2], ARGV[2])
      return stored
      """
          .formatted(
              HEAD + 1,
              TaskEntries.BATCH,
              TaskEntries.FUNCTION,
              TaskEntries.FROM,
              TaskEntries.COUNT,
              TaskEntries.RETRIES,
              Outcome.DONE.word,
              Outcome.FAILED.word,
              Outcome.DEAD.word);

  private Completion() {}

  /**
   * What follows the script in EVAL: the number of keys, the keys, then the arguments. Results go
   * to the hash of their item ({@link BatchKeys#results}). Built in small steps, the batch's keys
   * spelled once per batch ({@link BatchKeys#batch}): this runs once per task, and one big method
   * here was the costliest thing the JIT compiled on a runtime's first batch.
   */
  static List<Object> arguments(BatchKeys keys, BatchTask task, List<ItemResult> results) {
    BatchKeys.Batch batch = keys.batch(task.batchId());
    List<Hash> hashes = byHash(results);
    List<Object> args = new ArrayList<>(1 + FIXED_KEYS + 3 * hashes.size() + HEAD + 16);
    args.add(Integer.toString(FIXED_KEYS + hashes.size()));
    args.add(batch.meta());
    args.add(keys.tasks());
    args.add(batch.deadLetters());
    args.add(batch.progress());
    for (Hash h : hashes) {
      args.add(batch.resultsHash(h.number));
    }
    head(args, task, counts(results), hashes.size());
    for (Hash h : hashes) {
      stored(args, h.results);
    }
    deadItems(args, results);
    retried(args, results, hashes);
    return args;
  }

  /** The results of one results hash, in the task's order. */
  private record Hash(int number, List<ItemResult> results) {}

  /** The results grouped by results hash, hashes in order of first appearance. */
  private static List<Hash> byHash(List<ItemResult> results) {
    List<Hash> hashes = new ArrayList<>(2);
    for (ItemResult r : results) {
      hash(hashes, r.item() / BatchKeys.RESULTS_PER_KEY).results.add(r);
    }
    return hashes;
  }

  /** The group of results hash {@code number}, added when new (a task spans one or two). */
  private static Hash hash(List<Hash> hashes, int number) {
    int b = indexOf(hashes, number);
    if (b >= 0) {
      return hashes.get(b);
    }
    Hash h = new Hash(number, new ArrayList<>());
    hashes.add(h);
    return h;
  }

  /** The place (1..B) of results hash {@code number} among the task's. */
  private static int position(List<Hash> hashes, int number) {
    int b = indexOf(hashes, number);
    if (b < 0) {
      throw new IllegalStateException("no results hash " + number);
    }
    return b + 1;
  }

  private static int indexOf(List<Hash> hashes, int number) {
    for (int b = 0; b < hashes.size(); b++) {
      if (hashes.get(b).number == number) {
        return b;
      }
    }
    return -1;
  }

  private static int[] counts(List<ItemResult> results) {
    int[] counts = new int[Outcome.values().length];
    for (ItemResult r : results) {
      counts[r.outcome().ordinal()]++;
    }
    return counts;
  }

  /** group, stream id, retention, batch, fn, the 3 outcome counts, B, D and R. */
  private static void head(List<Object> args, BatchTask task, int[] counts, int hashes) {
    args.add(BatchKeys.GROUP);
    args.add(task.streamId());
    args.add(Long.toString(BatchStore.RETENTION.toSeconds()));
    args.add(task.batchId());
    args.add(task.function());
    args.add(Integer.toString(counts[Outcome.DONE.ordinal()]));
    args.add(Integer.toString(counts[Outcome.FAILED.ordinal()]));
    args.add(Integer.toString(counts[Outcome.DEAD.ordinal()]));
    args.add(Integer.toString(hashes));
    args.add(Integer.toString(counts[Outcome.DEAD.ordinal()]));
    args.add(Integer.toString(counts[Outcome.RETRY.ordinal()]));
  }

  /** One results hash's part: how many items it stores, its number of runs, then the runs. */
  private static void stored(List<Object> args, List<ItemResult> inHash) {
    List<ItemResult> stored = new ArrayList<>(inHash.size());
    for (ItemResult r : inHash) {
      if (r.outcome() != Outcome.RETRY) {
        stored.add(r);
      }
    }
    List<byte[]> pairs = ResultRuns.pairs(stored);
    args.add(Integer.toString(stored.size()));
    args.add(Integer.toString(pairs.size() / 2));
    args.addAll(pairs);
  }

  private static void deadItems(List<Object> args, List<ItemResult> results) {
    for (ItemResult r : results) {
      if (r.outcome() == Outcome.DEAD) {
        args.add(Integer.toString(r.item()));
      }
    }
  }

  /** Per item to retry: its results hash (1..B), item, retries and kwargs. */
  private static void retried(List<Object> args, List<ItemResult> results, List<Hash> hashes) {
    for (ItemResult r : results) {
      if (r.outcome() == Outcome.RETRY) {
        args.add(Integer.toString(position(hashes, r.item() / BatchKeys.RESULTS_PER_KEY)));
        args.add(Integer.toString(r.item()));
        args.add(Integer.toString(r.retries()));
        args.add(r.payload());
      }
    }
  }
}
