package io.quorumkv.jdbc.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.Test;

class RequestSafetyTest {

  private final ProtobufTranslationImpl translation = new ProtobufTranslationImpl();

  private boolean safe(Service.Request r) throws IOException {
    return RequestSafety.retrySafe(translation.serializeRequest(r));
  }

  private static Meta.StatementHandle handle(String sql) {
    Meta.Signature sig =
        sql == null
            ? null
            : Meta.Signature.create(
                List.<ColumnMetaData>of(),
                sql,
                List.of(),
                Meta.CursorFactory.ARRAY,
                Meta.StatementType.SELECT);
    return new Meta.StatementHandle("c", 1, sig);
  }

  @Test
  void readsAndBookkeepingMayBeResentWritesMayNot() throws IOException {
    assertThat(safe(new Service.PrepareAndExecuteRequest("c", 1, "SELECT 1", -1))).isTrue();
    assertThat(safe(new Service.PrepareAndExecuteRequest("c", 1, " -- x\n show tables", -1)))
        .isTrue();
    assertThat(safe(new Service.PrepareAndExecuteRequest("c", 1, "UPDATE t SET a = 1", -1)))
        .isFalse();
    assertThat(safe(new Service.ExecuteRequest(handle("SELECT * FROM t"), List.of(), 100)))
        .isTrue();
    assertThat(safe(new Service.ExecuteRequest(handle("INSERT INTO t VALUES (1)"), List.of(), 100)))
        .isFalse();
    assertThat(safe(new Service.ExecuteRequest(handle(null), List.of(), 100))).isFalse();
    assertThat(safe(new Service.ExecuteBatchRequest("c", 1, List.of()))).isFalse();
    assertThat(safe(new Service.PrepareRequest("c", "UPDATE t SET a = 1", -1))).isTrue();
    assertThat(safe(new Service.FetchRequest("c", 1, 0, 100))).isTrue();
    assertThat(safe(new Service.OpenConnectionRequest("c", java.util.Map.of()))).isTrue();
    assertThat(RequestSafety.retrySafe(new byte[] {1, 2, 3})).isFalse();
  }

  @Test
  void compactExecutionsAreJudgedByTheirTextToo() throws IOException {
    QuorumTranslation compact = new QuorumTranslation();
    byte[] read =
        compact.serializeRequest(
            new Service.ExecuteRequest(handle("SELECT * FROM t"), List.of(), 100));
    byte[] write =
        compact.serializeRequest(
            new Service.ExecuteRequest(handle("UPDATE t SET a = 1 IF a = 0"), List.of(), 100));
    byte[] noText =
        compact.serializeRequest(new Service.ExecuteRequest(handle(null), List.of(), 100));
    assertThat(read[0]).as("compact, not protobuf").isZero();
    assertThat(RequestSafety.retrySafe(read)).isTrue();
    assertThat(RequestSafety.retrySafe(write)).isFalse();
    assertThat(RequestSafety.retrySafe(noText)).isFalse();
    assertThat(RequestSafety.retrySafe(new byte[] {0, 2, 0})).isFalse();
  }

  @Test
  void firstKeywordSkipsCommentsAndParentheses() {
    assertThat(RequestSafety.firstKeyword("/* a */ (select 1)")).isEqualTo("SELECT");
    assertThat(RequestSafety.firstKeyword("-- only a comment")).isEmpty();
    assertThat(RequestSafety.firstKeyword(null)).isEmpty();
  }
}
