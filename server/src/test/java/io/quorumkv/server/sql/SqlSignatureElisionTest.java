package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.sqlwire.Frames;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.avatica.ColumnMetaData.Rep;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol revision 2: a client that says so gets the results of its prepared statements without
 * the signature it already has; any other client gets every signature, as Avatica sends them. The
 * driver (which says so) still shows the right result metadata.
 */
class SqlSignatureElisionTest {

  private final AtomicLong clients = new AtomicLong();
  private final ProtobufTranslationImpl translation = new ProtobufTranslationImpl();
  private SqlServer server;

  @BeforeEach
  void start() throws Exception {
    SqlEngine engine =
        new SqlEngine(
            new LocalKeyValueStore(),
            clients::incrementAndGet,
            SchemaLease.of(Duration.ofMillis(20)));
    server = SqlServer.start(0, engine);
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE t (k BIGINT PRIMARY KEY, v VARCHAR(10))");
      s.executeUpdate("INSERT INTO t (k, v) VALUES (1, 'one')");
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String url() {
    return "jdbc:quorumkv://127.0.0.1:" + server.address().getPort();
  }

  /** One raw exchange: a request frame out, a response frame back. */
  private Service.Response exchange(DataOutputStream out, DataInputStream in, Service.Request r)
      throws IOException {
    byte[] payload = translation.serializeRequest(r);
    out.writeInt(payload.length + 1);
    out.writeByte(Frames.SERIAL);
    out.write(payload);
    out.flush();
    int length = in.readInt();
    assertThat(in.readByte()).isEqualTo(Frames.SERIAL);
    byte[] response = new byte[length - 1];
    in.readFully(response);
    return translation.parseResponse(response);
  }

  /** The signature of a point read's and of a scan's result, executed as prepared statements. */
  private List<Meta.Signature> resultSignatures(Map<String, String> info) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      String id = UUID.randomUUID().toString();
      exchange(out, in, new Service.OpenConnectionRequest(id, info));
      Meta.Signature[] found = new Meta.Signature[2];
      String[] sql = {"SELECT v FROM t WHERE k = ?", "SELECT k, v FROM t WHERE v = ?"};
      for (int i = 0; i < 2; i++) {
        Service.PrepareResponse prepared =
            (Service.PrepareResponse) exchange(out, in, new Service.PrepareRequest(id, sql[i], -1));
        assertThat(prepared.statement.signature).isNotNull();
        Service.ExecuteResponse executed =
            (Service.ExecuteResponse)
                exchange(
                    out,
                    in,
                    new Service.ExecuteRequest(
                        prepared.statement,
                        List.of(
                            i == 0
                                ? TypedValue.ofLocal(Rep.LONG, 1L)
                                : TypedValue.ofLocal(Rep.STRING, "one")),
                        100));
        Service.ResultSetResponse rs = executed.results.get(0);
        assertThat(rs.firstFrame.rows).hasSize(1);
        found[i] = rs.signature;
      }
      return java.util.Arrays.asList(found);
    }
  }

  @Test
  void revisionTwoClientsGetResultsWithoutTheSignatureTheyHave() throws IOException {
    assertThat(resultSignatures(Map.of(QuorumMeta.PROTOCOL, "2"))).containsOnlyNulls();
  }

  @Test
  void otherClientsGetEverySignature() throws IOException {
    for (Meta.Signature s : resultSignatures(Map.of())) {
      assertThat(s).isNotNull();
      assertThat(s.columns).isNotEmpty();
    }
    for (Meta.Signature s : resultSignatures(Map.of(QuorumMeta.PROTOCOL, "1"))) {
      assertThat(s).isNotNull();
    }
  }

  @Test
  void theDriverShowsThePreparedMetadataForResultsWithoutSignature() throws Exception {
    try (Connection c = DriverManager.getConnection(url());
        PreparedStatement p = c.prepareStatement("SELECT v, k FROM t WHERE k = ?")) {
      for (int round = 0; round < 3; round++) {
        p.setLong(1, 1);
        try (ResultSet rs = p.executeQuery()) {
          assertThat(rs.getMetaData().getColumnCount()).isEqualTo(2);
          assertThat(rs.getMetaData().getColumnLabel(1)).isEqualToIgnoringCase("v");
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("one");
          assertThat(rs.getLong(2)).isEqualTo(1);
          assertThat(rs.next()).isFalse();
        }
      }
    }
  }
}
