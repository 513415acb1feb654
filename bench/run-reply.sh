#!/usr/bin/env bash
# Benchmark of issue 12: one look at 1,000 reply-mode mailboxes (one assessment message each)
# against a loopback Graph that answers every request after 50 ms, against the ideal of
# requests x 50 ms / 4 (Graph's 4 concurrent requests).
#   bench/run-reply.sh       (needs Java 17 and Maven)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
LATENCY_MS=${LATENCY_MS:-50}
OUT=bench/out
. bench/layout.sh
LIB=$HARNESS_CP
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" -cp "$LIB" bench/src/ReplyBench.java bench/src/Timed.java
machine
echo "bin/mailassure reply as a process; latency ${LATENCY_MS} ms per answer"
echo
printf '%-20s %9s %9s %8s %8s %9s %7s %8s\n' run mailboxes requests "wall s" "cpu s" ideal ratio target
java $SQLITE_OPTS -cp "$LIB:$OUT/classes" ReplyBench "$N" "$LATENCY_MS" "$OUT" 2>/dev/null |
  while IFS=$'\t' read -r run n req s c ideal ratio rest; do
    if [ "$run" = "max in flight" ]; then echo "max requests in flight: $n (limit 4)"; continue; fi
    printf '%-20s %9s %9s %8s %8s %9s %7s %8s %s\n' "$run" "$n" "$req" "$s" "$c" "$ideal" "$ratio" "<= 1.25" "$rest"
  done
