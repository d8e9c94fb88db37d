#!/usr/bin/env bash
# The quickstart: installs what it needs, then runs tsproxy (on Deno) with two demo origins. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/deno ] || npm install --no-audit --no-fund --loglevel=error
exec node_modules/.bin/deno run --allow-net --allow-read --allow-env --allow-sys scripts/quickstart.ts
