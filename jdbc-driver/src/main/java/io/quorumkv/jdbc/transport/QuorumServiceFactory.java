package io.quorumkv.jdbc.transport;

import io.quorumkv.jdbc.QuorumConnection;
import io.quorumkv.jdbc.QuorumUrl;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.remote.RemoteProtobufService;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica's service factory (connection property {@code factory}) for QuorumKV connections:
 * Avatica's remote protobuf service over a {@link FrameTransport} for the seeds of the connection's
 * URL, with {@link QuorumTranslation} (compact executions). Instantiated by Avatica by class name;
 * stateless.
 */
public final class QuorumServiceFactory implements Service.Factory {

  /** Called by Avatica. */
  public QuorumServiceFactory() {}

  @Override
  public Service create(AvaticaConnection avatica) {
    if (!(avatica instanceof QuorumConnection connection)) {
      throw new IllegalArgumentException(
          "QuorumServiceFactory serves QuorumKV connections only (jdbc:quorumkv://...)");
    }
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
              parsed.intOption(QuorumUrl.REQUEST_TIMEOUT),
              parsed.routesByKey());
    } catch (SQLException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    connection.attach(transport);
    return new RemoteProtobufService(transport, new QuorumTranslation());
  }
}
