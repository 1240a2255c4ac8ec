package io.quorumkv.replication.transport;

import io.quorumkv.replication.paxos.PaxosMessage;
import java.util.List;

/**
 * One frame on the wire: many messages from one sender. Wire format: {@code length:int32 (of what
 * follows) | version:u8 (=1) | sender:varint | count:varint | message*} (see {@link MessageCodec}).
 *
 * @param sender the sending node
 * @param messages the messages, in send order
 */
public record PaxosFrame(int sender, List<PaxosMessage> messages) {
  /** The only wire format version so far. */
  public static final int VERSION = 1;

  /** Copies the list. */
  public PaxosFrame {
    messages = List.copyOf(messages);
  }
}
