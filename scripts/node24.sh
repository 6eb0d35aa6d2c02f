#!/usr/bin/env bash
# Prints the path of a Node.js 24 LTS executable, installing one first when needed:
#   - `node` on PATH when it is already Node 24;
#   - else .cache/node24/ in this checkout, filled from the npm registry's node-linux-<arch>
#     package (the registry ships the official binary; Debian's apt has no Node 24).
# Used by scripts/test.sh to run the unit and server suites on Node 24 as well as on the machine's
# Node. Usage: bash scripts/node24.sh   (prints e.g. /path/.cache/node24/node_modules/.../bin/node)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

# The exact release, so every machine tests the same binary; raise it deliberately.
version=24.22.3

if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = 24 ]; then
  command -v node
  exit 0
fi
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *)
    echo "node24: no npm build of Node.js for $(uname -m)" >&2
    exit 1
    ;;
esac
dir=.cache/node24
bin="$dir/node_modules/node-linux-$arch/bin/node"
if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$version" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  run_quiet "npm install node-linux-$arch@$version" \
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-$arch@$version" >&2
fi
"$bin" --version >/dev/null
echo "$PWD/$bin"
