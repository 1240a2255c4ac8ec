/**
 * Crash tests with real child JVMs: {@link io.quorumkv.tests.crash.CrashWriter} writes durable,
 * acknowledged records through a storage engine until it is killed with SIGKILL; {@link
 * io.quorumkv.tests.crash.StorageCrashIT} reopens the engine and checks every acknowledged record
 * against {@link io.quorumkv.tests.crash.CrashWorkload}, which both sides regenerate from the seed.
 */
package io.quorumkv.tests.crash;
