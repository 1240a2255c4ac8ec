#!/usr/bin/env bash
# Runs the deterministic Paxos simulator over any range of seeds and checks every history.
#   replication/sim.sh [SEEDS] [FIRST_SEED]     e.g. replication/sim.sh 100000 8000
#   replication/sim.sh --seed 1234               replays one seed
# Seeds divisible by 4 run 5 replicas, the others 3. A failure prints the seed and the replay
# command; the summary (operations checked, unknown outcomes, messages, crashes) is written to
# replication/target/sim-report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--seed" ]]; then
  args=(-Dsim.seed="$2")
else
  args=(-Dsim.seeds="${1:-10000}" -Dsim.firstSeed="${2:-0}")
fi
status=0
mvn -B -o -q -pl replication test -Dtest='PaxosSimTest#seedsAreLinearizable' \
  -Dsurefire.failIfNoSpecifiedTests=false "${args[@]}" || status=$?
cat replication/target/sim-report.txt
echo
exit $status
