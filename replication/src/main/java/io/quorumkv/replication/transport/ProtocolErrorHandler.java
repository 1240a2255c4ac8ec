package io.quorumkv.replication.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last inbound handler of a replica connection: a decoding error (malformed or oversized frame)
 * closes this connection with one logged error; nothing else on the node is affected. A lost
 * connection (an {@link IOException} such as "Connection reset" from a peer or client that went
 * away) is ordinary and logged at INFO; other exceptions are logged as errors. Every exception
 * closes the connection. Sharable.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class ProtocolErrorHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrorHandler.class);

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ctx.channel().isActive()) {
      return; // already closing: bytes buffered behind the bad frame add nothing to the log
    }
    if (cause instanceof DecoderException) {
      LOG.error("closing {}: bad frame: {}", ctx.channel().remoteAddress(), cause.getMessage());
    } else if (isDisconnect(cause)) {
      LOG.info("connection to {} lost: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      LOG.error("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }

  /**
   * Whether {@code cause} is the network failing under the connection (reset, broken pipe, closed)
   * rather than a bug or a malformed frame: an {@link IOException}, or one wrapped by a handler.
   */
  static boolean isDisconnect(Throwable cause) {
    if (cause instanceof DecoderException) {
      return false;
    }
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
