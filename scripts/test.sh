#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests (tests/it) and doc tests.
# Installs what the tests need: git and ssh-keygen and Prometheus (Debian's packages, if missing;
# the prometheus gate tests start their own instance on a free loopback port), and the pinned
# linters, CI runners and SMTP server of scripts/tools.sh, into .tools/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in git ssh-keygen; do
  if ! command -v "$tool" >/dev/null; then
    echo "scripts/test.sh: $tool is needed by the tests; installing it with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq git openssh-client >/dev/null
    break
  fi
done

scripts/tools.sh

if ! command -v prometheus >/dev/null; then
  echo "scripts/test.sh: prometheus is needed by the verify tests; installing it with apt-get" >&2
  # The package would start a system service listening on :9090; the tests run their own
  # instance, so keep the service from starting while it is installed.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

cargo test --locked "$@"
