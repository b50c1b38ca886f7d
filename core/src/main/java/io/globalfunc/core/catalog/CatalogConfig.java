package io.globalfunc.core.catalog;

import io.globalfunc.core.naming.FunctionName;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Where the catalog lives: a MongoDB URI (or {@code null} for the embedded catalog under {@link
 * #home()}), an optional Redis URI for the cache, and the space (tier 1).
 *
 * <p>{@link #load()} reads, lowest precedence first: the file {@code $GF_HOME/config.properties}
 * (default home {@code ~/.globalfunc}) with keys {@code mongo.uri}, {@code redis.uri}, {@code
 * space}; then the environment variables {@code GF_MONGO_URI}, {@code GF_REDIS_URI}, {@code
 * GF_SPACE}. {@link #toString()} never shows passwords.
 *
 * @param mongoUri a {@code mongodb://} or {@code mongodb+srv://} URI, or {@code null} for embedded
 * @param redisUri a {@code redis://} URI, or {@code null} for no cache
 * @param space tier 1, e.g. {@code sp_GlobalFunc}
 * @param home folder for the embedded catalog and the local search index
 * @param timeout how long to wait for a server before giving up
 */
public record CatalogConfig(
    String mongoUri, String redisUri, String space, Path home, Duration timeout) {

  /** Name of the optional configuration file inside {@link #home()}. */
  public static final String CONFIG_FILE = "config.properties";

  public CatalogConfig {
    mongoUri = blankToNull(mongoUri);
    redisUri = blankToNull(redisUri);
    space = space == null || space.isBlank() ? FunctionName.DEFAULT_SPACE : space.trim();
    if (home == null) {
      home = defaultHome(System.getenv());
    }
    if (timeout == null) {
      timeout = Duration.ofSeconds(5);
    }
    // Validates the space with the naming owner's rules.
    FunctionName.of(space, "p", "b", "f");
    if (mongoUri != null
        && !mongoUri.startsWith("mongodb://")
        && !mongoUri.startsWith("mongodb+srv://")) {
      throw new CatalogException(
          CatalogException.Reason.INVALID,
          "GF_MONGO_URI must start with mongodb:// or mongodb+srv://: " + redact(mongoUri));
    }
    if (redisUri != null && !redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
      throw new CatalogException(
          CatalogException.Reason.INVALID,
          "GF_REDIS_URI must start with redis:// or rediss://: " + redact(redisUri));
    }
  }

  /** An embedded catalog in {@code home} for {@code space}, no Redis. */
  public static CatalogConfig embedded(Path home, String space) {
    return new CatalogConfig(null, null, space, home, null);
  }

  /** The configuration from the user's config file and the environment. */
  public static CatalogConfig load() {
    return load(System.getenv());
  }

  /** As {@link #load()}, with an explicit environment (for tests). */
  public static CatalogConfig load(Map<String, String> env) {
    Path home = defaultHome(env);
    Properties file = new Properties();
    Path config = home.resolve(CONFIG_FILE);
    if (Files.isRegularFile(config)) {
      try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
        file.load(r);
      } catch (IOException e) {
        throw new CatalogException(
            CatalogException.Reason.INVALID, "cannot read " + config + ": " + e.getMessage(), e);
      }
    }
    return new CatalogConfig(
        pick(env, "GF_MONGO_URI", file, "mongo.uri"),
        pick(env, "GF_REDIS_URI", file, "redis.uri"),
        pick(env, "GF_SPACE", file, "space"),
        home,
        null);
  }

  /** The same configuration in another space. */
  public CatalogConfig withSpace(String other) {
    return new CatalogConfig(mongoUri, redisUri, other, home, timeout);
  }

  /** True when no MongoDB is configured and the embedded catalog is used. */
  public boolean isEmbedded() {
    return mongoUri == null;
  }

  /** The embedded catalog's file. */
  public Path embeddedFile() {
    return home.resolve("catalog.mv.db");
  }

  /** Where the catalog is, for people (passwords removed). */
  public String describeLocation() {
    return isEmbedded() ? "embedded catalog " + embeddedFile() : redact(mongoUri);
  }

  @Override
  public String toString() {
    return "CatalogConfig[mongo="
        + (isEmbedded() ? "embedded" : redact(mongoUri))
        + ", redis="
        + (redisUri == null ? "none" : redact(redisUri))
        + ", space="
        + space
        + ", home="
        + home
        + "]";
  }

  /** A URI with its user-info replaced by {@code ***}, safe for logs and messages. */
  public static String redact(String uri) {
    if (uri == null) {
      return null;
    }
    return uri.replaceAll("(?<=://)[^/@]*@", "***@");
  }

  private static Path defaultHome(Map<String, String> env) {
    String gfHome = blankToNull(env.get("GF_HOME"));
    if (gfHome != null) {
      return Path.of(gfHome);
    }
    return userHome(env).resolve(".globalfunc");
  }

  /**
   * The caller's home folder: {@code HOME} as a shell's {@code ~} means it (Java's {@code
   * user.home} ignores it), else {@code user.home}. A gf daemon serves callers whose HOME differs
   * from its own, and tests and CI set HOME to isolate a run.
   */
  public static Path userHome(Map<String, String> env) {
    String home = blankToNull(env.get("HOME"));
    return Path.of(home != null ? home : System.getProperty("user.home"));
  }

  private static String pick(Map<String, String> env, String var, Properties file, String key) {
    String v = blankToNull(env.get(var));
    return v != null ? v : blankToNull(file.getProperty(key));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
