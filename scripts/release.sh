#!/usr/bin/env bash
# Builds a shipgate release into one folder, exactly as the release workflow does:
#
#   shipgate-VERSION-TARGET.tar.gz    per target: every binary of Cargo.toml (release profile) at
#                                     the archive's root (.exe on Windows targets), and LICENSE
#   *.schema.json                     the JSON schemas of schemas/
#   shipgate-templates-VERSION.tar.gz the two folders below, for download
#   SHA256SUMS                        sha256sum format: every file above
#   actions/                          a copy of actions/ whose lib/checksums.txt pins the archives
#                                     of the folder and whose shipgate-release defaults are VERSION
#   ci-templates/                     a copy whose shipgate/shipgate/actions/NAME references are
#                                     pinned to the full commit SHA, with a "# vVERSION" comment
#
# Usage: scripts/release.sh [--version X.Y.Z] [--out DIR] [--target TRIPLE]... [--commit SHA]
#                           [--cargo CMD] [--bin-dir DIR [--target-name TRIPLE]] [--assemble]
#
#   --version      the release (default: Cargo.toml's version, which the binaries report)
#   --out          the folder (default target/dist); archives of other targets of the same
#                  version already there are kept and included in SHA256SUMS and checksums.txt,
#                  so per-target builds (one CI job each) add up to one release
#   --target       a Rust target triple, repeatable (default: the host's, from rustc -vV);
#                  its standard library must be installed (rustup target add TRIPLE)
#   --commit       the commit the templates pin (default: git rev-parse HEAD)
#   --cargo        the build command (default cargo; e.g. "cargo zigbuild" or cross for the
#                  Linux musl targets; with cross the container brings the standard library)
#   --bin-dir      take prebuilt binaries from DIR instead of building (one target only; the
#                  tests pass their debug binaries)
#   --target-name  with --bin-dir: the target the archive is labelled with, when it is not the
#                  one the binaries were built for (the tests label a host build as the
#                  x86_64-unknown-linux-musl archive the actions download on Linux X64)
#   --assemble     build nothing: write SHA256SUMS, actions/ and ci-templates/ for the archives
#                  already in --out (the release workflow's last step)
#
# Archives are reproducible: entries in Cargo.toml's order, owner 0, mtime SOURCE_DATE_EPOCH
# (default: the HEAD commit's time) with GNU tar, gzip without name or time.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "scripts/release.sh: $*" >&2
  exit 1
}
note() { echo "scripts/release.sh: $*" >&2; }

version=""
out="target/dist"
targets=()
commit=""
cargo_cmd="cargo"
bin_dir=""
target_name=""
assemble=false
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="${2:?--version needs X.Y.Z}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    --target) targets+=("${2:?--target needs a triple}"); shift 2 ;;
    --commit) commit="${2:?--commit needs a SHA}"; shift 2 ;;
    --cargo) cargo_cmd="${2:?--cargo needs a command}"; shift 2 ;;
    --bin-dir) bin_dir="${2:?--bin-dir needs a folder}"; shift 2 ;;
    --target-name) target_name="${2:?--target-name needs a triple}"; shift 2 ;;
    --assemble) assemble=true; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

# The package's version: the first `version = "…"` line, the one of [package].
cargo_version="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' Cargo.toml | head -n 1)"
[ -n "$cargo_version" ] || die "no version in Cargo.toml"
version="${version:-$cargo_version}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] \
  || die "--version $version is not a version such as 1.2.3"

commit="${commit:-$(git rev-parse HEAD)}"
[[ "$commit" =~ ^[0-9a-f]{40}$ ]] || die "--commit $commit is not a full 40-hex commit SHA"

