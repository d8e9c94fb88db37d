#!/usr/bin/env bash
# Scans tsproxy's TLS binds with Debian's testssl (protocols, server defaults, ciphers per protocol,
# forward secrecy, vulnerabilities) and prints a short summary per TLS stack. README.md, "TLS".
#
# usage: scripts/testssl.sh [bun|node ...]   (default: bun node)
#   bun   the Bun native stack: one certificate, Bun.listen({ tls })
#   node  node:tls: the same bind with TSPROXY_TLS_STACK=node
# Environment: PORT (default 21443), TESTSSL_ARGS (default "-p -S -E -f -U"), KEEP=1 keeps the temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

declare -A pkg=([testssl]=testssl.sh [jq]=jq [openssl]=openssl [curl]=curl)
missing=()
for cmd in "${!pkg[@]}"; do command -v "$cmd" >/dev/null || missing+=("${pkg[$cmd]}"); done
if ((${#missing[@]})); then
  if [[ $EUID -ne 0 ]]; then
    echo "testssl.sh: missing ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "${missing[@]}" || { apt-get update && apt-get install -y "${missing[@]}"; }
fi
command -v bun >/dev/null || { echo "testssl.sh: bun not found; run npm install first" >&2; exit 1; }

PORT="${PORT:-21443}"
read -r -a scan <<<"${TESTSSL_ARGS:--p -S -E -f -U}"
stacks=("$@")
((${#stacks[@]})) || stacks=(bun node)

tmp="$(mktemp -d /tmp/tsproxy-testssl.XXXXXX)"
proxy=""
cleanup() {
  if [[ -n $proxy ]]; then kill -TERM "$proxy" 2>/dev/null || true; wait "$proxy" 2>/dev/null || true; fi
  if [[ ${KEEP:-} == 1 ]]; then echo "testssl.sh: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A self-signed EC P-256 certificate for localhost, chain and key in one file.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -subj "/O=tsproxy testssl/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
cat "$tmp/cert.pem" "$tmp/key.pem" >"$tmp/site.pem"

# tsproxy answers every request itself; the backend is only there because a frontend needs one.
cat >"$tmp/tsproxy.yaml" <<EOF
global: { log: none }
defaults: { mode: http, timeout: { connect: 5s, client: 30s, server: 30s } }
frontends:
  web:
    bind:
      - address: "127.0.0.1:$PORT"
        tls: { certificates: [site.pem] }
    httpRequest: ["return status 200 content-type text/plain string ok"]
    defaultBackend: unused
backends:
  unused: { servers: [{ name: s1, address: "127.0.0.1:9" }] }
EOF

version="$(testssl --version 2>/dev/null | sed -n 's/.*testssl *\([0-9][0-9.]*\).*/\1/p' | head -1)"
echo "testssl ${version:-?}, $(openssl version), $(date -u '+%Y-%m-%d %H:%M UTC'), args: ${scan[*]}"

rc=0
for stack in "${stacks[@]}"; do
  case $stack in
    bun) env=(TSPROXY_TLS_STACK=) ;;
    node) env=(TSPROXY_TLS_STACK=node) ;;
    *) echo "testssl.sh: unknown stack $stack (bun, node)" >&2; exit 2 ;;
  esac
  log="$tmp/proxy-$stack.log"
  env "${env[@]}" bun cli.ts run -c "$tmp/tsproxy.yaml" >"$log" 2>&1 &
  proxy=$!
  for _ in $(seq 100); do
    curl -skf --max-time 1 "https://127.0.0.1:$PORT/" >/dev/null 2>&1 && break
    kill -0 "$proxy" 2>/dev/null || break
    sleep 0.1
  done
  if ! curl -skf --max-time 2 "https://127.0.0.1:$PORT/" >/dev/null; then
    echo "testssl.sh: $stack: tsproxy did not answer on 127.0.0.1:$PORT" >&2
    cat "$log" >&2
    exit 1
  fi
  listening="$(grep -o 'listening on [^ ]* (TLS, [a-z:]*)' "$log" | head -1)"
  json="$tmp/testssl-$stack.json"
  echo
  echo "== $stack: $listening; testssl ${scan[*]} ..."
  start=$SECONDS
  # testssl's exit status counts findings; the summary below says what they are.
  testssl --warnings batch --quiet --color 0 --openssl-timeout 10 "${scan[@]}" \
    --jsonfile "$json" "127.0.0.1:$PORT" >"$tmp/testssl-$stack.txt" 2>&1 || true
  kill -TERM "$proxy" 2>/dev/null || true
  wait "$proxy" 2>/dev/null || true
  proxy=""
  if [[ ! -s $json ]]; then
    echo "testssl.sh: $stack: testssl wrote no JSON" >&2
    tail -20 "$tmp/testssl-$stack.txt" >&2
    rc=1
    continue
  fi
  echo "   ($((SECONDS - start)) s)"
  jq -r '
    def field(f): map(select(.id == f) | .finding) | first // "?";
    # "TLS 1.2   xc02c   ECDHE-ECDSA-AES256-GCM-SHA384   ECDH 253   AESGCM   256   TLS_ECDHE_..."
    def cipher: .finding | split(" ") | map(select(. != ""))
      | { proto: "\(.[0]) \(.[1])", name: .[3], kx: "\(.[4]) \(.[5])", bits: (.[7] | tonumber),
          aead: (.[3] | test("GCM|CHACHA|POLY|CCM|^TLS_")) };
    . as $all
    | [ $all[] | select(.id | test("^(SSLv2|SSLv3|TLS1|TLS1_1|TLS1_2|TLS1_3)$")) ] as $protos
    | [ $all[] | select(.id | test("^cipher-")) | cipher ] as $ciphers
    | "protocols offered:   " + ([ $protos[] | select(.finding | test("^offered")) | .id ] | join(", ")),
      "not offered:         " + ([ $protos[] | select(.finding | test("not offered")) | .id ] | join(", ")),
      "ALPN:                " + ($all | field("ALPN")),
      ( $ciphers | group_by(.proto)[]
        | "ciphers \(.[0].proto):     " + (map(.name) | join(" ")) ),
      ( $ciphers | sort_by(.bits, .aead) | first
        | "weakest cipher:      " + (if . then "\(.proto) \(.name) (\(.kx), \(.bits) bit)" else "?" end) ),
      "forward secrecy:     " + ($all | field("PFS")) + ", curves " + ($all | field("PFS_ECDHE_curves")),
      "not OK (severity LOW and above; certificate trust and DNS CAA left out):",
      ( [ $all[] | select((.severity | test("^(LOW|MEDIUM|HIGH|CRITICAL|WARN)$"))
            and (.id | test("^(cert|chain_of_trust|DNS_CAArecord)") | not)) ]
        | if length == 0 then "  none" else .[] | "  \(.id) [\(.severity)]: \(.finding)" end ),
      "vulnerability checks: " +
        ( [ $all[] | select(.id | test("^(heartbleed|CCS|ticketbleed|ROBOT|secure_renego|secure_client_renego|CRIME_TLS|BREACH|POODLE_SSL|fallback_SCSV|SWEET32|FREAK|DROWN|LOGJAM|BEAST|LUCKY13|RC4)")) ]
          | group_by(.severity) | map("\(.[0].severity) \(length)") | join(", ") )
' "$json"
done
exit "$rc"
