#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests (tests/it) and doc tests.
# Installs what the tests need into folders the project owns: git and ssh-keygen (apt), and a
# Python venv in .tools/venv with aiosmtpd, the SMTP server the e-mail tests send to.
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

cargo test --locked "$@"
