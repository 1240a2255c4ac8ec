package io.quorumkv.jdbc;

import java.util.Properties;
import org.apache.calcite.avatica.ConnectionConfigImpl;

/**
 * Avatica's connection configuration plus the connection it belongs to, so that the transport
 * factory (which Avatica hands only a configuration) can read the parsed URL and register the
 * transport for closing.
 */
public final class QuorumConnectionConfig extends ConnectionConfigImpl {

  private final QuorumConnection connection;

  QuorumConnectionConfig(Properties properties, QuorumConnection connection) {
    super(properties);
    this.connection = connection;
  }

  /** The connection this configuration belongs to. */
  public QuorumConnection connection() {
    return connection;
  }
}
