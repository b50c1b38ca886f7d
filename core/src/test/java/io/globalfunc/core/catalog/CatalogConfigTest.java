package io.globalfunc.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: the file in GF_HOME, the environment over it, defaults, redaction. */
class CatalogConfigTest {

  @TempDir Path home;

  @Test
  void defaultsToTheEmbeddedCatalogInTheSeedsSpace() {
    CatalogConfig c = CatalogConfig.load(Map.of("GF_HOME", home.toString()));
    assertThat(c.isEmbedded()).isTrue();
    assertThat(c.redisUri()).isNull();
    assertThat(c.space()).isEqualTo("sp_GlobalFunc");
    assertThat(c.embeddedFile()).isEqualTo(home.resolve("catalog.mv.db"));
  }

  @Test
  void withoutGfHomeTheHomeIsTheCallersHomeNotTheJvmsUserHome() {
    CatalogConfig c = CatalogConfig.load(Map.of("HOME", home.toString()));
    assertThat(c.home()).isEqualTo(home.resolve(".globalfunc"));
    CatalogConfig blank = CatalogConfig.load(Map.of("HOME", " "));
    assertThat(blank.home()).isEqualTo(Path.of(System.getProperty("user.home"), ".globalfunc"));
    CatalogConfig own =
        CatalogConfig.load(
            Map.of("HOME", home.toString(), "GF_HOME", home.resolve("gf").toString()));
    assertThat(own.home()).isEqualTo(home.resolve("gf"));
  }

  @Test
  void readsTheFileAndTheEnvironmentWins() throws Exception {
    Files.writeString(
        home.resolve("config.properties"),
        "mongo.uri=mongodb://gf:filesecret@db:27017/\nredis.uri=redis://cache:6379\nspace=sp_File\n");
    CatalogConfig fromFile = CatalogConfig.load(Map.of("GF_HOME", home.toString()));
    assertThat(fromFile.mongoUri()).isEqualTo("mongodb://gf:filesecret@db:27017/");
    assertThat(fromFile.redisUri()).isEqualTo("redis://cache:6379");
    assertThat(fromFile.space()).isEqualTo("sp_File");
    assertThat(fromFile.toString()).doesNotContain("filesecret").contains("mongodb://***@db");
    assertThat(fromFile.describeLocation()).isEqualTo("mongodb://***@db:27017/");

    CatalogConfig env =
        CatalogConfig.load(
            Map.of(
                "GF_HOME", home.toString(),
                "GF_SPACE", "sp_Env",
                "GF_REDIS_URI", "redis://:pw@other:6380"));
    assertThat(env.space()).isEqualTo("sp_Env");
    assertThat(env.redisUri()).isEqualTo("redis://:pw@other:6380");
    assertThat(env.mongoUri()).isEqualTo("mongodb://gf:filesecret@db:27017/");
    assertThat(env.toString()).doesNotContain(":pw@");
  }

  @Test
  void rejectsBadValuesWithoutShowingSecrets() {
    assertThatThrownBy(
            () ->
                CatalogConfig.load(
                    Map.of("GF_HOME", home.toString(), "GF_MONGO_URI", "http://u:pw@x")))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("mongodb://")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(
            () -> CatalogConfig.load(Map.of("GF_HOME", home.toString(), "GF_SPACE", "bad.space")))
        .hasMessageContaining("space");
  }
}
