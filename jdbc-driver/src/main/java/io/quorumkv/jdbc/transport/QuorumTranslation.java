package io.quorumkv.jdbc.transport;

import io.quorumkv.sqlwire.CompactExecute;
import java.io.IOException;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica's protobuf translation, except that executions and batches of prepared statements go out
 * in the compact encoding ({@link CompactExecute}) when they fit it, and compact answers are read.
 * The node answers a compact request compactly when it can and in protobuf otherwise, so both kinds
 * of answer are expected. Thread-safe.
 */
final class QuorumTranslation extends ProtobufTranslationImpl {

  @Override
  public byte[] serializeRequest(Service.Request request) throws IOException {
    byte[] compact = CompactExecute.encodeRequest(request);
    return compact != null ? compact : super.serializeRequest(request);
  }

  @Override
  public Service.Response parseResponse(byte[] bytes) throws IOException {
    if (CompactExecute.isCompact(bytes)) {
      return CompactExecute.decodeResponse(bytes);
    }
    return super.parseResponse(bytes);
  }
}
