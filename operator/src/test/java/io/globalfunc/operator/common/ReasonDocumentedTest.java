package io.globalfunc.operator.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.operator.support.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every reason a user can meet in a condition or an Event is explained in docs/operator.md. */
class ReasonDocumentedTest {

  @Test
  void everyReasonIsDocumented() throws IOException {
    String docs = Files.readString(RepoFiles.resolve("docs/operator.md"));
    assertThat(Arrays.stream(Reason.values()))
        .allSatisfy(
            r ->
                assertThat(documented(r.label()).matcher(docs).find())
                    .as("docs/operator.md names %s in a table cell or as `code`", r.label())
                    .isTrue());
  }

  /**
   * A reason as the docs name one: a table cell or `code`, never a word of prose ("Saved",
   * "Resolved" and "Replacing" are common words).
   */
  private static Pattern documented(String label) {
    String alternatives = "(?:[A-Za-z]+\\s*/\\s*)*" + label + "(?:\\s*/\\s*[A-Za-z]+)*";
    return Pattern.compile("`" + label + "`|\\|\\s*" + alternatives + "\\s*\\|");
  }

  @Test
  void aReasonMentionedOnlyInProseDoesNotCount() {
    assertThat(documented("Saved").matcher("the catalog was Saved at last").find()).isFalse();
    assertThat(documented("Saved").matcher("| Ready | True | Saved | ok |").find()).isTrue();
    assertThat(documented("Saved").matcher("an Event `Saved` says").find()).isTrue();
    assertThat(documented("Saved").matcher("| x | Saved / CatalogDisabled | y |").find()).isTrue();
    assertThat(documented("Saved").matcher("| the catalog was Saved |").find()).isFalse();
  }

  @Test
  void reasonsAreCamelCaseAndDistinct() {
    assertThat(Arrays.stream(Reason.values()).map(Reason::label))
        .allMatch(l -> l.matches("[A-Z][A-Za-z]+"))
        .doesNotHaveDuplicates();
  }
}
