package io.globalfunc.core.worker;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The environment a Python worker starts with: the runtime's, minus anything secret. */
public final class WorkerEnvironment {

  /** A URL carrying credentials, such as {@code postgres://user:pass@host/db}. */
  private static final Pattern URL_WITH_CREDENTIALS =
      Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]*@");

  private WorkerEnvironment() {}

  /**
   * Removes every variable whose name looks like a credential ({@code GF_*} and their {@code
   * *_FILE} twins included) or whose value is a URL with a user or password in it.
   */
  public static void scrub(Map<String, String> env) {
    env.entrySet().removeIf(e -> secretName(e.getKey()) || secretValue(e.getValue()));
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.put("PYTHONIOENCODING", "utf-8");
  }

  static boolean secretName(String name) {
    String u = name.toUpperCase(Locale.ROOT);
    return u.startsWith("GF_")
        || u.startsWith("QUARKUS_")
        || u.contains("PASSWORD")
        || u.contains("PASSWD")
        || u.contains("SECRET")
        || u.contains("TOKEN")
        || u.contains("CREDENTIAL")
        || u.contains("AUTH")
        || u.endsWith("_URI")
        || u.endsWith("_KEY");
  }

  static boolean secretValue(String value) {
    return value != null && URL_WITH_CREDENTIALS.matcher(value).find();
  }
}
