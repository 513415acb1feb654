#!/usr/bin/env bash
# Benchmark of issues 5 and 13: `mailassure check` over 1,000 domains against a loopback DNS server
# that answers every question after 20 ms and an HTTPS server on 127.0.0.1:443 that serves every
# domain's MTA-STS policy after 20 ms (binding port 443 needs root). Targets: under 10 s, no
# (name, type) asked twice, every policy fetched, exit 0, and mailassure's own CPU time (user +
# system of its process, apart from the servers) at most 5 s. The servers are warmed up first by
# WARM_UP_RUNS (3) unmeasured runs of the same check, until their JIT is idle, and their own CPU
# during the measured run is shown beside mailassure's: both share the machine's cores.
#   sudo bench/run-check.sh            (needs Java 17 and Maven; root for port 443)
#   KEYS=ec N=300 bench/run-check.sh   (ECDSA certificates; fewer domains)
#   RUNS=5 bench/run-check.sh          (measured runs after the warm-up, 3 by default; medians last)
#   MAILASSURE_JAVA_OPTS=...           (more JVM options for the measured mailassure process)
#   HARNESS_OPTS=...                   (JVM options for the servers' JVM, e.g. to profile it)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
DELAY_MS=${DELAY_MS:-20}
KEYS=${KEYS:-rsa}   # the policy hosts' certificates: rsa (RSA-2048) or ec (ECDSA P-256)
OUT=bench/out
. bench/layout.sh
LIB=$HARNESS_CP
mkdir -p "$OUT/classes"
if [ "$(id -u)" != 0 ]; then
  echo "run-check.sh: MTA-STS policies are fetched from port 443, which only root may bind; run it as root" >&2
  exit 2
fi
javac -d "$OUT/classes" -cp "$LIB" bench/src/CheckBench.java bench/src/PolicyServer.java bench/src/Timed.java
machine
echo "bin/mailassure check as a process; ${DELAY_MS} ms before every DNS answer and every HTTPS answer;"
echo "policy hosts' certificates: $KEYS (KEYS=rsa|ec)"
echo "checks: mx spf dmarc dkim mta-sts tls-rpt (smtp-tls, rule and probe need no DNS and are skipped)"
echo
echo "(cpu s: mailassure's process; servers cpu s: the loopback DNS and HTTPS servers' JVM, same cores)"
printf '%-7s %8s %8s %8s %15s %10s %20s %9s %9s %s\n' run domains "wall s" "cpu s" "servers cpu s" questions "most asks of one q" policies exit target
java ${HARNESS_OPTS:-} $SQLITE_OPTS -cp "$LIB:$OUT/classes" CheckBench "$N" "$DELAY_MS" "$OUT" "$KEYS" 2>"$OUT/check-bench.err" |
  while IFS=$'\t' read -r run n s c sc q most fetched rc; do
    printf '%-7s %8s %8s %8s %15s %10s %20s %9s %9s %s\n' "$run" "$n" "$s" "$c" "$sc" "$q" "$most" "$fetched" "$rc" \
      "wall < 10 s, cpu <= 5 s, 1 ask, $n policies, exit 0"
  done || {
  echo "run-check.sh: the benchmark harness failed; the end of $OUT/check-bench.err:" >&2
  tail -n 20 "$OUT/check-bench.err" >&2
  exit 1
}
