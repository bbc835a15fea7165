//! End to end on GitLab CI: `ci-templates/gitlab/shipgate.yml`, included with inputs by a user's
//! `.gitlab-ci.yml`, run by `gitlab-ci-local` with the shell executor, the built binaries on PATH
//! and the fake GitLab API. The default branch's pipeline tags a feat commit → the tag pipeline
//! migrates before the code, opens the deployment issue and records stage → the scheduled poll
//! answers "/promote production" (a Developer's refused, a Maintainer's accepted with a pipeline
//! created for the tag) → the production pipeline checks, migrates, deploys, records and closes.
//!
//! GitLab makes a deployment of its own for every job that names an `environment:`; the fake
//! does the same around each such job ([`Step::Environment`]), the job's id passed to
//! gitlab-ci-local as `CI_JOB_ID` so that the job and its deployment agree.
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::fake_gitlab::{EnvironmentJob, FakeGitlab, PROJECT_ID};
use crate::fixture::TestRepo;

pub const TOKEN: &str = "glpat-e2e-project-token";
pub const ME: &str = "shipgate-bot";

fn tools() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/node/node_modules/.bin")
}

fn user_repo() -> TestRepo {
    user_repo_with(
        ".deploy:\n  script:\n    - echo \"deploy $SHIPGATE_TARGET ${SHIPGATE_IMAGE:-}\" >> \"$HOOK_LOG\"\n",
        "",
    )
}

/// A user repository whose hidden deploy job is `deploy_job` and whose shipgate.yml ends with
/// `extra`.
fn user_repo_with(deploy_job: &str, extra: &str) -> TestRepo {
    let template =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ci-templates/gitlab/shipgate.yml");
    user_repo_from(&template, "      install: \"true\"\n", deploy_job, extra)
}

/// The README's GitLab quick start: `template` included locally with the template's own
/// defaults (the binaries come from the image, here the PATH the pipeline gets).
pub fn quick_start_repo(template: &Path) -> TestRepo {
    user_repo_from(
        template,
        "",
        ".deploy:\n  script:\n    - echo \"deploy $SHIPGATE_TARGET\" >> \"$HOOK_LOG\"\n",
        "",
    )
}

/// A user repository including `template` with `inputs` (YAML lines) besides its deploy and
/// migrate jobs.
fn user_repo_from(template: &Path, inputs: &str, deploy_job: &str, extra: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "ci/shipgate.yml",
        &std::fs::read_to_string(template).unwrap(),
    );
    repo.write(
        ".gitlab-ci.yml",
        &format!("stages: [release, test, deploy-stage, deploy-production]\n\
         include:\n  - local: ci/shipgate.yml\n    inputs:\n{inputs}      deploy-job: .deploy\n      migrate-job: .migrate\n\
         {deploy_job}\
         .migrate:\n  script:\n    - echo \"migrate $SHIPGATE_TARGET $SHIPGATE_MIGRATIONS\" >> \"$HOOK_LOG\"\n",
    ));
    repo.write(
        "shipgate.yml",
        &format!("schema:\n  paths: [db/migrate]\n\
         windows:\n  environments:\n    stage: {{ open: true }}\n    production: {{ open: true }}\n\
         gates:\n  - name: smoke\n    type: command\n    command: [\"true\"]\n    environments: [production]\n    step: post-deploy\n    checklist: Production verified\n\
         \x20 - name: canary-health\n    type: command\n    shell: true\n    environments: [stage]\n    step: post-deploy\n    \
         command: ['test ! -e \"$(dirname \"$HOOK_LOG\")/broken-step-${{SHIPGATE_STEP:-none}}\"']\n\
         notify:\n  channels:\n    - {{ name: issue, type: issue, events: [maintenance, maintenance-end] }}\n\
         deploy:\n  production:\n    maintenance:\n      on: echo maintenance on >> \"$HOOK_LOG\"\n      off: echo maintenance off >> \"$HOOK_LOG\"\n      when: always\n{extra}",
    ));
    repo.write(".gitignore", ".gitlab-ci-local/\n*.env\n*.json\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "ci: shipgate pipeline"]);
    repo.git(&["push", "-q", "origin", "main"]);
    repo
}

