#!/usr/bin/env bash
# Benchmark of issue 11: `mailassure status` and the daemon's start-up over a SQLite state store
# holding 1 day, 1 year and 10 years of a daily probe from each of 1,000 domains (3.65 million
# records), run as users run them (bin/mailassure; the daemon with the systemd unit's command
# line). Target: the same time whatever the age of the history. The histories are generated once
# into bench/out (the 10-year one takes a few minutes and about 1 GiB).
#   bench/run-state.sh                  DOMAINS=1000 DAYS="1 365 3650"
set -euo pipefail
cd "$(dirname "$0")/.."
DOMAINS=${DOMAINS:-1000}
DAYS=${DAYS:-1 365 3650}
OUT=bench/out
. bench/layout.sh
LIB=$HARNESS_CP
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" -cp "$LIB" bench/src/StateBench.java bench/src/Timed.java bench/src/Proc.java
machine
echo "bin/mailassure status (median of 3) and bin/mailassure run as the unit starts it, until its"
echo "first metrics file (store opened, due slot settled, summary read); SQLite in state-dir"
echo
printf '%6s %8s %10s %7s %10s %9s %11s %10s %11s\n' days domains records "db MiB" "status s" "cpu s" \
  "start-up s" "cpu s" "RSS MiB"
# shellcheck disable=SC2086 # DAYS is a list
java $SQLITE_OPTS -cp "$LIB:$OUT/classes" StateBench "$DOMAINS" "$OUT" $DAYS |
  while IFS=$'\t' read -r d n r mb sw sc uw uc rss; do
    printf '%6s %8s %10s %7s %10s %9s %11s %10s %11s\n' "$d" "$n" "$r" "$mb" "$sw" "$sc" "$uw" "$uc" "$rss"
  done
