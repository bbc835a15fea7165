#!/usr/bin/env bash
# Test tools, installed once and skipped when already there:
#   .tools/venv  (git-ignored) Python venv with aiosmtpd, the SMTP server the e-mail tests send to
#   openssl      makes the test CA and server certificate for the STARTTLS and TLS tests
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v openssl >/dev/null; then
  echo "scripts/tools.sh: openssl is needed by the e-mail TLS tests; installing it with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq openssl >/dev/null
fi

AIOSMTPD_VERSION=1.4.6
venv=.tools/venv

if "$venv/bin/python" -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
  exit 0
fi
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  echo "scripts/tools.sh: python3 with venv is needed for the e-mail tests; installing it with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null
fi
echo "scripts/tools.sh: installing aiosmtpd $AIOSMTPD_VERSION into $venv" >&2
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
