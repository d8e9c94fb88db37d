#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds the Bun binary, runs the tests under Deno and Bun.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$PWD/node_modules/.bin:$PATH"
mkdir -p .test-logs

fail=0
echo "== check_core, format check, type check, lint"
deno run --allow-read scripts/check_core.ts || fail=$((fail + 1))
deno fmt --check -q || { echo "deno fmt --check: unformatted files (run deno fmt)"; fail=$((fail + 1)); }
deno check mod.ts cli.ts src tests scripts/*.ts 2>&1 | grep -v '^.\[0m.\[32mCheck' ; [ "${PIPESTATUS[0]}" -eq 0 ] || fail=$((fail + 1))
deno lint -q || fail=$((fail + 1))

echo "== build dist/tsproxy (bun build --compile)"
mkdir -p dist && bun build --compile --minify cli.ts --outfile dist/tsproxy >.test-logs/compile.log 2>&1 || { cat .test-logs/compile.log; fail=$((fail + 1)); }

echo "== deno test (unit and runtime adapter on deno)"
deno test --allow-all tests/unit tests/runtime 2>&1 | tee .test-logs/deno.log
deno_line=$(sed 's/\x1b\[[0-9;]*m//g' .test-logs/deno.log | grep -E '^(ok|FAILED) \| ' | tail -1)
dp=$(echo "$deno_line" | sed -nE 's/.* ([0-9]+) passed.*/\1/p'); dp=${dp:-0}
df=$(echo "$deno_line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p'); df=${df:-0}
[ -n "$deno_line" ] || df=$((df + 1))

# The end-to-end tests drive real processes from bun test: its node:net is the faithful one for the
# test origins (under Deno, node:net can lose a reply written right as the peer half-closes).
echo "== bun test (unit and runtime adapter on bun; end-to-end with the proxy on deno, bun and the binary)"
bun test --timeout 300000 ./tests/unit ./tests/runtime ./tests/e2e ./tests/fuzz 2>&1 | tee .test-logs/bun.log
bp=$(sed -nE 's/^ *([0-9]+) pass$/\1/p' .test-logs/bun.log | tail -1); bp=${bp:-0}
bf=$(sed -nE 's/^ *([0-9]+) fail$/\1/p' .test-logs/bun.log | tail -1); bf=${bf:-0}
grep -qE '^ *[0-9]+ pass$' .test-logs/bun.log || bf=$((bf + 1))

passed=$((dp + bp))
failed=$((df + bf + fail))
echo "deno: $dp passed, $df failed; bun: $bp passed, $bf failed; other checks failed: $fail"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
