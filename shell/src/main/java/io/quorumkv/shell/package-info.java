/**
 * The interactive SQL shell ({@link io.quorumkv.shell.QuorumShell}): sqlline over the QuorumKV JDBC
 * driver, with JLine history, multi-line statements ending in {@code ;}, completion of keywords,
 * tables and columns from the driver's metadata, aligned table output with row counts and elapsed
 * time, scripts ({@code -f}) and piped input, plus QuorumKV's cluster commands ({@link
 * io.quorumkv.shell.QuorumApplication}).
 */
package io.quorumkv.shell;
