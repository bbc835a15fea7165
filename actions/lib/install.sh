#!/usr/bin/env bash
# Puts the shipgate binary named $1 on PATH for the rest of the job: the one already on PATH
# (built or installed by an earlier step), else the release archive for this runner's OS and
# architecture, whose sha256 must match the one pinned in checksums.txt beside this script.
# Inputs come from the environment only: SHIPGATE_RELEASE (the release to download).
set -euo pipefail

name="$1"
if command -v "$name" >/dev/null 2>&1; then
  echo "using $(command -v "$name")"
  exit 0
fi

release="${SHIPGATE_RELEASE:?the action input shipgate-release is empty}"
case "${RUNNER_OS:-}-${RUNNER_ARCH:-}" in
  Linux-X64) target=x86_64-unknown-linux-musl ;;
  Linux-ARM64) target=aarch64-unknown-linux-musl ;;
  macOS-X64) target=x86_64-apple-darwin ;;
  macOS-ARM64) target=aarch64-apple-darwin ;;
  *)
    echo "::error::no shipgate build for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: put $name on PATH first (cargo install --locked --git https://github.com/shipgate/shipgate)"
    exit 1
    ;;
esac

archive="shipgate-${release}-${target}.tar.gz"
sums="$(dirname "$0")/checksums.txt"
expected="$(awk -v f="$archive" '$2 == f { print $1 }' "$sums")"
if [ -z "$expected" ]; then
  echo "::error::no pinned sha256 for $archive in actions/lib/checksums.txt: use an action tag made by a shipgate release, or put $name on PATH first"
  exit 1
fi

dir="${RUNNER_TEMP:?}/shipgate-${release}"
mkdir -p "$dir"
curl --fail --silent --show-error --location --retry 3 \
  --output "$dir/$archive" \
  "https://github.com/shipgate/shipgate/releases/download/v${release}/${archive}"
if command -v sha256sum >/dev/null 2>&1; then
  actual="$(sha256sum "$dir/$archive" | cut -d' ' -f1)"
else
  actual="$(shasum -a 256 "$dir/$archive" | cut -d' ' -f1)"
fi
if [ "$actual" != "$expected" ]; then
  echo "::error::$archive has sha256 $actual, but $expected is pinned: refusing to run it"
  exit 1
fi
tar -xzf "$dir/$archive" -C "$dir"
echo "$dir" >> "$GITHUB_PATH"
echo "installed $name $release from $archive (sha256 verified)"
