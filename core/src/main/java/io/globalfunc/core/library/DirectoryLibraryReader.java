package io.globalfunc.core.library;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Reads a library from a folder on disk, as the seed's {@code scan_directory} walks it. */
public final class DirectoryLibraryReader {

  private final ZoneId zone;

  public DirectoryLibraryReader(ZoneId zone) {
    this.zone = zone;
  }

  public DirectoryLibraryReader() {
    this(ZoneId.systemDefault());
  }

  /** Reads every catalogued file below {@code root}. */
  public Library read(Path root) {
    Path base = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(base)) {
      throw new LibraryException(LibraryException.Reason.NOT_A_LIBRARY, "not a folder: " + base);
    }
    List<LibraryFile> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          base,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!dir.equals(base) && ScanRules.isSkippedFolder(dir.getFileName().toString())) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String rel =
                  base.relativize(file)
                      .toString()
                      .replace(file.getFileSystem().getSeparator(), "/");
              if (attrs.isRegularFile() && ScanRules.isCatalogued(rel)) {
                byte[] bytes = Files.readAllBytes(file);
                files.add(
                    new LibraryFile(
                        rel,
                        bytes,
                        ScanRules.meta(rel, bytes, attrs.lastModifiedTime().toInstant(), zone)));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read library at " + base, e);
    }
    return new Library(base.toString(), null, null, files);
  }
}
