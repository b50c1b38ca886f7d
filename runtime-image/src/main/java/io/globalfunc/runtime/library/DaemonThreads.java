package io.globalfunc.runtime.library;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive, named for thread dumps. */
final class DaemonThreads {

  private DaemonThreads() {}

  static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
