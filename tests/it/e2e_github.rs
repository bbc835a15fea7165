//! End to end on GitHub Actions: the starter workflows of `ci-templates/github` run by `act` (no
//! Docker: `-P ubuntu-latest=-self-hosted`) in a temporary user repository, with the locally
//! built binaries on PATH and the fake GitHub API. A feat commit with a migration lands → release
//! tags it → the tag's deploy workflow migrates before the code, opens the deployment issue and
//! records stage → "/promote production" by a maintainer dispatches the deploy workflow → the
//! production job checks, deploys, records and closes the issue. The same comment by a writer is
//! refused and dispatches nothing. Around each job that names an `environment:` (stage,
//! production) the fake GitHub does what Actions does: a deployment for the job before it runs,
//! its result as the deployment's last status after; shipgate records into that deployment.
//!
//! The workflows are the templates with two substitutions a user's copy would not need: shipgate's
//! actions come from the repository (`./shipgate-actions/NAME`) rather than from GitHub, which
//! is not reachable here.
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::fake_github::{FakeGithub, REPO};
use crate::fixture::TestRepo;

pub const TOKEN: &str = "ghs_e2e_workflow_token";
pub const RELEASE_TOKEN: &str = "github_pat_e2e_release";

fn act_binary() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin/act");
    assert!(
        path.exists(),
        "{} is missing: run scripts/tools.sh (scripts/test.sh does)",
        path.display()
    );
    path
}

/// The directory holding the built shipgate binaries.
pub fn binaries() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_shipgate-version"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A user repository with the starter workflows, deploy hooks that log what they do, and
/// shipgate.yml; `hooks.log` records the hooks' calls in order.
fn user_repo() -> TestRepo {
    user_repo_with("")
}

/// [`user_repo`] with `extra` appended to its shipgate.yml, and hooks for the strategies and
/// maintenance mode: `switch.sh ENV` prints the live colour kept in `live` beside the work tree,
/// `switch.sh ENV COLOR` logs and moves it; `maintenance.sh on|off ENV` logs.
fn user_repo_with(extra: &str) -> TestRepo {
    user_repo_from(Path::new(env!("CARGO_MANIFEST_DIR")), extra)
}

/// [`user_repo_with`], the starter workflows and actions taken from `root`'s `ci-templates/` and
/// `actions/` (this repository's, or a release's templates archive unpacked).
pub fn user_repo_from(root: &Path, extra: &str) -> TestRepo {
    let repo = TestRepo::new();
    let workflows = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let remote_action = regex::Regex::new(
        r"shipgate/shipgate/actions/([a-z]+)@(?:v[0-9.]+|[0-9a-f]{40}  # v[0-9.]+)",
    )
    .unwrap();
    for name in ["release", "deploy", "promote"] {
        let text =
            std::fs::read_to_string(root.join(format!("ci-templates/github/{name}.yml"))).unwrap();
        let local = remote_action.replace_all(&text, "./shipgate-actions/$1");
        std::fs::write(workflows.join(format!("{name}.yml")), local.as_ref()).unwrap();
    }
    crate::fixture::copy_dir(&root.join("actions"), &repo.path().join("shipgate-actions"));
    for hook in ["build", "migrate", "deploy", "verify"] {
        repo.write(
            &format!("deploy/{hook}.sh"),
            &format!(
                "#!/bin/sh\necho \"{hook} $* ${{MIGRATIONS:-}} ${{SHIPGATE_IMAGE:-}}\" >> \"$HOOK_LOG\"\n"
            ),
        );
        let path = repo.path().join(format!("deploy/{hook}.sh"));
        crate::fixture::make_executable(&path);
    }
    repo.write(
        "shipgate.yml",
        &format!("schema:\n  paths: [db/migrate]\n\
         promote:\n  dispatch: deploy.yml\n  # The fake API's clock is not today's.\n  max_comment_age: 525600m\n\
         windows:\n  environments:\n    stage: {{ open: true }}\n    production: {{ open: true }}\n\
         gates:\n  - name: smoke\n    type: command\n    command: [\"true\"]\n    environments: [production]\n    step: post-deploy\n    checklist: Production verified\n{extra}",
    ));
    for (hook, text) in [
        (
            "switch",
            "#!/bin/sh\nstate=\"$(dirname \"$HOOK_LOG\")\"\n\
             if [ $# -eq 1 ]; then cat \"$state/live\"; exit 0; fi\n\
             echo \"switch $*\" >> \"$HOOK_LOG\"\necho \"$2\" > \"$state/live\"\n",
        ),
        (
            "maintenance",
            "#!/bin/sh\necho \"maintenance $*\" >> \"$HOOK_LOG\"\n",
        ),
    ] {
        let path = repo.path().join(format!("deploy/{hook}.sh"));
        std::fs::write(&path, text).unwrap();
        crate::fixture::make_executable(&path);
    }
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "ci: shipgate workflows"]);
    repo.git(&["push", "-q", "origin", "main"]);
    repo
}

