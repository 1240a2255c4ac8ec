package io.quorumkv.server.sql;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.ColumnMetaData.Rep;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Avatica's protobuf translation, except that VARBINARY parameters arrive exactly as the client set
 * them.
 *
 * <p>Avatica's client puts a bytes parameter in two fields: {@code string_value}, the base64 of the
 * bytes as set, and {@code bytes_value}, that base64 decoded again by Avatica's decoder, which
 * gunzips anything starting with the gzip magic (0x1f 0x8b). Avatica's server reads {@code
 * bytes_value}, so a parameter that is a valid gzip stream would be stored decompressed. Here
 * {@code string_value} wins; {@link SqlTypes#parameterValue} then decodes it with the JDK's
 * decoder, which does not look inside.
 */
final class ExactBytesTranslation extends ProtobufTranslationImpl {

  @Override
  public Service.Request parseRequest(byte[] bytes) throws IOException {
    Service.Request request = super.parseRequest(bytes);
    if (!(request instanceof Service.ExecuteRequest x) || !hasBytes(x.parameterValues)) {
      return request;
    }
    // Rare (a bytes parameter), so parsing the frame a second time is fine.
    Requests.ExecuteRequest proto;
    try {
      proto =
          Requests.ExecuteRequest.parseFrom(
              Common.WireMessage.parseFrom(bytes).getWrappedMessage());
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("malformed ExecuteRequest", e);
    }
    List<TypedValue> values = new ArrayList<>(proto.getParameterValuesCount());
    for (Common.TypedValue v : proto.getParameterValuesList()) {
      values.add(typedValue(v));
    }
    return new Service.ExecuteRequest(x.statementHandle, values, x.maxRowCount);
  }

  private static boolean hasBytes(List<TypedValue> values) {
    if (values == null) {
      return false;
    }
    for (TypedValue v : values) {
      if (v != null && v.type == Rep.BYTE_STRING) {
        return true;
      }
    }
    return false;
  }

  /**
   * A parameter as Avatica's {@link TypedValue#fromProto} makes it, except that a bytes value
   * carries the client's own base64 ({@code string_value}) as its serial form.
   */
  static TypedValue typedValue(Common.TypedValue v) {
    if (v.getType() != Common.Rep.BYTE_STRING || v.getNull()) {
      return TypedValue.fromProto(v);
    }
    String base64 = v.getStringValue();
    if (base64.isEmpty() && !v.getBytesValue().isEmpty()) {
      // A client that sends the raw bytes only: they were never decoded, so they are exact.
      base64 = java.util.Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
    }
    return TypedValue.ofSerial(Rep.BYTE_STRING, base64);
  }
}
