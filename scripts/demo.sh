#!/usr/bin/env bash
# Install the shipgate binaries, make a small sample repository with a bare remote,
# show what shipgate-version would release from it (--dry-run), release it for real, check its
# migrations, track it in a deployment issue on the local forge, promote it to production
# by a comment that shipgate-promote poll answers, and deploy production blue-green inside
# maintenance mode, as the deploy workflow would.
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

echo
echo "==> alice (a maintainer) comments /promote production; shipgate-promote poll answers it"
# The demo opens production's window so that it runs on any day (see windows in docs/config.md),
# and dispatches deploy.yml on acceptance (on the local forge: a line in pipelines.jsonl).
cat > shipgate.yml <<'YAML'
promote:
  dispatch: deploy.yml
windows:
  environments:
    stage: { open: true }
    production: { open: true }
gates:
  - { name: green-or-blue-answers, type: command, step: pre-switch, command: [sh, -c, 'test -s ".demo/$SHIPGATE_COLOR"'] }
  - { name: out-of-maintenance, type: maintenance, step: post-deploy, environments: [production] }
deploy:
  production:
    strategy: blue-green
    keep_previous: 2s
    maintenance: { on: ./deploy/maintenance.sh on, off: ./deploy/maintenance.sh off, status: ./deploy/maintenance.sh status, when: always }
YAML
forge=.shipgate/forge
printf '{"alice": "maintain"}\n' > "$forge/permissions.json"
mkdir -p "$forge/issues/1/comments"
n=$(( $(find "$forge/issues/1/comments" -name '*.json' | wc -l) + 1 ))
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf '/promote production\n' > "$forge/issues/1/comments/$n.md"
printf '{"id": %s, "author": "alice", "created_at": "%s", "updated_at": "%s", "reactions": []}\n' \
  "$n" "$now" "$now" > "$forge/issues/1/comments/$n.json"
"$bin/shipgate-promote" --forge local poll
echo
echo "--- the reply:"
cat "$forge/issues/1/comments/$((n + 1)).md"
echo "--- the pipeline started: $(cat "$forge/pipelines.jsonl")"

echo
echo "==> the production job: maintenance on, blue-green rollout, maintenance off (shipgate-deploy), and a gate that proves it is off (shipgate-verify)"
# The hooks a real project writes: here they keep the state in .demo/ and say what they do.
mkdir -p deploy .demo
echo blue > .demo/live
cat > deploy/deploy.sh <<'SH'
#!/bin/sh
echo "    deploy.sh: $SHIPGATE_VERSION to $1 $2 $3"
echo "$SHIPGATE_VERSION" > ".demo/$3"
SH
cat > deploy/switch.sh <<'SH'
#!/bin/sh
if [ $# -eq 1 ]; then cat .demo/live; exit 0; fi
echo "    switch.sh: the traffic of $1 goes to $2"
echo "$2" > .demo/live
SH
cat > deploy/maintenance.sh <<'SH'
#!/bin/sh
if [ "$1" = status ]; then cat .demo/maintenance; exit 0; fi
echo "    maintenance.sh: maintenance mode $1 in $2"
echo "$1" > .demo/maintenance
SH
chmod +x deploy/*.sh
"$bin/shipgate-deploy" maintenance on --env production
"$bin/shipgate-deploy" rollout --env production
"$bin/shipgate-deploy" maintenance off --env production
"$bin/shipgate-verify" --env production --step post-deploy
"$bin/shipgate-issue" --forge local record --env production --status success --detail "$(cat .demo/live) live"
echo
sed -n '/## Environments/,/## Commands/p' "$forge/issues/1/body.md"
