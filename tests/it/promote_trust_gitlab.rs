//! The trust chain on GitLab, as a project member with Developer or Maintainer access would try
//! it, with the scheduled `poll` as the entry (GitLab sends no event for a note): production gets
//! only the commit that passed stage, only after shipgate accepted a command for it, and nothing
//! a member can edit (issue descriptions, shipgate's own notes) decides. Each test is one attack,
//! through the real gitlab client against the fake GitLab.
use jiff::Timestamp;
use secrecy::SecretString;
use shipgate::config::Minutes;
use shipgate::forge::{CiJob, DeploymentState, Forge};
use shipgate::promote::{self, Check, Policy, Verdict};
use shipgate::seal::Seal;
use shipgate::window::Calendar;

use crate::fake_gitlab::EnvironmentJob;
use crate::promote_gitlab::{ME, MONDAY, OTHER_SHA, SHA, World, answered};

const MOVED_SHA: &str = "5555555555555555555555555555555555555555";

fn failed(checks: &[Check]) -> String {
    checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}: {}", c.gate, c.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

impl World {
    /// The checks of `shipgate-promote check` of production for v1.2.0 in CI job `job` of
    /// pipeline `pipeline`, at commit `commit`.
    fn job_checks(&self, pipeline: &str, job: &str, commit: &str) -> Vec<Check> {
        let calendar = Calendar::load(&self.windows, self.dir.path()).unwrap();
        let policy = Policy {
            promote: &self.promote,
            environments: &self.environments,
            tag_prefix: "v",
            calendar: &calendar,
            now: MONDAY.parse::<Timestamp>().unwrap(),
            seal: &self.seal,
        };
        let job = promote::JobCheck {
            environment: "production".to_owned(),
            version: semver::Version::new(1, 2, 0),
            risk: shipgate::window::Risk::Low,
            job: CiJob {
                run: Some(pipeline.to_owned()),
                job: Some(job.to_owned()),
            },
            commit: Some(commit.to_owned()),
            expected_commit: None,
        };
        self.rt
            .block_on(promote::check_job(&self.forge, policy, &job))
            .unwrap()
            .checks
    }

    /// A note by `author` on issue `iid`, answered by one poll; its verdict.
    fn note_polled(&self, iid: u64, body: &str, author: &str) -> Verdict {
        let note = self.fake.seed_note(iid, body, author, false);
        let handled = answered(&self.poll());
        assert_eq!(handled.len(), 1, "{handled:?}");
        assert_eq!(handled[0].0, note);
        handled[0].1
    }

    /// Our notes on issue `iid`, oldest first.
    fn own_notes(&self, iid: u64) -> Vec<(u64, String)> {
        self.rt
            .block_on(self.forge.comments(iid))
            .unwrap()
            .into_iter()
            .filter(|c| c.author == ME && !crate::fixture::is_release_claim(&c.body))
            .map(|c| (c.id, c.body))
            .collect()
    }

    /// Another deployment issue of ours, for `version` tagged at `sha`.
    fn open_issue(&self, version: &str, sha: &str) -> u64 {
        self.fake.add_tag(&format!("v{version}"), sha);
        let body = crate::fixture::deploy_issue_body(version, sha);
        let iid = self
            .fake
            .seed_issue(&format!("Deploy v{version}"), &body, ME);
        crate::fixture::seal_release_on_gitlab(&self.fake, iid, version, ME, &self.seal);
        iid
    }

    fn description(&self) -> String {
        let issue = self
            .fake
            .issues()
            .into_iter()
            .find(|i| i["iid"] == self.iid)
            .unwrap();
        issue["description"].as_str().unwrap().to_owned()
    }
}

#[test]
fn a_deploy_job_started_by_hand_is_refused() {
    let world = World::new();
    let why = failed(&world.job_checks("600", "9001", SHA));
    assert!(
        why.contains("promotion: shipgate accepted no command to deploy v1.2.0 to production"),
        "{why}"
    );
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "maria"),
        Verdict::Accepted
    );
    let checks = world.job_checks("600", "9001", SHA);
    assert!(checks.iter().all(|c| c.passed), "{}", failed(&checks));
}

#[test]
fn a_tag_moved_after_acceptance_is_refused() {
    let world = World::new();
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "maria"),
        Verdict::Accepted
    );
    world.fake.add_commit(MOVED_SHA);
    world.fake.add_tag("v1.2.0", OTHER_SHA);
    // The pipeline runs what the tag points at now: not the commit that passed stage.
    let why = failed(&world.job_checks("600", "9001", OTHER_SHA));
    assert!(
        why.contains("the promotion accepted commit 3333333"),
        "{why}"
    );
    // And a job still at the old commit sees the tag moved under it.
    let why = failed(&world.job_checks("600", "9001", SHA));
    assert!(why.contains("the tag v1.2.0 points at 4444444"), "{why}");
}

