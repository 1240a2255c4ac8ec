/**
 * The file interface of the Bitcask engine: {@link io.quorumkv.storage.bitcask.io.FileIo} names
 * every operation the engine performs on disk (create, append, positional write and read, read-only
 * map, force, truncate, list, rename, delete, directory fsync), and {@link
 * io.quorumkv.storage.bitcask.io.ChannelFileIo} implements it with {@link
 * java.nio.channels.FileChannel}. Tests swap in a simulated file system that loses unsynced bytes
 * on power loss and fails writes on demand.
 */
package io.quorumkv.storage.bitcask.io;
