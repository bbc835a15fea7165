#!/usr/bin/env bash
# Puts the shipgate binaries named in $BINARIES (separated by spaces) on PATH for the rest of the
# job: those already on PATH as they are, the others built from the checkout in the current
# directory (cargo build --release) and target/release added to GITHUB_PATH.
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
cargo build --locked --release "${missing[@]}"
echo "$PWD/target/release" >>"${GITHUB_PATH:?}"
