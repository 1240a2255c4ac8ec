package io.quorumkv.replication.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last inbound handler of a replica connection: a decoding error (malformed or oversized frame)
 * closes this connection with one logged error; nothing else on the node is affected. Other
 * exceptions are logged and close the connection too. Sharable.
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
    } else {
      LOG.error("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }
}
