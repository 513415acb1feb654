#!/usr/bin/env bash
# Probe sending throughput against swaks, and cold start, all through bin/mailassure.
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
javac -d "$OUT/classes" -cp "$LIB" bench/src/BenchRelay.java bench/src/SendBench.java bench/src/Hello.java \
  bench/src/Timed.java

machine
echo
printf '%-46s %7s %8s %8s %9s  %s\n' "probe sends" "probes" "wall s" "cpu s" "probes/s" "delivered"
java $SQLITE_OPTS -cp "$LIB:$OUT/classes" SendBench "$N" "$OUT" |
  while IFS=$'\t' read -r name n s c rate delivered; do
    printf '%-46s %7s %8s %8s %9s  %s\n' "$name" "$n" "$s" "$c" "$rate" "$delivered"
  done

# Cold start through the launcher, as users start it: median wall and CPU (user + system) seconds
# over RUNS fresh starts, and the ratio to a JVM hello world timed in the same run.
TIMEFORMAT='%R %U %S'
median() { sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
cold() {
  for _ in $(seq "$RUNS"); do
    { time "$@" >/dev/null 2>&1; } 2>&1
  done >"$OUT/cold.txt"
  echo "$(awk '{print $1}' "$OUT/cold.txt" | median) $(awk '{print $2+$3}' "$OUT/cold.txt" | median)"
}
echo
printf '%-53s %8s %8s %9s %8s\n' "cold start (median of $RUNS)" "wall s" "cpu s" "x hello" "target"
read -r hw hc < <(cold java -cp "$OUT/classes" Hello)
printf '%-53s %8s %8s %9s %8s\n' "JVM hello world (baseline)" "$hw" "$hc" "1.00" "-"
row() {
  local label=$1 target=$2
  shift 2
  read -r w c < <(cold "$@")
  printf '%-53s %8s %8s %9s %8s\n' "$label" "$w" "$c" "$(awk -v a="$w" -v b="$hw" 'BEGIN {printf "%.2f", a/b}')" "$target"
}
row "bin/mailassure --version" "<= 2" "$LAUNCHER" --version
# The default transport (graph): each domain's mail leaves through Exchange Online, which signs it,
# so the config names no local key and no relay; a client secret in a file, as README's set-up.
graph_config=$OUT/bench-graph-$N.yaml
(umask 077 && printf 'benchmark-client-secret-not-used\n' >"$OUT/graph-secret")
{
  printf 'state-dir: state\ngraph:\n  tenant-id: contoso.onmicrosoft.com\n'
  printf '  auth:\n    type: client-secret\n    client-id: 00000000-0000-0000-0000-000000000001\n'
  printf '    client-secret-file: graph-secret\nprobe:\n  transport: graph\ndomains:\n'
  for i in $(seq 0 $((N - 1))); do
    printf '  - name: d%d.bench.example\n    mailbox: secureemailreply@d%d.bench.example\n' "$i" "$i"
  done
} >"$graph_config"
row "bin/mailassure validate ($N domains, graph)" "<= 4" "$LAUNCHER" validate -c "$graph_config"
# transport smtp with local DKIM signing: an RSA-2048 key a domain and the relay's CA to parse.
row "bin/mailassure validate ($N domains, smtp, RSA keys)" "<= 4" "$LAUNCHER" validate -c "$OUT/bench-$N.yaml"
