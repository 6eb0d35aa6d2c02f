#!/usr/bin/env bash
# Prepares a checkout to run (and, with --test, to be tested):
#   1. checks Node.js >= 20.19
#   2. npm ci, when node_modules is missing or older than package-lock.json
#   3. Debian's janus (video calls), janus-tools and ffmpeg (recording post-processing) when
#      missing; with --test also chromium for the e2e tests, via apt-get
#   4. npm run build (the widget and workspace UIs the server serves)
# Safe to run again; prints nothing when all is well. Usage: bash scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    -h | --help)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup: unknown argument '$arg' (usage: bash scripts/setup.sh [--test])" >&2
      exit 2
      ;;
  esac
done

# 1. Node.js
if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js >= 20.19 is required and 'node' was not found on PATH." >&2
  echo "Install Node.js 20 LTS or newer (https://nodejs.org/ or your distribution's nodejs package)." >&2
  exit 1
fi
if ! node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1);'; then
  echo "setup: Node.js >= 20.19 is required; this is $(node --version) at $(command -v node)." >&2
  echo "Install Node.js 20.19+ (20 LTS or newer) and run this again." >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: npm was not found next to Node.js $(node --version); install npm." >&2
  exit 1
fi

# 2. Dependencies. npm writes node_modules/.package-lock.json on every install, so it is
# older than package-lock.json exactly when the lock changed since the last install.
installed=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$installed" ] || [ package-lock.json -nt "$installed" ]; then
  run_quiet "npm ci" npm ci --no-audit --no-fund
fi

# 3. Debian packages for the tests, in one apt-get run: the browser for the e2e tests; Janus (and
# its recording tools, ffmpeg) for the janus tests, which also gives embedded video when the
# server runs here. Where systemd runs, the janus package starts its own service on port 8188;
# the tests and the server use Janus processes of their own with their own configuration.
if [ "$want_test" = 1 ]; then
  pkgs=()
  [ -x /usr/bin/chromium ] || pkgs+=(chromium)
  command -v janus >/dev/null 2>&1 || pkgs+=(janus)
  # Recording post-processing (janus-pp-rec, ffmpeg, ffprobe): each checked on its own.
  [ -x /usr/bin/janus-pp-rec ] || pkgs+=(janus-tools)
  [ -x /usr/bin/ffmpeg ] || pkgs+=(ffmpeg)
  if [ "${#pkgs[@]}" -gt 0 ]; then
    apt_install "${pkgs[@]}"
    if [ ! -x /usr/bin/chromium ]; then
      echo "setup: apt-get installed chromium but /usr/bin/chromium is still missing." >&2
      exit 1
    fi
    if ! command -v janus >/dev/null 2>&1; then
      echo "setup: apt-get installed janus but 'janus' is still not on PATH." >&2
      exit 1
    fi
  fi
else
  # To run the product: the server spawns a local Janus for video calls and post-processes call
  # recordings with janus-pp-rec and ffmpeg. Without them chat works and video (or recording) is
  # reported unavailable, so a failed install is not fatal here.
  pkgs=()
  command -v janus >/dev/null 2>&1 || pkgs+=(janus)
  [ -x /usr/bin/janus-pp-rec ] || pkgs+=(janus-tools)
  [ -x /usr/bin/ffmpeg ] || pkgs+=(ffmpeg)
  if [ "${#pkgs[@]}" -gt 0 ]; then
    apt_install "${pkgs[@]}" ||
      echo "setup: continuing without ${pkgs[*]}: video calls or their recording stay unavailable until installed." >&2
  fi
fi

# 4. UIs. A workspace without a build script yet is skipped with a note rather than
# failing the whole setup.
missing=$(node -e '
  const fs = require("fs");
  for (const dir of ["apps/widget", "apps/workspace"]) {
    const pkg = JSON.parse(fs.readFileSync(dir + "/package.json", "utf8"));
    if (!pkg.scripts || !pkg.scripts.build) console.log(dir);
  }')
if [ -z "$missing" ]; then
  run_quiet "npm run build" npm run build
else
  echo "setup: note: no build script yet in: $(echo "$missing" | tr '\n' ' ')- building the others only." >&2
  ws_args=()
  for dir in apps/widget apps/workspace; do
    grep -qx "$dir" <<<"$missing" || ws_args+=(-w "$dir")
  done
  if [ "${#ws_args[@]}" -gt 0 ]; then
    run_quiet "npm run build ${ws_args[*]}" npm run build "${ws_args[@]}"
  fi
fi