#[test]
fn an_edited_refusal_never_passes_for_an_acceptance() {
    let world = World::new();
    // A Developer is below the Maintainer access promotions need.
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "dev"),
        Verdict::Refused
    );
    let (id, body) = world.own_notes(world.iid).pop().unwrap();
    assert!(body.contains("refused promote"), "{body}");
    let forged = body.replace(
        "refused promote",
        &format!("accepted promote env=production tag=v1.2.0 sha={SHA}"),
    );
    world.fake.edit_note(id, &forged);
    let why = failed(&world.job_checks("600", "9001", SHA));
    assert!(why.contains("accepted no command"), "{why}");
    assert!(why.contains("were edited after they were written"), "{why}");
    // Nor does the next poll take the forged note for an answer of its own.
    assert!(answered(&world.poll()).is_empty());
    assert!(world.fake.pipelines().is_empty());
}

#[test]
fn with_a_signing_key_only_sealed_unaltered_answers_count() {
    let key = || Seal::new(Some(SecretString::from("ci-variable-secret".to_owned())));
    let mut world = World::new();
    world.seal = key();
    crate::fixture::seal_release_on_gitlab(&world.fake, world.iid, "1.2.0", ME, &world.seal);
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "maria"),
        Verdict::Accepted
    );
    let (id, body) = world.own_notes(world.iid).pop().unwrap();
    assert!(body.lines().next().unwrap().contains(" sig="), "{body}");
    // An edit that keeps the marker (a typo fixed below it) still counts: the seal proves it.
    world.fake.edit_note(id, &format!("{body}\n\n(edited)"));
    let checks = world.job_checks("600", "9001", SHA);
    assert!(checks.iter().all(|c| c.passed), "{}", failed(&checks));
    // An edit of the marker does not.
    world.fake.edit_note(
        id,
        &body.replace("env=production", "env=production override"),
    );
    let why = failed(&world.job_checks("600", "9001", SHA));
    assert!(why.contains("accepted no command"), "{why}");
    // Nor does a marker shipgate's user wrote without the key (another job's token).
    let mut unkeyed = World::new();
    assert_eq!(
        unkeyed.note_polled(unkeyed.iid, "/promote production", "maria"),
        Verdict::Accepted
    );
    unkeyed.seal = key();
    let why = failed(&unkeyed.job_checks("600", "9001", SHA));
    assert!(why.contains("accepted no command"), "{why}");
}

#[test]
fn an_edited_hold_still_stops_promotions() {
    let world = World::new();
    assert_eq!(
        world.note_polled(world.iid, "/hold DBA busy", "maria"),
        Verdict::Accepted
    );
    let (id, body) = world.own_notes(world.iid).pop().unwrap();
    assert!(body.contains("accepted hold"), "{body}");
    world
        .fake
        .edit_note(id, &body.replace("accepted hold", "accepted unhold"));
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "maria"),
        Verdict::Refused
    );
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains("were edited after they were written"),
        "{reply}"
    );
    assert!(world.fake.pipelines().is_empty());
}

#[test]
fn one_release_at_a_time_across_issues() {
    let world = World::new();
    let newer = world.open_issue("1.3.0", OTHER_SHA);
    world.deploy_tag("stage", "v1.3.0", OTHER_SHA, DeploymentState::Success);
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "maria"),
        Verdict::Accepted
    );
    // v1.2.0's pipeline has not deployed yet: v1.3.0 waits.
    assert_eq!(
        world.note_polled(newer, "/promote production", "maria"),
        Verdict::Refused
    );
    let (_, reply) = world.own_notes(newer).pop().unwrap();
    assert!(
        reply.contains("a promote of v1.2.0 to production was accepted"),
        "{reply}"
    );
    let pipelines = world.fake.pipelines();
    assert_eq!(pipelines.len(), 1, "{pipelines:?}");
    assert_eq!(pipelines[0]["ref"], "v1.2.0");
}

#[test]
fn a_downgrade_needs_a_rollback() {
    let world = World::new();
    world.deploy_tag("production", "v1.2.0", SHA, DeploymentState::Success);
    world.fake.add_commit(MOVED_SHA);
    let older = world.open_issue("1.1.0", MOVED_SHA);
    world.deploy_tag("stage", "v1.1.0", MOVED_SHA, DeploymentState::Success);
    assert_eq!(
        world.note_polled(older, "/promote production", "maria"),
        Verdict::Refused
    );
    let (_, reply) = world.own_notes(older).pop().unwrap();
    assert!(
        reply.contains("production runs v1.2.0, newer than v1.1.0")
            && reply.contains("/rollback production v1.1.0"),
        "{reply}"
    );
    assert!(world.fake.pipelines().is_empty());
}

#[test]
fn a_rollback_to_a_moved_tag_is_refused() {
    let mut world = World::new();
    world.promote.max_comment_age = Minutes(7 * 24 * 60);
    world.fake.add_tag("v1.1.0", OTHER_SHA);
    world.deploy_tag("production", "v1.1.0", OTHER_SHA, DeploymentState::Success);
    world.deploy_tag("production", "v1.2.0", SHA, DeploymentState::Success);
    world.fake.add_commit(MOVED_SHA);
    world.fake.add_tag("v1.1.0", MOVED_SHA);
    assert_eq!(
        world.note_polled(world.iid, "/rollback production", "maria"),
        Verdict::Refused
    );
    let reply = world.replies().pop().unwrap();
    assert!(
        reply
            .contains("production ran v1.1.0 at commit 4444444, but the tag now points at 5555555"),
        "{reply}"
    );
    assert!(world.fake.pipelines().is_empty());
}

