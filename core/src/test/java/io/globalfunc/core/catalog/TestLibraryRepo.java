package io.globalfunc.core.catalog;

import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.Library;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/** A real Git repository holding a copy of {@code examples/functions}, for catalog tests. */
final class TestLibraryRepo implements AutoCloseable {

  final Path dir;
  final Git git;

  private TestLibraryRepo(Path dir, Git git) {
    this.dir = dir;
    this.git = git;
  }

  static TestLibraryRepo create(Path dir, String branch) {
    try {
      Path examples = examples();
      copy(examples, dir);
      Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch(branch).call();
      TestLibraryRepo repo = new TestLibraryRepo(dir, git);
      repo.commitAll("examples");
      return repo;
    } catch (GitAPIException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path examples() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/functions"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("examples/functions not found above the working folder");
    }
    return p.resolve("examples/functions");
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path src : (Iterable<Path>) walk::iterator) {
        Path dst = to.resolve(from.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(src, dst);
        }
      }
    }
  }

  String commitAll(String message) {
    try {
      git.add().addFilepattern(".").call();
      git.add().addFilepattern(".").setUpdate(true).call();
      return git.commit()
          .setMessage(message)
          .setAuthor("Test", "test@example.com")
          .setCommitter("Test", "test@example.com")
          .call()
          .getId()
          .name();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  void write(String path, String text) {
    try {
      Path file = dir.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void write(String path, byte[] bytes) {
    try {
      Path file = dir.resolve(path);
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void delete(String path) {
    try {
      Files.delete(dir.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The library at the head of {@code branch}, read from Git objects. */
  Library read(String branch) {
    GitLibraryReader reader = new GitLibraryReader();
    return reader.read(reader.resolveLocal(dir, branch, null), dir.toString());
  }

  /** This repository's claim on a space, as {@code gf save} makes it. */
  RepositoryClaim claim() {
    try {
      return new RepositoryClaim(
          GitLibraryReader.rootCommit(git.getRepository(), "HEAD"), dir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<FunctionRef, FunctionInfo> introspect(Library library) {
    return new PythonIntrospector(System.getProperty("gf.python", "python3")).describe(library);
  }

  @Override
  public void close() {
    git.close();
  }
}
