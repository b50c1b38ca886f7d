package io.globalfunc.cli;

import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.naming.BatchKeys;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The release's batch queue for {@code gf map --redis}, with the space and branch it names: opened
 * on another thread while the input is read, since reaching Redis and reading a million lines each
 * take a good part of a second.
 */
record MapQueue(BatchStore store, String space, String branch) {

  /** Connects to the queue at {@code uri}; an unreachable Redis is reported when next asked. */
  static MapQueue open(String uri, String space, String branch) {
    BatchStore store = BatchStore.connect(null, uri, new BatchKeys(space, branch));
    try {
      store.functions(); // makes the connection now
    } catch (RuntimeException e) {
      // the caller asks again and says what is wrong
    }
    return new MapQueue(store, space, branch);
  }

  /** The opened queue, or the opening's own exception. */
  static MapQueue joined(CompletableFuture<MapQueue> opening) {
    try {
      return opening.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Closes the queue once opened (a failed opening has nothing to close). */
  static void close(CompletableFuture<MapQueue> opening) {
    MapQueue q = opening.handle((opened, e) -> opened).join();
    if (q != null) {
      q.store().close();
    }
  }
}
