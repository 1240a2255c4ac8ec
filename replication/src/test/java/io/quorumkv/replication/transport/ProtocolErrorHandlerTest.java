package io.quorumkv.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class ProtocolErrorHandlerTest {
  @Test
  void lostConnectionsAreDisconnectsAndMalformedFramesAreNot() {
    assertThat(ProtocolErrorHandler.isDisconnect(new SocketException("Connection reset"))).isTrue();
    assertThat(ProtocolErrorHandler.isDisconnect(new IOException("Broken pipe"))).isTrue();
    assertThat(ProtocolErrorHandler.isDisconnect(new ClosedChannelException())).isTrue();
    assertThat(
            ProtocolErrorHandler.isDisconnect(
                new RuntimeException("wrapped", new IOException("Connection reset by peer"))))
        .isTrue();
    assertThat(ProtocolErrorHandler.isDisconnect(new CorruptedFrameException("bad length")))
        .isFalse();
    assertThat(
            ProtocolErrorHandler.isDisconnect(
                new DecoderException(new IOException("inside a decoder"))))
        .isFalse();
    assertThat(ProtocolErrorHandler.isDisconnect(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void everyExceptionClosesTheConnection() {
    EmbeddedChannel reset = new EmbeddedChannel(new ProtocolErrorHandler());
    reset.pipeline().fireExceptionCaught(new SocketException("Connection reset"));
    assertThat(reset.isOpen()).isFalse();
    EmbeddedChannel bad = new EmbeddedChannel(new ProtocolErrorHandler());
    bad.pipeline().fireExceptionCaught(new CorruptedFrameException("bad frame"));
    assertThat(bad.isOpen()).isFalse();
  }
}
