package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.library.FunctionRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerProtocolTest {

  private static JsonItem item(String json) throws IOException {
    return JsonItem.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aChunkFrameCarriesItsItemsAsWrittenAfterTheCallId() throws IOException {
    ChunkRequest chunk =
        new ChunkRequest(
            new FunctionRef("中文包", "时间戳"),
            List.of(item("{ \"s\" : \"\\ud800\" }"), item("[1,2]"), item("{}")),
            null,
            true);
    byte[] frame = WorkerProtocol.encode(42, chunk);
    int length = ByteBuffer.wrap(frame).getInt();
    assertThat(length).isEqualTo(frame.length - 4);
    String body = new String(frame, 4, length, StandardCharsets.UTF_8);
    assertThat(body)
        .isEqualTo(
            "{\"id\":42,\"p\":\"中文包\",\"f\":\"时间戳\",\"c\":[{ \"s\" : \"\\ud800\" },[1,2],{}]}");
    JsonNode parsed = new ObjectMapper().readTree(body);
    assertThat(parsed.path("c")).hasSize(3);
  }

  @Test
  void aChunkOfOneItemIsWellFormedToo() throws IOException {
    byte[] frame =
        WorkerProtocol.encode(
            7, new ChunkRequest(new FunctionRef("B", "g"), List.of(item("{}")), null, false));
    String body = new String(Arrays.copyOfRange(frame, 4, frame.length), StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"id\":7,\"p\":\"B\",\"f\":\"g\",\"c\":[{}]}");
  }

  @Test
  void aChunkTakesNoScalarsAndIsNeverEmpty() throws IOException {
    FunctionRef f = new FunctionRef("B", "g");
    JsonItem scalar = item("1");
    assertThatThrownBy(() -> new ChunkRequest(f, List.of(scalar), null, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkRequest(f, List.of(), null, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theBusyFlagRidesOnTheLengthAndLeavesTheLengthIntact() throws IOException {
    byte[] frame =
        WorkerProtocol.encode(
            9, new ChunkRequest(new FunctionRef("B", "g"), List.of(item("{}")), null, false));
    int length = ByteBuffer.wrap(frame).getInt();
    WorkerProtocol.markBusy(frame, true);
    assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(length | 0x8000_0000);
    WorkerProtocol.markBusy(frame, true); // a frame written again keeps one flag
    assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(length | 0x8000_0000);
    WorkerProtocol.markBusy(frame, false);
    assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(length);
  }
}
