package io.quorumkv.server;

import java.util.Optional;

/**
 * The nodes of a cluster that one process owns ({@link LocalCluster}): any of its nodes can stop
 * and start the others, and read their local state. Thread-safe.
 */
interface LocalNodes {

  /** Node {@code id} if it runs in this process and is up. */
  Optional<QuorumKvServer> running(int id);

  /** The SQL address node {@code id} has when up, or {@code null}. */
  String sqlAddress(int id);

  /**
   * Stops node {@code id}; returns a sentence saying what happened.
   *
   * @throws IllegalArgumentException for an id that is not a node of the cluster
   */
  String stop(int id);

  /**
   * Starts node {@code id} again over its data; returns a sentence saying what happened.
   *
   * @throws IllegalArgumentException for an id that is not a node of the cluster
   * @throws io.quorumkv.replication.node.NodeStartException if it cannot start
   */
  String start(int id);

  /**
   * Starts a new node that joins the cluster; returns a sentence saying what happened.
   *
   * @throws IllegalArgumentException if no more nodes can be added
   * @throws io.quorumkv.replication.node.NodeStartException if it cannot start
   * @throws ConfigException if it cannot join
   */
  String addNode();

  /**
   * Stops node {@code id} once the cluster map no longer lists it (its decommission finished) and
   * deletes its data, in the background.
   *
   * @throws IllegalArgumentException for an id that is not a node of the cluster
   */
  void stopOnceRemoved(int id);
}
