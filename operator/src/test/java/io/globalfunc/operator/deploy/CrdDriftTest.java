package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.operator.OwnCrds;
import io.globalfunc.operator.support.RepoFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD YAML (crds/ and the chart's crds/) must equal what the build generates from the
 * Java classes. To refresh after changing a class: {@code scripts/update-crds.sh}.
 */
class CrdDriftTest {

  @Test
  void committedCrdsEqualTheGeneratedOnes() throws IOException {
    for (String resource : OwnCrds.RESOURCES) {
      String generated = classpath(resource);
      assertThat(generated).contains("openAPIV3Schema");
      String file = Path.of(resource).getFileName().toString();
      for (String dir : new String[] {"crds", "charts/globalfunc-operator/crds"}) {
        Path committed = RepoFiles.resolve(dir).resolve(file);
        assertThat(committed).as("%s is committed", committed).exists();
        assertThat(Files.readString(committed, StandardCharsets.UTF_8))
            .as("%s drifted from the Java classes: run scripts/update-crds.sh", committed)
            .isEqualTo(generated);
      }
    }
  }

  @Test
  void theWorkerCrdCarriesValidationScaleAndPrinterColumns() throws IOException {
    String worker = classpath(OwnCrds.RESOURCES.get(1));
    assertThat(worker)
        .contains("self.from <= self.to")
        .contains("specReplicasPath: \".spec.replicas\"")
        .contains("statusReplicasPath: \".status.replicas\"")
        .contains("labelSelectorPath: \".status.selector\"")
        .contains("minimum: 1024.0")
        .contains("maximum: 65535.0")
        .contains("- \"gfw\"")
        .contains("name: \"Release\"")
        .contains("name: \"Commit\"")
        .contains("name: \"Version\"")
        .contains("name: \"Ready\"")
        .contains("name: \"Age\"");
    String release = classpath(OwnCrds.RESOURCES.get(0));
    assertThat(release).contains("- \"gfr\"").contains("required:").contains("- \"repository\"");
  }

  static String classpath(String resource) throws IOException {
    try (InputStream in = CrdDriftTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as("generated %s on the classpath", resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
