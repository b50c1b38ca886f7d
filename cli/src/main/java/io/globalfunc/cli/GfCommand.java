package io.globalfunc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogConfig;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every gf command shares: output, {@code --json}, the workspace and the catalog. */
abstract class GfCommand implements Callable<Integer> {

  /** Built on first use: an ObjectMapper costs start-up time most commands never need. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  @ParentCommand Gf gf;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print JSON for programs instead of text for people.")
  boolean json;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help for the command and exit.")
  boolean help;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The caller's value of an environment variable, or null. */
  String env(String key) {
    return gf.invocation.env(key);
  }

  /** The caller's {@code GF_PYTHON}, default {@code python3}. */
  String python() {
    String python = env("GF_PYTHON");
    return python != null ? python : "python3";
  }

  /**
   * A progress bar on stderr: drawn when gf's stdin and stdout are a terminal (a daemon's client
   * says so with {@code GF_PROGRESS=1}) or {@code GF_PROGRESS=1} asks for it.
   */
  ProgressBar progressBar(String label) {
    return new ProgressBar(
        err(), label, System.console() != null || "1".equals(env("GF_PROGRESS")));
  }

  Workspace workspace() {
    return Workspace.find(gf.cwd(), env("GF_LIBRARY"));
  }

  /** The caller's catalog configuration. */
  CatalogConfig catalogConfig() {
    return gf.invocation.catalogConfig();
  }

  /** The catalog of {@code config}; closing it gives it back. */
  Catalog connect(CatalogConfig config) {
    return gf.invocation.catalogs().open(config);
  }

  Catalog connect() {
    return connect(catalogConfig());
  }

  void printJson(Object value) {
    try {
      out().println(Json.MAPPER.writeValueAsString(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new GfException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** A usage error (exit status 2) for this command. */
  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /**
   * A function named {@code Package.function} (also the seed's {@code Package.function.py}) on
   * {@code branch}, or a full three-tier name {@code space.Package_branch.function}.
   */
  static FunctionName functionName(String text, String space, String branch) {
    String t = text.endsWith(".py") ? text.substring(0, text.length() - 3) : text;
    long dots = t.chars().filter(c -> c == '.').count();
    if (dots == 2) {
      try {
        return FunctionName.parse(t);
      } catch (IllegalArgumentException e) {
        throw new GfException("not a function name: " + text + " (" + e.getMessage() + ")");
      }
    }
    FunctionRef ref = FunctionRef.parseOrNull(t);
    if (ref == null) {
      throw new GfException("not a function name: " + text + " (expected Package.function)");
    }
    return ref.at(space, branch);
  }

  /** The branch to use: the option when given, else the current branch of the workspace. */
  String branchOr(String option, String toDo) {
    if (option != null) {
      return option;
    }
    try (Workspace ws = workspace()) {
      return ws.requireBranch(toDo);
    } catch (GfException e) {
      throw new GfException(e.getMessage() + " (or give --branch)");
    }
  }
}
