package io.quorumkv.replication.paxos;

/**
 * The answer to one client request, as a value. {@link CasResult}s answer writes; {@link ReadOk}
 * answers reads; {@link Failed} says the request <em>certainly</em> had no effect; {@link
 * CasResult.Unknown} says it may or may not have taken effect.
 */
public sealed interface Outcome permits Outcome.ReadOk, Outcome.Failed, CasResult {

  /**
   * A linearizable read's answer.
   *
   * @param value the value, {@code null} if absent
   * @param version the version it was chosen at, 0 if never written
   */
  record ReadOk(Bytes value, long version) implements Outcome {}

  /** The request did not take effect and never will (e.g. it timed out before proposing). */
  record Failed(String reason) implements Outcome {}
}
