package io.quorumkv.bench.peers.load;

/**
 * Told when the measured window of a run starts and ends (after the warm-up, before the clients
 * stop), so the caller can sample the systems' CPU counters over exactly that window.
 */
public interface MeasureListener {
  /** Called on the generator's thread right as measurement starts. */
  void started();

  /** Called on the generator's thread right as measurement ends, before clients are stopped. */
  void ended();

  /** A listener that does nothing. */
  MeasureListener NONE =
      new MeasureListener() {
        @Override
        public void started() {}

        @Override
        public void ended() {}
      };
}
