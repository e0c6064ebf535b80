#!/usr/bin/env bash
# The whole test suite: unit, integration (real SMTP/IMAP/POP3 servers, SQLite and PostgreSQL) and
# end-to-end (Debian chromium). No test may be skipped: a skipped PostgreSQL or browser test fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest.json "$@" || status=$?
node -e '
const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
const skipped = r.numPendingTests + r.numTodoTests;
if (skipped > 0) {
  const names = r.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status !== "passed" && a.status !== "failed").map((a) => `${f.name}: ${a.fullName}`));
  console.error(`${skipped} test(s) skipped — not allowed:\n` + names.join("\n"));
  process.exitCode = 1;
}
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || status=1
exit $status
