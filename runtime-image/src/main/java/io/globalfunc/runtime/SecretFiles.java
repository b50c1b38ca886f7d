package io.globalfunc.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

/**
 * Secrets as files: for a variable {@code GF_X}, {@code GF_X_FILE} names a file whose content
 * (trailing whitespace trimmed) is the setting {@code gf.x}. The JVM reads the file, so the secret
 * is never in the runtime's environment, where a function could read it from {@code
 * /proc/<runtime>/environ}. A file wins over the plain variable.
 */
public final class SecretFiles implements ConfigSource {

  private static final Logger LOG = Logger.getLogger(SecretFiles.class);
  private static final String SUFFIX = "_FILE";

  /** Variables that hold secrets: passing them in the environment is warned about. */
  static final List<String> SECRETS =
      List.of(
          "GF_REDIS_URI", "GF_GIT_TOKEN", "GF_GIT_PASSWORD", "GF_GIT_USERNAME", "GF_RELEASE_TOKEN");

  private final Map<String, String> properties;

  public SecretFiles() {
    this(System.getenv());
  }

  SecretFiles(Map<String, String> env) {
    this.properties = read(env);
  }

  /** The settings named by {@code GF_*_FILE} variables, read from their files. */
  static Map<String, String> read(Map<String, String> env) {
    Map<String, String> out = new HashMap<>();
    env.forEach(
        (name, file) -> {
          if (name.startsWith("GF_") && name.endsWith(SUFFIX) && name.length() > 3 + 5) {
            String value = content(file);
            if (value != null) {
              out.put(property(name.substring(0, name.length() - SUFFIX.length())), value);
            }
          }
        });
    return out;
  }

  /** {@code GF_REDIS_URI} is {@code gf.redis-uri}. */
  static String property(String variable) {
    return "gf." + variable.substring(3).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The file's content; a missing file is an unset setting (a Secret without that key). */
  private static String content(String file) {
    if (!Files.exists(Path.of(file))) {
      return null;
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret file " + file, e);
    }
  }

  /** The secret variables found in the environment itself, which should have been files. */
  static List<String> plainSecrets(Map<String, String> env) {
    return SECRETS.stream().filter(env::containsKey).toList();
  }

  /** Logs a warning for each secret passed as a plain environment variable. */
  public static void warnAboutPlainSecrets() {
    for (String name : plainSecrets(System.getenv())) {
      LOG.warnf(
          "%s is in the runtime's environment, where functions can read it from /proc;"
              + " pass %s%s (a file) instead",
          name, name, SUFFIX);
    }
  }

  @Override
  public Set<String> getPropertyNames() {
    return properties.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return properties.get(propertyName);
  }

  @Override
  public String getName() {
    return "GF_*_FILE secret files";
  }

  @Override
  public int getOrdinal() {
    return 310; // above environment variables (300): a file wins over the plain variable
  }
}
