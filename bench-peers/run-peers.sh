#!/usr/bin/env bash
# QuorumKV against etcd and PostgreSQL on this machine (issue 6).
#
#   bench-peers/run-peers.sh [--quick] [--out DIR] [--systems LIST] [PeerBench options]
#
# Installs what is missing (Debian packages etcd-server and postgresql-15; needs root), builds
# QuorumKV and the load generator if the sources changed, then runs io.quorumkv.bench.peers.PeerBench:
# a 3-member etcd cluster, PostgreSQL single node and with one synchronous standby, and QuorumKV's
# 3 nodes (merging on, then off), one system at a time on loopback, the same workloads against
# each. Prints one table and writes DIR/results.md, results.csv and two SVG plots
# (default DIR: bench-peers/target/peers-results). The default run takes about 12 minutes,
# --quick about 2.5. Everything it starts is stopped by PID at the end and on Ctrl-C.
#
# Options (see PeerBench): --systems etcd,postgres,postgres-sync,quorumkv-jdbc,quorumkv-native,
# quorumkv-native-nomerge; --keys N; --reps N; --warmup S; --measure S; --work DIR;
# --etcd PATH; --pg-bin DIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

pg_bin=/usr/lib/postgresql/15/bin
etcd_bin="$(command -v etcd || echo /usr/bin/etcd)"
systems="etcd,postgres,postgres-sync,quorumkv-jdbc,quorumkv-native,quorumkv-native-nomerge"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --systems) systems="${args[$((i + 1))]:-}" ;;
    --pg-bin) pg_bin="${args[$((i + 1))]:-}" ;;
    --etcd) etcd_bin="${args[$((i + 1))]:-}" ;;
    -h | --help)
      sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
  esac
done

missing=()
if [[ ",$systems," == *,etcd,* ]] && [ ! -x "$etcd_bin" ]; then
  missing+=(etcd-server)
fi
if [[ ",$systems," == *,postgres* ]] && [ ! -x "$pg_bin/postgres" ]; then
  missing+=(postgresql-15)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-peers: missing ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "run-peers: installing ${missing[*]} (apt-get)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  etcd_bin="$(command -v etcd || echo /usr/bin/etcd)"
fi

stamp="bench-peers/target/classpath.txt"
if [ ! -f "$stamp" ] || [ -n "$(find . -path ./data -prune -o -path ./bench-peers/target -prune -o \
  \( -name '*.java' -o -name pom.xml -o -name '*.g4' \) -newer "$stamp" -print -quit)" ]; then
  echo "run-peers: building (mvn install -DskipTests -pl bench-peers -am)..." >&2
  mvn -B -q -ntp install -DskipTests -Dspotless.check.skip=true -pl bench-peers -am
  # A private copy of the jars: another build's 'mvn install' rewriting ~/.m2 during a run once
  # made node JVMs starting mid-run fail with ClassNotFoundException.
  rm -rf bench-peers/target/peers-lib
  mvn -B -q -ntp -pl bench-peers dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory=target/peers-lib >/dev/null
  rm -rf bench-peers/target/peers-classes.new
  cp -r bench-peers/target/classes bench-peers/target/peers-classes.new
  rm -rf bench-peers/target/peers-classes
  mv bench-peers/target/peers-classes.new bench-peers/target/peers-classes
  {
    printf '%s' "$root/bench-peers/target/peers-classes"
    for jar in bench-peers/target/peers-lib/*.jar; do printf ':%s' "$root/$jar"; done
    echo
  } >"$stamp"
fi

# exec: Ctrl-C reaches the JVM (and the servers, in the same process group); its shutdown hook
# stops what it started by PID.
exec java -Xms1g -Xmx2g -cp "$(cat "$stamp")" io.quorumkv.bench.peers.PeerBench \
  --etcd "$etcd_bin" --command "bench-peers/run-peers.sh $*" "$@"
