package io.quorumkv.planner.schema;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a {@link TableDef} as the catalog's system table stores them: a format byte, then
 * the fields in {@link DataOutputStream} encoding. Stateless and thread-safe.
 */
public final class TableDefCodec {

  private static final byte FORMAT = 1;

  private TableDefCodec() {}

  /** Encodes a definition. */
  public static byte[] encode(TableDef t) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeInt(t.id());
      out.writeUTF(t.name());
      out.writeUTF(t.engine());
      out.writeInt(t.schemaVersion());
      out.writeInt(t.columns().size());
      for (ColumnDef c : t.columns()) {
        out.writeUTF(c.name());
        out.writeByte(c.type().kind().ordinal());
        out.writeInt(c.type().precision());
        out.writeInt(c.type().scale());
        out.writeBoolean(c.nullable());
        out.writeBoolean(c.hidden());
      }
      out.writeInt(t.primaryKey().size());
      for (int i : t.primaryKey()) {
        out.writeInt(i);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a definition.
   *
   * @throws IllegalArgumentException if the bytes are not a valid definition
   */
  public static TableDef decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown table definition format " + format);
      }
      int id = in.readInt();
      String name = in.readUTF();
      String engine = in.readUTF();
      int version = in.readInt();
      int n = in.readInt();
      if (n < 0 || n > 10_000) {
        throw new IllegalArgumentException("bad column count " + n);
      }
      List<ColumnDef> cols = new ArrayList<>(n);
      ColumnType.Kind[] kinds = ColumnType.Kind.values();
      for (int i = 0; i < n; i++) {
        String cname = in.readUTF();
        int kind = in.readByte();
        if (kind < 0 || kind >= kinds.length) {
          throw new IllegalArgumentException("bad column type " + kind);
        }
        ColumnType type = new ColumnType(kinds[kind], in.readInt(), in.readInt());
        cols.add(new ColumnDef(cname, type, in.readBoolean(), in.readBoolean()));
      }
      int k = in.readInt();
      if (k < 0 || k > n) {
        throw new IllegalArgumentException("bad key column count " + k);
      }
      List<Integer> key = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        key.add(in.readInt());
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException("trailing bytes after the table definition");
      }
      return new TableDef(id, name, cols, key, engine, version);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated table definition", e);
    } catch (SchemaException e) {
      throw new IllegalArgumentException("invalid table definition: " + e.getMessage(), e);
    }
  }
}
