//! The trust chain on GitHub, as an attacker with write access would try it: production gets only
//! the commit that passed stage, only after shipgate accepted a command for it, and nothing a
//! writer can edit (issue bodies, shipgate's own replies) decides. Each test is one attack.
use secrecy::SecretString;
use shipgate::config::Minutes;
use shipgate::forge::DeploymentState::{InProgress, Success};
use shipgate::promote::{Check, Verdict};
use shipgate::seal::Seal;

use crate::promote::{MONDAY, OTHER_SHA, SHA, World, deployment, verdict};

fn failed(checks: &[Check]) -> String {
    checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}: {}", c.gate, c.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_deploy_job_started_by_hand_is_refused() {
    let world = World::new();
    let checks = world.job_checks(MONDAY, "300", SHA);
    let why = failed(&checks);
    assert!(
        why.contains("promotion: shipgate accepted no command to deploy v1.2.0 to production"),
        "{why}"
    );
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    assert!(
        world.job_allowed(MONDAY, "300"),
        "{}",
        failed(&world.job_checks(MONDAY, "300", SHA))
    );
}

#[test]
fn a_tag_moved_after_acceptance_is_refused() {
    let world = World::new();
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    world.fake.add_tag("v1.2.0", OTHER_SHA);
    // The job runs what the tag points at now: not the commit that passed stage.
    let why = failed(&world.job_checks(MONDAY, "300", OTHER_SHA));
    assert!(
        why.contains("the promotion accepted commit 1111111"),
        "{why}"
    );
    // And a job still at the old commit sees the tag moved under it.
    let why = failed(&world.job_checks(MONDAY, "300", SHA));
    assert!(why.contains("the tag v1.2.0 points at 2222222"), "{why}");
}

#[test]
fn an_edited_refusal_never_passes_for_an_acceptance() {
    let world = World::new();
    let event = world.comment("/promote production", "bob");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    let (id, body) = world.own_comments(world.issue).pop().unwrap();
    let forged = body.replace(
        "refused promote",
        &format!("accepted promote env=production tag=v1.2.0 sha={SHA}"),
    );
    world.fake.edit_comment(id, &forged);
    let why = failed(&world.job_checks(MONDAY, "300", SHA));
    assert!(why.contains("accepted no command"), "{why}");
    assert!(why.contains("were edited after they were written"), "{why}");
}

#[test]
fn with_a_signing_key_only_sealed_unaltered_answers_count() {
    let mut world = World::new();
    world.seal = Seal::new(Some(SecretString::from("workflow-secret".to_owned())));
    world.seal_release(world.issue, "1.2.0");
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    let (id, body) = world.own_comments(world.issue).pop().unwrap();
    assert!(body.lines().next().unwrap().contains(" sig="), "{body}");
    // An edit that keeps the marker (a typo fixed below it) still counts: the seal proves it.
    world.fake.edit_comment(id, &format!("{body}\n\n(edited)"));
    assert!(world.job_allowed(MONDAY, "300"));
    // An edit of the marker does not.
    world.fake.edit_comment(
        id,
        &body.replace("env=production", "env=production override"),
    );
    let why = failed(&world.job_checks(MONDAY, "300", SHA));
    assert!(why.contains("accepted no command"), "{why}");
    // Nor does a marker shipgate's login wrote without the key (another workflow's token).
    let mut unkeyed = World::new();
    unkeyed.seal = Seal::default();
    let event = unkeyed.comment("/promote production", "alice");
    assert_eq!(verdict(&unkeyed.act(&event)), Some(Verdict::Accepted));
    unkeyed.seal = Seal::new(Some(SecretString::from("workflow-secret".to_owned())));
    let why = failed(&unkeyed.job_checks(MONDAY, "300", SHA));
    assert!(why.contains("accepted no command"), "{why}");
}

#[test]
fn an_edited_hold_still_stops_promotions() {
    let world = World::new();
    let hold = world.comment("/hold DBA busy", "alice");
    assert_eq!(verdict(&world.act(&hold)), Some(Verdict::Accepted));
    let (id, body) = world.own_comments(world.issue).pop().unwrap();
    world
        .fake
        .edit_comment(id, &body.replace("accepted hold", "accepted unhold"));
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains("were edited after they were written"),
        "{reply}"
    );
    assert!(world.fake.dispatches().is_empty());
}

