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
                assertThat(Pattern.compile("\\b" + r.label() + "\\b").matcher(docs).find())
                    .as("docs/operator.md mentions %s", r.label())
                    .isTrue());
  }

  @Test
  void reasonsAreCamelCaseAndDistinct() {
    assertThat(Arrays.stream(Reason.values()).map(Reason::label))
        .allMatch(l -> l.matches("[A-Z][A-Za-z]+"))
        .doesNotHaveDuplicates();
  }
}