/// `act EVENT` for `workflow` with `event` as the payload, as GitHub run `run`.
fn act(
    repo: &TestRepo,
    fake: &FakeGithub,
    event_name: &str,
    workflow: &str,
    event: serde_json::Value,
    run: u32,
) -> Output {
    act_with_env(repo, fake, event_name, workflow, event, run, &[])
}

/// [`act`] with `env` added to the runner's environment; a `PATH` there replaces the one with
/// the built binaries first.
pub fn act_with_env(
    repo: &TestRepo,
    fake: &FakeGithub,
    event_name: &str,
    workflow: &str,
    event: serde_json::Value,
    run: u32,
    env: &[(&str, String)],
) -> Output {
    let event_file = repo.root().join(format!("event-{run}.json"));
    std::fs::write(&event_file, event.to_string()).unwrap();
    let path = env
        .iter()
        .find(|(key, _)| *key == "PATH")
        .map(|(_, value)| value.clone())
        .unwrap_or_else(|| {
            format!(
                "{}:{}",
                binaries().display(),
                std::env::var("PATH").unwrap_or_default()
            )
        });
    let mut act = repo.program(&act_binary());
    act.arg(event_name)
        .args(["-P", "ubuntu-latest=-self-hosted"])
        .args(["-W", &format!(".github/workflows/{workflow}.yml")])
        .arg("-e")
        .arg(&event_file)
        .args(["-s", &format!("GITHUB_TOKEN={TOKEN}")])
        .args(["-s", &format!("RELEASE_TOKEN={RELEASE_TOKEN}")])
        .args(["--env", &format!("GITHUB_API_URL={}", fake.url())])
        .args(["--env", &format!("GITHUB_REPOSITORY={REPO}")])
        .args(["--env", &format!("GITHUB_RUN_ID={run}")])
        .args([
            "--env",
            &format!("HOOK_LOG={}", repo.root().join("hooks.log").display()),
        ]);
    for (key, value) in env.iter().filter(|(key, _)| *key != "PATH") {
        act.args(["--env", &format!("{key}={value}")]);
    }
    act.env("PATH", path).output().unwrap()
}

/// `act` for a deploy run whose one job names `environment`, with what GitHub Actions does
/// around such a job: the job's deployment (queued, in progress, linking run `run`) before it
/// runs, the job's result written to it after. Returns act's output and the deployment's id.
#[allow(clippy::too_many_arguments)]
pub fn act_environment_job(
    repo: &TestRepo,
    fake: &FakeGithub,
    event_name: &str,
    event: serde_json::Value,
    run: u32,
    environment: &str,
    tag: &str,
    sha: &str,
) -> (Output, u64) {
    let deployment = fake.start_environment_job(environment, tag, sha, u64::from(run));
    let output = act(repo, fake, event_name, "deploy", event, run);
    fake.finish_environment_job(deployment, output.status.success());
    (output, deployment)
}

pub fn succeeded(output: &Output) {
    assert!(
        output.status.success(),
        "act failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for text in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(text);
        assert!(
            !text.contains(TOKEN) && !text.contains(RELEASE_TOKEN),
            "a token in the output"
        );
    }
}

