#!/usr/bin/env bash
# The daemon's resident memory for 200 domains, in two ways, for both transports:
#  1. the installed product as the systemd unit starts it (bin/mailassure with the unit's
#     Environment= and ExecStart=), on the real clock, a slot every minute for SLOTS minutes;
#  2. 30 simulated days of a daily schedule: the daemon's own classes in a child JVM with the
#     launcher's service JVM options and the layout's jars, only the clock simulated.
# Every probe really goes (RSA-2048 DKIM over STARTTLS to a relay on 127.0.0.1, or to the loopback
# Graph server over plain HTTP). Prints VmRSS right after the last slot, after idling past the
# native-heap trim interval, and the peak (VmHWM), with wall and CPU seconds.
#   bench/run-daemon-memory.sh                    both transports, both ways (about 15 minutes)
#   TRANSPORTS=smtp SLOTS=3 DAYS=10 bench/run-daemon-memory.sh
#   BENCH_NMT=1 bench/run-daemon-memory.sh        also Native Memory Tracking's summary (simulation)
set -euo pipefail
cd "$(dirname "$0")/.."
DOMAINS=${DOMAINS:-200}
DAYS=${DAYS:-30}
SLOTS=${SLOTS:-5}
TRANSPORTS=${TRANSPORTS:-smtp graph}
OUT=bench/out
. bench/layout.sh
LIB=$HARNESS_CP
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" -cp "$LIB" bench/src/BenchRelay.java bench/src/DaemonSim.java bench/src/boot/SimBoot.java \
  bench/src/DaemonMemoryBench.java bench/src/DaemonProductBench.java bench/src/Proc.java
(cd "$OUT/classes" && jar cf ../sim.jar .)
# The JVM flags the launcher gives the unit (Environment=MAILASSURE_JVM=service).
FLAGS=$(sed -n '/^  service)/,/;;/p' "$LAUNCHER" | grep -o -- '-X[^ "]*' | tr '\n' ' ')
export MALLOC_ARENA_MAX=2
machine
echo "service JVM options (bin/mailassure, MAILASSURE_JVM=service): $FLAGS MALLOC_ARENA_MAX=2"

echo
echo "1. the product as the unit starts it, a slot a minute, real clock"
printf '%-9s %7s %5s %7s %15s %9s %9s %7s %7s %7s\n' transport domains slots probes "after slot MiB" "idle MiB" \
  "peak MiB" "wall s" "cpu s" target
for t in $TRANSPORTS; do
  java $SQLITE_OPTS -cp "$LIB:$OUT/classes" DaemonProductBench "$DOMAINS" "$SLOTS" "$OUT" "$t" |
    while IFS=$'\t' read -r tr d n p slot idle peak w c; do
      printf '%-9s %7s %5s %7s %15s %9s %9s %7s %7s %7s\n' "$tr" "$d" "$n" "$p" "$slot" "$idle" "$peak" "$w" "$c" "<= 64"
    done
done

echo
echo "2. $DAYS simulated days of a daily schedule, the service's JVM options"
printf '%-9s %7s %5s %7s %15s %9s %9s %7s %7s %7s\n' transport domains days probes "after slot MiB" "idle MiB" \
  "peak MiB" "wall s" "cpu s" target
for t in $TRANSPORTS; do
  # The JVM's class path as bin/mailassure gives it (the layout's boot jar) and SimBoot, which
  # loads mailassure through the layout's class loader, with the simulation's classes and the test
  # jar as a group of their own; over Graph, the daemon adds lib/graph/ itself, as `run` does.
  CHILD_CP="$HOME_DIR/lib/mailassure-boot.jar:$OUT/classes"
  BENCH_JARS="-Dbench.jars=$PWD/target/mailassure-tests.jar:$PWD/$OUT/sim.jar"
  java $SQLITE_OPTS ${BENCH_NMT:+-Dbench.nmt=true} -cp "$LIB:$OUT/classes" DaemonMemoryBench "$DOMAINS" "$DAYS" "$OUT" \
    "$CHILD_CP" "$FLAGS $BENCH_JARS" "$t" |
    while IFS=$'\t' read -r d n p j slot idle peak s c; do
      printf '%-9s %7s %5s %7s %15s %9s %9s %7s %7s %7s\n' "$t" "$d" "$n" "$p" "$slot" "$idle" "$peak" "$s" "$c" "<= 64"
    done
done
