#!/usr/bin/env bash
# Benchmark of issue 2: probe sending throughput against swaks, and cold start.
#   bench/run-send.sh            (needs Java 17 and Maven; swaks and hyperfine from Debian are optional)
# Everything runs on 127.0.0.1. Prints a table; copy it into the README.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200}
RUNS=${RUNS:-15}
OUT=bench/out
. bench/layout.sh
LIB=$HARNESS_CP
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" -cp "$LIB" bench/src/BenchRelay.java bench/src/SendBench.java bench/src/Hello.java

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
echo
printf '%-46s %7s %9s %9s  %s\n' "probe sends" "probes" "seconds" "probes/s" "delivered"
java -cp "$LIB:$OUT/classes" SendBench "$N" "$OUT" "$LAUNCHER" |
  while IFS=$'\t' read -r name n s rate delivered; do
    printf '%-46s %7s %9s %9s  %s\n' "$name" "$n" "$s" "$rate" "$delivered"
  done

# Cold start: median wall time of fresh JVMs.
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
time_cmd() {
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$OUT/h.json" "$1" >/dev/null 2>&1
    python3 -c "import json;print('%.3f'%json.load(open('$OUT/h.json'))['results'][0]['median'])" 2>/dev/null \
      || grep -o '"median": *[0-9.]*' "$OUT/h.json" | head -1 | awk -F: '{printf "%.3f", $2}'
  else
    for _ in $(seq "$RUNS"); do
      s=$(date +%s%N); eval "$1" >/dev/null 2>&1; e=$(date +%s%N); echo "($e-$s)/1000000000" | bc -l
    done | median
  fi
}
echo
printf '%-46s %12s %8s\n' "cold start (median of $RUNS)" "seconds" "target"
printf '%-46s %12s %8s\n' "JVM hello world (baseline)" "$(time_cmd "java -cp $OUT/classes Hello")" "-"
printf '%-46s %12s %8s\n' "mailassure --version" "$(time_cmd "java -jar target/mailassure.jar --version")" "< 0.3"
printf '%-46s %12s %8s\n' "mailassure validate ($N domains, RSA keys)" \
  "$(time_cmd "java -jar target/mailassure.jar validate -c $OUT/bench-$N.yaml")" "< 0.6"
