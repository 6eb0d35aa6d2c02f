#!/usr/bin/env bash
# Runs every check of the repository, in this order:
#   setup (scripts/setup.sh --test), typecheck, lint, vitest projects unit, store, server, janus, e2e,
#   then the unit and server projects again on Node.js 24 (scripts/node24.sh fetches it when the
#   machine's node is another version), so both supported versions are tested
# and ends with one line "N passed, N failed" (tests summed over the vitest projects; a
# failed setup, typecheck or lint counts as one failure each). Exits non-zero if anything failed.
#
# PostgreSQL for the store tests: TEST_DATABASE_URL if set; else a server answering on
# 127.0.0.1:5432 (database "test", user postgres, trust auth); else a throwaway cluster on a
# free port, stopped at exit (installs Debian's postgresql package when missing).
# VISAVIS_THROWAWAY_PG=1 forces the throwaway cluster.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Suites that need root, Janus or PostgreSQL fail instead of skipping when CI is set: a green
# run of this script means every test ran.
export CI="${CI:-true}"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

started=$(date +%s)
results=$(mktemp -d "${TMPDIR:-/tmp}/visavis-test.XXXXXX")
pg_tmp=''
pg_bin=''
pg_as=()

cleanup() {
  if [ -n "$pg_tmp" ]; then
    "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_tmp"
  fi
  rm -rf "$results"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

total_passed=0
total_failed=0
report=()

step() { printf '\n==> %s\n' "$*"; }

# check NAME CMD...: a pass/fail step (one failure if it fails).
check() {
  local name=$1
  shift
  step "$name: $*"
  if "$@"; then
    report+=("$name: ok")
  else
    report+=("$name: FAILED (exit $?)")
    total_failed=$((total_failed + 1))
  fi
}

# Starts a PostgreSQL cluster in a temp dir on a free port, trust auth, database "test".
start_throwaway_pg() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    apt_install postgresql || return 1
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || {
      echo "test: postgresql installed but no initdb under /usr/lib/postgresql/*/bin" >&2
      return 1
    }
  fi
  pg_tmp=$(mktemp -d "${TMPDIR:-/tmp}/visavis-pg.XXXXXX")
  # PostgreSQL refuses to run as root: run it as the postgres user the package created.
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$pg_tmp" || return 1
    pg_as=(runuser -u postgres --)
  fi
  local port
  port=$(free_port) || return 1
  run_quiet "initdb" "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_tmp/data" -U postgres --auth=trust \
    -E UTF8 --no-locale || return 1
  run_quiet "pg_ctl start" "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" \
    -w -t 60 -o "-p $port -k $pg_tmp -c listen_addresses=127.0.0.1 -c fsync=off" start || {
    cat "$pg_tmp/server.log" >&2 2>/dev/null
    return 1
  }
  run_quiet "createdb test" "${pg_as[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres test ||
    return 1
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/test"
  echo "test: started a throwaway PostgreSQL for the store tests: $TEST_DATABASE_URL"
}

ensure_test_database() {
  if [ -n "${TEST_DATABASE_URL:-}" ] && [ "${VISAVIS_THROWAWAY_PG:-}" != 1 ]; then
    echo "test: store tests use TEST_DATABASE_URL from the environment"
    return 0
  fi
  if [ "${VISAVIS_THROWAWAY_PG:-}" != 1 ]; then
    local up=1
    if command -v pg_isready >/dev/null 2>&1; then
      pg_isready -q -h 127.0.0.1 -p 5432 -t 3 && up=0
    else
      tcp_answers 127.0.0.1 5432 && up=0
    fi
    if [ "$up" = 0 ]; then
      export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
      echo "test: store tests use the PostgreSQL at $TEST_DATABASE_URL"
      return 0
    fi
  fi
  start_throwaway_pg
}

# project NAME [NODE]: one vitest project, run by NODE (default: the node on PATH); its counts
# come from vitest's JSON report.
project() {
  local name=$1 node_bin=${2:-node} label=$1 json rc counts passed failed
  [ -n "${2:-}" ] && label="$name (Node $("$node_bin" -p 'process.versions.node'))"
  json="$results/$name${2:+-alt}.json"
  step "vitest project $label"
  rm -f "$json"
  "$node_bin" node_modules/vitest/vitest.mjs run --project "$name" --reporter=default --reporter=json \
    --outputFile.json="$json"
  rc=$?
  if [ -f "$json" ]; then
    # Failed tests, plus files that failed with no failed test (import error, failing hook).
    counts=$(node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      let failed = r.numFailedTests;
      for (const f of r.testResults)
        if (f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")) failed++;
      console.log(r.numPassedTests, failed);' "$json") || counts="0 1"
  else
    counts="0 1"
  fi
  read -r passed failed <<<"$counts"
  # Exit code says failure (e.g. an unhandled error) but no test or file was counted failed.
  if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  report+=("$label: $passed passed / $failed failed$([ "$rc" != 0 ] && echo " (vitest exit $rc)")")
}

step "setup: bash scripts/setup.sh --test"
if bash scripts/setup.sh --test; then
  report+=("setup: ok")
else
  report+=("setup: FAILED (exit $?)")
  total_failed=$((total_failed + 1))
  if [ ! -x node_modules/.bin/vitest ]; then
    echo "test: setup failed before dependencies were installed; stopping." >&2
    echo "$total_passed passed, $total_failed failed"
    exit 1
  fi
  echo "test: setup failed; running the checks anyway." >&2
fi

check typecheck npx tsc -p tsconfig.json
check lint npx eslint .
project unit
step "PostgreSQL for the store tests"
if ensure_test_database; then
  project store
else
  report+=("store: FAILED (no PostgreSQL for the store tests)")
  total_failed=$((total_failed + 1))
fi
project server
# Real Janus in network namespaces of the tests' own (root needed; see docs/media.md).
project janus
project e2e
# Node 24 LTS as well (Node 20 reached its end of life on 2026-04-30): the suites that exercise the
# server's own code without a browser.
step "Node.js 24 for the second run"
if node24=$(bash scripts/node24.sh); then
  project unit "$node24"
  project server "$node24"
else
  report+=("Node 24: FAILED (scripts/node24.sh could not provide it)")
  total_failed=$((total_failed + 1))
fi

step "summary ($(($(date +%s) - started)) s)"
printf '  %s\n' "${report[@]}"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