#[test]
fn an_outsider_costs_three_calls_whatever_the_history() {
    let world = World::new();
    world.fake.add_tag("v1.1.0", OTHER_SHA);
    for _ in 0..150 {
        world.deploy_tag("production", "v1.1.0", OTHER_SHA, DeploymentState::Success);
    }
    world.fake.start_environment_job(&EnvironmentJob {
        id: None,
        name: "deploy-production",
        environment: "production",
        git_ref: "v1.1.0",
        sha: OTHER_SHA,
        pipeline: 700,
    });
    // A Developer, below the configured Maintainer.
    let note = world
        .fake
        .seed_note(world.iid, "/promote production", "dev", false);
    world.fake.clear_requests();
    assert_eq!(answered(&world.poll()), [(note, Verdict::Refused)]);
    // What a poll reads once whatever the notes (our user, the freeze periods, our issues,
    // their notes) is not the note's cost.
    let notes = format!("/api/v4/projects/42/issues/{}/notes", world.iid);
    let calls: Vec<String> = world
        .fake
        .requests()
        .iter()
        .filter(|r| {
            r.method != "GET"
                || !(r.path == "/api/v4/user"
                    || r.path == "/api/v4/projects/42/freeze_periods"
                    || r.path == "/api/v4/projects/42/issues"
                    || r.path == notes)
        })
        .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
        .collect();
    assert!(calls.len() <= 3, "{calls:#?}");
    let history = shipgate::deploy_issue::parse(&world.description()).history;
    assert!(history.is_empty(), "{history:?}");
    // The next poll finds the note answered and adds nothing.
    assert!(answered(&world.poll()).is_empty());
    assert_eq!(world.replies().len(), 1);
}

#[test]
fn a_jobs_own_deployment_does_not_lock_its_check_but_a_siblings_does() {
    let world = World::new();
    // The deployments GitLab makes for the jobs are compared with now: make them recent.
    world
        .fake
        .start_clock_at("2026-03-02T09:50:00Z".parse().unwrap());
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "maria"),
        Verdict::Accepted
    );
    let job = |id, name| EnvironmentJob {
        id: Some(id),
        name,
        environment: "production",
        git_ref: "v1.2.0",
        sha: SHA,
        pipeline: 600,
    };
    world
        .fake
        .start_environment_job(&job(9001, "deploy-production"));
    let checks = world.job_checks("600", "9001", SHA);
    assert!(checks.iter().all(|c| c.passed), "{}", failed(&checks));
    // A second job of the same pipeline deploying production: the first one's check sees it.
    let (_, sibling) = world
        .fake
        .start_environment_job(&job(9002, "deploy-production-eu"));
    let why = failed(&world.job_checks("600", "9001", SHA));
    assert!(why.contains(&format!("(deployment {sibling}, by")), "{why}");
}

#[test]
fn an_edited_issue_description_neither_claims_nor_renames_a_release() {
    let world = World::new();
    let other = world.open_issue("1.3.0", OTHER_SHA);
    // A Reporter edits the other issue's description to claim v1.2.0 too.
    world.rt.block_on(async {
        let body = world.forge.issue(other).await.unwrap().body;
        let edited = body.replace("shipgate:release v1.3.0", "shipgate:release v1.2.0");
        assert_ne!(body, edited);
        world.forge.update_issue_body(other, &edited).await.unwrap();
    });
    assert_eq!(
        world.note_polled(other, "/promote production", "maria"),
        Verdict::Refused
    );
    let reply = world.own_notes(other).pop().unwrap().1;
    assert!(
        reply.contains("the issue body names v1.2.0 but shipgate sealed v1.3.0"),
        "{reply}"
    );
    assert!(world.fake.pipelines().is_empty());
    // The issue shipgate sealed v1.2.0 on is neither blocked nor renamed.
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "maria"),
        Verdict::Accepted
    );
    assert_eq!(world.fake.pipelines().len(), 1);
}

#[test]
fn without_shipgates_sealed_release_nothing_is_promoted() {
    let world = World::new();
    let (claim, body) = world
        .rt
        .block_on(world.forge.comments(world.iid))
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.body))
        .find(|(_, body)| crate::fixture::is_release_claim(body))
        .expect("the world seals its release");
    world
        .fake
        .edit_note(claim, &body.replace("v1.2.0", "v1.1.0"));
    assert_eq!(
        world.note_polled(world.iid, "/promote production", "maria"),
        Verdict::Refused
    );
    let reply = world.own_notes(world.iid).pop().unwrap().1;
    assert!(
        reply.contains("sealed comment naming the release is missing or was altered"),
        "{reply}"
    );
    assert!(world.fake.pipelines().is_empty());
    assert_eq!(
        world.note_polled(world.iid, "/hold DBA busy", "maria"),
        Verdict::Accepted
    );
}
