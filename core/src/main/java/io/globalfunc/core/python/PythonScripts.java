package io.globalfunc.core.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The Python scripts that ship inside core, unpacked once per JVM into a private temporary folder
 * so that {@code python3} can run them from a jar.
 */
public enum PythonScripts {
  WORKER("/io/globalfunc/core/worker/gf_worker.py"),
  INTROSPECT(
      "/io/globalfunc/core/introspect/gf_introspect.py",
      "/io/globalfunc/core/introspect/gf_schema.py");

  private final String resource;
  private final String[] modules;
  private volatile Path path;

  /** A script and the modules it imports from its own folder. */
  PythonScripts(String resource, String... modules) {
    this.resource = resource;
    this.modules = modules;
  }

  /** The script on disk, unpacked on first use. */
  public Path path() {
    Path p = path;
    if (p == null) {
      synchronized (this) {
        if (path == null) {
          path = unpack();
        }
        p = path;
      }
    }
    return p;
  }

  private Path unpack() {
    try {
      Path dir =
          Files.createTempDirectory(
              "gf-python-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      dir.toFile().deleteOnExit();
      for (String module : modules) {
        copy(module, dir);
      }
      return copy(resource, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + resource, e);
    }
  }

  private static Path copy(String resource, Path dir) throws IOException {
    try (InputStream in = PythonScripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      file.toFile().deleteOnExit();
      return file;
    }
  }
}