fn hooks(repo: &TestRepo) -> Vec<String> {
    repo.root_file_lines("hooks.log")
}

/// `login` comments `body` on `issue`; the `issue_comment` event GitHub gives the workflow.
pub fn comment_event(fake: &FakeGithub, issue: u64, login: &str, body: &str) -> serde_json::Value {
    let (id, _) = fake.seed_comment(issue, body, login, "User");
    fake.comment_event(issue, id)
}

#[test]
fn a_release_goes_from_commit_to_production_by_comment() {
    let fake = FakeGithub::start(TOKEN, None);
    fake.set_role("alice", "maintain");
    fake.set_role("bob", "write");
    let repo = user_repo();

    // A feat commit with an additive migration lands on main: release.yml tags it.
    repo.write(
        "db/migrate/001_add_nickname.sql",
        "ALTER TABLE users ADD COLUMN nickname text;\n",
    );
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "feat: nicknames"]);
    repo.git(&["push", "-q", "origin", "main"]);
    let zero = "0".repeat(40);
    let (before, head) = (
        repo.git(&["rev-parse", "HEAD~1"]),
        repo.git(&["rev-parse", "HEAD"]),
    );
    let main_push = fake.push_event("refs/heads/main", &before, &head, "alice");
    succeeded(&act(&repo, &fake, "push", "release", main_push, 1));
    let tags = repo.git(&["ls-remote", "--tags", "origin"]);
    assert!(tags.contains("refs/tags/v0.1.0"), "{tags}");
    // act ran the job in a copy of the work tree; take what it pushed.
    repo.git(&["fetch", "-q", "--tags", "origin"]);
    repo.git(&["merge", "-q", "--ff-only", "origin/main"]);
    let commit = repo.git(&["rev-parse", "v0.1.0^{commit}"]);
    fake.add_tag("v0.1.0", &commit);

    // The tag's pipeline: migrations before the code (schema-first), issue, stage recorded.
    let tag_push = fake.push_event("refs/tags/v0.1.0", &zero, &commit, "release-bot");
    let (output, stage_job) = act_environment_job(
        &repo, &fake, "push", tag_push, 2, "stage", "v0.1.0", &commit,
    );
    succeeded(&output);
    assert_eq!(
        hooks(&repo),
        [
            "build",
            "migrate stage db/migrate/001_add_nickname.sql",
            "deploy stage",
            "verify stage"
        ]
    );
    let issues = fake.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["title"], "Deploy v0.1.0");
    let issue = issues[0]["number"].as_u64().unwrap();
    let stage = fake.deployments_to("stage");
    assert_eq!(
        stage.len(),
        1,
        "shipgate recorded into the job's own deployment"
    );
    assert_eq!(stage[0]["id"], stage_job);
    let states = |id: u64| -> Vec<String> {
        fake.statuses(id)
            .iter()
            .map(|s| s["state"].as_str().unwrap().to_owned())
            .collect()
    };
    let stage_states = states(stage_job);
    assert_eq!(
        (&stage_states[..2], stage_states.last().map(String::as_str)),
        (
            &["queued".to_owned(), "in_progress".to_owned()][..],
            Some("success")
        ),
        "Actions' queued and in_progress first, Actions' result last: {stage_states:?}"
    );
    assert_eq!(
        stage_states.iter().filter(|s| *s == "success").count(),
        2,
        "shipgate's record and Actions' result: {stage_states:?}"
    );

    // A writer's "/promote production" is refused: the job fails, nothing is dispatched.
    let refused = act(
        &repo,
        &fake,
        "issue_comment",
        "promote",
        comment_event(&fake, issue, "bob", "/promote production"),
        3,
    );
    assert!(!refused.status.success());
    assert!(fake.dispatches().is_empty());

    // A maintainer's is accepted: deploy.yml is dispatched at the tag.
    succeeded(&act(
        &repo,
        &fake,
        "issue_comment",
        "promote",
        comment_event(&fake, issue, "alice", "/promote production"),
        4,
    ));
    let dispatches = fake.dispatches();
    assert_eq!(dispatches.len(), 1);
    assert_eq!(dispatches[0].0, "deploy.yml");
    assert_eq!(dispatches[0].1["ref"], "v0.1.0");

    // What GitHub then runs: the production job, which checks, deploys, records and closes.
    let dispatch = fake.dispatch_event(
        "deploy.yml",
        "refs/tags/v0.1.0",
        &dispatches[0].1["inputs"],
        "alice",
    );
    let (output, production_job) = act_environment_job(
        &repo,
        &fake,
        "workflow_dispatch",
        dispatch,
        5,
        "production",
        "v0.1.0",
        &commit,
    );
    succeeded(&output);
    assert_eq!(
        &hooks(&repo)[4..],
        [
            "migrate production db/migrate/001_add_nickname.sql",
            "deploy production",
            "verify production"
        ]
    );
    let issue = fake.issues().into_iter().next().unwrap();
    assert_eq!(issue["state"], "closed", "{issue}");
    // The deployment log on its branch got the production row.
    let log = repo.only_file_on_remote_branch("shipgate-log");
    assert!(
        log.lines()
            .any(|l| l.contains("production") && l.contains("0.1.0") && l.contains("success")),
        "{log}"
    );
    // The production gate passed and ticked its runbook item.
    let body = issue["body"].as_str().unwrap();
    assert!(body.contains("- [x] Production verified"), "{body}");
    // Production recorded into the job's own deployment, which check did not take for a rival.
    let production = fake.deployments_to("production");
    assert_eq!(production.len(), 1, "{production:?}");
    assert_eq!(production[0]["id"], production_job);
    assert_eq!(
        states(production_job).last().map(String::as_str),
        Some("success")
    );
    assert!(
        states(production_job)
            .iter()
            .filter(|s| *s == "success")
            .count()
            >= 2,
        "shipgate's record and Actions' result: {:?}",
        states(production_job)
    );
}

