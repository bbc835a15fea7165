#!/usr/bin/env bash
# Installs the pinned tools the tests run into .tools/ (git-ignored), once: a Python virtual
# environment with the packages of scripts/requirements-tools.txt. Re-running is quick: nothing
# is installed again while the requirements file is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

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
