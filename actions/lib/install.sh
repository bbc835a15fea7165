#!/usr/bin/env bash
# Puts the shipgate binary named $1 on PATH for the rest of the job: the one already on PATH
# (built or installed by an earlier step), else the release archive for this runner's OS and
# architecture, whose sha256 must match the one pinned in checksums.txt beside this script.
# Inputs come from the environment only: SHIPGATE_RELEASE (the release to download), RUNNER_OS,
# RUNNER_ARCH, RUNNER_TEMP and GITHUB_PATH (set by the runner). SHIPGATE_DOWNLOAD_BASE replaces
# the address releases are downloaded from (the tests serve a release folder on loopback); the
# archive is checked against checksums.txt wherever it comes from.
set -euo pipefail

name="$1"
if command -v "$name" >/dev/null 2>&1; then
  echo "using $(command -v "$name")"
  exit 0
fi

release="${SHIPGATE_RELEASE:?the action input shipgate-release is empty}"
case "$release" in
  *[!0-9A-Za-z.+-]* | .* | *..*)
    echo "::error::shipgate-release '$release' is not a version such as 0.1.0"
    exit 1
    ;;
esac
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
  echo "::error::no pinned sha256 for $archive in actions/lib/checksums.txt: shipgate-release $release is not the release this action was published with; use the action at the commit its release pinned, or put $name on PATH first"
  exit 1
fi

base="${SHIPGATE_DOWNLOAD_BASE:-https://github.com/shipgate/shipgate/releases/download}"
url="${base%/}/v${release}/${archive}"
dir="${RUNNER_TEMP:?}/shipgate-${release}"
mkdir -p "$dir"
if ! curl --fail --silent --show-error --location --retry 3 --output "$dir/$archive" "$url"; then
  rm -f "$dir/$archive"
  echo "::error::could not download $url"
  exit 1
fi
if command -v sha256sum >/dev/null 2>&1; then
  actual="$(sha256sum "$dir/$archive" | cut -d' ' -f1)"
else
  actual="$(shasum -a 256 "$dir/$archive" | cut -d' ' -f1)"
fi
if [ "$actual" != "$expected" ]; then
  rm -f "$dir/$archive"
  echo "::error::$archive has sha256 $actual, but $expected is pinned: refusing to run it"
  exit 1
fi
tar -xzf "$dir/$archive" -C "$dir"
if ! [ -x "$dir/$name" ]; then
  echo "::error::$archive holds no $name"
  exit 1
fi
echo "$dir" >> "$GITHUB_PATH"
echo "installed $name $release from $archive (sha256 verified)"
