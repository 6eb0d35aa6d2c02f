# Shared helpers for scripts/setup.sh and scripts/test.sh. Source it; do not run it.

# run_quiet WHAT CMD...: runs CMD with its output kept aside; prints it only if CMD fails.
run_quiet() {
  local what=$1 log rc
  shift
  log=$(mktemp "${TMPDIR:-/tmp}/visavis-setup.XXXXXX")
  if "$@" >"$log" 2>&1; then
    rm -f "$log"
    return 0
  else
    rc=$?
  fi
  echo "setup: $what failed (exit $rc). Its output:" >&2
  cat "$log" >&2
  rm -f "$log"
  return "$rc"
}

# apt_install PKG...: installs Debian packages as root, or with sudo when that can work
# here. Otherwise prints the exact command to run and returns 1.
apt_install() {
  local pkgs="$*" prefix=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
      prefix=(sudo)
    else
      echo "setup: the Debian package(s) '$pkgs' are needed and this user cannot install them." >&2
      echo "Run this as root, then run the script again:" >&2
      echo "  apt-get update && apt-get install -y $pkgs" >&2
      return 1
    fi
  fi
  echo "setup: installing Debian package(s): $pkgs (apt-get)" >&2
  # Lock::Timeout: wait for another apt/dpkg run (e.g. unattended-upgrades) instead of failing.
  run_quiet "apt-get update" "${prefix[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 update || return 1
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  run_quiet "apt-get install -y $pkgs" "${prefix[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 install -y $pkgs || return 1
}

# free_port: prints a TCP port on 127.0.0.1 that is free right now.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# tcp_answers HOST PORT: true when something accepts TCP connections there (within 3 s).
tcp_answers() {
  node -e '
    const [host, port] = process.argv.slice(1);
    const sock = require("net").connect({ host, port: Number(port) });
    sock.setTimeout(3000, () => process.exit(1));
    sock.on("connect", () => process.exit(0));
    sock.on("error", () => process.exit(1));' "$1" "$2"
}
