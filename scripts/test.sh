#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests (tests/it) and doc tests. First installs
# what the tests need (scripts/tools.sh: the missing system tools, then the pinned linters, CI
# runners and SMTP server into the git-ignored .tools/); stops with the fix named if it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/tools.sh
cargo test --locked "$@"
