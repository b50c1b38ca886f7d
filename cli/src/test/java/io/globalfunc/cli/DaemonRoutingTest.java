package io.globalfunc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which command lines a gf daemon runs, where it listens, and how long it waits. */
class DaemonRoutingTest {

  @Test
  void theQuickCommandsRunInTheDaemonTheOthersFresh() {
    assertThat(Gf.servedByDaemon("branch")).isTrue();
    assertThat(Gf.servedByDaemon("list", "--json")).isTrue();
    assertThat(Gf.servedByDaemon("-C", "lib", "search", "mean")).isTrue();
    assertThat(Gf.servedByDaemon("describe", "Util.mean", "text")).isTrue();
    assertThat(Gf.servedByDaemon("--version")).isTrue();
    assertThat(Gf.servedByDaemon("call", "Util.mean", "--url", "http://x")).isTrue();
    assertThat(Gf.servedByDaemon("call", "Util.mean", "--url=http://x")).isTrue();
    assertThat(Gf.servedByDaemon("call", "Util.mean", "x=1")).isFalse(); // --local: Python
    assertThat(Gf.servedByDaemon("-C", "list", "save", "--all")).isFalse(); // -C's value
    assertThat(Gf.servedByDaemon("map", "Util.mean", "--input", "i", "--redis", "redis://r"))
        .isTrue(); // a durable batch: waiting on Redis
    assertThat(Gf.servedByDaemon("map", "Util.mean", "--redis=redis://r")).isTrue();
    assertThat(Gf.servedByDaemon("map", "Util.mean", "--url", "http://x")).isFalse();
    for (String fresh : new String[] {"save", "scan", "gen", "init", "commit", "map", "serve"}) {
      assertThat(Gf.servedByDaemon(fresh)).as(fresh).isFalse();
    }
    assertThat(Gf.servedByDaemon("mcp")).isFalse();
    assertThat(Gf.servedByDaemon("daemon", "stop")).isFalse();
  }

  @Test
  void theFolderFollowsTheLaunchersRule() {
    assertThat(DaemonPaths.dir(Map.of("GF_DAEMON_SOCKET", "/r/d/gf-1.sock", "HOME", "/h")))
        .hasToString("/r/d");
    assertThat(DaemonPaths.dir(Map.of("GF_DAEMON_DIR", "/x", "XDG_RUNTIME_DIR", "/run/u")))
        .hasToString("/x");
    assertThat(DaemonPaths.dir(Map.of("XDG_RUNTIME_DIR", "/run/u", "HOME", "/h")))
        .hasToString("/run/u/globalfunc");
    assertThat(DaemonPaths.dir(Map.of("HOME", "/h"))).hasToString("/h/.cache/globalfunc/daemon");
  }

  @Test
  void theIdleTimeoutIsSecondsDefaultTenMinutes() {
    assertThat(GfDaemon.idleTimeout(null)).isEqualTo(Duration.ofMinutes(10));
    assertThat(GfDaemon.idleTimeout(" 3 ")).isEqualTo(Duration.ofSeconds(3));
    assertThat(GfDaemon.idleTimeout("0")).isEqualTo(Duration.ofSeconds(1));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GfDaemon.idleTimeout("10m"))
        .hasMessageContaining("GF_DAEMON_IDLE");
  }
}
