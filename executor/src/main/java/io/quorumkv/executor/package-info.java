/** Runs planned statements on the replication core's client API (issue 4; to be filled). */
package io.quorumkv.executor;
