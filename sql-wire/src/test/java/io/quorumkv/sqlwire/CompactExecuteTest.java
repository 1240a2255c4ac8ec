package io.quorumkv.sqlwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.calcite.avatica.ColumnMetaData.Rep;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.Test;

/**
 * The compact encoding decodes to what Avatica's protobuf translation yields for the same request
 * or answer, falls back (returns null) for what it does not carry, and rejects malformed input with
 * {@link MalformedMessageException} only.
 */
class CompactExecuteTest {

  private static final ProtobufTranslationImpl PROTOBUF = new ProtobufTranslationImpl();

  private static Service.ExecuteRequest request(List<TypedValue> params) {
    Meta.Signature textOnly =
        new Meta.Signature(
            List.of(), "SELECT v FROM t WHERE id = ?", List.of(), Map.of(), null, null);
    return new Service.ExecuteRequest(
        new Meta.StatementHandle("0f9a-conn", 7, textOnly), params, 100);
  }

  private static Service.ExecuteRequest viaProtobuf(Service.ExecuteRequest r) throws Exception {
    return (Service.ExecuteRequest) PROTOBUF.parseRequest(PROTOBUF.serializeRequest(r));
  }

  private static Service.ExecuteRequest viaCompact(Service.ExecuteRequest r) throws Exception {
    byte[] bytes = CompactExecute.encodeRequest(r);
    assertThat(bytes).as("encodable").isNotNull();
    assertThat(CompactExecute.isCompact(bytes)).isTrue();
    assertThat(CompactExecute.isExecuteRequest(bytes)).isTrue();
    return CompactExecute.decodeExecute(bytes);
  }

  private static void assertSameRequest(Service.ExecuteRequest compact, Service.ExecuteRequest pb) {
    assertThat(compact.maxRowCount).isEqualTo(pb.maxRowCount);
    assertThat(compact.statementHandle.connectionId).isEqualTo(pb.statementHandle.connectionId);
    assertThat(compact.statementHandle.id).isEqualTo(pb.statementHandle.id);
    assertThat(compact.statementHandle.signature.sql).isEqualTo(pb.statementHandle.signature.sql);
    if (pb.parameterValues == null) {
      assertThat(compact.parameterValues).isNull();
      return;
    }
    assertThat(compact.parameterValues).hasSameSizeAs(pb.parameterValues);
    for (int i = 0; i < pb.parameterValues.size(); i++) {
      TypedValue c = compact.parameterValues.get(i);
      TypedValue p = pb.parameterValues.get(i);
      if (p == null) {
        assertThat(c).isNull();
        continue;
      }
      assertThat(c.type).as("type of parameter %d", i).isEqualTo(p.type);
      assertThat(c.value).as("value of parameter %d", i).isEqualTo(p.value);
      if (c.value != null) {
        assertThat(c.value.getClass()).isEqualTo(p.value.getClass());
      }
    }
  }