#[test]
fn a_broken_issue_body_never_stops_a_hold() {
    let world = World::new();
    world.rt.block_on(async {
        use shipgate::forge::Forge;
        let issue = world.forge.issue(world.issue).await.unwrap();
        let broken = issue
            .body
            .replace("<!-- shipgate:history -->", "<!-- shipgate:hist");
        world
            .forge
            .update_issue_body(world.issue, &format!("{broken}\n<!-- shipgate:history"))
            .await
            .unwrap();
    });
    let hold = world.comment("/hold", "alice");
    assert_eq!(verdict(&world.act(&hold)), Some(Verdict::Accepted));
}

#[test]
fn one_release_at_a_time_across_issues() {
    let world = World::new();
    let newer = world.open_issue("1.3.0", OTHER_SHA);
    deployment(&world, "stage", "v1.3.0", OTHER_SHA, "200", Success);
    let first = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&first)), Some(Verdict::Accepted));
    // v1.2.0's deployment has not started: v1.3.0 waits.
    let second = world.comment_on(newer, "/promote production", "alice", "User");
    assert_eq!(verdict(&world.act(&second)), Some(Verdict::Refused));
    let (_, reply) = world.own_comments(newer).pop().unwrap();
    assert!(
        reply.contains("a promote of v1.2.0 to production was accepted"),
        "{reply}"
    );
    assert_eq!(world.fake.dispatches().len(), 1);
}

#[test]
fn a_downgrade_needs_a_rollback() {
    let world = World::new();
    deployment(&world, "production", "v1.2.0", SHA, "150", Success);
    let older = world.open_issue("1.1.0", OTHER_SHA);
    deployment(&world, "stage", "v1.1.0", OTHER_SHA, "151", Success);
    let event = world.comment_on(older, "/promote production", "alice", "User");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    let (_, reply) = world.own_comments(older).pop().unwrap();
    assert!(
        reply.contains("production runs v1.2.0, newer than v1.1.0")
            && reply.contains("/rollback production v1.1.0"),
        "{reply}"
    );
    assert!(world.fake.dispatches().is_empty());
}

#[test]
fn a_rollback_to_a_moved_tag_is_refused() {
    let mut world = World::new();
    world.promote.max_comment_age = Minutes(7 * 24 * 60);
    deployment(&world, "production", "v1.1.0", OTHER_SHA, "90", Success);
    deployment(&world, "production", "v1.2.0", SHA, "91", Success);
    world
        .fake
        .add_tag("v1.1.0", "3333333333333333333333333333333333333333");
    let event = world.comment("/rollback production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    let reply = world.replies().pop().unwrap();
    assert!(
        reply
            .contains("production ran v1.1.0 at commit 2222222, but the tag now points at 3333333"),
        "{reply}"
    );
    assert!(world.fake.dispatches().is_empty());
}

#[test]
fn an_outsider_costs_three_calls_whatever_the_history() {
    let world = World::new();
    for run in 0..150 {
        deployment(
            &world,
            "production",
            "v1.1.0",
            OTHER_SHA,
            &format!("old-{run}"),
            Success,
        );
    }
    deployment(
        &world,
        "production",
        "v1.1.0",
        OTHER_SHA,
        "busy",
        InProgress,
    );
    world.fake.clear_requests();
    let event = world.comment("/promote production", "stranger");
    world.fake.clear_requests();
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    let calls: Vec<String> = world
        .fake
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    eprintln!(
        "an outsider's /promote with 151 earlier deployments: {} calls",
        calls.len()
    );
    assert!(calls.len() <= 3, "{calls:#?}");
    let history = shipgate::deploy_issue::parse(&world.issue_body()).history;
    assert!(history.is_empty(), "{history:?}");
    // A re-run of the same event adds nothing: the 👎 is there already.
    world.fake.clear_requests();
    world.act(&event);
    assert_eq!(world.replies().len(), 1);
}

#[test]
fn a_promotion_reads_the_history_only_as_far_as_it_needs() {
    let mut world = World::new();
    // Only deployments younger than the lock timeout can hold the lock; the fake's clock puts
    // all of these before 08:10, and the comment is decided at 10:00.
    world.promote.lock_timeout = Minutes(30);
    for run in 0..150 {
        deployment(
            &world,
            "production",
            "v1.1.0",
            OTHER_SHA,
            &format!("old-{run}"),
            Success,
        );
    }
    let event = world.comment("/promote production", "alice");
    world.fake.clear_requests();
    assert_eq!(
        verdict(&world.act(&event)),
        Some(Verdict::Accepted),
        "{:?}",
        world.replies()
    );
    let deployment_reads = world
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/deployments"))
        .count();
    let all = world.fake.requests().len();
    eprintln!(
        "one /promote with 150 earlier deployments: {deployment_reads} deployment reads, {all} calls in all"
    );
    assert!(deployment_reads <= 6, "{deployment_reads} deployment reads");
}

#[test]
fn a_release_whose_ci_is_not_green_is_not_promoted() {
    let mut world = World::new();
    world
        .fake
        .add_check_run(SHA, "build", "completed", Some("success"));
    world.fake.add_check_run(SHA, "e2e", "in_progress", None);
    let waiting = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&waiting)), Some(Verdict::Refused));
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains("CI has not finished on 1111111: waiting for e2e"),
        "{reply}"
    );

    world
        .fake
        .add_commit_status(SHA, "security/scan", "failure");
    let failing = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&failing)), Some(Verdict::Refused));
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains("CI failed on 1111111: security/scan"),
        "{reply}"
    );

    // `required` waits only for what the default branch's protection requires.
    world.fake.set_default_branch("main");
    world.fake.set_branch("main", SHA);
    world.fake.require_checks("main", &["build"]);
    world.promote.required_checks = serde_yaml::from_str("required").unwrap();
    let required = world.comment("/promote production", "alice");
    assert_eq!(
        verdict(&world.act(&required)),
        Some(Verdict::Accepted),
        "{:?}",
        world.replies().pop()
    );
    assert!(
        world
            .replies()
            .pop()
            .unwrap()
            .contains("CI is green on 1111111")
    );
    assert_eq!(world.fake.dispatches().len(), 1);
}

