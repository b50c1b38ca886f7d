package io.globalfunc.core.catalog;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The catalog's connections: MongoDB (configured, or the embedded catalog) as the durable store
 * and, when configured, Redis as the read cache. Every MongoDB call goes through {@link #mongo},
 * which turns a driver failure into one redacted {@code MONGO_UNAVAILABLE}.
 */
final class CatalogBackend implements AutoCloseable {

  static final Duration CACHE_TTL = Duration.ofMinutes(10);

  final CatalogConfig config;
  final MongoCatalogStore store;

  /** Null when no Redis is configured. */
  final RedisCache cache;

  private final EmbeddedMongo embedded;
  private final MongoClient client;

  private CatalogBackend(
      CatalogConfig config, EmbeddedMongo embedded, MongoClient client, RedisCache cache) {
    this.config = config;
    this.embedded = embedded;
    this.client = client;
    this.store = new MongoCatalogStore(client, config.space());
    this.cache = cache;
  }

  /**
   * Connects to the configured MongoDB (or starts the embedded catalog) and, when configured, to
   * Redis. MongoDB must answer; Redis may be down (reads then go to MongoDB).
   */
  static CatalogBackend connect(CatalogConfig config) {
    EmbeddedMongo embedded =
        config.isEmbedded() ? EmbeddedMongo.start(config.embeddedFile()) : null;
    String uri = embedded != null ? embedded.uri() : config.mongoUri();
    MongoClient client;
    try {
      client = MongoClients.create(settings(uri, config.timeout()));
    } catch (IllegalArgumentException e) {
      closeQuietly(embedded);
      throw new CatalogException(
          CatalogException.Reason.INVALID,
          "not a valid MongoDB URI: " + CatalogConfig.redact(uri),
          null);
    }
    try {
      new MongoCatalogStore(client, config.space()).ping();
      RedisCache cache =
          config.redisUri() == null
              ? null
              : new RedisCache(
                  config.redisUri(),
                  Duration.ofMillis(Math.min(1000, config.timeout().toMillis())),
                  CACHE_TTL);
      return new CatalogBackend(config, embedded, client, cache);
    } catch (MongoException e) {
      client.close();
      closeQuietly(embedded);
      throw unavailable(config, e);
    }
  }

  /** The URI's settings, with the configured timeout where the URI sets none. */
  private static MongoClientSettings settings(String uri, Duration timeout) {
    ConnectionString cs = new ConnectionString(uri);
    long millis = timeout.toMillis();
    MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(cs);
    if (cs.getServerSelectionTimeout() == null) {
      settings.applyToClusterSettings(b -> b.serverSelectionTimeout(millis, TimeUnit.MILLISECONDS));
    }
    if (cs.getConnectTimeout() == null) {
      settings.applyToSocketSettings(b -> b.connectTimeout((int) millis, TimeUnit.MILLISECONDS));
    }
    return settings.build();
  }

  String space() {
    return config.space();
  }

  /** Runs MongoDB work; a driver failure becomes {@code MONGO_UNAVAILABLE}. */
  <T> T mongo(Supplier<T> work) {
    try {
      return work.get();
    } catch (MongoException e) {
      throw unavailable(config, e);
    }
  }

  private static CatalogException unavailable(CatalogConfig config, MongoException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (why.length() > 160) {
      why = why.substring(0, 157) + "...";
    }
    return new CatalogException(
        CatalogException.Reason.MONGO_UNAVAILABLE,
        "MongoDB at " + config.describeLocation() + " is unavailable: " + CatalogConfig.redact(why),
        null);
  }

  /** The short form of a commit id in messages. */
  static String abbrev(String commit) {
    return commit == null ? "?" : commit.substring(0, Math.min(7, commit.length()));
  }

  static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort while failing for another reason
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(cache);
    client.close();
    closeQuietly(embedded);
  }
}