/// `gitlab-ci-local` with `variables`, running `jobs` (all of the pipeline when empty).
fn pipeline(
    repo: &TestRepo,
    fake: &FakeGitlab,
    variables: &[(&str, &str)],
    jobs: &[&str],
) -> Output {
    let binaries = Path::new(env!("CARGO_BIN_EXE_shipgate-version"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        binaries.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    pipeline_on_path(repo, fake, &path, variables, jobs)
}

/// [`pipeline`] with the jobs' `path` (gitlab-ci-local's own folder is put first).
pub fn pipeline_on_path(
    repo: &TestRepo,
    fake: &FakeGitlab,
    path: &str,
    variables: &[(&str, &str)],
    jobs: &[&str],
) -> Output {
    let path = format!("{}:{path}", tools().display());
    let mut command = repo.program(&tools().join("gitlab-ci-local"));
    command
        .env("PATH", path)
        .arg("--force-shell-executor")
        // gitlab-ci-local sets GITLAB_CI=false; GitLab's runners set true.
        .args(["--variable", "GITLAB_CI=true"])
        .args(["--variable", &format!("GITLAB_TOKEN={TOKEN}")])
        .args(["--variable", &format!("CI_API_V4_URL={}", fake.api_url())])
        .args(["--variable", &format!("CI_PROJECT_ID={PROJECT_ID}")])
        .args([
            "--variable",
            &format!("HOOK_LOG={}", repo.root().join("hooks.log").display()),
        ]);
    for (key, value) in variables {
        command.args(["--variable", &format!("{key}={value}")]);
    }
    command.args(jobs).output().unwrap()
}

/// A part of a pipeline, run in order.
enum Step<'a> {
    /// These jobs, in one gitlab-ci-local run.
    Jobs(&'a [&'a str]),
    /// A job naming `environment`, run alone as job `id`: GitLab creates its deployment and
    /// moves it to running as the job starts, then to success or failed as the job ends.
    Environment {
        job: &'a str,
        environment: &'a str,
        id: u64,
    },
    /// A job naming `environment` that is not run (`when: on_failure` after a success): GitLab
    /// creates its deployment and skips it.
    Skipped {
        job: &'a str,
        environment: &'a str,
        id: u64,
    },
}

/// The pipeline `pipeline_id` at `tag` (commit `sha`), step by step; each step must succeed.
fn pipeline_by_steps(
    repo: &TestRepo,
    fake: &FakeGitlab,
    variables: &[(&str, &str)],
    (pipeline_id, tag, sha): (u64, &str, &str),
    steps: &[Step<'_>],
) -> String {
    let mut log = String::new();
    for step in steps {
        match *step {
            Step::Jobs(jobs) => log.push_str(&succeeded(&pipeline(repo, fake, variables, jobs))),
            Step::Environment {
                job,
                environment,
                id,
            } => {
                let this = environment_job(job, environment, id, (pipeline_id, tag, sha));
                fake.start_environment_job(&this);
                let job_id = id.to_string();
                let mut with_id = variables.to_vec();
                with_id.push(("CI_JOB_ID", &job_id));
                let output = pipeline(repo, fake, &with_id, &[job]);
                fake.finish_environment_job(id, output.status.success());
                log.push_str(&succeeded(&output));
            }
            Step::Skipped {
                job,
                environment,
                id,
            } => {
                fake.skip_environment_job(&environment_job(
                    job,
                    environment,
                    id,
                    (pipeline_id, tag, sha),
                ));
            }
        }
    }
    // Every step succeeded: GitLab marks the pipeline so.
    fake.set_pipeline_status(pipeline_id, "success");
    log
}

fn environment_job<'a>(
    name: &'a str,
    environment: &'a str,
    id: u64,
    (pipeline, git_ref, sha): (u64, &'a str, &'a str),
) -> EnvironmentJob<'a> {
    EnvironmentJob {
        id: Some(id),
        name,
        environment,
        git_ref,
        sha,
        pipeline,
    }
}

/// The deployments of `environment` that ran (not skipped).
fn ran(fake: &FakeGitlab, environment: &str) -> Vec<Value> {
    fake.deployments()
        .into_iter()
        .filter(|d| d["environment"]["name"] == environment && d["status"] != "skipped")
        .collect()
}

