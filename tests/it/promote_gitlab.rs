//! `shipgate-promote poll` on GitLab: the real gitlab client against the fake GitLab API. Notes
//! are read by a scheduled job; an accepted command creates a pipeline for the tag.
use jiff::Timestamp;
use secrecy::SecretString;
use shipgate::config::promote::AccessLevel;
use shipgate::config::{Config, PromoteConfig, WindowsConfig};
use shipgate::forge::gitlab::GitlabForge;
use shipgate::forge::{DeploymentState, Forge, NewDeployment, Reaction};
use shipgate::promote::{self, Handled, Outcome, Policy, Verdict};
use shipgate::retry::RetryPolicy;
use shipgate::window::Calendar;

use crate::fake_gitlab::{FakeGitlab, Fault, PROJECT_ID};
use crate::fixture::deploy_issue_body;

const TOKEN: &str = "glpat-promote-token";
pub(crate) const ME: &str = "shipgate-bot";
pub(crate) const SHA: &str = "3333333333333333333333333333333333333333";
pub(crate) const OTHER_SHA: &str = "4444444444444444444444444444444444444444";
pub(crate) const MONDAY: &str = "2026-03-02T10:00:00Z";

pub(crate) struct World {
    pub(crate) rt: tokio::runtime::Runtime,
    pub(crate) fake: FakeGitlab,
    pub(crate) forge: GitlabForge,
    pub(crate) iid: u64,
    pub(crate) promote: PromoteConfig,
    pub(crate) windows: WindowsConfig,
    pub(crate) environments: Vec<String>,
    pub(crate) seal: shipgate::seal::Seal,
    pub(crate) dir: tempfile::TempDir,
}

impl World {
    /// v1.2.0 passed stage at [`SHA`]; maria is a Maintainer (40), dev a Developer (30), olga
    /// an Owner (50).
    pub(crate) fn new() -> Self {
        let fake = FakeGitlab::start(TOKEN, ME);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let forge = rt
            .block_on(async {
                GitlabForge::new(&fake.api_url(), PROJECT_ID, SecretString::from(TOKEN), None)
            })
            .unwrap()
            .with_retry(RetryPolicy::fast());
        fake.add_tag("v1.2.0", SHA);
        fake.add_commit(OTHER_SHA);
        for (user, level) in [("maria", 40), ("dev", 30), ("olga", 50)] {
            fake.set_access(user, level);
        }
        let body = deploy_issue_body("1.2.0", SHA);
        let iid = fake.seed_issue("Deploy v1.2.0", &body, ME);
        crate::fixture::seal_release_on_gitlab(
            &fake,
            iid,
            "1.2.0",
            ME,
            &shipgate::seal::Seal::default(),
        );
        let world = Self {
            rt,
            fake,
            forge,
            iid,
            promote: PromoteConfig::default(),
            windows: Config::default().windows,
            environments: vec!["stage".to_owned(), "production".to_owned()],
            seal: shipgate::seal::Seal::default(),
            dir: tempfile::tempdir().unwrap(),
        };
        world.deploy("stage", SHA, DeploymentState::Success);
        world
    }

    fn deploy(&self, environment: &str, sha: &str, state: DeploymentState) {
        self.deploy_tag(environment, "v1.2.0", sha, state);
    }

    /// A deployment of `tag` at `sha` to `environment` made through the API, now in `state`.
    pub(crate) fn deploy_tag(
        &self,
        environment: &str,
        tag: &str,
        sha: &str,
        state: DeploymentState,
    ) {
        self.rt.block_on(async {
            let d = self
                .forge
                .create_deployment(&NewDeployment {
                    environment: environment.to_owned(),
                    git_ref: tag.to_owned(),
                    sha: sha.to_owned(),
                    ci_run: "500".to_owned(),
                    description: "test".to_owned(),
                })
                .await
                .unwrap();
            self.forge
                .set_deployment_state(&d, state, None)
                .await
                .unwrap();
        });
    }

    pub(crate) fn poll(&self) -> Vec<Handled> {
        self.rt.block_on(async {
            let periods = self.forge.freeze_periods().await.unwrap();
            let calendar = Calendar::load(&self.windows, self.dir.path())
                .unwrap()
                .with_freeze_periods(&periods)
                .unwrap();
            let policy = Policy {
                promote: &self.promote,
                environments: &self.environments,
                tag_prefix: "v",
                calendar: &calendar,
                now: MONDAY.parse::<Timestamp>().unwrap(),
                seal: &self.seal,
            };
            promote::poll(&self.forge, policy)
                .await
                .map_err(|(_, e)| e)
                .unwrap()
        })
    }

