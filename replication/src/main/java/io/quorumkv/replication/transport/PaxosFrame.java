package io.quorumkv.replication.transport;

import io.quorumkv.replication.paxos.PaxosMessage;
import java.util.List;

/**
 * One frame on the wire: many messages from one sender. Wire format: {@code length:int32 (of what
 * follows) | version:u8 (=2) | sender:varint | count:varint | message*} (see {@link MessageCodec});
 * Paxos and node messages are told apart by their type byte. A frame with no message is the hello a
 * dialing node sends first, naming itself.
 *
 * @param sender the sending node
 * @param messages the Paxos messages, in send order
 * @param nodeMessages the node-level messages, in send order (their order relative to {@code
 *     messages} is not kept: they go to a different consumer)
 */
public record PaxosFrame(int sender, List<PaxosMessage> messages, List<NodeMessage> nodeMessages) {
  /**
   * The wire format version: 2 since ballots carry their configuration epoch (version 1 frames,
   * from nodes built before that, are refused as malformed, which closes only that connection).
   */
  public static final int VERSION = 2;

  /** Copies the lists. */
  public PaxosFrame {
    messages = List.copyOf(messages);
    nodeMessages = List.copyOf(nodeMessages);
  }

  /** A frame of Paxos messages only. */
  public PaxosFrame(int sender, List<PaxosMessage> messages) {
    this(sender, messages, List.of());
  }

  /** The number of messages of both kinds. */
  public int size() {
    return messages.size() + nodeMessages.size();
  }
}
