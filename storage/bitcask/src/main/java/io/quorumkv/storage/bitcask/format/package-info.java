/**
 * The on-disk formats of the Bitcask engine as pure codecs, free of IO: data-file records ({@link
 * io.quorumkv.storage.bitcask.format.RecordCodec}, a CRC-protected header plus a CRC over key and
 * value), hint files ({@link io.quorumkv.storage.bitcask.format.HintCodec}) and the per-table
 * manifest ({@link io.quorumkv.storage.bitcask.format.ManifestCodec}). {@code FORMAT.md} in the
 * module documents every byte.
 */
package io.quorumkv.storage.bitcask.format;
