#!/usr/bin/env bash
# Benchmark of issue 5: `mailassure check` over 1,000 domains against a loopback DNS server that
# answers every question after 20 ms. Target: under 10 s, and no (name, type) asked twice.
#   bench/run-check.sh       (needs Java 17 and Maven)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
DELAY_MS=${DELAY_MS:-20}
OUT=bench/out
. bench/layout.sh
LIB=$HARNESS_CP
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" -cp "$LIB" bench/src/CheckBench.java bench/src/Timed.java
machine
echo "bin/mailassure check as a process; ${DELAY_MS} ms before every DNS answer"
echo "checks: mx spf dmarc dkim mta-sts tls-rpt (smtp-tls, rule and probe need no DNS and are skipped)"
echo
printf '%8s %8s %8s %10s %20s %5s %10s\n' domains "wall s" "cpu s" questions "most asks of one q" exit target
java $SQLITE_OPTS -cp "$LIB:$OUT/classes" CheckBench "$N" "$DELAY_MS" "$OUT" 2>/dev/null |
  while IFS=$'\t' read -r n s c q most rc; do
    printf '%8s %8s %8s %10s %20s %5s %10s\n' "$n" "$s" "$c" "$q" "$most" "$rc" "< 10 s, 1"
  done
