#!/usr/bin/env bash
# Benchmark of issue 3: the daemon's resident memory after 30 simulated days of slots for 200
# domains, with the JVM flags of systemd/mailassure.service. Every slot really sends every probe
# (RSA-2048 DKIM, STARTTLS) to a relay on 127.0.0.1; only the clock is simulated.
# Prints VmRSS right after the last slot, after idling past the unit's native-heap trim interval,
# and the peak (VmHWM).
#   bench/run-daemon-memory.sh      (needs Java 17 and Maven)
#   TRANSPORT=graph bench/run-daemon-memory.sh   the graph transport to the loopback Graph server
#   BENCH_NMT=1 bench/run-daemon-memory.sh   also writes Native Memory Tracking's summary, smaps
#                                            and the heap's top classes to bench/out/daemon-sim.err
set -euo pipefail
cd "$(dirname "$0")/.."
DOMAINS=${DOMAINS:-200}
DAYS=${DAYS:-30}
TRANSPORT=${TRANSPORT:-smtp}
OUT=bench/out
. bench/layout.sh
LIB=$HARNESS_CP
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" -cp "$LIB" bench/src/BenchRelay.java bench/src/DaemonSim.java bench/src/DaemonMemoryBench.java
# The JVM flags the launcher gives the unit (Environment=MAILASSURE_JVM=service), and its
# MALLOC_ARENA_MAX.
FLAGS=$(sed -n '/^  service)/,/;;/p' "$LAUNCHER" | grep -o -- '-X[^ "]*' | tr '\n' ' ')
export MALLOC_ARENA_MAX=2
# The daemon's class path: the layout's lib/; over Graph also lib/graph/.
CHILD_CP="$(ls "$HOME_DIR"/lib/*.jar | grep -v boot | tr '\n' ':')target/mailassure-tests.jar:$OUT/classes"
[ "$TRANSPORT" = graph ] && CHILD_CP="$(ls "$HOME_DIR"/lib/graph/*.jar | tr '\n' ':')$CHILD_CP"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); transport $TRANSPORT"
echo "JVM flags (from systemd/mailassure.service): $FLAGS MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}"
echo
printf '%8s %5s %8s %8s %16s %10s %10s %8s %8s\n' domains days probes journal "after slot MiB" "idle MiB" "peak MiB" \
  seconds target
java ${BENCH_NMT:+-Dbench.nmt=true} -cp "$LIB:$OUT/classes" DaemonMemoryBench "$DOMAINS" "$DAYS" "$OUT" \
  "$CHILD_CP" "$FLAGS" "$TRANSPORT" |
  while IFS=$'\t' read -r d n p j slot idle peak s; do
    printf '%8s %5s %8s %8s %16s %10s %10s %8s %8s\n' "$d" "$n" "$p" "$j" "$slot" "$idle" "$peak" "$s" "<= 64"
  done
