package io.quorumkv.storage.bitcask.io;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link FileIo}: {@link FileChannel}s on the default file system. Thread-safe.
 *
 * <p>Mappings are {@link MappedByteBuffer}s. Java 17 has no public way to unmap one before it is
 * garbage collected, and until then a deleted file keeps its disk space; {@link FileHandle#unmap}
 * therefore calls {@code sun.misc.Unsafe#invokeCleaner} through a method handle looked up
 * reflectively at class initialisation (module {@code jdk.unsupported} opens {@code sun.misc}). If
 * that lookup fails, unmapping is left to the garbage collector and a retired file's space is freed
 * only once its buffer is collected.
 */
public final class ChannelFileIo implements FileIo {

  private static final Logger LOG = LoggerFactory.getLogger(ChannelFileIo.class);

  /** {@code Unsafe.invokeCleaner(ByteBuffer)} bound to the Unsafe instance, or {@code null}. */
  private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

  /** The shared instance; it holds no state. */
  public static final ChannelFileIo INSTANCE = new ChannelFileIo();

  private ChannelFileIo() {}

  @Override
  public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public boolean isDirectory(Path path) {
    return Files.isDirectory(path);
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  @Override
  public FileHandle create(Path file) throws IOException {
    return new Handle(
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE));
  }

  @Override
  public FileHandle open(Path file) throws IOException {
    return new Handle(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(Path path) throws IOException {
    try {
      Files.deleteIfExists(path);
    } catch (NoSuchFileException e) {
      // Already gone: deletion is idempotent.
    }
  }

  @Override
  public DirectoryLock lock(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new IOException(file + " is locked: another engine has this directory open");
    }
    return () -> {
      try {
        ch.close(); // releases the lock
      } catch (IOException e) {
        // Nothing to do: the lock dies with the channel or the process anyway.
      }
    };
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static MethodHandle findInvokeCleaner() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      return MethodHandles.lookup()
          .findVirtual(
              unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(theUnsafe.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("cannot unmap data files explicitly ({}); the garbage collector will", e.toString());
      return null;
    }
  }

  /** Whether {@link FileHandle#unmap} frees mappings at once (else at garbage collection). */
  public static boolean unmapsExplicitly() {
    return INVOKE_CLEANER != null;
  }

  /** A {@link FileChannel}; appends go through an explicit position so reads never move it. */
  private static final class Handle implements FileHandle {
    private final FileChannel channel;
    private long end;

    Handle(FileChannel channel) throws IOException {
      this.channel = channel;
      this.end = channel.size();
    }

    @Override
    public void append(ByteBuffer src) throws IOException {
      while (src.hasRemaining()) {
        end += channel.write(src, end);
      }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      long pos = position;
      while (src.hasRemaining()) {
        pos += channel.write(src, pos);
      }
      end = Math.max(end, pos);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return channel.read(dst, position);
    }

    @Override
    public ByteBuffer map(long size) throws IOException {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }

    @Override
    public void unmap(ByteBuffer mapping) {
      if (INVOKE_CLEANER == null || !mapping.isDirect()) {
        return;
      }
      try {
        INVOKE_CLEANER.invokeExact(mapping);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException("unmapping failed", t);
      }
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void force() throws IOException {
      channel.force(false);
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
      end = Math.min(end, size);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
