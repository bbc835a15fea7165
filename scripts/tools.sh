#!/usr/bin/env bash
# Installs the pinned tools the tests run into .tools/ (git-ignored), once: a Python virtual
# environment with the packages of scripts/requirements-tools.txt (the linters, act, and aiosmtpd,
# the SMTP server the e-mail tests send to), gitlab-ci-local with the Node 22 it needs (npm
# packages, versions below) plus rsync, and openssl (it makes the test CA for the e-mail TLS
# tests). Re-running is quick: nothing is installed again while the pinned versions are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v openssl >/dev/null; then
  echo "scripts/tools.sh: openssl is needed by the e-mail TLS tests; installing it with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq openssl >/dev/null
fi

NPM_PACKAGES="gitlab-ci-local@4.75.1 node@22.23.3 @octokit/openapi@23.0.2 @octokit/openapi-webhooks@12.1.0"

node_dir=.tools/node
if ! [ -x "$node_dir/node_modules/.bin/gitlab-ci-local" ] \
  || [ "$(cat "$node_dir/.installed" 2>/dev/null)" != "$NPM_PACKAGES" ]; then
  if ! command -v npm >/dev/null || ! command -v rsync >/dev/null; then
    echo "scripts/tools.sh: npm and rsync are needed; installing them with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq npm rsync >/dev/null
  fi
  mkdir -p "$node_dir"
  # shellcheck disable=SC2086 # the list is split on purpose
  npm install --silent --no-audit --no-fund --prefix "$node_dir" $NPM_PACKAGES
  echo "$NPM_PACKAGES" > "$node_dir/.installed"
  echo "scripts/tools.sh: gitlab-ci-local installed in $node_dir" >&2
fi
if ! command -v rsync >/dev/null; then
  apt-get update -qq && apt-get install -y -qq rsync >/dev/null
fi

venv=.tools/venv
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && cmp -s scripts/requirements-tools.txt "$stamp"; then
  exit 0
fi
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "scripts/tools.sh: python3 with venv is needed; installing it with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --requirement scripts/requirements-tools.txt
cp scripts/requirements-tools.txt "$stamp"
echo "scripts/tools.sh: tools installed in $venv" >&2
