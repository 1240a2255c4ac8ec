package io.quorumkv.placement;

import io.quorumkv.placement.ClusterMap.NodeInfo;
import io.quorumkv.placement.ClusterMap.NodeState;
import io.quorumkv.placement.ClusterMap.Segment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The stored form of a {@link ClusterMap} (PLACEMENT.md, "Stored form"): {@code magic "QKVM" |
 * format:u8 (=2) | version:i64 | replicationFactor:i32 | nodeCount:i32 | node* | segmentCount:i32 |
 * segment* | metaGroup | crc32c:i32} over everything before the checksum, big-endian; a node is
 * {@code id:i32 | zone:utf | address:utf | state:u8}, a segment {@code epoch:i64 | n:u8 | id:i32 *
 * n | m:u8 | id:i32 * m} (replicas, then the group it moves to), the metadata group {@code n:u8 |
 * id:i32 * n}. Format 1 (no metadata group: the three lowest node ids) is still read. Anything else
 * is rejected.
 */
public final class ClusterMapCodec {
  private static final int MAGIC = 0x514b564d; // "QKVM"
  private static final int FORMAT = 2;
  private static final int FORMAT_WITHOUT_META_GROUP = 1;
  private static final int MAX_NODES = 1 << 16;
  private static final int MAX_GROUP = 255;

  private ClusterMapCodec() {}

  /** Thrown for bytes that are not a valid stored map. */
  public static final class CorruptClusterMapException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    CorruptClusterMapException(String message) {
      super(message);
    }
  }

  /** The stored form of {@code map}. */
  public static byte[] encode(ClusterMap map) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeByte(FORMAT);
      out.writeLong(map.version());
      out.writeInt(map.replicationFactor());
      out.writeInt(map.nodes().size());
      for (NodeInfo n : map.nodes()) {
        out.writeInt(n.id());
        out.writeUTF(n.zone());
        out.writeUTF(n.address());
        out.writeByte(n.state().ordinal());
      }
      out.writeInt(map.segmentCount());
      for (Segment g : map.segments()) {
        out.writeLong(g.epoch());
        writeGroup(out, g.replicas());
        writeGroup(out, g.next());
      }
      writeGroup(out, map.metaGroup());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    byte[] body = bytes.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(body);
    return ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
  }

  private static void writeGroup(DataOutputStream out, List<Integer> g) throws IOException {
    if (g.size() > MAX_GROUP) {
      throw new IllegalArgumentException("a group of " + g.size() + " nodes cannot be stored");
    }
    out.writeByte(g.size());
    for (int id : g) {
      out.writeInt(id);
    }
  }

  /**
   * The map stored in {@code bytes}.
   *
   * @throws CorruptClusterMapException if they are truncated, altered or not a stored map
   */
  public static ClusterMap decode(byte[] bytes) {
    if (bytes.length < 9) {
      throw new CorruptClusterMapException("stored cluster map too short: " + bytes.length + " B");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
      throw new CorruptClusterMapException("stored cluster map fails its checksum");
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
      if (in.readInt() != MAGIC) {
        throw new CorruptClusterMapException("not a stored cluster map (bad magic)");
      }
      int format = in.readUnsignedByte();
      if (format != FORMAT && format != FORMAT_WITHOUT_META_GROUP) {
        throw new CorruptClusterMapException("unknown cluster map format " + format);
      }
      long version = in.readLong();
      int rf = in.readInt();
      int nodeCount = in.readInt();
      if (nodeCount < 0 || nodeCount > MAX_NODES) {
        throw new CorruptClusterMapException("bad node count " + nodeCount);
      }
      List<NodeInfo> nodes = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        int id = in.readInt();
        String zone = in.readUTF();
        String address = in.readUTF();
        int state = in.readUnsignedByte();
        if (state >= NodeState.values().length) {
          throw new CorruptClusterMapException("bad node state " + state);
        }
        nodes.add(new NodeInfo(id, zone, address, NodeState.values()[state]));
      }
      int segmentCount = in.readInt();
      if (segmentCount < 1 || segmentCount > 1 << 20) {
        throw new CorruptClusterMapException("bad segment count " + segmentCount);
      }
      List<Segment> segments = new ArrayList<>();
      for (int s = 0; s < segmentCount; s++) {
        long epoch = in.readLong();
        List<Integer> replicas = readGroup(in);
        List<Integer> next = readGroup(in);
        segments.add(new Segment(epoch, replicas, next));
      }
      List<Integer> metaGroup =
          format == FORMAT
              ? readGroup(in)
              : nodes.stream().map(NodeInfo::id).limit(ClusterMap.META_GROUP_SIZE).toList();
      if (in.available() != 0) {
        throw new CorruptClusterMapException("trailing bytes after the stored cluster map");
      }
      return new ClusterMap(version, rf, nodes, segments, metaGroup);
    } catch (EOFException e) {
      throw new CorruptClusterMapException("stored cluster map is truncated");
    } catch (IOException e) {
      throw new CorruptClusterMapException("stored cluster map unreadable: " + e.getMessage());
    } catch (CorruptClusterMapException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new CorruptClusterMapException("stored cluster map is invalid: " + e.getMessage());
    }
  }

  private static List<Integer> readGroup(DataInputStream in) throws IOException {
    int n = in.readUnsignedByte();
    List<Integer> g = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      g.add(in.readInt());
    }
    return g;
  }
}
