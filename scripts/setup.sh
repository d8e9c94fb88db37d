#!/usr/bin/env bash
# Installs what tsproxy's tests and benchmarks use: npm packages (Deno, Bun, libraries) and Debian tools.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/deno ] || [ ! -x node_modules/.bin/bun ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi

need=()
for pair in redis-server:redis-server redis-benchmark:redis-tools haproxy:haproxy curl:curl openssl:openssl python3:python3 ssh:openssh-client rsyslogd:rsyslog promtool:prometheus socat:socat wrk:wrk chromium:chromium shellcheck:shellcheck systemd-analyze:systemd nghttp:nghttp2-client h2load:nghttp2-client; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]}; install them with apt-get (tests that use them will fail)" >&2
  fi
fi
