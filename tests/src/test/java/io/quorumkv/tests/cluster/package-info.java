/**
 * Multi-process cluster tests: {@link io.quorumkv.tests.cluster.ProcessCluster} runs three QuorumKV
 * nodes as separate JVMs on 127.0.0.2-4 and kills (SIGKILL), stops (SIGSTOP/SIGCONT) and restarts
 * them; {@link io.quorumkv.tests.cluster.LoopbackFirewall} partitions them with iptables rules
 * between their loopback addresses; {@link io.quorumkv.tests.cluster.RegisterWorkload} runs
 * Jepsen-style register clients whose history {@link io.quorumkv.tests.cluster.ClusterFaultIT}
 * checks with the replication module's linearizability checker.
 */
package io.quorumkv.tests.cluster;
