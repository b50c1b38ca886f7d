package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.globalfunc.operator.support.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator image as docs/operator.md builds it ({@code docker build -f operator/Dockerfile
 * operator} after {@code package}): everything it copies exists, its entry point runs what it
 * copied, and its user is the one the chart runs it as.
 */
class OperatorImageIT {

  static final Path DOCKERFILE = RepoFiles.resolve("operator/Dockerfile");

  @Test
  void theDockerfileCopiesWhatPackageBuiltAndRunsAsTheChartsUser() throws Exception {
    List<String> lines = Files.readAllLines(DOCKERFILE);
    Path context = DOCKERFILE.getParent();
    Matcher copy = null;
    for (String l : lines) {
      Matcher m = Pattern.compile("^COPY (?:--\\S+ )*(\\S+) (\\S+)$").matcher(l.strip());
      if (m.matches()) {
        copy = m;
        assertThat(context.resolve(m.group(1))).as("COPY source of: " + l).exists();
      }
    }
    assertThat(copy).as("the Dockerfile copies the application").isNotNull();
    assertThat(context.resolve(copy.group(1)).resolve("quarkus-run.jar")).isRegularFile();
    String entry = lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
    assertThat(entry).contains(copy.group(2) + "quarkus-run.jar");

    String user =
        lines.stream().filter(l -> l.startsWith("USER ")).findFirst().orElseThrow().substring(5);
    Deployment d = ChartIT.only(ChartIT.template("--namespace", "gf-system"), Deployment.class);
    Long runAsUser = d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser();
    if (runAsUser == null) {
      runAsUser =
          d.getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .getSecurityContext()
              .getRunAsUser();
    }
    assertThat(user.split(":")[0].strip()).isEqualTo(String.valueOf(runAsUser));
  }
}
