package io.quorumkv.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import io.quorumkv.replication.paxos.Ballot;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.PaxosMessage;
import io.quorumkv.replication.paxos.Proposal;
import io.quorumkv.replication.paxos.RequestId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  private static final Bytes K = Bytes.utf8("key");
  private static final int MAX_FRAME = 1 << 16;

  @BeforeAll
  static void paranoid() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  static List<PaxosMessage> allKinds() {
    Proposal p = Proposal.next(null, 3, Bytes.utf8("v"), new RequestId(9, 4), 2, 8);
    Proposal deleted = Proposal.next(p, 4, null, new RequestId(10, 1), 1, 8);
    Ballot b = new Ballot(7, 1);
    return List.of(
        new PaxosMessage.Prepare(K, 3, b),
        new PaxosMessage.Promise(K, 3, b, Ballot.ZERO, null),
        new PaxosMessage.Promise(K, 3, b, Ballot.fast(2), p),
        new PaxosMessage.Accept(K, 3, Ballot.fast(2), p),
        new PaxosMessage.Accepted(K, 3, b),
        new PaxosMessage.Reject(K, 3, b, new Ballot(8, 0)),
        new PaxosMessage.Commit(K, 4, deleted),
        new PaxosMessage.Lagging(K, 1),
        new PaxosMessage.ReadQuery(K, 55, 2),
        new PaxosMessage.ReadState(K, 55, 3, p, Ballot.ZERO, null),
        new PaxosMessage.ReadState(K, 55, 3, null, b, deleted));
  }

  private static EmbeddedChannel sender() {
    return new EmbeddedChannel(new FrameEncoder(), new MergingWriteHandler(4, 1000));
  }

  private static EmbeddedChannel receiver() {
    return new EmbeddedChannel(new FrameDecoder(MAX_FRAME), new ProtocolErrorHandler());
  }

  /** Moves everything written on {@code out} into {@code in}. */
  private static void pipe(EmbeddedChannel out, EmbeddedChannel in) {
    ByteBuf b;
    while ((b = out.readOutbound()) != null) {
      in.writeInbound(b);
    }
  }

  @Test
  void everyMessageKindRoundTripsThroughTheWire() {
    EmbeddedChannel out = sender();
    EmbeddedChannel in = receiver();
    for (PaxosMessage m : allKinds()) {
      out.writeAndFlush(m);
    }
    pipe(out, in);
    List<PaxosMessage> got = new ArrayList<>();
    PaxosFrame f;
    while ((f = in.readInbound()) != null) {
      assertThat(f.sender()).isEqualTo(4);
      got.addAll(f.messages());
    }
    assertThat(got).containsExactlyElementsOf(allKinds());
    assertThat(out.finishAndReleaseAll()).isFalse();
    assertThat(in.finishAndReleaseAll()).isFalse();
  }

  @Test
  void messagesWrittenBeforeOneFlushLeaveInOneFrame() {
    EmbeddedChannel out = sender();
    MergingWriteHandler merging = out.pipeline().get(MergingWriteHandler.class);
    for (int i = 0; i < 50; i++) {
      out.write(new PaxosMessage.Accepted(K, i, new Ballot(2, 1)));
    }
    out.flush();
    EmbeddedChannel in = receiver();
    pipe(out, in);
    PaxosFrame f = in.readInbound();
    assertThat(f.messages()).hasSize(50);
    Object next = in.readInbound();
    assertThat(next).isNull();
    assertThat(merging.framesWritten()).isEqualTo(1);
    assertThat(merging.messagesWritten()).isEqualTo(50);
    out.finishAndReleaseAll();
    in.finishAndReleaseAll();
  }

  @Test
  void peerSenderFlushesOncePerEventLoopTurn() {
    EmbeddedChannel out = sender();
    PeerSender peer = new PeerSender(out, 10_000);
    for (int i = 0; i < 20; i++) {
      assertThat(peer.send(new PaxosMessage.Lagging(K, i))).isTrue();
    }
    out.runPendingTasks();
    EmbeddedChannel in = receiver();
    pipe(out, in);
    PaxosFrame f = in.readInbound();
    assertThat(f.messages()).hasSize(20); // twenty sends, one scheduled flush, one frame
    Object more = in.readInbound();
    assertThat(more).isNull();
    out.finishAndReleaseAll();
    in.finishAndReleaseAll();
  }

  @Test
  void badVersionClosesTheConnection() {
    byte[] body = FrameEncoder.body(new PaxosFrame(1, allKinds()));
    body[0] = 9;
    EmbeddedChannel in = receiver();
    in.writeInbound(Unpooled.buffer().writeInt(body.length).writeBytes(body));
    assertThat(in.isOpen()).isFalse();
    in.checkException();
    in.finishAndReleaseAll();
  }

  @Test
  void oversizedFrameClosesTheConnection() {
    EmbeddedChannel in = receiver();
    in.writeInbound(Unpooled.buffer().writeInt(MAX_FRAME + 1).writeZero(16));
    assertThat(in.isOpen()).isFalse();
    in.finishAndReleaseAll();
  }

  @Test
  void truncatedMessagesInsideAFrameCloseTheConnection() {
    byte[] body = FrameEncoder.body(new PaxosFrame(1, allKinds()));
    for (int cut = 1; cut < body.length; cut += 7) {
      EmbeddedChannel in = receiver();
      in.writeInbound(Unpooled.buffer().writeInt(cut).writeBytes(body, 0, cut));
      assertThat(in.isOpen()).as("cut %d", cut).isFalse();
      in.finishAndReleaseAll();
    }
  }

  /** Random bytes, and random mutations of valid frames, never escape the pipeline. */
  @Test
  void fuzzedInputNeverThrowsOutOfTheDecoder() {
    Random rnd = new Random(42);
    byte[] valid = FrameEncoder.body(new PaxosFrame(3, allKinds()));
    int closed = 0;
    for (int i = 0; i < 3000; i++) {
      EmbeddedChannel in = receiver();
      ByteBuf buf = Unpooled.buffer();
      if (i % 2 == 0) {
        byte[] junk = new byte[rnd.nextInt(200)];
        rnd.nextBytes(junk);
        buf.writeBytes(junk);
      } else {
        byte[] mutated = valid.clone();
        for (int j = 0; j < 1 + rnd.nextInt(4); j++) {
          mutated[rnd.nextInt(mutated.length)] = (byte) rnd.nextInt(256);
        }
        buf.writeInt(mutated.length).writeBytes(mutated);
      }
      in.writeInbound(buf);
      in.checkException();
      Object o;
      while ((o = in.readInbound()) != null) {
        assertThat(o).isInstanceOf(PaxosFrame.class);
      }
      closed += in.isOpen() ? 0 : 1;
      in.finishAndReleaseAll();
    }
    assertThat(closed).isPositive();
  }

  @Test
  void nodeMessagesShareFramesWithPaxosMessages() {
    EmbeddedChannel out = sender();
    List<NodeMessage> node =
        List.of(
            new NodeMessage.ListKeys(7, null, Bytes.utf8("z"), 100),
            new NodeMessage.ListKeys(8, Bytes.utf8("a"), null, 1),
            new NodeMessage.KeyList(7, List.of(Bytes.utf8("a"), Bytes.utf8("b")), true),
            new NodeMessage.KeyList(8, List.of(), false),
            new NodeMessage.Membership(9, true),
            new NodeMessage.MembershipAnswer(9, false),
            new NodeMessage.StateScan(10, null, 256),
            new NodeMessage.StateScan(11, Bytes.utf8("k"), 1),
            new NodeMessage.StateChunk(
                10, 2, List.of(Bytes.utf8("a")), List.of(Bytes.utf8("rec")), true),
            new NodeMessage.StateChunk(11, -1, List.of(), List.of(), false),
            new NodeMessage.Forward(12, Bytes.utf8("request")),
            new NodeMessage.ForwardReply(12, Bytes.utf8("response")),
            new NodeMessage.SettleSegment(13, 63, 7, 10_000),
            new NodeMessage.SegmentSettled(13, 1234, ""),
            new NodeMessage.SegmentSettled(14, -1, "no joint quorum: 日本"),
            new NodeMessage.MapVersion(42));
    out.write(allKinds().get(0));
    for (NodeMessage m : node) {
      out.write(m);
    }
    out.flush();
    EmbeddedChannel in = receiver();
    pipe(out, in);
    PaxosFrame f = in.readInbound();
    assertThat(f.messages()).containsExactly(allKinds().get(0));
    assertThat(f.nodeMessages()).containsExactlyElementsOf(node);
    out.finishAndReleaseAll();
    in.finishAndReleaseAll();
  }

  private static final List<ClientMessage> CLIENT_MESSAGES =
      List.of(
          new ClientMessage.Request(1, K, new Operation.Read(), null, false, 100),
          new ClientMessage.Request(
              2, K, new Operation.Put(Bytes.utf8("v")), new RequestId(5, 6), true, 2000),
          new ClientMessage.Request(3, K, new Operation.Delete(), new RequestId(5, 7), false, 1),
          new ClientMessage.Request(
              4, K, new Operation.Cas(null, Bytes.utf8("x")), new RequestId(5, 8), false, 9),
          new ClientMessage.Request(
              5, K, new Operation.CasVersion(3, null), new RequestId(5, 9), false, 9),
          new ClientMessage.Response(1, new Outcome.ReadOk(null, 0)),
          new ClientMessage.Response(2, new Outcome.ReadOk(Bytes.utf8("v"), 4)),
          new ClientMessage.Response(3, new CasResult.Applied(5, Bytes.utf8("v"))),
          new ClientMessage.Response(3, new CasResult.Applied(5, null, false)),
          new ClientMessage.Response(4, new CasResult.NotApplied(null, 2)),
          new ClientMessage.Response(5, new CasResult.Unknown("timed out \u00e9")),
          new ClientMessage.Response(6, new Outcome.Failed("nope")),
          new ClientMessage.StatsRequest(7),
          new ClientMessage.LocalRead(8, K),
          new ClientMessage.StatsResponse(
              7, new java.util.LinkedHashMap<>(java.util.Map.of("peer.frames.sent", 12L))));

  @Test
  void clientMessagesRoundTrip() {
    EmbeddedChannel out = new EmbeddedChannel(new ClientCodec.Encoder());
    EmbeddedChannel in =
        new EmbeddedChannel(new ClientCodec.Decoder(MAX_FRAME), new ProtocolErrorHandler());
    for (ClientMessage m : CLIENT_MESSAGES) {
      out.writeAndFlush(m);
    }
    pipe(out, in);
    List<ClientMessage> got = new ArrayList<>();
    Object o;
    while ((o = in.readInbound()) != null) {
      got.add((ClientMessage) o);
    }
    assertThat(got).containsExactlyElementsOf(CLIENT_MESSAGES);
    assertThat(in.isOpen()).isTrue();
    out.finishAndReleaseAll();
    in.finishAndReleaseAll();
  }

  @Test
  void anUpdateCannotBeSent() {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    new ClientMessage.Request(
                        1,
                        K,
                        new Operation.Update((v, ver) -> Operation.Decision.SKIP),
                        new RequestId(1, 1),
                        false,
                        1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fuzzedClientFramesNeverEscapeTheDecoder() {
    Random rnd = new Random(7);
    int closed = 0;
    for (int i = 0; i < 3000; i++) {
      EmbeddedChannel in =
          new EmbeddedChannel(new ClientCodec.Decoder(MAX_FRAME), new ProtocolErrorHandler());
      byte[] valid = ClientCodec.body(CLIENT_MESSAGES.get(rnd.nextInt(CLIENT_MESSAGES.size())));
      byte[] mutated = valid.clone();
      for (int j = 0; j < 1 + rnd.nextInt(3); j++) {
        mutated[rnd.nextInt(mutated.length)] = (byte) rnd.nextInt(256);
      }
      in.writeInbound(Unpooled.buffer().writeInt(mutated.length).writeBytes(mutated));
      in.checkException();
      Object o;
      while ((o = in.readInbound()) != null) {
        assertThat(o).isInstanceOf(ClientMessage.class);
      }
      closed += in.isOpen() ? 0 : 1;
      in.finishAndReleaseAll();
    }
    assertThat(closed).isPositive();
  }
}