    pub(crate) fn reactions(&self, note: u64) -> Vec<Reaction> {
        self.rt
            .block_on(self.forge.reactions_by(self.iid, note, ME))
            .unwrap()
    }

    pub(crate) fn replies(&self) -> Vec<String> {
        self.rt
            .block_on(self.forge.comments(self.iid))
            .unwrap()
            .into_iter()
            .filter(|c| c.author == ME && !crate::fixture::is_release_claim(&c.body))
            .map(|c| c.body)
            .collect()
    }
}

pub(crate) fn answered(handled: &[Handled]) -> Vec<(u64, Verdict)> {
    handled
        .iter()
        .filter_map(|h| match &h.outcome {
            Outcome::Answered { verdict, .. } => Some((h.comment_id, *verdict)),
            _ => None,
        })
        .collect()
}

#[test]
fn an_accepted_note_creates_one_pipeline_for_the_tag() {
    let world = World::new();
    let note = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    assert_eq!(answered(&world.poll()), [(note, Verdict::Accepted)]);
    let pipelines = world.fake.pipelines();
    assert_eq!(pipelines.len(), 1);
    assert_eq!(pipelines[0]["ref"], "v1.2.0");
    let variables = &pipelines[0]["variables"];
    assert_eq!(variables[0]["key"], "SHIPGATE_ENVIRONMENT");
    assert_eq!(variables[0]["value"], "production");
    assert_eq!(variables[1]["key"], "SHIPGATE_ISSUE");
    assert_eq!(variables[1]["value"], world.iid.to_string());
    assert_eq!(world.reactions(note), [Reaction::Eyes, Reaction::Rocket]);
    let reply = world.replies().pop().unwrap();
    assert!(reply.contains("Starting a pipeline for the tag"), "{reply}");

    // The next scheduled run finds nothing to do, and makes no call per answered note.
    world.fake.clear_requests();
    assert!(answered(&world.poll()).is_empty());
    assert_eq!(world.fake.pipelines().len(), 1);
    let reaction_calls = world
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("award_emoji"))
        .count();
    assert_eq!(reaction_calls, 0, "{:?}", world.fake.requests());
}

#[test]
fn access_levels_are_checked_against_the_configured_one() {
    for (user, required, accepted) in [
        ("maria", AccessLevel::Maintainer, true),
        ("olga", AccessLevel::Maintainer, true),
        ("dev", AccessLevel::Maintainer, false),
        ("nobody", AccessLevel::Maintainer, false),
        ("dev", AccessLevel::Developer, true),
        ("maria", AccessLevel::Owner, false),
        ("olga", AccessLevel::Owner, true),
    ] {
        let mut world = World::new();
        world.promote.gitlab.access_level = required;
        let note = world
            .fake
            .seed_note(world.iid, "/promote production", user, false);
        let expected = if accepted {
            Verdict::Accepted
        } else {
            Verdict::Refused
        };
        assert_eq!(
            answered(&world.poll()),
            [(note, expected)],
            "{user} vs {required:?}"
        );
        assert_eq!(
            world.fake.pipelines().len(),
            usize::from(accepted),
            "{user}"
        );
        let last = if accepted {
            Reaction::Rocket
        } else {
            Reaction::ThumbsDown
        };
        let reactions: &[Reaction] = if accepted {
            &[Reaction::Eyes, last]
        } else {
            &[last]
        };
        assert_eq!(world.reactions(note), reactions, "{user}");
    }
}

#[test]
fn system_edited_bot_and_own_notes_are_skipped() {
    let world = World::new();
    let system = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", true);
    let edited = world.fake.seed_note(world.iid, "/status", "maria", false);
    world.fake.edit_note(edited, "/promote production");
    world.fake.add_bot("renovate-bot");
    let bot = world
        .fake
        .seed_note(world.iid, "/promote production", "renovate-bot", false);
    let own = world
        .fake
        .seed_note(world.iid, "/promote production", ME, false);
    let prose = world.fake.seed_note(world.iid, "ship it", "maria", false);
    assert!(answered(&world.poll()).is_empty());
    for note in [system, edited, bot, own, prose] {
        assert!(world.reactions(note).is_empty(), "note {note}");
    }
    assert!(world.fake.pipelines().is_empty());
    assert_eq!(world.replies().len(), 1, "only the seeded note of ours");
}

