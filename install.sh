#!/bin/sh
# Installs the tsproxy release binary for this machine, checksum verified; optionally a systemd unit.
#
#   curl -fsSL https://github.com/tsproxy/tsproxy/releases/latest/download/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --version 0.1.0 --systemd
#
# Options:
#   --version V     install release V (default: the latest)
#   --systemd       also install /etc/systemd/system/tsproxy.service, a tsproxy system user and a
#                   sample /etc/tsproxy/tsproxy.yaml (root only; an existing config is kept)
#   --bin-dir DIR   where the binary goes (default: /usr/local/bin as root, else ~/.local/bin)
#   --destdir DIR   prefix every installed path with DIR (packaging, tests); creates no user
# Environment:
#   TSPROXY_BASE_URL  where releases are: files are fetched from $TSPROXY_BASE_URL/latest/FILE or
#                     $TSPROXY_BASE_URL/vVERSION/FILE (default: the GitHub releases)
set -eu

REPO_URL="https://github.com/tsproxy/tsproxy/releases"
version=latest
systemd=0
bin_dir=""
destdir=""

say() { printf 'tsproxy install: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "--version needs a value"; version=${2#v}; shift 2 ;;
    --version=*) version=${1#--version=}; version=${version#v}; shift ;;
    --systemd) systemd=1; shift ;;
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a value"; bin_dir=$2; shift 2 ;;
    --bin-dir=*) bin_dir=${1#--bin-dir=}; shift ;;
    --destdir) [ $# -ge 2 ] || die "--destdir needs a value"; destdir=$2; shift 2 ;;
    --destdir=*) destdir=${1#--destdir=}; shift ;;
    -h | --help)
      echo "usage: install.sh [--version V] [--systemd] [--bin-dir DIR] [--destdir DIR]"
      echo "env: TSPROXY_BASE_URL (the release location: \$TSPROXY_BASE_URL/latest/ or /vVERSION/)"
      exit 0
      ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

# Which binary: tsproxy-linux-x64, -linux-arm64, and their -musl variants.
os=$(uname -s)
[ "$os" = Linux ] || die "release binaries are built for Linux, this is $os: use npx tsproxy or bunx tsproxy"
case $(uname -m) in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no release binary for CPU $(uname -m): use npx tsproxy or bunx tsproxy" ;;
esac
libc=""
if ls /lib/ld-musl-*.so.1 >/dev/null 2>&1 && ! ls /lib*/ld-linux-*.so.* >/dev/null 2>&1; then
  libc=-musl
fi
asset="tsproxy-linux-$arch$libc"

if [ -n "${TSPROXY_BASE_URL:-}" ]; then
  if [ "$version" = latest ]; then base="${TSPROXY_BASE_URL%/}/latest"; else base="${TSPROXY_BASE_URL%/}/v$version"; fi
elif [ "$version" = latest ]; then
  base="$REPO_URL/latest/download"
else
  base="$REPO_URL/download/v$version"
fi

if [ "$(id -u)" = 0 ]; then root=1; else root=0; fi
if [ -z "$bin_dir" ]; then
  if [ $root = 1 ]; then bin_dir=/usr/local/bin; else bin_dir="${HOME:?HOME is not set}/.local/bin"; fi
fi
[ $systemd = 0 ] || [ $root = 1 ] || die "--systemd needs root (run it with sudo)"

fetch() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die "neither sha256sum nor shasum is installed: cannot verify the download"
  fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsproxy-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

say "downloading $asset ($version) from $base"
fetch "$base/$asset" "$tmp/$asset" || die "cannot download $base/$asset"
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" || die "cannot download $base/SHA256SUMS"
expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "SHA256SUMS has no line for $asset: refusing to install"
actual=$(sha256 "$tmp/$asset")
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $asset (SHA256SUMS says $expected, the download is $actual): refusing to install"
fi
chmod 0755 "$tmp/$asset"
"$tmp/$asset" version >/dev/null 2>&1 || die "the downloaded $asset does not run on this machine"

target="$destdir$bin_dir"
mkdir -p "$target"
mv -f "$tmp/$asset" "$target/tsproxy"
say "installed $target/tsproxy: $("$target/tsproxy" version)"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) say "$bin_dir is not on your PATH: add it, e.g. export PATH=\"$bin_dir:\$PATH\"" ;;
esac

[ $systemd = 1 ] || exit 0

etc="$destdir/etc/tsproxy"
unit_dir="$destdir/etc/systemd/system"
mkdir -p "$etc" "$unit_dir"
if [ ! -e "$etc/tsproxy.yaml" ]; then
  cat >"$etc/tsproxy.yaml" <<'EOF'
# tsproxy's config: see https://github.com/tsproxy/tsproxy#configuration
# yaml-language-server: $schema=https://unpkg.com/tsproxy/dist/npm/tsproxy.schema.json
global:
  log: stdout # the journal
defaults:
  mode: http
frontends:
  web:
    bind: ["0.0.0.0:80"]
    defaultBackend: app
backends:
  app:
    servers:
      - { name: s1, address: "127.0.0.1:8080", check: true }
EOF
  say "wrote a sample $etc/tsproxy.yaml (edit it, then: systemctl enable --now tsproxy)"
fi
cat >"$unit_dir/tsproxy.service" <<EOF
[Unit]
Description=tsproxy TCP/HTTP proxy and load balancer
Documentation=https://github.com/tsproxy/tsproxy
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=tsproxy
Group=tsproxy
ExecStartPre=$bin_dir/tsproxy check -c /etc/tsproxy/tsproxy.yaml
ExecStart=$bin_dir/tsproxy run -c /etc/tsproxy/tsproxy.yaml
ExecReload=$bin_dir/tsproxy check -c /etc/tsproxy/tsproxy.yaml
ExecReload=/bin/kill -HUP \$MAINPID
KillSignal=SIGTERM
TimeoutStopSec=45s
Restart=on-failure
RestartSec=2s
LimitNOFILE=1048576
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=true
ProtectSystem=full
ProtectHome=true
PrivateTmp=true
RuntimeDirectory=tsproxy

[Install]
WantedBy=multi-user.target
EOF
say "installed $unit_dir/tsproxy.service"
if [ -z "$destdir" ] && ! id tsproxy >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tsproxy ||
    die "cannot create the tsproxy system user"
  say "created the system user tsproxy"
fi
if [ -z "$destdir" ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload 2>/dev/null || true
fi