pub fn succeeded(output: &Output) -> String {
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "gitlab-ci-local failed:\n{text}");
    text
}

fn hooks(repo: &TestRepo) -> Vec<String> {
    repo.root_file_lines("hooks.log")
}

/// The default branch's pipeline on the commit pushed last: shipgate-version tags v0.1.0, and
/// the fake knows the tag. The job log and the tag's commit.
fn release_first_version(repo: &TestRepo, fake: &FakeGitlab) -> (String, String) {
    repo.git(&["push", "-q", "origin", "main"]);
    let log = succeeded(&pipeline(
        repo,
        fake,
        &[("CI_PIPELINE_SOURCE", "push")],
        &["shipgate-version"],
    ));
    repo.git(&["fetch", "-q", "--tags", "origin"]);
    repo.git(&["merge", "-q", "--ff-only", "origin/main"]);
    let commit = repo.git(&["rev-parse", "v0.1.0^{commit}"]);
    fake.add_tag("v0.1.0", &commit);
    (log, commit)
}

#[test]
fn a_release_goes_from_commit_to_production_by_note() {
    assert!(
        tools().join("gitlab-ci-local").exists(),
        "gitlab-ci-local is missing: run scripts/tools.sh (scripts/test.sh does)"
    );
    let fake = FakeGitlab::start(TOKEN, ME);
    // The lock and the comment age compare the API's times with now.
    fake.start_clock_at(jiff::Timestamp::now());
    fake.set_access("maria", 40);
    fake.set_access("dev", 30);
    let repo = user_repo();

    // The default branch's pipeline: shipgate-version tags the feat commit.
    repo.write(
        "db/migrate/001_add_nickname.sql",
        "ALTER TABLE users ADD COLUMN nickname text;\n",
    );
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "feat: nicknames"]);
    let (text, commit) = release_first_version(&repo, &fake);
    assert!(!text.contains(TOKEN), "the token in the job log");

    // The tag pipeline.
    let tag = [
        ("CI_COMMIT_TAG", "v0.1.0"),
        ("CI_COMMIT_BRANCH", ""),
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_PIPELINE_ID", "501"),
    ];
    pipeline_by_steps(
        &repo,
        &fake,
        &tag,
        (501, "v0.1.0", &commit),
        &[
            Step::Jobs(&[
                "shipgate-schema",
                "shipgate-issue-open",
                "shipgate-stage-maintenance-on",
                "shipgate-stage-migrate-before",
            ]),
            Step::Environment {
                job: "shipgate-stage-deploy",
                environment: "stage",
                id: 7001,
            },
            Step::Jobs(&[
                "shipgate-stage-migrate-after",
                "shipgate-stage-maintenance-off",
                "shipgate-stage-verify",
            ]),
        ],
    );
    assert_eq!(
        hooks(&repo),
        [
            "migrate stage db/migrate/001_add_nickname.sql",
            "deploy stage"
        ]
    );
    let issues = fake.issues();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0]["title"], "Deploy v0.1.0");
    let iid = issues[0]["iid"].as_u64().unwrap();
    let stage = ran(&fake, "stage");
    assert_eq!(
        stage.len(),
        1,
        "the stage job records into GitLab's own deployment: {stage:#?}"
    );
    assert_eq!(stage[0]["deployable"]["id"], 7001);
    assert_eq!(stage[0]["status"], "success");
    let body = fake.issues()[0]["description"].as_str().unwrap().to_owned();
    assert!(
        body.lines()
            .any(|l| l.contains("stage") && l.contains("success")),
        "{body}"
    );

    // The scheduled poll: a Developer's note is refused, a Maintainer's accepted.
    fake.seed_note(iid, "/promote production", "dev", false);
    fake.seed_note(iid, "/promote production", "maria", false);
    let schedule = [
        ("CI_PIPELINE_SOURCE", "schedule"),
        ("CI_COMMIT_BRANCH", "main"),
    ];
    succeeded(&pipeline(
        &repo,
        &fake,
        &schedule,
        &["shipgate-promote-poll"],
    ));
    let pipelines = fake.pipelines();
    assert_eq!(pipelines.len(), 1, "{pipelines:?}");
    assert_eq!(pipelines[0]["ref"], "v0.1.0");
    assert_eq!(pipelines[0]["variables"][0]["value"], "production");

    // The pipeline GitLab then runs for the tag, with SHIPGATE_ENVIRONMENT=production.
    let production = [
        ("CI_COMMIT_TAG", "v0.1.0"),
        ("CI_COMMIT_BRANCH", ""),
        ("CI_PIPELINE_SOURCE", "api"),
        ("CI_PIPELINE_ID", "502"),
        ("SHIPGATE_ENVIRONMENT", "production"),
    ];
    pipeline_by_steps(
        &repo,
        &fake,
        &production,
        (502, "v0.1.0", &commit),
        &[
            Step::Jobs(&[
                "shipgate-schema",
                "shipgate-production-check",
                "shipgate-production-maintenance-on",
                "shipgate-production-migrate-before",
            ]),
            Step::Environment {
                job: "shipgate-production-deploy",
                environment: "production",
                id: 7002,
            },
            Step::Jobs(&[
                "shipgate-production-migrate-after",
                "shipgate-production-maintenance-off",
                "shipgate-production-verify",
                "shipgate-production-close",
            ]),
            Step::Skipped {
                job: "shipgate-production-rollback",
                environment: "production",
                id: 7003,
            },
        ],
    );
    let production = ran(&fake, "production");
    assert_eq!(production.len(), 1, "{production:#?}");
    assert_eq!(production[0]["deployable"]["id"], 7002);
    assert_eq!(production[0]["status"], "success");
    assert_eq!(
        &hooks(&repo)[2..],
        [
            // Stage has no maintenance mode; production's is switched on for every release.
            "maintenance on production",
            "migrate production db/migrate/001_add_nickname.sql",
            "deploy production",
            "maintenance off production",
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
    let body = issue["description"].as_str().unwrap();
    assert!(body.contains("- [x] Production verified"), "{body}");
    // The notices said maintenance mode started and ended.
    let notes: Vec<String> = fake
        .notes(iid)
        .iter()
        .map(|n| n["body"].as_str().unwrap().to_owned())
        .collect();
    for said in [
        "production is in maintenance mode for v0.1.0",
        "production is out of maintenance mode",
    ] {
        assert_eq!(
            notes.iter().filter(|n| n.contains(said)).count(),
            1,
            "{said:?} once in {notes:#?}"
        );
    }
}

#[test]
fn a_canary_stage_whose_gate_fails_at_a_step_goes_back_to_zero() {
    let fake = FakeGitlab::start(TOKEN, ME);
    fake.start_clock_at(jiff::Timestamp::now());
    let repo = user_repo_with(
        ".deploy:\n  script:\n    - shipgate-deploy rollout --env \"$SHIPGATE_TARGET\" --dotenv rollout.env\n",
        "  stage:\n    strategy: canary\n    steps: [10, 50, 100]\n",
    );
    repo.write(
        "deploy/deploy.sh",
        "#!/bin/sh\necho \"deploy $* step=$SHIPGATE_STEP\" >> \"$HOOK_LOG\"\n",
    );
    let hook = repo.path().join("deploy/deploy.sh");
    crate::fixture::make_executable(&hook);
    std::fs::write(repo.root().join("broken-step-50"), "").unwrap();
    repo.write("src/app.txt", "v1\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "feat: canary"]);
    let (_, commit) = release_first_version(&repo, &fake);
    let tag = [
        ("CI_COMMIT_TAG", "v0.1.0"),
        ("CI_COMMIT_BRANCH", ""),
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_PIPELINE_ID", "501"),
    ];
    succeeded(&pipeline(
        &repo,
        &fake,
        &tag,
        &[
            "shipgate-schema",
            "shipgate-issue-open",
            "shipgate-stage-maintenance-on",
            "shipgate-stage-migrate-before",
        ],
    ));
    let job = environment_job(
        "shipgate-stage-deploy",
        "stage",
        7001,
        (501, "v0.1.0", &commit),
    );
    fake.start_environment_job(&job);
    let mut with_id = tag.to_vec();
    with_id.push(("CI_JOB_ID", "7001"));
    let output = pipeline(&repo, &fake, &with_id, &["shipgate-stage-deploy"]);
    fake.finish_environment_job(7001, output.status.success());
    assert!(!output.status.success(), "the stage deploy job must fail");
    assert_eq!(
        hooks(&repo),
        [
            "deploy stage --step 10 step=10",
            "deploy stage --step 50 step=50",
            "deploy stage --step 0 step=0",
        ]
    );
    let stage = ran(&fake, "stage");
    assert_eq!(stage.len(), 1, "{stage:#?}");
    assert_eq!(stage[0]["status"], "failed");
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(log.contains("step 2/3 (50%)"), "{log}");
    // The issue's table says where the rollout failed.
    let body = fake.issues()[0]["description"].as_str().unwrap().to_owned();
    assert!(
        body.contains("| stage | ❌ failure (failed at step 2/3 (50%)) |"),
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
    let fake = FakeGitlab::start(TOKEN, ME);
    fake.start_clock_at(jiff::Timestamp::now());
    fake.set_access("maria", 40);
    let repo = user_repo();
    let ci = std::fs::read_to_string(repo.path().join(".gitlab-ci.yml")).unwrap();
    repo.write(
        ".gitlab-ci.yml",
        &ci.replace(
            "      migrate-job: .migrate\n",
            &format!("      migrate-job: .migrate\n      image-repository: {host}/shop/app\n"),
        ),
    );
    repo.write(
        "db/migrate/001_add_nickname.sql",
        "ALTER TABLE users ADD COLUMN nickname text;\n",
    );
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "feat: nicknames"]);
    let (_, commit) = release_first_version(&repo, &fake);
    // What the user's build job pushed: the candidate at the commit.
    let built = registry.push_image(&format!("shop/app:{commit}"), "built for stage");
    let pinned = format!("{host}/shop/app@{built}");

    let tag = [
        ("CI_COMMIT_TAG", "v0.1.0"),
        ("CI_COMMIT_BRANCH", ""),
        ("CI_COMMIT_SHA", &commit),
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_PIPELINE_ID", "601"),
    ];
    pipeline_by_steps(
        &repo,
        &fake,
        &tag,
        (601, "v0.1.0", &commit),
        &[
            Step::Jobs(&[
                "shipgate-schema",
                "shipgate-issue-open",
                "shipgate-stage-maintenance-on",
                "shipgate-stage-migrate-before",
            ]),
            Step::Environment {
                job: "shipgate-stage-deploy",
                environment: "stage",
                id: 8001,
            },
        ],
    );
    assert!(
        hooks(&repo).contains(&format!("deploy stage {pinned}")),
        "{:?}",
        hooks(&repo)
    );
    // The candidate's tag is pushed again after stage passed.
    let moved = registry.push_image(&format!("shop/app:{commit}"), "pushed later");
    assert_ne!(moved, built);

    let iid = fake.issues()[0]["iid"].as_u64().unwrap();
    fake.seed_note(iid, "/promote production", "maria", false);
    succeeded(&pipeline(
        &repo,
        &fake,
        &[
            ("CI_PIPELINE_SOURCE", "schedule"),
            ("CI_COMMIT_BRANCH", "main"),
        ],
        &["shipgate-promote-poll"],
    ));
    let production = [
        ("CI_COMMIT_TAG", "v0.1.0"),
        ("CI_COMMIT_BRANCH", ""),
        ("CI_COMMIT_SHA", &commit),
        ("CI_PIPELINE_SOURCE", "api"),
        ("CI_PIPELINE_ID", "602"),
        ("SHIPGATE_ENVIRONMENT", "production"),
    ];
    pipeline_by_steps(
        &repo,
        &fake,
        &production,
        (602, "v0.1.0", &commit),
        &[
            Step::Jobs(&[
                "shipgate-schema",
                "shipgate-production-check",
                "shipgate-production-maintenance-on",
                "shipgate-production-migrate-before",
            ]),
            Step::Environment {
                job: "shipgate-production-deploy",
                environment: "production",
                id: 8002,
            },
        ],
    );
    assert_eq!(
        registry.manifest_digest("shop/app:v0.1.0").as_deref(),
        Some(built.as_str()),
        "production promoted the digest stage sealed, not what the tag points at now"
    );
    assert!(
        hooks(&repo).contains(&format!("deploy production {pinned}")),
        "{:?}",
        hooks(&repo)
    );
}
