package io.quorumkv.jdbc;

import io.quorumkv.jdbc.transport.QuorumServiceFactory;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.BuiltInConnectionProperty;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.remote.Driver;

/**
 * The QuorumKV JDBC driver, for URLs {@code jdbc:quorumkv://host1:port1,host2:port2[/schema][?
 * options]} (see {@link QuorumUrl}). A thin driver: every statement runs on the node it is
 * connected to. Built on Avatica's remote driver with protobuf serialization; Avatica's HTTP client
 * is replaced by {@link io.quorumkv.jdbc.transport.FrameTransport}, which carries the same protobuf
 * messages in length-prefixed frames over TCP and fails over between the seeds.
 *
 * <p>Registered with {@link java.sql.DriverManager} through {@code
 * META-INF/services/java.sql.Driver} and when the class is loaded. Thread-safe.
 */
public class QuorumDriver extends Driver {

  /** The driver's version. */
  public static final String VERSION = "0.1.0";

  /** Internal connection property: the URL the application gave. */
  static final String ORIGINAL_URL = "quorumkv_url";

  private static final String AVATICA_PREFIX = "jdbc:quorumkv:";

  static {
    new QuorumDriver().register();
  }

  /** Instantiated by {@link java.util.ServiceLoader} and tools that load drivers by class name. */
  public QuorumDriver() {
    super();
  }

  /** The connection property naming the protocol revision the driver speaks. */
  static final String PROTOCOL = "quorumkv.protocol";

  /**
   * Revision 2: an execution result without a signature has the prepared statement's. Nodes that do
   * not know the property send every signature, which the driver takes as before.
   */
  static final String PROTOCOL_REVISION = "2";

  @Override
  protected String getConnectStringPrefix() {
    return AVATICA_PREFIX;
  }

  @Override
  protected String getFactoryClassName(JdbcVersion jdbcVersion) {
    return QuorumJdbcFactory.class.getName();
  }

  @Override
  protected DriverVersion createDriverVersion() {
    return new DriverVersion(
        "QuorumKV JDBC Driver", VERSION, "QuorumKV", VERSION, false, 0, 1, 0, 1);
  }

  @Override
  public boolean acceptsURL(String url) throws SQLException {
    if (url == null) {
      throw new SQLException("url can not be null");
    }
    // "jdbc:quorumkv:" alone: Avatica's connect() asks again with the prefix our connect() passes.
    return url.startsWith(AVATICA_PREFIX);
  }

  /**
   * Connects to the first reachable seed and opens the connection there.
   *
   * @return null for a URL of another driver
   * @throws SQLException 08001 for a malformed URL or when no seed can be reached
   */
  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    QuorumUrl parsed = QuorumUrl.parse(url, info);
    Properties avatica = new Properties();
    InetSocketAddress first = parsed.seeds().get(0);
    String host = first.getHostString();
    avatica.setProperty(
        BuiltInConnectionProperty.URL.camelName(),
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + first.getPort() + "/");
    avatica.setProperty(BuiltInConnectionProperty.SERIALIZATION.camelName(), "protobuf");
    avatica.setProperty(
        BuiltInConnectionProperty.FACTORY.camelName(), QuorumServiceFactory.class.getName());
    avatica.setProperty(BuiltInConnectionProperty.TRANSPARENT_RECONNECTION.camelName(), "true");
    if (parsed.options().containsKey(QuorumUrl.FETCH_SIZE)) {
      avatica.setProperty(
          BuiltInConnectionProperty.FETCH_SIZE.camelName(),
          parsed.options().get(QuorumUrl.FETCH_SIZE));
    }
    if (parsed.options().containsKey(QuorumUrl.TIME_ZONE)) {
      avatica.setProperty(
          BuiltInConnectionProperty.TIME_ZONE.camelName(),
          parsed.options().get(QuorumUrl.TIME_ZONE));
    }
    if (parsed.schema() != null) {
      avatica.setProperty(BuiltInConnectionProperty.SCHEMA.camelName(), parsed.schema());
    }
    avatica.setProperty(ORIGINAL_URL, url);
    // Sent to the node with the connection's properties: results of this connection's prepared
    // statements may come without their signature (QuorumJdbcFactory#newResultSet).
    avatica.setProperty(PROTOCOL, PROTOCOL_REVISION);
    parsed
        .options()
        .forEach(
            (name, value) -> avatica.setProperty(QuorumConnection.OPTION_PREFIX + name, value));
    try {
      return super.connect(AVATICA_PREFIX, avatica);
    } catch (AvaticaClientRuntimeException e) {
      throw new SQLException(e.getMessage(), e.getSqlState(), e.getErrorCode(), e);
    } catch (RuntimeException e) {
      throw new SQLException("cannot connect to " + url + ": " + e.getMessage(), "08001", e);
    }
  }
}
