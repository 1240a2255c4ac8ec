package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VARBINARY values round-trip exactly through the JDBC driver, also those starting with the gzip
 * magic (0x1f 0x8b): Avatica's base64 decoder gunzips such values (or logs a stack trace when they
 * are not valid gzip), so neither side may decode bytes with it. Parameters of single executions,
 * of batches and result rows are each checked.
 */
class SqlBytesRoundTripTest {

  private final AtomicLong clients = new AtomicLong();
  private SqlServer server;
  private Connection conn;

  @BeforeEach
  void start() throws Exception {
    SqlEngine engine =
        new SqlEngine(
            new LocalKeyValueStore(),
            clients::incrementAndGet,
            SchemaLease.of(Duration.ofMillis(20)));
    server = SqlServer.start(0, engine);
    conn = DriverManager.getConnection("jdbc:quorumkv://127.0.0.1:" + server.address().getPort());
    try (Statement s = conn.createStatement()) {
      s.executeUpdate("CREATE TABLE b (id BIGINT PRIMARY KEY, x VARBINARY)");
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (conn != null) {
      conn.close();
    }
    server.close();
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** Values by id: invalid gzip, a valid gzip stream, the bare magic, and ordinary bytes. */
  private static Map<Long, byte[]> values() throws IOException {
    Map<Long, byte[]> values = new LinkedHashMap<>();
    values.put(1L, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5});
    values.put(2L, gzip("decompressing this would be data corruption"));
    values.put(3L, new byte[] {0x1f, (byte) 0x8b});
    values.put(4L, new byte[] {0, 1, 0x1f, (byte) 0x8b, (byte) 0xff});
    values.put(5L, new byte[0]);
    return values;
  }

  private void assertStored(Map<Long, byte[]> expected) throws SQLException {
    try (PreparedStatement p = conn.prepareStatement("SELECT id, x FROM b WHERE id = ?")) {
      for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
        p.setLong(1, e.getKey());
        try (ResultSet rs = p.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getBytes(2)).as("id %d, point read", e.getKey()).isEqualTo(e.getValue());
          assertThat((byte[]) rs.getObject(2)).isEqualTo(e.getValue());
        }
      }
    }
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, x FROM b")) {
      int n = 0;
      while (rs.next()) {
        n++;
        assertThat(rs.getBytes(2))
            .as("id %d, scan", rs.getLong(1))
            .isEqualTo(expected.get(rs.getLong(1)));
      }
      assertThat(n).isEqualTo(expected.size());
    }
  }

  @Test
  void parametersOfSingleExecutionsAndResultRowsKeepGzipMagic() throws Exception {
    Map<Long, byte[]> values = values();
    try (PreparedStatement p = conn.prepareStatement("INSERT INTO b (id, x) VALUES (?, ?)")) {
      for (Map.Entry<Long, byte[]> e : values.entrySet()) {
        p.setLong(1, e.getKey());
        p.setBytes(2, e.getValue());
        assertThat(p.executeUpdate()).isEqualTo(1);
      }
    }
    assertStored(values);
    // As a key condition too: the parameter must reach the executor unchanged to match.
    try (PreparedStatement p = conn.prepareStatement("UPDATE b SET x = ? WHERE id = ? IF x = ?")) {
      p.setBytes(1, values.get(2L));
      p.setLong(2, 1);
      p.setBytes(3, values.get(1L));
      assertThat(p.executeUpdate()).isEqualTo(1);
    }
    values.put(1L, values.get(2L));
    assertStored(values);
  }

  @Test
  void parametersOfBatchesKeepGzipMagic() throws Exception {
    Map<Long, byte[]> values = values();
    try (PreparedStatement p = conn.prepareStatement("INSERT INTO b (id, x) VALUES (?, ?)")) {
      for (Map.Entry<Long, byte[]> e : values.entrySet()) {
        p.setLong(1, e.getKey());
        p.setBytes(2, e.getValue());
        p.addBatch();
      }
      assertThat(p.executeBatch()).containsOnly(1);
    }
    assertStored(values);
  }
}