  @Provide
  Arbitrary<TypedValue> parameters() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(v -> TypedValue.ofLocal(Rep.LONG, v)),
        Arbitraries.longs().map(v -> TypedValue.ofLocal(Rep.PRIMITIVE_LONG, v)),
        Arbitraries.integers().map(v -> TypedValue.ofLocal(Rep.INTEGER, v)),
        Arbitraries.shorts().map(v -> TypedValue.ofLocal(Rep.SHORT, v)),
        Arbitraries.bytes().map(v -> TypedValue.ofLocal(Rep.BYTE, v)),
        Arbitraries.doubles().map(v -> TypedValue.ofLocal(Rep.DOUBLE, v)),
        Arbitraries.floats().map(v -> TypedValue.ofLocal(Rep.FLOAT, v)),
        Arbitraries.of(true, false).map(v -> TypedValue.ofLocal(Rep.BOOLEAN, v)),
        Arbitraries.strings().ofMaxLength(40).map(v -> TypedValue.ofLocal(Rep.STRING, v)),
        Arbitraries.bigDecimals()
            .ofScale(3)
            .between(BigDecimal.valueOf(-1e12), BigDecimal.valueOf(1e12))
            .map(v -> TypedValue.ofLocal(Rep.NUMBER, v)),
        Arbitraries.longs().map(v -> TypedValue.ofSerial(Rep.NUMBER, v)),
        Arbitraries.integers().map(v -> TypedValue.ofSerial(Rep.JAVA_SQL_DATE, v)),
        Arbitraries.integers().map(v -> TypedValue.ofSerial(Rep.JAVA_SQL_TIME, v)),
        Arbitraries.longs().map(v -> TypedValue.ofSerial(Rep.JAVA_SQL_TIMESTAMP, v)),
        Arbitraries.just(TypedValue.EXPLICIT_NULL));
  }

  @Property(tries = 300)
  void requestsDecodeAsProtobufDoes(@ForAll("parameterLists") List<TypedValue> params)
      throws Exception {
    Service.ExecuteRequest r = request(params);
    assertSameRequest(viaCompact(r), viaProtobuf(r));
  }

  @Provide
  Arbitrary<List<TypedValue>> parameterLists() {
    return parameters().injectNull(0.05).list().ofMaxSize(8);
  }

  @Test
  void requestsWithoutParametersOrText() throws Exception {
    Service.ExecuteRequest none = request(null);
    assertSameRequest(viaCompact(none), viaProtobuf(none));
    Service.ExecuteRequest noText =
        new Service.ExecuteRequest(new Meta.StatementHandle("c", 1, null), List.of(), 0);
    Service.ExecuteRequest decoded = viaCompact(noText);
    assertThat(decoded.statementHandle.signature).isNull();
    assertThat(CompactExecute.sqlOf(CompactExecute.encodeRequest(noText))).isNull();
  }

  @Test
  void theClientsColumnsFingerprintTravelsWithTheText() throws Exception {
    int fingerprint =
        CompactExecute.fingerprint(
            List.of(
                org.apache.calcite.avatica.ColumnMetaData.dummy(
                    org.apache.calcite.avatica.ColumnMetaData.scalar(
                        java.sql.Types.VARCHAR, "VARCHAR", Rep.STRING),
                    true)));
    Meta.Signature textOnly =
        new Meta.Signature(
            List.of(),
            "SELECT v FROM t WHERE id = ?",
            List.of(),
            Map.of(CompactExecute.COLUMNS_FINGERPRINT, fingerprint),
            null,
            null);
    Service.ExecuteRequest r =
        new Service.ExecuteRequest(new Meta.StatementHandle("c", 1, textOnly), List.of(), 10);
    Service.ExecuteRequest decoded = viaCompact(r);
    assertThat(fingerprint).isNotZero();
    assertThat(CompactExecute.fingerprintOf(decoded.statementHandle)).isEqualTo(fingerprint);
    assertThat(CompactExecute.fingerprintOf(viaCompact(request(List.of())).statementHandle))
        .as("none sent")
        .isZero();
  }

  @Test
  void bytesParametersKeepTheClientsOwnBase64() throws Exception {
    // Starts with gzip's magic: Avatica's own decoder would gunzip it (ExactBytesTranslation).
    byte[] bytes = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3};
    String base64 = Base64.getEncoder().encodeToString(bytes);
    Service.ExecuteRequest r = request(List.of(TypedValue.ofSerial(Rep.BYTE_STRING, base64)));
    TypedValue v = viaCompact(r).parameterValues.get(0);
    assertThat(v.type).isEqualTo(Rep.BYTE_STRING);
    assertThat(v.value).isEqualTo(base64);
  }

  @Test
  void theStatementTextIsReadableForRetryDecisions() {
    byte[] bytes = CompactExecute.encodeRequest(request(List.of()));
    assertThat(CompactExecute.sqlOf(bytes)).isEqualTo("SELECT v FROM t WHERE id = ?");
    assertThat(CompactExecute.sqlOf(new byte[] {0, 1, 0})).isNull();
    assertThat(CompactExecute.sqlOf(new byte[] {10, 3})).isNull();
  }

  @Test
  void unusualParametersAreLeftToProtobuf() {
    assertThat(
            CompactExecute.encodeRequest(
                request(List.of(TypedValue.ofLocal(Rep.ARRAY, List.of(1, 2))))))
        .isNull();
    assertThat(
            CompactExecute.encodeRequest(request(List.of(TypedValue.ofSerial(Rep.STRING, null)))))
        .as("a null of a typed representation fails in Avatica's own protobuf")
        .isNull();
    assertThat(CompactExecute.encodeRequest(request(List.of(TypedValue.ofSerial(Rep.LONG, 5)))))
        .as("a value of another class than its representation's")
        .isNull();
    assertThat(CompactExecute.encodeRequest(new Service.ExecuteRequest(null, List.of(), 0)))
        .isNull();
  }

  @Property(tries = 100)
  void batchesCarryEachEntrysParametersAsAnExecutionWould(
      @ForAll("batches") List<List<TypedValue>> entries) throws Exception {
    byte[] bytes =
        CompactExecute.encodeRequest(
            (Service.Request) new Service.ExecuteBatchRequest("conn", 4, entries));
    assertThat(bytes).isNotNull();
    assertThat(CompactExecute.isExecuteRequest(bytes)).isFalse();
    Service.ExecuteBatchRequest decoded =
        (Service.ExecuteBatchRequest) CompactExecute.decodeRequest(bytes);
    assertThat(decoded.connectionId).isEqualTo("conn");
    assertThat(decoded.statementId).isEqualTo(4);
    assertThat(decoded.parameterValues).hasSameSizeAs(entries);
    for (int i = 0; i < entries.size(); i++) {
      // Each entry decodes as the same parameters in a single execution would through protobuf.
      assertSameRequest(
          request(decoded.parameterValues.get(i)), viaProtobuf(request(entries.get(i))));
    }
  }

  @Provide
  Arbitrary<List<List<TypedValue>>> batches() {
    return parameters().list().ofMaxSize(5).list().ofMaxSize(6);
  }

  @Test
  void batchAnswersCarryTheirUpdateCounts() throws Exception {
    Service.ExecuteBatchResponse answer =
        new Service.ExecuteBatchResponse(
            "conn", 4, new long[] {1, 0, 1}, false, new Service.RpcMetadataResponse("n1"));
    Service.ExecuteBatchResponse decoded =
        (Service.ExecuteBatchResponse)
            CompactExecute.decodeResponse(CompactExecute.encodeResponse((Service.Response) answer));
    assertThat(decoded.connectionId).isEqualTo("conn");
    assertThat(decoded.statementId).isEqualTo(4);
    assertThat(decoded.updateCounts).containsExactly(1, 0, 1);
    assertThat(decoded.missingStatement).isFalse();
    assertThat(decoded.rpcMetadata.serverAddress).isEqualTo("n1");
    Service.ExecuteBatchResponse missing =
        (Service.ExecuteBatchResponse)
            CompactExecute.decodeResponse(
                CompactExecute.encodeResponse(
                    (Service.Response) new Service.ExecuteBatchResponse("c", 1, null, true, null)));
    assertThat(missing.missingStatement).isTrue();
    assertThat(missing.updateCounts).isNull();
    byte[] bytes = CompactExecute.encodeResponse((Service.Response) answer);
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> CompactExecute.decodeResponse(cut))
          .isInstanceOf(MalformedMessageException.class);
    }
  }

  // ---------------------------------------------------------------------------------- answers

  private static Service.ExecuteResponse response(List<Object> row) {
    Meta.Frame frame = new Meta.Frame(0, true, List.<Object>of(row, row.toArray()));
    Service.RpcMetadataResponse rpc = new Service.RpcMetadataResponse("node-1:7400");
    return new Service.ExecuteResponse(
        List.of(
            new Service.ResultSetResponse("conn", 3, false, null, frame, -1, rpc),
            new Service.ResultSetResponse("conn", 4, true, null, null, 1, rpc)),
        false,
        rpc);
  }

  private static void assertSameResponse(
      Service.ExecuteResponse compact, Service.ExecuteResponse pb) {
    assertThat(compact.missingStatement).isEqualTo(pb.missingStatement);
    assertThat(compact.rpcMetadata.serverAddress).isEqualTo(pb.rpcMetadata.serverAddress);
    assertThat(compact.results).hasSameSizeAs(pb.results);
    for (int i = 0; i < pb.results.size(); i++) {
      Service.ResultSetResponse c = compact.results.get(i);
      Service.ResultSetResponse p = pb.results.get(i);
      assertThat(c.connectionId).isEqualTo(p.connectionId);
      assertThat(c.statementId).isEqualTo(p.statementId);
      assertThat(c.ownStatement).isEqualTo(p.ownStatement);
      assertThat(c.updateCount).isEqualTo(p.updateCount);
      assertThat(c.signature).isEqualTo(p.signature);
      if (p.firstFrame == null) {
        assertThat(c.firstFrame).isNull();
        continue;
      }
      assertThat(c.firstFrame.offset).isEqualTo(p.firstFrame.offset);
      assertThat(c.firstFrame.done).isEqualTo(p.firstFrame.done);
      List<Object> cRows = new ArrayList<>();
      c.firstFrame.rows.forEach(cRows::add);
      List<Object> pRows = new ArrayList<>();
      p.firstFrame.rows.forEach(pRows::add);
      assertThat(cRows).hasSameSizeAs(pRows);
      for (int r = 0; r < pRows.size(); r++) {
        List<?> cRow = (List<?>) cRows.get(r);
        List<?> pRow = (List<?>) pRows.get(r);
        assertThat(cRow).hasSameSizeAs(pRow);
        for (int k = 0; k < pRow.size(); k++) {
          Object cv = cRow.get(k);
          Object pv = pRow.get(k);
          assertThat(Objects.deepEquals(cv, pv))
              .as("cell %d of row %d: %s against %s", k, r, cv, pv)
              .isTrue();
          if (pv != null) {
            assertThat(cv.getClass()).isEqualTo(pv.getClass());
          }
        }
      }
    }
  }

  @Provide
  Arbitrary<Object> cells() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(v -> (Object) v),
        Arbitraries.integers().map(v -> (Object) v),
        Arbitraries.shorts().map(v -> (Object) v),
        Arbitraries.bytes().map(v -> (Object) v),
        Arbitraries.doubles().map(v -> (Object) v),
        Arbitraries.floats().map(v -> (Object) v),
        Arbitraries.of(true, false).map(v -> (Object) v),
        Arbitraries.strings().ofMaxLength(40).map(v -> (Object) v),
        Arbitraries.chars().alpha().map(v -> (Object) v),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(v -> (Object) v),
        Arbitraries.bigDecimals()
            .ofScale(2)
            .between(BigDecimal.valueOf(-1e9), BigDecimal.valueOf(1e9))
            .map(v -> (Object) v));
  }

  @Property(tries = 300)
  void answersDecodeAsProtobufDoes(@ForAll("rows") List<Object> row) throws Exception {
    Service.ExecuteResponse r = response(row);
    byte[] bytes = CompactExecute.encodeResponse(r);
    assertThat(bytes).isNotNull();
    Service.ExecuteResponse pb =
        (Service.ExecuteResponse) PROTOBUF.parseResponse(PROTOBUF.serializeResponse(r));
    assertSameResponse(CompactExecute.decodeExecuteResponse(bytes), pb);
  }

  @Provide
  Arbitrary<List<Object>> rows() {
    return cells().injectNull(0.1).list().ofMaxSize(10);
  }

  @Test
  void answersWithASignatureOrUnusualValuesAreLeftToProtobuf() {
    Meta.Signature signature =
        new Meta.Signature(List.of(), "SELECT 1", List.of(), Map.of(), null, null);
    Service.ExecuteResponse withSignature =
        new Service.ExecuteResponse(
            List.of(new Service.ResultSetResponse("c", 1, false, signature, null, -1, null)),
            false,
            null);
    assertThat(CompactExecute.encodeResponse(withSignature)).isNull();
    assertThat(CompactExecute.encodeResponse(response(List.of(new java.sql.Timestamp(0)))))
        .isNull();
  }

  @Test
  void missingStatementAnswers() throws Exception {
    Service.ExecuteResponse missing = new Service.ExecuteResponse(null, true, null);
    Service.ExecuteResponse decoded =
        CompactExecute.decodeExecuteResponse(CompactExecute.encodeResponse(missing));
    assertThat(decoded.missingStatement).isTrue();
    assertThat(decoded.results).isNull();
  }

  // -------------------------------------------------------------------------------- malformed

  @Test
  void everyTruncationIsRejectedAsMalformed() {
    byte[] request =
        CompactExecute.encodeRequest(
            request(
                List.of(
                    TypedValue.ofLocal(Rep.LONG, 5L),
                    TypedValue.ofLocal(Rep.STRING, "x"),
                    TypedValue.ofLocal(Rep.NUMBER, new BigDecimal("1.50")))));
    byte[] answer = CompactExecute.encodeResponse(response(List.of(1L, "a", new byte[] {1})));
    for (int n = 0; n < request.length; n++) {
      byte[] cut = Arrays.copyOf(request, n);
      assertThatThrownBy(() -> CompactExecute.decodeRequest(cut))
          .isInstanceOf(MalformedMessageException.class);
    }
    for (int n = 0; n < answer.length; n++) {
      byte[] cut = Arrays.copyOf(answer, n);
      assertThatThrownBy(() -> CompactExecute.decodeResponse(cut))
          .isInstanceOf(MalformedMessageException.class);
    }
    byte[] longer = Arrays.copyOf(request, request.length + 1);
    assertThatThrownBy(() -> CompactExecute.decodeRequest(longer))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("unexpected bytes");
  }

  @Property(tries = 1000)
  void garbageIsRejectedAsMalformedOrDecodes(@ForAll("garbage") byte[] bytes) {
    try {
      CompactExecute.decodeRequest(bytes);
    } catch (MalformedMessageException expected) {
      // The only failure allowed.
    }
    try {
      CompactExecute.decodeResponse(bytes);
    } catch (MalformedMessageException expected) {
      // The only failure allowed.
    }
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    Arbitrary<byte[]> tail = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    return Arbitraries.oneOf(tail, tail.map(t -> prefixed(t, 1)), tail.map(t -> prefixed(t, 2)));
  }

  private static byte[] prefixed(byte[] tail, int kind) {
    byte[] out = new byte[tail.length + 2];
    out[0] = CompactExecute.MARKER;
    out[1] = (byte) kind;
    System.arraycopy(tail, 0, out, 2, tail.length);
    return out;
  }
}
