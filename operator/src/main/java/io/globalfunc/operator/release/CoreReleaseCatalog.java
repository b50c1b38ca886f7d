package io.globalfunc.operator.release;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogConfig;
import io.globalfunc.core.catalog.RepositoryClaim;
import io.globalfunc.core.catalog.SaveReport;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The catalog step over core's {@link Catalog}: one connection per space (tier 1 is the MongoDB
 * database), opened on first use and kept. Without a MongoDB URI the embedded catalog is used, one
 * file per space under {@code gf.catalog.home} — fine for a trial, not durable across operator
 * pods: set {@code GF_MONGO_URI} in production.
 */
@ApplicationScoped
public class CoreReleaseCatalog implements ReleaseCatalog {

  private static final Logger LOG = Logger.getLogger(CoreReleaseCatalog.class);

  private final Optional<String> mongoUri;
  private final Optional<String> redisUri;
  private final Path home;
  private final Duration timeout;
  private final Map<String, Catalog> catalogs = new ConcurrentHashMap<>();

  public CoreReleaseCatalog(
      @ConfigProperty(name = "gf.catalog.mongo-uri") Optional<String> mongoUri,
      @ConfigProperty(name = "gf.catalog.redis-uri") Optional<String> redisUri,
      @ConfigProperty(name = "gf.catalog.home", defaultValue = "/tmp/gf-catalog") Path home,
      @ConfigProperty(name = "gf.catalog.timeout", defaultValue = "5s") Duration timeout) {
    this.mongoUri = mongoUri.filter(s -> !s.isBlank());
    this.redisUri = redisUri.filter(s -> !s.isBlank());
    this.home = home;
    this.timeout = timeout;
  }

  @Override
  public int save(
      String space,
      RepositoryClaim repository,
      Library library,
      Map<FunctionRef, FunctionInfo> infos) {
    SaveReport report = catalog(space).saveRelease(repository, library, infos);
    report.warnings().forEach(w -> LOG.warnf("catalog %s: %s", space, w));
    return report.saved();
  }

  /** The catalog of a space, connected on first use. */
  public Catalog catalog(String space) {
    return catalogs.computeIfAbsent(
        space,
        s ->
            Catalog.connect(
                new CatalogConfig(
                    mongoUri.orElse(null), redisUri.orElse(null), s, home.resolve(s), timeout)));
  }

  @PreDestroy
  void close() {
    catalogs.values().forEach(Catalog::close);
  }
}
