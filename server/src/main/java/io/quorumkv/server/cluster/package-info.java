/**
 * The cluster map at run time: {@link io.quorumkv.server.cluster.ClusterManager} keeps a node on
 * the latest map and, on the leading node, moves segments one at a time as the placement balancer
 * chooses.
 */
package io.quorumkv.server.cluster;
