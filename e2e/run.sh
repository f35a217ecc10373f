#!/usr/bin/env bash
# run.sh runs the end-to-end suite: it installs the suite's packages (npm ci) and Debian's chromium when
# missing (as root), builds the gateway, starts it on the embedded emulator on a free loopback port,
# runs every test file with node's test runner, and stops the gateway. Any part that cannot run fails
# the run; nothing is skipped.
#
# Environment: ROCKETGQL_BIN (use this gateway binary instead of building bin/rocketgql),
# CHROMIUM_PATH (default /usr/bin/chromium), E2E_SKIP_INSTALL=1 (reuse node_modules as they are).
# Arguments, if any, are the test files to run (default: test/*.test.js).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"

fail() { echo "e2e: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not installed (Node 20 or newer is needed)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  fail "Node $(node --version) is too old: Node 20 or newer is needed"

if [[ "${E2E_SKIP_INSTALL:-}" != 1 || ! -d node_modules ]]; then
  echo "e2e: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  [[ "$(id -u)" == 0 ]] || fail "$CHROMIUM_PATH is missing and only root can install Debian's chromium: sudo apt-get install -y chromium"
  echo "e2e: installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [[ -x "$CHROMIUM_PATH" ]] || fail "apt-get installed chromium but $CHROMIUM_PATH is still missing"
fi

if [[ -z "${ROCKETGQL_BIN:-}" ]]; then
  echo "e2e: go build -o bin/rocketgql ."
  (cd "$root" && go build -o bin/rocketgql .)
  ROCKETGQL_BIN="$root/bin/rocketgql"
fi
[[ -x "$ROCKETGQL_BIN" ]] || fail "$ROCKETGQL_BIN is not an executable"

mkdir -p artifacts
log="$here/artifacts/gateway.log"
# No ROCKETCHAT_URL: the gateway starts its embedded emulator with the demo users.
env -u ROCKETCHAT_URL -u LISTEN_ADDR "$ROCKETGQL_BIN" -listen 127.0.0.1:0 >"$log" 2>&1 &
gateway_pid=$!
stop_gateway() {
  if kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
}
trap stop_gateway EXIT

url="" admin="" demo=""
for _ in $(seq 1 300); do # up to 30 s
  kill -0 "$gateway_pid" 2>/dev/null || { cat "$log" >&2; fail "the gateway exited before it was ready"; }
  url="$(sed -n 's/^rocketgql listening on \(http:\/\/[^ ]*\)$/\1/p' "$log" | head -n1)"
  admin="$(sed -n 's/^demo headers (admin): //p' "$log" | head -n1)"
  demo="$(sed -n 's/^demo headers (demo): //p' "$log" | head -n1)"
  [[ -n "$url" && -n "$admin" && -n "$demo" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { cat "$log" >&2; fail "no 'rocketgql listening on http://…' line within 30 s"; }
[[ -n "$admin" && -n "$demo" ]] || { cat "$log" >&2; fail "no 'demo headers (admin|demo): {…}' lines: is the gateway on its embedded emulator?"; }
echo "e2e: gateway at $url (log: e2e/artifacts/gateway.log)"

export ROCKETGQL_URL="$url" ROCKETGQL_DEMO_HEADERS_ADMIN="$admin" ROCKETGQL_DEMO_HEADERS_DEMO="$demo"
if [[ $# -gt 0 ]]; then files=("$@"); else files=(test/*.test.js); fi
# One file at a time: the client test changes the demo user's status, which the others read.
status=0
node --test --test-concurrency=1 --test-timeout=120000 "${files[@]}" || status=$?
stop_gateway
exit "$status"
