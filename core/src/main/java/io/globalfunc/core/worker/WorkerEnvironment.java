package io.globalfunc.core.worker;

import java.util.Locale;
import java.util.Map;

/** The one owner of what a Python worker's environment holds: the runtime's, minus secrets. */
final class WorkerEnvironment {

  private WorkerEnvironment() {}

  /** User code gets the runtime's environment minus anything that looks like a credential. */
  static void scrub(Map<String, String> env) {
    env.keySet()
        .removeIf(
            k -> {
              String u = k.toUpperCase(Locale.ROOT);
              return u.startsWith("GF_")
                  || u.startsWith("QUARKUS_")
                  || u.contains("PASSWORD")
                  || u.contains("SECRET")
                  || u.contains("TOKEN")
                  || u.contains("CREDENTIAL")
                  || u.endsWith("_URI")
                  || u.endsWith("_KEY");
            });
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.put("PYTHONIOENCODING", "utf-8");
  }
}
