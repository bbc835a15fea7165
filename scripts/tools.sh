#!/usr/bin/env bash
# Installs what the tests need, once; re-running is quick.
#
# System tools (scripts/system-tools.sh says how): git and ssh-keygen (test repositories, signed
# tags), openssl (the test CA of the e-mail TLS tests), prometheus (the verify gates' tests start
# their own instance), docker-registry (the image tests start their own registry), rsync (gitlab-ci-local copies the checkout with it), and, only while the
# pinned tools below still have to be installed, npm and python3 with venv.
#
# Pinned tools, into .tools/ (git-ignored; SHIPGATE_TOOLS_DIR overrides): a Python virtual
# environment with scripts/requirements-tools.txt (the linters, act, aiosmtpd), and gitlab-ci-local
# with the Node 22 it runs on (npm packages, versions below).
#
# Usage: scripts/tools.sh [--system]   (--system: the system tools only)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/system-tools.sh
. scripts/system-tools.sh

tools=${SHIPGATE_TOOLS_DIR:-.tools}
NPM_PACKAGES="gitlab-ci-local@4.75.1 node@22.23.3 @octokit/openapi@23.0.2 @octokit/openapi-webhooks@12.1.0"
node_dir=$tools/node
venv=$tools/venv

node_due() {
  ! [ -x "$node_dir/node_modules/.bin/gitlab-ci-local" ] \
    || [ "$(cat "$node_dir/.installed" 2>/dev/null)" != "$NPM_PACKAGES" ]
}
venv_due() {
  ! [ -x "$venv/bin/python" ] || ! cmp -s scripts/requirements-tools.txt "$venv/.requirements"
}

need git git git "makes the test repositories"
need ssh-keygen openssh-client openssh "signs tags in the version tests"
need openssl openssl openssl "makes the test CA of the e-mail TLS tests"
need rsync rsync rsync "copies the checkout for gitlab-ci-local"
need prometheus prometheus prometheus "serves the metrics the verify gates query"
need docker-registry docker-registry distribution "serves the images shipgate-image promotes"
if node_due; then need_npm; fi
if venv_due; then need_python_venv; fi
install_missing || {
  echo "scripts/tools.sh: stopping before the tests: the tools above are missing." >&2
  exit 1
}
[ "${1:-}" = --system ] && exit 0

if node_due; then
  mkdir -p "$node_dir"
  # shellcheck disable=SC2086 # the list is split on purpose
  npm install --silent --no-audit --no-fund --prefix "$node_dir" $NPM_PACKAGES
  echo "$NPM_PACKAGES" >"$node_dir/.installed"
  echo "scripts/tools.sh: gitlab-ci-local installed in $node_dir" >&2
fi

if venv_due; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --requirement scripts/requirements-tools.txt
  cp scripts/requirements-tools.txt "$venv/.requirements"
  echo "scripts/tools.sh: tools installed in $venv" >&2
fi
