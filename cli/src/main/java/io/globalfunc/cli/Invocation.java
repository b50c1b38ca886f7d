package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * One run of gf as its caller sees it: their working folder, environment and output, and where
 * catalogs come from. A gf daemon serves many callers from one JVM, which cannot change its working
 * folder or environment, so commands read these from here and never from the process.
 *
 * @param cwd the caller's working folder, absolute
 * @param env the caller's environment
 * @param catalogs opens (or lends) the catalog a configuration names
 * @param cancel what runs when the caller gives up (Ctrl-C in a daemon's client)
 */
record Invocation(
    Path cwd,
    Map<String, String> env,
    PrintWriter out,
    PrintWriter err,
    CatalogSource catalogs,
    Cancel cancel) {

  /** Opens the catalog of a configuration; {@code close()} on the result gives it back. */
  interface CatalogSource {
    Catalog open(CatalogConfig config);
  }

  /** This process as the caller: its folder and environment, a new catalog per command. */
  static Invocation ofProcess(PrintWriter out, PrintWriter err) {
    return new Invocation(
        Path.of("").toAbsolutePath(),
        System.getenv(),
        out,
        err,
        DaemonClient::connect,
        new Cancel());
  }

  /** The caller's value of an environment variable, or null. */
  String env(String key) {
    return env.get(key);
  }

  /**
   * The caller's catalog configuration; a relative {@code GF_HOME} is theirs, from their folder.
   */
  CatalogConfig catalogConfig() {
    CatalogConfig c = CatalogConfig.load(env);
    Path home = cwd.resolve(c.home()).normalize();
    return new CatalogConfig(c.mongoUri(), c.redisUri(), c.space(), home, c.timeout());
  }
}
