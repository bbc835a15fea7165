//! `shipgate-issue record` under load: 16 deploy jobs of a release finishing at once, each a
//! region of production (16 environments configured), each its own CI run, all recording into
//! the one deployment issue. That is what a team fanning a release out to its regions hits:
//! every job writes the same issue description at the same moment. (Runs into one environment
//! are not concurrent: the lock keeps a second deploy of an environment out while one runs.)
//! Every record must land — its deployment on the forge with its state, its row in the issue —
//! and none twice.
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use shipgate::deploy_issue::parse;
use shipgate::forge::DeploymentState;

use crate::fake_github::{FakeGithub, REPO};
use crate::fake_gitlab::{FakeGitlab, PROJECT_ID};
use crate::fixture::TestRepo;

const GH_TOKEN: &str = "ghs_record_load_token";
const GL_TOKEN: &str = "glpat-record-load-token";
const JOBS: usize = 16;
/// Far above what 16 records take (well under a few seconds); only a hang reaches it.
const DEADLINE: Duration = Duration::from_secs(60);

fn regions() -> Vec<String> {
    (1..=JOBS).map(|i| format!("prod-{i:02}")).collect()
}

/// A repository released as v0.1.0, configured with the 16 regions.
fn released() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "shipgate.yml",
        &format!("environments: [{}]\n", regions().join(", ")),
    );
    repo.commit("feat(api): paginate");
    repo.version().arg("--no-push").assert().success();
    repo
}

/// Starts every record at once and waits for all within [`DEADLINE`]; the indexes of those
/// that gave up on a contended issue body (exit 3, "run again"). Any other failure fails.
fn record_all(commands: Vec<Command>) -> Vec<usize> {
    let mut contended = Vec::new();
    let started = Instant::now();
    let mut children: Vec<(String, Child, std::fs::File)> = commands
        .into_iter()
        .map(|mut c| {
            let name = format!("{c:?}");
            let log = tempfile::tempfile().unwrap();
            let child = c
                .stdout(Stdio::null())
                .stderr(log.try_clone().unwrap())
                .spawn()
                .unwrap();
            (name, child, log)
        })
        .collect();
    for (i, (name, child, log)) in children.iter_mut().enumerate() {
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > DEADLINE {
                child.kill().unwrap();
                panic!("a record still ran after {DEADLINE:?}: {name}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Seek::rewind(log).unwrap();
        std::io::Read::read_to_string(log, &mut stderr).unwrap();
        if status.code() == Some(3) && stderr.contains("kept changing under concurrent updates") {
            contended.push(i);
            continue;
        }
        assert!(status.success(), "{status}: {stderr}");
    }
    contended
}

/// The record of region `i` (0-based) by CI run `200 + i`.
fn record_region(job: &dyn Fn(&str) -> Command, i: usize) -> Command {
    let mut command = job(&format!("{}", 200 + i));
    command.args(["record", "--env", &regions()[i], "--status", "success"]);
    command
}

/// Every region has one row, recorded `success`, and a history line saying so; `exact`: one
/// line per record and no other.
fn assert_rows(body: &str, exact: bool) {
    let parsed = parse(body);
    let mut rows: Vec<(String, Option<DeploymentState>)> = parsed
        .rows
        .iter()
        .map(|r| (r.environment.clone(), r.state))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let expected: Vec<_> = regions()
        .into_iter()
        .map(|r| (r, Some(DeploymentState::Success)))
        .collect();
    assert_eq!(rows, expected, "{body}");
    for region in regions() {
        let line = format!("success on {region}");
        assert!(
            parsed.history.iter().any(|h| h.what.contains(&line)),
            "{region}: {body}"
        );
    }
    if exact {
        assert_eq!(parsed.history.len(), JOBS, "{body}");
    }
}

#[test]
fn sixteen_records_at_once_on_github_all_land_once() {
    let fake = FakeGithub::start(GH_TOKEN, None);
    let repo = released();
    fake.add_tag("v0.1.0", &repo.git(&["rev-parse", "v0.1.0^{commit}"]));
    let job = |run: &str| {
        let mut command = repo.process("shipgate-issue");
        command
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_TOKEN", GH_TOKEN)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_API_URL", fake.url())
            .env("GITHUB_RUN_ID", run);
        command
    };
    let mut open = job("100");
    assert!(open.arg("open").status().unwrap().success());
    let records = (0..JOBS).map(|i| record_region(&job, i)).collect();
    let contended = record_all(records);
    assert!(contended.is_empty(), "gave up: {contended:?}");

    let deployments = fake.deployments();
    let mut environments: Vec<String> = deployments
        .iter()
        .map(|d| d["environment"].as_str().unwrap().to_owned())
        .collect();
    environments.sort();
    assert_eq!(environments, regions(), "one deployment per region");
    for d in &deployments {
        let statuses = fake.statuses(d["id"].as_u64().unwrap());
        let last = statuses.last().map(|s| s["state"].clone());
        assert_eq!(last, Some("success".into()), "{d}");
    }
    let issues = fake.issues();
    assert_eq!(issues.len(), 1);
    assert_rows(issues[0]["body"].as_str().unwrap(), true);
}

#[test]
fn sixteen_records_at_once_on_gitlab_all_land_once() {
    let fake = FakeGitlab::start(GL_TOKEN, "shipgate-bot");
    let repo = released();
    fake.add_tag("v0.1.0", &repo.git(&["rev-parse", "v0.1.0^{commit}"]));
    let job = |pipeline: &str| {
        let mut command = repo.process("shipgate-issue");
        command
            .env("GITLAB_CI", "true")
            .env("CI_API_V4_URL", fake.api_url())
            .env("CI_PROJECT_ID", PROJECT_ID)
            .env("CI_PIPELINE_ID", pipeline)
            .env("GITLAB_TOKEN", GL_TOKEN);
        command
    };
    let mut open = job("100");
    assert!(open.arg("open").status().unwrap().success());
    let records = (0..JOBS).map(|i| record_region(&job, i)).collect();
    // Every writer keeps its own row and fills in only deployments the body lost: 16 writers
    // settle within their attempts, and the rows keep each job's CI run.
    let contended = record_all(records);
    assert!(contended.is_empty(), "gave up: {contended:?}");
    let deployments = fake.deployments();
    let mut environments: Vec<String> = deployments
        .iter()
        .map(|d| d["environment"]["name"].as_str().unwrap().to_owned())
        .collect();
    environments.sort();
    assert_eq!(environments, regions(), "one deployment per region");
    for d in &deployments {
        assert_eq!(d["status"], "success", "{d}");
    }
    let issues = fake.issues();
    assert_eq!(issues.len(), 1);
    // A region whose row another writer dropped may be filled in from GitLab's view of its
    // deployment before its own job writes it back: its history can say so twice. The rows
    // are exact.
    assert_rows(issues[0]["description"].as_str().unwrap(), false);
    // A re-run of a job finds its deployment by the CI run its row kept: no second one.
    for i in [0, 5] {
        let mut again = record_region(&job, i);
        assert!(again.status().unwrap().success());
    }
    assert_eq!(fake.deployments().len(), JOBS, "re-runs made no deployment");
}