/// Releases `v0.1.0` of `repo` through release.yml, as in the test above; its commit.
fn release_first_version(repo: &TestRepo, fake: &FakeGithub) -> String {
    repo.write(
        "db/migrate/001_drop_legacy.sql",
        "ALTER TABLE users DROP COLUMN legacy;\n",
    );
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "feat: no more legacy"]);
    repo.git(&["push", "-q", "origin", "main"]);
    let (before, head) = (
        repo.git(&["rev-parse", "HEAD~1"]),
        repo.git(&["rev-parse", "HEAD"]),
    );
    let main_push = fake.push_event("refs/heads/main", &before, &head, "alice");
    succeeded(&act(repo, fake, "push", "release", main_push, 1));
    repo.git(&["fetch", "-q", "--tags", "origin"]);
    repo.git(&["merge", "-q", "--ff-only", "origin/main"]);
    let commit = repo.git(&["rev-parse", "v0.1.0^{commit}"]);
    fake.add_tag("v0.1.0", &commit);
    commit
}

#[test]
fn a_blue_green_stage_whose_gate_fails_switches_back_inside_maintenance_mode() {
    let fake = FakeGithub::start(TOKEN, None);
    let repo = user_repo_with(
        "  - name: stage-health\n    type: command\n    shell: true\n    \
         command: ['test ! -e \"$(dirname \"$HOOK_LOG\")/broken-$SHIPGATE_COLOR\"']\n    \
         environments: [stage]\n    step: post-deploy\n\
         deploy:\n  stage:\n    strategy: blue-green\n    keep_previous: 1s\n    \
         maintenance: { on: ./deploy/maintenance.sh on, off: ./deploy/maintenance.sh off, when: destructive }\n",
    );
    std::fs::write(repo.root().join("live"), "blue\n").unwrap();
    std::fs::write(repo.root().join("broken-green"), "").unwrap();
    let commit = release_first_version(&repo, &fake);

    let zero = "0".repeat(40);
    let tag_push = fake.push_event("refs/tags/v0.1.0", &zero, &commit, "release-bot");
    let (output, stage_job) = act_environment_job(
        &repo, &fake, "push", tag_push, 2, "stage", "v0.1.0", &commit,
    );
    assert!(!output.status.success(), "the stage job must fail");
    // The destructive migration put stage into maintenance mode (a first release migrates
    // first); the new colour failed its gate after the switch, so the traffic went back;
    // maintenance mode was switched off all the same.
    assert_eq!(
        hooks(&repo),
        [
            "build",
            "maintenance on stage",
            "migrate stage db/migrate/001_drop_legacy.sql",
            "deploy stage --color green",
            "switch stage green",
            "switch stage blue",
            "maintenance off stage",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(repo.root().join("live"))
            .unwrap()
            .trim(),
        "blue"
    );
    let last_state = fake
        .statuses(stage_job)
        .last()
        .map(|s| s["state"].as_str().unwrap().to_owned());
    assert_eq!(last_state.as_deref(), Some("failure"));
    // The issue's table says where the rollout failed.
    let issue = fake.issues().into_iter().next().unwrap();
    let body = issue["body"].as_str().unwrap();
    assert!(
        body.contains("| stage | ❌ failure (failed at post-deploy) |"),
        "{body}"
    );
}

#[test]
fn production_promotes_and_deploys_the_image_digest_stage_pinned() {
    let Some(binary) = crate::registry::binary() else {
        return;
    };
    let registry = crate::registry::TestRegistry::start(&binary);
    let host = registry.host().to_owned();
    let fake = FakeGithub::start(TOKEN, None);
    fake.set_role("alice", "maintain");
    let repo = user_repo();
    // The repository variable the starter reads; act takes it from `.vars` where it runs.
    repo.write(
        ".vars",
        &format!("SHIPGATE_IMAGE_REPOSITORY={host}/shop/app\n"),
    );
    let commit = release_first_version(&repo, &fake);
    // What build.sh pushes: the candidate at the commit's own tag.
    let built = registry.push_image(&format!("shop/app:{commit}"), "built by stage");

    succeeded(&stage(&repo, &fake, "v0.1.0", &commit, 2));
    let pinned = format!("{host}/shop/app@{built}");
    assert!(
        hooks(&repo).contains(&format!("deploy stage  {pinned}")),
        "stage deployed the pinned image: {:?}",
        hooks(&repo)
    );
    // Someone pushes another image over the candidate's tag after stage passed.
    let moved = registry.push_image(&format!("shop/app:{commit}"), "pushed later");
    assert_ne!(moved, built);
    succeeded(&promote_then_production(&repo, &fake, "v0.1.0", &commit, 3));
    // Production got the digest stage sealed on the issue, not what the tag points at now.
    assert_eq!(
        registry.manifest_digest("shop/app:v0.1.0").as_deref(),
        Some(built.as_str())
    );
    assert!(
        hooks(&repo).contains(&format!("deploy production  {pinned}")),
        "production deployed the pinned image: {:?}",
        hooks(&repo)
    );
}

/// The tag pipeline of `tag` (at `commit`) on stage, as run `run`: act's output.
fn stage(repo: &TestRepo, fake: &FakeGithub, tag: &str, commit: &str, run: u32) -> Output {
    let zero = "0".repeat(40);
    let tag_push = fake.push_event(&format!("refs/tags/{tag}"), &zero, commit, "release-bot");
    act_environment_job(repo, fake, "push", tag_push, run, "stage", tag, commit).0
}

/// alice's "/promote production" on `tag`'s deployment issue (run `run`), then the production
/// job it dispatches (run `run + 1`): act's output of the production job.
fn promote_then_production(
    repo: &TestRepo,
    fake: &FakeGithub,
    tag: &str,
    commit: &str,
    run: u32,
) -> Output {
    let issue = fake
        .issues()
        .into_iter()
        .find(|i| i["title"] == format!("Deploy {tag}").as_str())
        .unwrap()["number"]
        .as_u64()
        .unwrap();
    let before = fake.dispatches().len();
    succeeded(&act(
        repo,
        fake,
        "issue_comment",
        "promote",
        comment_event(fake, issue, "alice", "/promote production"),
        run,
    ));
    let dispatches = fake.dispatches();
    assert_eq!(dispatches.len(), before + 1);
    let dispatch = fake.dispatch_event(
        "deploy.yml",
        &format!("refs/tags/{tag}"),
        &dispatches[before].1["inputs"],
        "alice",
    );
    act_environment_job(
        repo,
        fake,
        "workflow_dispatch",
        dispatch,
        run + 1,
        "production",
        tag,
        commit,
    )
    .0
}

/// [`stage`] as run `run`, then [`promote_then_production`] as runs `run + 1` and `run + 2`.
fn stage_then_production(
    repo: &TestRepo,
    fake: &FakeGithub,
    tag: &str,
    commit: &str,
    run: u32,
) -> Output {
    succeeded(&stage(repo, fake, tag, commit, run));
    promote_then_production(repo, fake, tag, commit, run + 1)
}

#[test]
fn a_failed_production_gate_rolls_back_to_the_previous_release() {
    let fake = FakeGithub::start(TOKEN, None);
    fake.set_role("alice", "maintain");
    let repo = user_repo_with(
        "  - name: production-health\n    type: command\n    shell: true\n    \
         command: ['test ! -e \"$(dirname \"$HOOK_LOG\")/broken-production\"']\n    \
         environments: [production]\n    step: post-deploy\n",
    );
    repo.write(
        "deploy/deploy.sh",
        "#!/bin/sh\necho \"deploy $* ${VERSION:-}\" >> \"$HOOK_LOG\"\n",
    );
    repo.git(&[
        "commit",
        "-q",
        "-am",
        "ci: the deploy hook names the version",
    ]);
    repo.git(&["push", "-q", "origin", "main"]);
    let first = release_first_version(&repo, &fake);
    succeeded(&stage_then_production(&repo, &fake, "v0.1.0", &first, 2));

    // The next release fails its production gate: v0.1.0 is deployed again.
    repo.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "fix: the second release",
    ]);
    repo.git(&["push", "-q", "origin", "main"]);
    let (before, head) = (
        repo.git(&["rev-parse", "HEAD~1"]),
        repo.git(&["rev-parse", "HEAD"]),
    );
    let main_push = fake.push_event("refs/heads/main", &before, &head, "alice");
    succeeded(&act(&repo, &fake, "push", "release", main_push, 10));
    repo.git(&["fetch", "-q", "--tags", "origin"]);
    repo.git(&["merge", "-q", "--ff-only", "origin/main"]);
    let second = repo.git(&["rev-parse", "v0.1.1^{commit}"]);
    fake.add_tag("v0.1.1", &second);
    std::fs::write(repo.root().join("broken-production"), "").unwrap();
    let output = stage_then_production(&repo, &fake, "v0.1.1", &second, 11);
    assert!(!output.status.success(), "the production job must fail");
    let production: Vec<String> = hooks(&repo)
        .into_iter()
        .filter(|h| h.starts_with("deploy production"))
        .collect();
    assert_eq!(
        production,
        [
            "deploy production",
            "deploy production",
            "deploy production v0.1.0"
        ],
        "v0.1.0, then v0.1.1, then v0.1.0 again by the rollback step"
    );
    let issue = fake
        .issues()
        .into_iter()
        .find(|i| i["title"] == "Deploy v0.1.1")
        .unwrap();
    assert_eq!(issue["state"], "closed", "{issue}");
    assert!(
        issue["body"]
            .as_str()
            .unwrap()
            .contains("| production | ❌ failure | v0.1.1 |")
            && issue["body"]
                .as_str()
                .unwrap()
                .contains("closed: rolled-back"),
        "{issue}"
    );
    let log = repo.only_file_on_remote_branch("shipgate-log");
    assert!(
        log.lines()
            .any(|l| l.contains("0.1.1") && l.contains("failure")),
        "{log}"
    );
}
