# shellcheck shell=bash
# System tools the test suite needs, and how to get the missing ones. Sourced by scripts/tools.sh.
#
# Each tool is looked for first; a machine that has a working one keeps it. Only what is missing is
# installed, one package at a time (apt-get, as root or through a password-less sudo), so that one
# package that cannot be installed does not take the others with it. A Debian `npm` is never
# installed over a `node` that came from elsewhere (NodeSource, nvm, a tarball): the two conflict.
# Without apt-get nothing is installed: the list of what to install (with Homebrew's names where
# brew exists) is printed, and the script exits 1 before any test runs.

# Tools found missing, as "command|debian package|homebrew formula|why", in the order found.
missing=()
# Tools that must be installed by hand, as "command|why and the fix".
by_hand=()

# need COMMAND DEBIAN_PACKAGE BREW_FORMULA WHY: require COMMAND on PATH.
need() {
  found "$1" || missing+=("$1|$2|$3|$4")
}

# found TOOL: whether TOOL works here (python3-venv: python3 can make a virtual environment;
# Debian splits venv and ensurepip out of python3).
found() {
  if [ "$1" = python3-venv ]; then
    command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' >/dev/null 2>&1
  else
    command -v "$1" >/dev/null 2>&1
  fi
}

# need_python_venv: python3 able to make a virtual environment.
need_python_venv() {
  found python3-venv \
    || missing+=("python3-venv|python3-venv|python|makes the virtual environment of the pinned Python tools")
}

# need_npm: npm to install the pinned Node packages. With no node at all, Debian's npm brings its
# own nodejs; a node without npm came from somewhere else, and npm must come from there too.
need_npm() {
  command -v npm >/dev/null 2>&1 && return 0
  if command -v node >/dev/null 2>&1; then
    by_hand+=("npm|node is installed ($(command -v node)) without npm; Debian's npm package would conflict with it. Install npm from where that node came from (e.g. the nodejs package of the same repository, or corepack/nvm), then run scripts/tools.sh again")
  else
    missing+=("npm|npm|node|installs gitlab-ci-local and the Node it runs on")
  fi
}

# apt_install PACKAGE: install one Debian package quietly; the service a package would start
# (prometheus listens on :9090, docker-registry on :5000) is kept from starting, the tests start
# their own instances.
apt_install() {
  local package=$1 policy=/usr/sbin/policy-rc.d added=
  if { [ "$package" = prometheus ] || [ "$package" = docker-registry ]; } && [ -z "$sudo" ] && [ ! -e "$policy" ] && [ -w "${policy%/*}" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added=1
  fi
  local status=0
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null || status=$?
  [ -n "$added" ] && rm -f "$policy"
  return "$status"
}

# install_missing: install what `need*` found missing, or explain what to do and return 1.
install_missing() {
  local entry tool package why failed=()
  if [ ${#by_hand[@]} -gt 0 ]; then
    for entry in "${by_hand[@]}"; do
      echo "scripts/tools.sh: ${entry%%|*} is needed but cannot be installed here: ${entry#*|}." >&2
    done
  fi
  if [ ${#missing[@]} -eq 0 ]; then
    [ ${#by_hand[@]} -eq 0 ]
    return
  fi
  sudo=
  if ! command -v apt-get >/dev/null 2>&1; then
    explain_missing
    return 1
  fi
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=sudo
    else
      echo "scripts/tools.sh: installing needs root; run as root, or install these first:" >&2
      explain_missing
      return 1
    fi
  fi
  echo "scripts/tools.sh: missing: $(list_field 1); installing with apt-get" >&2
  $sudo apt-get update -qq >/dev/null || echo "scripts/tools.sh: apt-get update failed; trying the installs anyway" >&2
  for entry in "${missing[@]}"; do
    IFS='|' read -r tool package _ why <<<"$entry"
    if ! apt_install "$package"; then
      failed+=("$tool|$package|$why|apt-get install $package failed (its message is above)")
    elif ! found "$tool"; then
      failed+=("$tool|$package|$why|apt-get installed $package, yet $tool is still not usable")
    fi
  done
  if [ ${#failed[@]} -gt 0 ]; then
    local reason
    for entry in "${failed[@]}"; do
      IFS='|' read -r tool package why reason <<<"$entry"
      echo "scripts/tools.sh: could not install $tool ($why): $reason. Fix: '${sudo:+sudo }apt-get install $package', or install $tool another way, then run the tests again." >&2
    done
    return 1
  fi
  [ ${#by_hand[@]} -eq 0 ]
}

# list_field N: field N of every missing entry, space-separated.
list_field() {
  local entry fields out=()
  for entry in "${missing[@]}"; do
    IFS='|' read -r -a fields <<<"$entry"
    out+=("${fields[$1 - 1]}")
  done
  echo "${out[*]}"
}

# explain_missing: what is missing, why, and the command that installs it on this machine.
explain_missing() {
  local entry tool package formula why
  for entry in "${missing[@]}"; do
    IFS='|' read -r tool package formula why <<<"$entry"
    echo "  - $tool (Debian: $package; Homebrew: $formula): $why" >&2
  done
  if command -v brew >/dev/null 2>&1; then
    echo "scripts/tools.sh: install them with: brew install $(list_field 3)" >&2
  elif command -v apt-get >/dev/null 2>&1; then
    echo "scripts/tools.sh: install them with: sudo apt-get install $(list_field 2)" >&2
  else
    echo "scripts/tools.sh: no apt-get here: install them with your package manager (Debian's names: $(list_field 2); Homebrew's: $(list_field 3))" >&2
  fi
}
