#!/usr/bin/env bash
# Install the shipgate binaries, make a small sample repository with a bare remote,
# show what shipgate-version would release from it (--dry-run), release it for real, check its
# migrations, and track it in a deployment issue on the local forge.
set -euo pipefail
cd "$(dirname "$0")/.."

root="${SHIPGATE_INSTALL_ROOT:-$HOME/.cargo}"
echo "==> installing the shipgate binaries into $root/bin"
cargo install --quiet --locked --path . --root "$root"
bin="$root/bin"

demo="$(mktemp -d "${TMPDIR:-/tmp}/shipgate-demo.XXXXXX")"
echo "==> sample repository in $demo/app (remote: $demo/remote.git)"
export GIT_AUTHOR_NAME="Demo Dev" GIT_AUTHOR_EMAIL="dev@example.com"
export GIT_COMMITTER_NAME="Demo Dev" GIT_COMMITTER_EMAIL="dev@example.com"
git init -q --bare -b main "$demo/remote.git"
git init -q -b main "$demo/app"
cd "$demo/app"
git remote add origin "$demo/remote.git"
printf '[package]\nname = "app"\nversion = "1.4.2"  # bumped by shipgate-version\nedition = "2024"\n' > Cargo.toml
printf '{\n  "name": "app",\n  "version": "1.4.2"\n}\n' > package.json
git add . && git commit -q -m "chore: start the app"
git tag -a v1.4.2 -m v1.4.2
git commit -q --allow-empty -m "feat(api): list endpoints paginate"
git commit -q --allow-empty -m "fix: close the upload stream on error"
git commit -q --allow-empty -m "Tidy up"
git push -q origin main v1.4.2

echo "==> shipgate-version --dry-run"
"$bin/shipgate-version" --dry-run
echo
echo "==> shipgate-version (commit, tag, push)"
"$bin/shipgate-version"
echo
git --no-pager log --oneline --decorate -3
git --no-pager diff HEAD~1 --stat

echo
echo "==> shipgate-schema (no migration in this release)"
"$bin/shipgate-schema"
echo
echo "==> shipgate-issue open, then record a stage deployment (local forge: .shipgate/forge)"
"$bin/shipgate-issue" --forge local open
"$bin/shipgate-issue" --forge local record --env stage --status success
echo
sed -n '/## Environments/,/## Commands/p' .shipgate/forge/issues/1/body.md
