//! Two `shipgate-promote poll` processes on GitLab at once (a scheduled run still going when the
//! next starts, or a poll run by hand beside the schedule), with unanswered commands on two
//! deployment issues. Each run lists the notes unanswered; the 👀 a run puts on a note is its
//! claim, and the other run leaves a claimed note alone. Whatever the interleaving: both runs
//! succeed, every command is answered exactly once, one pipeline starts, the issue history holds
//! one line per command, and a later run answers nothing.
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::fake_gitlab::{FakeGitlab, PROJECT_ID};
use crate::fixture::{TestRepo, deploy_issue_body};

const TOKEN: &str = "glpat-overlap-token";
const ME: &str = "shipgate-bot";
const MONDAY: &str = "2026-03-02T10:00:00Z";
const DEADLINE: Duration = Duration::from_secs(60);

/// v1.2.0 and v1.3.0 passed stage, each with its deployment issue; the notes of both issues.
fn world(fake: &FakeGitlab) -> (Vec<u64>, Vec<u64>) {
    fake.set_access("maria", 40);
    fake.set_access("olga", 50);
    fake.set_access("dev", 30);
    let mut issues = Vec::new();
    for (version, pipeline) in [("1.2.0", 300), ("1.3.0", 301)] {
        let tag = format!("v{version}");
        fake.add_tag(&tag, &format!("{tag}-sha"));
        fake.seed_job_deployment("stage", &tag, pipeline, "success");
        let body = deploy_issue_body(version, &format!("{tag}-sha"));
        let iid = fake.seed_issue(&format!("Deploy {tag}"), &body, ME);
        crate::fixture::seal_release_on_gitlab(
            fake,
            iid,
            version,
            ME,
            &shipgate::seal::Seal::default(),
        );
        issues.push(iid);
    }
    let mut notes = Vec::new();
    for (issue, body, author) in [
        (issues[0], "/promote production", "maria"),
        (issues[0], "/promote production", "dev"),
        (issues[0], "/status", "olga"),
        (issues[1], "/promote production", "olga"),
        (issues[1], "/help", "dev"),
        (issues[1], "/hold schema check", "maria"),
    ] {
        notes.push(fake.seed_note(issue, body, author, false));
    }
    (issues, notes)
}

fn poll(repo: &TestRepo, fake: &FakeGitlab) -> Child {
    repo.process("shipgate-promote")
        .env("GITLAB_CI", "true")
        .env("CI_API_V4_URL", fake.api_url())
        .env("CI_PROJECT_ID", PROJECT_ID)
        .env("GITLAB_TOKEN", TOKEN)
        .args(["poll", "--at", MONDAY])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn wait(mut child: Child, started: Instant) -> std::process::ExitStatus {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > DEADLINE {
            child.kill().unwrap();
            panic!("a poll still ran after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The note ids our answers on `issue` name, one per answer.
fn answered_ids(fake: &FakeGitlab, issue: u64) -> Vec<u64> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let forge = shipgate::forge::gitlab::GitlabForge::new(
        &fake.api_url(),
        PROJECT_ID,
        secrecy::SecretString::from(TOKEN),
        None,
    )
    .unwrap();
    let comments = rt
        .block_on(shipgate::forge::Forge::comments(&forge, issue))
        .unwrap();
    comments
        .iter()
        .filter_map(|c| {
            shipgate::promote::Answer::read(c, ME, &shipgate::seal::Seal::default(), issue)
        })
        .map(|a| a.comment_id)
        .collect()
}

/// The pipelines created through the API (by shipgate), not the seeded tag pipelines.
fn created_pipelines(fake: &FakeGitlab) -> Vec<Value> {
    fake.pipelines()
}

#[test]
fn overlapping_polls_answer_every_command_and_a_later_poll_nothing() {
    let fake = FakeGitlab::start(TOKEN, ME);
    let (issues, notes) = world(&fake);
    let repo = TestRepo::new();
    repo.write("shipgate.yml", "environments: [stage, production]\n");
    let started = Instant::now();
    let first = poll(&repo, &fake);
    let second = poll(&repo, &fake);
    assert!(wait(first, started).success());
    assert!(wait(second, started).success());

    let mut answered: Vec<u64> = issues
        .iter()
        .flat_map(|i| answered_ids(&fake, *i))
        .collect();
    answered.sort_unstable();
    let mut once = answered.clone();
    once.dedup();
    assert_eq!(once, notes, "every command answered");
    let doubled = answered.len() - once.len();
    let pipelines = created_pipelines(&fake);
    assert_eq!(doubled, 0, "notes answered twice");
    // One release at a time: the other issue's promotion waits for the first.
    assert_eq!(pipelines.len(), 1, "{pipelines:#?}");
    eprintln!(
        "overlapping polls: {doubled} of {} notes answered twice, {} pipelines, {:?}",
        notes.len(),
        pipelines.len(),
        started.elapsed()
    );
    for issue in fake.issues() {
        let history = shipgate::deploy_issue::parse(issue["description"].as_str().unwrap()).history;
        let mut keys: Vec<_> = history.iter().map(|h| h.key.clone()).collect();
        let lines = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(
            keys.len(),
            lines,
            "one history line per command: {history:#?}"
        );
    }

    // A run after both answers nothing again.
    let before = fake.requests().len();
    let later = poll(&repo, &fake);
    assert!(wait(later, Instant::now()).success());
    let after: Vec<u64> = issues
        .iter()
        .flat_map(|i| answered_ids(&fake, *i))
        .collect();
    assert_eq!(after.len(), answered.len());
    let writes = fake.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0);
}

#[test]
fn a_poll_after_another_never_answers_what_it_answered() {
    let fake = FakeGitlab::start(TOKEN, ME);
    let (issues, notes) = world(&fake);
    let repo = TestRepo::new();
    repo.write("shipgate.yml", "environments: [stage, production]\n");
    // As `resource_group: shipgate-promote-poll` runs them: one after the other.
    for _ in 0..2 {
        assert!(wait(poll(&repo, &fake), Instant::now()).success());
    }
    let mut answered: Vec<u64> = issues
        .iter()
        .flat_map(|i| answered_ids(&fake, *i))
        .collect();
    answered.sort_unstable();
    assert_eq!(answered, notes, "each command answered exactly once");
    let pipelines = created_pipelines(&fake);
    assert_eq!(pipelines.len(), 1, "{pipelines:#?}");
}
