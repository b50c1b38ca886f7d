package io.globalfunc.core.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Python scripts that ship inside core, unpacked so that {@code python3} can run them from a
 * jar: into a folder of the temporary directory named by the scripts' content and shared by every
 * JVM of this user, so a JVM killed with SIGKILL (which never runs its exit hooks) leaves nothing
 * behind; a private temporary folder when that name is taken by anything but this user's own {@code
 * rwx------} folder.
 */
public enum PythonScripts {
  WORKER("/io/globalfunc/core/worker/gf_worker.py"),
  INTROSPECT(
      "/io/globalfunc/core/introspect/gf_introspect.py",
      "/io/globalfunc/core/introspect/gf_schema.py");

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private final String resource;
  private final String[] modules;

  /** The folder unpacked into, once unpacked. */
  private Path dir;

  /** The script and its modules by file name, as shipped, once read. */
  private Map<String, byte[]> shipped;

  /** A script and the modules it imports from its own folder. */
  PythonScripts(String resource, String... modules) {
    this.resource = resource;
    this.modules = modules;
  }

  /**
   * The script on disk, unpacked on first use and checked on every use (each Python process start):
   * a file changed since, by a function patching it or by another JVM of an older build, is written
   * again before Python reads it.
   */
  public synchronized Path path() {
    try {
      Map<String, byte[]> files = files();
      if (dir == null) {
        dir = folder(Path.of(System.getProperty("java.io.tmpdir")), files);
      }
      return unpack(dir, files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + resource, e);
    }
  }

  /** Unpacks into a folder of {@code base} (the shared one, else a private one); the script. */
  synchronized Path unpackInto(Path base) throws IOException {
    Map<String, byte[]> files = files();
    return unpack(folder(base, files), files);
  }

  private Path unpack(Path into, Map<String, byte[]> files) throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      write(into, f.getKey(), f.getValue());
    }
    return into.resolve(fileName(resource));
  }

  private Path folder(Path base, Map<String, byte[]> files) throws IOException {
    Path shared = shared(base, name().toLowerCase(Locale.ROOT) + "-" + digest(files));
    if (shared != null) {
      return shared;
    }
    Path own = Files.createTempDirectory(base, "gf-python-", ownerOnly());
    own.toFile().deleteOnExit();
    for (String name : files.keySet()) {
      own.resolve(name).toFile().deleteOnExit(); // registered later, so deleted first
    }
    return own;
  }

  /**
   * {@code base/gf-python-<name>}, made now or made before by this user with nobody else allowed
   * in; null when the name is anything else (another user's folder, a link, wider permissions).
   */
  private static Path shared(Path base, String name) throws IOException {
    Path dir = base.resolve("gf-python-" + name);
    try {
      Files.createDirectory(dir, ownerOnly());
      return dir;
    } catch (FileAlreadyExistsException e) {
      return ours(dir) ? dir : null;
    } catch (UnsupportedOperationException e) {
      return null; // no POSIX permissions here
    }
  }

  private static boolean ours(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Path probe = Files.createTempFile(dir.getParent(), "gf-python-owner-", ".tmp");
    try {
      return Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(probe))
          && Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /**
   * Writes a file whole and renames it into place, so another JVM starting Python at the same
   * moment reads either the old copy or this one, never half of one.
   */
  private static void write(Path dir, String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        && MessageDigest.isEqual(Files.readAllBytes(file), bytes)) {
      return;
    }
    Path tmp = Files.createTempFile(dir, name, ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private Map<String, byte[]> files() throws IOException {
    if (shipped == null) {
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (String module : modules) {
        files.put(fileName(module), read(module));
      }
      files.put(fileName(resource), read(resource));
      shipped = files;
    }
    return shipped;
  }

  private static byte[] read(String resource) throws IOException {
    try (InputStream in = PythonScripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    }
  }

  private static String fileName(String resource) {
    return resource.substring(resource.lastIndexOf('/') + 1);
  }

  private static String digest(Map<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      files.forEach(
          (name, bytes) -> {
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(bytes);
          });
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
  }
}
