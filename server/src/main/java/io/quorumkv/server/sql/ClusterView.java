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
   * @param segments how many segments the cluster map places on it ({@code null}: no map yet, or
   *     the node is no longer in it)
   */
  record NodeStatus(
      int id,
      String zone,
      String address,
      String status,
      String sqlAddress,
      Long stateWrites,
      Integer segments) {}

  /**
   * One segment of the cluster map.
   *
   * @param segment its number
   * @param epoch its configuration's epoch
   * @param replicas its group
   * @param zones the zones of its group, in the same order
   * @param state {@code stable}, or {@code moving to} the group it moves to
   * @param keys how many keys with a value it holds, counted on a replica readable from here
   *     ({@code null} if none is)
   */
  record SegmentStatus(
      int segment,
      long epoch,
      List<Integer> replicas,
      List<String> zones,
      String state,
      Long keys) {}

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
   * Every segment of the cluster map.
   *
   * @throws QueryException 57P03 before the node has a map
   */
  List<SegmentStatus> segments();

  /**
   * Doubles the segment count; returns a sentence saying what happened.
   *
   * @throws QueryException 22023 if it cannot be done now (a move in progress), 57P03 if the map
   *     cannot be changed now
   */
  String splitSegments();

  /**
   * Starts decommissioning node {@code id}: its segments move away and it leaves the map once it
   * holds none; returns a sentence saying what happened.
   *
   * @throws QueryException 22023 for an unknown node or one whose leaving would leave too few,
   *     57P03 if the map cannot be changed now
   */
  String decommission(int id);

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

  /**
   * Adds a node to the local cluster (it joins through the founders' client ports); returns a
   * sentence saying what happened.
   *
   * @throws QueryException 0A000 outside the local cluster, 22023 when no more nodes fit, 58000 if
   *     the node does not start or cannot join
   */
  String addNode();

  /**
   * Decommissions node {@code id} of the local cluster and stops it (deleting its data) once it has
   * left the map; returns a sentence saying what happened.
   *
   * @throws QueryException 0A000 outside the local cluster, 22023 for an unknown node or one whose
   *     leaving is impossible, 57P03 if the map cannot be changed now
   */
  String removeNode(int id);

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
        public List<SegmentStatus> segments() {
          throw unavailable();
        }

        @Override
        public String splitSegments() {
          throw unavailable();
        }

        @Override
        public String decommission(int id) {
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

        @Override
        public String addNode() {
          throw unavailable();
        }

        @Override
        public String removeNode(int id) {
          throw unavailable();
        }
      };
}
