package io.globalfunc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every subcommand answers {@code --help}, and every usage error points at it. */
class GfHelpTest {

  record Run(int exit, String out, String err) {}

  static Run gf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Gf.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  static List<String> subcommands() {
    return Gf.COMMANDS.stream().filter(n -> !n.equals("help")).toList();
  }

  @Test
  void everySubcommandAnswersHelp() {
    assertThat(subcommands()).hasSizeGreaterThanOrEqualTo(12);
    for (String name : subcommands()) {
      for (String flag : List.of("--help", "-h")) {
        Run r = gf(name, flag);
        assertThat(r.exit()).as(name + " " + flag + ": " + r).isZero();
        assertThat(r.out()).as(name).startsWith("Usage: gf " + name).contains("--help");
        assertThat(r.err()).as(name).isEmpty();
      }
    }
  }

  @Test
  void theTopLevelHelpListsEveryCommand() {
    Run r = gf("--help");
    assertThat(r.exit()).isZero();
    for (String name : subcommands()) {
      assertThat(r.out()).contains("  " + name + " ");
    }
    assertThat(gf("help", "list").out()).startsWith("Usage: gf list");
    assertThat(gf("frobnicate").err()).contains("Unmatched argument").contains("gf --help");
  }

  @Test
  void everyUsageErrorPointsAtAHelpThatWorks() {
    for (String name : subcommands()) {
      Run r = gf(name, "--no-such-option");
      assertThat(r.exit()).as(name + ": " + r).isEqualTo(2);
      assertThat(r.err()).contains("Try 'gf " + name + " --help'.");
      assertThat(gf(name, "--help").exit()).isZero();
    }
  }
}
