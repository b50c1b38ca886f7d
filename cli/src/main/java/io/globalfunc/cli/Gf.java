package io.globalfunc.cli;

import io.globalfunc.core.catalog.CatalogConfig;
import io.globalfunc.core.error.GlobalFuncException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gf}: the command line of GlobalFunc for function authors (the seed's GFBase/GFGo). */
@Command(
    name = "gf",
    mixinStandardHelpOptions = true,
    version = "gf 0.1.0",
    description =
        "Save, search, regenerate, commit and call the functions of a GlobalFunc library.",
    footer = {
      "",
      "Configuration: GF_MONGO_URI, GF_REDIS_URI, GF_SPACE, GF_HOME (default ~/.globalfunc),",
      "or $GF_HOME/config.properties (mongo.uri, redis.uri, space). Without a MongoDB URI the",
      "catalog is embedded in $GF_HOME/catalog.mv.db.",
      "Exit status: 0 ok, 1 failure, 2 usage error."
    })
public final class Gf implements Runnable {

  @Option(names = "-C", paramLabel = "DIR", description = "Run as if gf was started in DIR.")
  Path directory;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Who runs this gf: folder, environment, output (set before the command line is parsed). */
  Invocation invocation;

  /** The folder commands work from: {@code -C DIR} against the caller's folder, else theirs. */
  Path cwd() {
    return directory != null ? invocation.cwd().resolve(directory).normalize() : invocation.cwd();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    int code = run(args);
    DaemonStarter.startForNext(args);
    System.exit(code);
  }

  /** Runs gf and returns its exit status (0 ok, 1 failure, 2 usage). */
  public static int run(String... args) {
    quietLogging();
    return run(
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
        args);
  }

  /** The subcommands' names, in the order help lists them. */
  static final List<String> COMMANDS =
      List.of(
          "branch",
          "scan",
          "init",
          "list",
          "save",
          "gen",
          "search",
          "describe",
          "commit",
          "call",
          "serve",
          "map",
          "mcp",
          "daemon",
          "help");

  /**
   * A new subcommand object. Only the one a command line names is built: picocli reads every
   * registered command's annotations by reflection, which would cost each run the start-up of all.
   * A switch, not a map of constructor references: a reference loads its class (and what that
   * class's verification needs: JGit, Jackson, the MCP SDK) when the map is built, at every start.
   */
  static Object command(String name) {
    return switch (name) {
      case "branch" -> new BranchCommand();
      case "scan" -> new ScanCommand();
      case "init" -> new InitCommand();
      case "list" -> new ListCommand();
      case "save" -> new SaveCommand();
      case "gen" -> new GenCommand();
      case "search" -> new SearchCommand();
      case "describe" -> new DescribeCommand();
      case "commit" -> new CommitCommand();
      case "call" -> new CallCommand();
      case "serve" -> new ServeCommand();
      case "map" -> new MapCommand();
      case "mcp" -> new McpCommand();
      case "daemon" -> new DaemonCommand();
      case "help" -> new CommandLine.HelpCommand();
      default -> throw new IllegalArgumentException("no command " + name);
    };
  }

  /**
   * The subcommand {@code args} name: the first word that is not an option nor {@code -C}'s value;
   * empty when there is none.
   */
  static String commandName(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-C")) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i];
      }
    }
    return "";
  }

  /**
   * Whether a gf daemon runs this command line: the quick commands that read nothing but the
   * caller's folder, environment and catalog, and print. Commands that run Python, serve, read
   * stdin or last (save, scan, call --local, map, serve, mcp, ...) start a fresh gf.
   */
  static boolean servedByDaemon(String... args) {
    return switch (commandName(args)) {
      case "", "branch", "list", "search", "describe", "help" -> true;
      case "call" -> Arrays.stream(args).anyMatch(a -> a.equals("--url") || a.startsWith("--url="));
      // A durable batch is mostly waiting on Redis; a warm JVM spares it start-up and the JIT.
      case "map" ->
          Arrays.stream(args).anyMatch(a -> a.equals("--redis") || a.startsWith("--redis="));
      default -> false;
    };
  }

  /** gf with the subcommand {@code args} names, or with all of them (for help and errors). */
  static CommandLine commandLine(Invocation invocation, String... args) {
    Gf gf = new Gf();
    gf.invocation = invocation;
    CommandLine cl = new CommandLine(gf);
    String first = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
    boolean one = COMMANDS.contains(first) && !first.equals("help") && !hasDirOption(args);
    for (String name : COMMANDS) {
      if (!one || name.equals(first)) {
        cl.addSubcommand(name, command(name));
      }
    }
    return cl;
  }

  /** {@code -C DIR}'s value could look like a command name: then build them all. */
  private static boolean hasDirOption(String... args) {
    return Arrays.asList(args).contains("-C");
  }

  /** Runs gf writing to {@code out} and {@code err}; returns its exit status. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(Invocation.ofProcess(out, err), args);
  }

  /** Runs gf for {@code invocation}'s caller; returns its exit status. */
  static int run(Invocation invocation, String... args) {
    PrintWriter out = invocation.out();
    PrintWriter err = invocation.err();
    CommandLine cl = commandLine(invocation, args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, ignored) -> {
          err.println("gf: " + CatalogConfig.redact(ex.getMessage()));
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return CommandLine.ExitCode.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          err.println("gf: " + CatalogConfig.redact(message(ex)));
          if (invocation.env("GF_DEBUG") != null) {
            ex.printStackTrace(err);
          }
          return CommandLine.ExitCode.SOFTWARE;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static String message(Exception ex) {
    // Every GlobalFunc failure is written for people; anything else is a bug.
    if (ex instanceof GlobalFuncException || ex instanceof IllegalArgumentException) {
      return ex.getMessage();
    }
    return "unexpected "
        + ex.getClass().getSimpleName()
        + ": "
        + ex.getMessage()
        + " (GF_DEBUG=1 shows the stack)";
  }

  /** Libraries log through java.util.logging; gf speaks for itself unless GF_DEBUG is set. */
  static void quietLogging() {
    Level level = System.getenv("GF_DEBUG") != null ? Level.INFO : Level.OFF;
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    if (level != Level.OFF) {
      java.util.logging.ConsoleHandler h = new java.util.logging.ConsoleHandler();
      h.setLevel(level);
      root.addHandler(h);
    }
  }
}