#[test]
fn an_edited_issue_body_neither_claims_nor_renames_a_release() {
    let world = World::new();
    let edit_marker = |issue: u64, from: &str, to: &str| {
        world.rt.block_on(async {
            use shipgate::forge::Forge;
            let body = world.forge.issue(issue).await.unwrap().body;
            let edited = body.replace(
                &format!("shipgate:release v{from}"),
                &format!("shipgate:release v{to}"),
            );
            assert_ne!(body, edited);
            world.forge.update_issue_body(issue, &edited).await.unwrap();
        });
    };
    // A writer edits another deployment issue's body to claim v1.2.0 too: shipgate sealed
    // v1.3.0 there, so the edit neither blocks v1.2.0 nor lends that issue its answers.
    let other = world.open_issue("1.3.0", OTHER_SHA);
    edit_marker(other, "1.3.0", "1.2.0");
    let hijack = world.comment_on(other, "/promote production", "alice", "User");
    assert_eq!(verdict(&world.act(&hijack)), Some(Verdict::Refused));
    let reply = world.own_comments(other).pop().unwrap().1;
    assert!(
        reply.contains("the issue body names v1.2.0 but shipgate sealed v1.3.0"),
        "{reply}"
    );
    assert!(world.fake.dispatches().is_empty());
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    assert_eq!(world.fake.dispatches().len(), 1);
    assert!(world.job_allowed(MONDAY, "300"));
}

#[test]
fn without_shipgates_sealed_release_nothing_is_promoted() {
    let world = World::new();
    use shipgate::forge::Forge;
    let (claim, body) = world
        .rt
        .block_on(world.forge.comments(world.issue))
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.body))
        .find(|(_, body)| crate::fixture::is_release_claim(body))
        .expect("the world seals its release");
    // Edited (here: to another version), the sealed comment proves nothing.
    world
        .fake
        .edit_comment(claim, &body.replace("v1.2.0", "v1.1.0"));
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains("sealed comment naming the release is missing or was altered"),
        "{reply}"
    );
    assert!(world.fake.dispatches().is_empty());
    // A hold still works on such an issue.
    let hold = world.comment("/hold DBA busy", "alice");
    assert_eq!(verdict(&world.act(&hold)), Some(Verdict::Accepted));
}

#[test]
fn a_comment_another_run_claimed_is_left_to_it_until_the_claim_expires() {
    let mut world = World::new();
    let event = world.comment("/promote production", "alice");
    // Another run put its 👀 on the comment and has not answered yet.
    world.rt.block_on(async {
        use shipgate::forge::{Forge, Reaction};
        world
            .forge
            .add_reaction(world.issue, event.comment.id, Reaction::Eyes)
            .await
            .unwrap();
    });
    let result = world.act(&event);
    assert!(
        matches!(&result, shipgate::promote::EventResult::Handled(h)
            if matches!(h.outcome, shipgate::promote::Outcome::InHand)),
        "{result:?}"
    );
    assert!(world.replies().is_empty());
    assert!(world.fake.dispatches().is_empty());
    // A claim older than the lock timeout belongs to a run that died: this run answers.
    world.promote.lock_timeout = Minutes(30);
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    assert_eq!(world.fake.dispatches().len(), 1);
}
