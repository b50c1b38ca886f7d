package io.globalfunc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gf serve DIR}: runs the GlobalFunc runtime serving the library in DIR (building the
 * runtime first when its jar is missing), in the foreground.
 */
@Command(name = "serve", description = "Start the runtime serving the library in DIR on PORT.")
final class ServeCommand extends GfCommand {

  static final String RUNTIME_JAR = "runtime-image/target/quarkus-app/quarkus-run.jar";

  @Parameters(paramLabel = "DIR", description = "The library folder to serve.")
  Path dir;

  @Option(names = "--port", defaultValue = "8000", description = "HTTP port (default 8000).")
  int port;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path library = gf.cwd().resolve(dir).normalize();
    if (!Files.isDirectory(library)) {
      throw new GfException("not a folder: " + library);
    }
    if (port < 1 || port > 65535) {
      throw usage("--port must be 1-65535");
    }
    Path project = projectRoot();
    Path jar = project.resolve(RUNTIME_JAR);
    if (!Files.isRegularFile(jar)) {
      err().println("building the runtime (" + RUNTIME_JAR + " is missing)...");
      Process build =
          new ProcessBuilder(
                  project.resolve("mvnw").toString(),
                  "-q",
                  "-pl",
                  "runtime-image",
                  "-am",
                  "package",
                  "-DskipTests")
              .directory(project.toFile())
              .inheritIO()
              .start();
      if (build.waitFor() != 0 || !Files.isRegularFile(jar)) {
        throw new GfException("building the runtime failed; see the Maven output above");
      }
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    jar.toString()))
            .inheritIO();
    pb.environment().put("GF_FUNCTIONS_DIR", library.toString());
    pb.environment()
        .put("GF_RELOAD", "true"); // every answer after a save comes from the saved code
    pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    // A development server runs whatever the folder holds: reachable from this machine only,
    // unless the caller asks for more.
    pb.environment().putIfAbsent("QUARKUS_HTTP_HOST", "127.0.0.1");
    pb.environment().putIfAbsent("TZ", "UTC");
    err()
        .println(
            "serving "
                + library
                + " on http://"
                + pb.environment().get("QUARKUS_HTTP_HOST")
                + ":"
                + port
                + " (Ctrl-C stops)");
    Process runtime = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::destroy));
    return runtime.waitFor() == 0 ? 0 : 1;
  }

  /** The GlobalFunc checkout: GF_PROJECT_ROOT (set by bin/gf), else where gf.jar lives. */
  Path projectRoot() {
    String env = env("GF_PROJECT_ROOT");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    try {
      Path jar =
          Path.of(ServeCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // cli/target/gf.jar (or cli/target/classes) -> the checkout
      Path p = jar.getParent();
      while (p != null && !Files.isRegularFile(p.resolve("mvnw"))) {
        p = p.getParent();
      }
      if (p != null) {
        return p;
      }
    } catch (java.net.URISyntaxException | SecurityException e) {
      // fall through
    }
    throw new GfException("cannot find the GlobalFunc checkout; set GF_PROJECT_ROOT");
  }
}
