package io.quorumkv.server.sql;

import io.quorumkv.planner.QueryException;
import java.util.List;

/**
 * What the cluster procedures of the SQL endpoint ({@code QUORUMKV_NODES}, {@code
 * QUORUMKV_REPLICAS}, {@code QUORUMKV_STOP_NODE}, {@code QUORUMKV_START_NODE}) ask of the node that
 * serves them. The node process implements it over its replication node; {@link #NONE} answers
 * every call with SQLState 0A000 (an endpoint over a bare engine, in tests).
 *
 * <p>Implementations are thread-safe: calls arrive on the endpoint's worker threads, concurrently.
 * They report failures as {@link QueryException} with a SQLState.
 */
public interface ClusterView {

  /**
   * One node as seen from the serving node.
   *
   * @param id the node id
   * @param zone its failure zone ({@code null} if this node's config does not say)
   * @param address its peer address, {@code host:port}
   * @param status {@code up} (this node, or a peer it is connected to), {@code down} (no
   *     connection), or {@code stopped} (stopped in the local cluster)
   * @param sqlAddress its SQL endpoint, when known ({@code null} otherwise)
   * @param stateWrites the per-key state records it has written since it started, when known
   */
  record NodeStatus(
      int id, String zone, String address, String status, String sqlAddress, Long stateWrites) {}

  /**
   * One replica of a key.
   *
   * @param id the node id
   * @param zone its failure zone ({@code null} if unknown)
   * @param status as in {@link NodeStatus#status}
   * @param localVersion the version of the key this replica has durably learned as chosen (0:
   *     none), when it can be read from here ({@code null} otherwise)
   */
  record ReplicaStatus(int id, String zone, String status, Long localVersion) {}

  /**
   * The replicas of a key and its chosen version.
   *
   * @param replicas the replica group, by node id
   * @param chosenVersion the version of the key's value by a linearizable read, or {@code null} if
   *     the key holds no value (never written, or deleted) or the read failed (no quorum)
   */
  record Replicas(List<ReplicaStatus> replicas, Long chosenVersion) {}

  /** The id of the node serving the calls. */
  int nodeId();

  /** Every node of the cluster, by id. */
  List<NodeStatus> nodes();

  /** The replica group of {@code key} (a store key, as the executor encodes rows). */
  Replicas replicas(byte[] key);

  /**
   * Stops node {@code id} of the local cluster; returns a sentence saying what happened.
   *
   * @throws QueryException 0A000 outside the local cluster, 22023 for an unknown node
   */
  String stopNode(int id);

  /**
   * Starts node {@code id} of the local cluster again; returns a sentence saying what happened.
   *
   * @throws QueryException 0A000 outside the local cluster, 22023 for an unknown node
   */
  String startNode(int id);

  /** No cluster behind the endpoint: every call fails with 0A000. */
  ClusterView NONE =
      new ClusterView() {
        private QueryException unavailable() {
          return new QueryException(
              QueryException.FEATURE_NOT_SUPPORTED,
              "cluster commands are not available: this SQL endpoint serves an engine without a"
                  + " replication node");
        }

        @Override
        public int nodeId() {
          throw unavailable();
        }

        @Override
        public List<NodeStatus> nodes() {
          throw unavailable();
        }

        @Override
        public Replicas replicas(byte[] key) {
          throw unavailable();
        }

        @Override
        public String stopNode(int id) {
          throw unavailable();
        }

        @Override
        public String startNode(int id) {
          throw unavailable();
        }
      };
}
