#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests (tests/it) and doc tests.
# Installs what the tests need (none beyond git and ssh-keygen yet) into folders the project owns.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in git ssh-keygen; do
  if ! command -v "$tool" >/dev/null; then
    echo "scripts/test.sh: $tool is needed by the tests; installing it with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq git openssh-client >/dev/null
    break
  fi
done

cargo test --locked "$@"