#[test]
fn a_freeze_period_on_gitlab_refuses_and_says_until_when() {
    let world = World::new();
    // Every Monday 08:00 to 18:00 UTC.
    world.fake.add_freeze("0 8 * * 1", "0 18 * * 1", "UTC");
    let note = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    assert_eq!(answered(&world.poll()), [(note, Verdict::Refused)]);
    let reply = world.replies().pop().unwrap();
    assert!(reply.contains("outside the deployment window"), "{reply}");
    assert!(world.fake.pipelines().is_empty());
}

#[test]
fn two_commands_in_one_poll_deploy_once() {
    let world = World::new();
    let first = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    let second = world
        .fake
        .seed_note(world.iid, "/promote production", "olga", false);
    assert_eq!(
        answered(&world.poll()),
        [(first, Verdict::Accepted), (second, Verdict::Refused)]
    );
    assert_eq!(world.fake.pipelines().len(), 1);
    assert!(
        world
            .replies()
            .pop()
            .unwrap()
            .contains("has not started yet")
    );
}

#[test]
fn a_stage_deployment_of_another_commit_does_not_count() {
    let world = World::new();
    world.deploy("stage", OTHER_SHA, DeploymentState::Success);
    let note = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    assert_eq!(answered(&world.poll()), [(note, Verdict::Refused)]);
    assert!(world.replies().pop().unwrap().contains("the tag moved"));
    assert!(world.fake.pipelines().is_empty());
}

#[test]
fn the_tag_pipeline_must_be_green_before_a_promotion() {
    let world = World::new();
    let tag_pipeline = world.fake.add_pipeline("v1.2.0", SHA, "running");
    let waiting = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    assert_eq!(answered(&world.poll()), [(waiting, Verdict::Refused)]);
    let reply = world.replies().pop().unwrap();
    assert!(
        reply.contains(&format!("waiting for pipeline {tag_pipeline}")),
        "{reply}"
    );
    world.fake.set_pipeline_status(tag_pipeline, "failed");
    let failing = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    assert_eq!(answered(&world.poll()), [(failing, Verdict::Refused)]);
    assert!(world.replies().pop().unwrap().contains("CI failed"));
    world.fake.set_pipeline_status(tag_pipeline, "success");
    let green = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    assert_eq!(answered(&world.poll()), [(green, Verdict::Accepted)]);
    assert_eq!(world.fake.pipelines().len(), 1, "one pipeline started");
}

#[test]
fn a_reply_whose_create_failed_twice_is_written_once() {
    let world = World::new();
    let note = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    world.fake.clear_requests();
    world.fake.fail("POST", "/notes$", Fault::ServerError, 2);
    assert_eq!(answered(&world.poll()), [(note, Verdict::Accepted)]);
    let replies = world.replies();
    assert_eq!(replies.len(), 1, "exactly one reply: {replies:#?}");
    assert!(replies[0].contains(&format!("shipgate:answer {note} accepted")));
    let creates = world
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/notes"))
        .count();
    assert_eq!(creates, 3, "two failed creates, one that worked");
    assert_eq!(world.fake.pipelines().len(), 1, "the command answered once");
    assert_eq!(world.reactions(note), [Reaction::Eyes, Reaction::Rocket]);

    // A lost answer (the note made, the answer dropped) is found, not written again.
    let world = World::new();
    let note = world
        .fake
        .seed_note(world.iid, "/promote production", "maria", false);
    world
        .fake
        .fail("POST", "/notes$", Fault::DropAfterCreate, 1);
    let short = RetryPolicy {
        timeout: std::time::Duration::from_millis(500),
        ..RetryPolicy::fast()
    };
    let world = World {
        forge: world.forge.with_retry(short),
        ..world
    };
    assert_eq!(answered(&world.poll()), [(note, Verdict::Accepted)]);
    assert_eq!(world.replies().len(), 1, "exactly one reply");
    assert_eq!(world.fake.pipelines().len(), 1);
}
