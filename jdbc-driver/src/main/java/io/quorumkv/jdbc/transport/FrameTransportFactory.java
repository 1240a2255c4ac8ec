package io.quorumkv.jdbc.transport;

import io.quorumkv.jdbc.QuorumConnection;
import io.quorumkv.jdbc.QuorumConnectionConfig;
import io.quorumkv.jdbc.QuorumUrl;
import java.net.URL;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.AvaticaHttpClientFactory;
import org.apache.calcite.avatica.remote.KerberosConnection;

/**
 * Avatica's client factory ({@code httpclient_factory}) returning a {@link FrameTransport} for the
 * seeds of the connection's URL. Avatica's {@code url} argument is ignored: the seeds and timeouts
 * come from the {@link QuorumConnectionConfig}. Instantiated by Avatica by class name; stateless.
 */
public final class FrameTransportFactory implements AvaticaHttpClientFactory {

  /** Called by Avatica. */
  public FrameTransportFactory() {}

  @Override
  public AvaticaHttpClient getClient(
      URL url, ConnectionConfig config, KerberosConnection kerberosUtil) {
    if (!(config instanceof QuorumConnectionConfig quorumConfig)) {
      throw new IllegalArgumentException(
          "FrameTransportFactory serves QuorumKV connections only (jdbc:quorumkv://...)");
    }
    QuorumConnection connection = quorumConfig.connection();
    QuorumUrl parsed = connection.quorumUrl();
    int first =
        parsed.orderedSeeds() ? 0 : ThreadLocalRandom.current().nextInt(parsed.seeds().size());
    FrameTransport transport;
    try {
      transport =
          new FrameTransport(
              parsed.seeds(),
              first,
              parsed.intOption(QuorumUrl.CONNECT_TIMEOUT),
              parsed.intOption(QuorumUrl.REQUEST_TIMEOUT));
    } catch (SQLException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    connection.attach(transport);
    return transport;
  }
}
