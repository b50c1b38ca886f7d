package io.globalfunc.operator.kube.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the test node runs for an image: mapped repositories, the fallback, unknown commands. */
class ImagesTest {

  private static Container container(String image, String... args) {
    return new ContainerBuilder().withName("c").withImage(image).withArgs(args).build();
  }

  @Test
  void aMappedRepositoryRunsItsOwnEntrypointWithTheContainersArgs() {
    Images images = new Images().jar("reg:5000/gf/runtime", Path.of("/r.jar"));
    assertThat(images.argv(container("reg:5000/gf/runtime:v1", "--x")))
        .contains(List.of(Images.java(), "-jar", "/r.jar", "--x"));
    assertThat(images.argv(container("other/image:v1"))).isEmpty();
  }

  @Test
  void withAFallbackEveryOtherImageRunsAsTheJarButMappedOnesKeepTheirs() {
    Images images =
        new Images()
            .jar("gf/operator", Path.of("/op.jar"))
            .otherwise(Path.of("/runtime.jar"))
            .environment("gf/operator", java.util.Map.of("ONLY", "operator"));
    assertThat(images.argv(container("myregistry.domain.com:24052/worker.andy.globalfunc:v101")))
        .contains(List.of(Images.java(), "-jar", "/runtime.jar"));
    assertThat(images.environment(container("any/thing@sha256:abc")))
        .containsEntry("LANG", "C.UTF-8")
        .doesNotContainKey("ONLY");
    assertThat(images.argv(container("gf/operator:1")))
        .contains(List.of(Images.java(), "-jar", "/op.jar"));
    Container withCommand =
        new ContainerBuilder().withName("c").withImage("x:1").withCommand("/bin/sh").build();
    assertThat(images.argv(withCommand)).isEmpty();
  }
}
