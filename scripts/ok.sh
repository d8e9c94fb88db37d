#!/usr/bin/env bash
# deno task ok: format check, lint, runtime-name check, type check, then (unless "--no-test") the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
deno fmt --check
deno lint
deno run --allow-read scripts/check_core.ts
deno check mod.ts cli.ts src tests scripts/*.ts
[ "${1:-}" = "--no-test" ] || bash scripts/test.sh
