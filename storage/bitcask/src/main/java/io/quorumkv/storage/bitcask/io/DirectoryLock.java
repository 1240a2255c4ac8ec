package io.quorumkv.storage.bitcask.io;

/** An exclusive lock on an engine directory, from {@link FileIo#lock}. */
public interface DirectoryLock extends AutoCloseable {
  /** Releases the lock. Idempotent; never throws. */
  @Override
  void close();
}
