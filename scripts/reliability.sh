#!/usr/bin/env bash
# The reliability and security suites, short (CI) or long (FACTEUR_LONG=1), then the load benchmark.
#   bash scripts/reliability.sh            # short variants (a few minutes)
#   bash scripts/reliability.sh --long     # 10,000 messages, 8 kills, 10x fault and property runs, 60 s load
# Every figure line ([crash …], [smtp-faults] …, [hostile] …) is kept in .tmp/reliability.log.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
if [[ "${1:-}" == "--long" ]]; then
  export FACTEUR_LONG=1
  seconds=${BENCH_LOAD_SECONDS:-60}
else
  seconds=${BENCH_LOAD_SECONDS:-10}
fi
status=0
npx vitest run test/reliability test/security 2>&1 | tee .tmp/reliability.log || status=$?
BENCH_LOAD_SECONDS=$seconds npx tsx bench/load/run.ts 2>&1 | tee -a .tmp/reliability.log || status=$?
grep -aoE '\[(crash|smtp-faults|hostile)[^]]*\].*' .tmp/reliability.log || true
exit $status
