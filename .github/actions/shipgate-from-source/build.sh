#!/usr/bin/env bash
# Puts the shipgate binaries named in $BINARIES (separated by spaces) on PATH for the rest of the
# job: those already on PATH as they are, the others built from the checkout in the current
# directory and their folder (target/debug, or under CARGO_TARGET_DIR) added to GITHUB_PATH. The dev profile: it builds in a fraction of
# the release profile's time (a comment's answer waits for it), and these runs are short.
set -euo pipefail

missing=()
for bin in ${BINARIES:?no binaries named}; do
  case "$bin" in
    shipgate-[a-z]*) ;;
    *)
      echo "::error::$bin is not a shipgate binary"
      exit 1
      ;;
  esac
  command -v "$bin" >/dev/null 2>&1 || missing+=(--bin "$bin")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "using the shipgate on PATH: $BINARIES"
  exit 0
fi
cargo build --locked "${missing[@]}"
echo "${CARGO_TARGET_DIR:-$PWD/target}/debug" >>"${GITHUB_PATH:?}"