host="$(rustc -vV | sed -n 's/^host: //p')"
[ -n "$host" ] || die "rustc -vV names no host"
if $assemble; then
  [ ${#targets[@]} -eq 0 ] && [ -z "$bin_dir" ] || die "--assemble builds nothing: no --target or --bin-dir"
else
  [ ${#targets[@]} -gt 0 ] || targets=("$host")
fi
if [ -n "$bin_dir" ]; then
  [ ${#targets[@]} -eq 1 ] || die "--bin-dir holds the binaries of one target: give at most one --target"
  [ -d "$bin_dir" ] || die "--bin-dir $bin_dir is not a folder"
fi
if [ -n "$target_name" ]; then
  [ -n "$bin_dir" ] || die "--target-name only labels prebuilt binaries (--bin-dir)"
  note "labelling the ${targets[0]} binaries of $bin_dir as $target_name"
fi

# Every [[bin]] name of Cargo.toml, in its order.
mapfile -t bins < <(awk '/^\[\[bin\]\]/ { b = 1; next } /^\[/ { b = 0 }
  b && /^name *=/ { sub(/^name *= *"/, ""); sub(/".*/, ""); print }' Cargo.toml)
[ ${#bins[@]} -gt 0 ] || die "no [[bin]] in Cargo.toml"

# Fail before any build when a target cannot be built here (--assemble builds nothing).
if ! $assemble && [ -z "$bin_dir" ] && [ "$cargo_cmd" != cross ]; then
  installed=""
  if command -v rustup >/dev/null 2>&1; then installed="$(rustup target list --installed)"; fi
  for target in "${targets[@]}"; do
    if [ -n "$installed" ]; then
      grep -qx -- "$target" <<<"$installed" && continue
    elif [ "$target" = "$host" ]; then
      continue
    fi
    die "the Rust standard library for $target is not installed: run rustup target add $target
  (the Linux musl targets also need a linker for them: --cargo \"cargo zigbuild\" or --cargo cross),
  or build for this machine: scripts/release.sh --target $host"
  done
  [ "$version" = "$cargo_version" ] \
    || die "--version $version is not Cargo.toml's $cargo_version, which the binaries would report: bump Cargo.toml (shipgate-version does)"
fi

epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}"
# tar's stdout, deterministic where the tar is GNU's: FILES... of DIR, in the order given.
tar_stream() {
  local dir="$1"
  shift
  if tar --version 2>/dev/null | grep -q 'GNU tar'; then
    tar --format=gnu --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$dir" -cf - "$@"
  else
    tar --uid 0 --gid 0 -C "$dir" -cf - "$@"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

mkdir -p "$out"
for target in "${targets[@]}"; do
  exe=""
  case "$target" in *windows*) exe=".exe" ;; esac
  dir="$bin_dir"
  if [ -z "$dir" ]; then
    target_dir="${CARGO_TARGET_DIR:-target}"
    # shellcheck disable=SC2206 # "cargo zigbuild" is a command and its subcommand
    build=($cargo_cmd)
    if [ "$target" = "$host" ] && [ "$cargo_cmd" = cargo ]; then
      note "cargo build --release --locked (for $host)"
      "${build[@]}" build --release --locked
      dir="$target_dir/release"
    else
      note "$cargo_cmd build --release --locked --target $target"
      "${build[@]}" build --release --locked --target "$target"
      dir="$target_dir/$target/release"
    fi
  fi
  label="${target_name:-$target}"
  archive="shipgate-$version-$label.tar.gz"
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' EXIT
  files=()
  for bin in "${bins[@]}"; do
    [ -f "$dir/$bin$exe" ] || die "$dir/$bin$exe is missing"
    cp "$dir/$bin$exe" "$stage/"
    chmod 0755 "$stage/$bin$exe"
    files+=("$bin$exe")
  done
  cp LICENSE "$stage/"
  files+=(LICENSE)
  tar_stream "$stage" "${files[@]}" | gzip -n >"$out/$archive.part"
  mv "$out/$archive.part" "$out/$archive"
  rm -rf "$stage"
  trap - EXIT
  note "wrote $out/$archive"
done

# Everything below is derived from the archives in the folder.
shopt -s nullglob
archives=("$out"/shipgate-"$version"-*.tar.gz)
shopt -u nullglob
[ ${#archives[@]} -gt 0 ] || die "no shipgate-$version-*.tar.gz in $out to release"
names=()
for archive in "${archives[@]}"; do names+=("$(basename "$archive")"); done

cp schemas/*.schema.json "$out/"

rm -rf "$out/actions" "$out/ci-templates"
cp -R actions "$out/actions"
cp -R ci-templates "$out/ci-templates"
{
  echo "# sha256  archive — shipgate $version, written by scripts/release.sh: the only archives"
  echo "# actions/lib/install.sh runs."
  (cd "$out" && sha256 "${names[@]}")
} >"$out/actions/lib/checksums.txt"

# Each action downloads this release; each reference to an action is pinned to the commit.
uses='(shipgate/shipgate/actions/[a-z0-9-]+)@(v[0-9][0-9A-Za-z.+-]*|[0-9a-f]{40}([[:space:]]+#[[:space:]]*v[0-9][0-9A-Za-z.+-]*)?)'
while IFS= read -r file; do
  awk -v v="$version" '/^  shipgate-release:/ { f = 1 }
    f && /^    default:/ { print "    default: \"" v "\""; f = 0; next } { print }' "$file" \
    | sed -E -e "s%$uses%\\1@$commit  # v$version%g" \
      -e "s%(--git https://github.com/shipgate/shipgate) --tag v[0-9][0-9A-Za-z.+-]*%\\1 --tag v$version%g" \
      >"$file.new"
  mv "$file.new" "$file"
done < <(find "$out/actions" "$out/ci-templates" -type f \( -name '*.yml' -o -name '*.md' \))

(cd "$out" && tar_stream . actions ci-templates | gzip -n >"shipgate-templates-$version.tar.gz")
(
  cd "$out"
  shopt -s nullglob
  sha256 "${names[@]}" "shipgate-templates-$version.tar.gz" ./*.schema.json | sed 's|  \./|  |' >SHA256SUMS
)
note "release $version in $out: ${names[*]}, pinned to $commit"
