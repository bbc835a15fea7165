//! The GitHub forge, through the real octocrab client, against the fake GitHub API.
use std::time::{Duration, Instant};

use secrecy::SecretString;
use shipgate::forge::github::GithubForge;
use shipgate::forge::{
    DeploymentState, Forge, ForgeError, IssueState, NewDeployment, NewIssue, Permission, Reaction,
};
use shipgate::retry::RetryPolicy;

use crate::fake_github::{FakeGithub, Fault, REPO};

const TOKEN: &str = "ghp_s3cr3t-token-value";
const MARKER: &str = "<!-- shipgate:release v1.2.0 -->";

fn forge_with(fake: &FakeGithub, token: &str, login: Option<&str>) -> GithubForge {
    GithubForge::new(
        &fake.url(),
        REPO,
        SecretString::from(token.to_owned()),
        login.map(str::to_owned),
    )
    .unwrap()
    .with_retry(RetryPolicy::fast())
}

fn forge(fake: &FakeGithub) -> GithubForge {
    forge_with(fake, TOKEN, None)
}

fn new_issue(body: &str) -> NewIssue {
    NewIssue {
        title: "Deploy v1.2.0".into(),
        body: body.into(),
        labels: vec!["deploy".into()],
        assignees: vec![],
    }
}

/// The requests made since the last call, as `METHOD path?query`, then forgotten.
fn take(fake: &FakeGithub) -> Vec<String> {
    let seen = fake
        .requests()
        .into_iter()
        .map(|r| {
            let q = if r.query.is_empty() {
                String::new()
            } else {
                format!("?{}", r.query)
            };
            format!("{} {}{q}", r.method, r.path)
        })
        .collect();
    fake.clear_requests();
    seen
}

#[tokio::test]
async fn issues_comments_and_reactions_round_trip() {
    let fake = FakeGithub::start(TOKEN, Some("release-bot"));
    let gh = forge(&fake);
    fake.seed_issue("a pull request", MARKER, true);
    fake.seed_issue("unrelated", "no marker", false);
    take(&fake);

    let created = gh
        .create_issue(&new_issue(&format!("{MARKER}\nstatus")))
        .await
        .unwrap();
    assert_eq!(take(&fake), ["POST /repos/acme/shop/issues"]);
    assert_eq!(
        (created.number, created.author.as_str()),
        (3, "release-bot")
    );
    assert_eq!(created.labels, ["deploy"]);

    let found = gh.find_open_issues(MARKER).await.unwrap();
    assert_eq!(found, vec![created], "the pull request is skipped");
    assert_eq!(
        take(&fake),
        ["GET /repos/acme/shop/issues?state=open&sort=created&direction=asc&per_page=100"]
    );

    let updated = gh
        .update_issue_body(3, &format!("{MARKER}\nnew"))
        .await
        .unwrap();
    assert_eq!(updated.body, format!("{MARKER}\nnew"));
    assert_eq!(gh.issue(3).await.unwrap(), updated);
    assert_eq!(
        take(&fake),
        [
            "PATCH /repos/acme/shop/issues/3",
            "GET /repos/acme/shop/issues/3"
        ]
    );

    let first = gh.create_comment(3, "/promote production").await.unwrap();
    gh.create_comment(3, "second").await.unwrap();
    let comments = gh.comments(3).await.unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0], first);
    assert_eq!(comments[0].author, "release-bot");
    assert!(!comments[0].author_is_bot && comments[0].created_at == comments[0].updated_at);
    assert_eq!(take(&fake).len(), 3, "two creates, one page of comments");

    gh.add_reaction(3, first.id, Reaction::Eyes).await.unwrap();
    gh.add_reaction(3, first.id, Reaction::Eyes).await.unwrap();
    gh.add_reaction(3, first.id, Reaction::ThumbsDown)
        .await
        .unwrap();
    let mine = gh.reactions_by(3, first.id, "release-bot").await.unwrap();
    assert_eq!(
        mine,
        [Reaction::Eyes, Reaction::ThumbsDown],
        "the duplicate is kept once"
    );
    assert!(
        gh.reactions_by(3, first.id, "someone")
            .await
            .unwrap()
            .is_empty()
    );
    let seen = take(&fake);
    assert_eq!(seen.len(), 5, "one request per reaction call: {seen:?}");

    gh.close_issue(3).await.unwrap();
    assert_eq!(take(&fake), ["PATCH /repos/acme/shop/issues/3"]);
    assert_eq!(gh.issue(3).await.unwrap().state, IssueState::Closed);
    assert!(gh.find_open_issues(MARKER).await.unwrap().is_empty());
}

#[tokio::test]
async fn every_page_is_read() {
    let fake = FakeGithub::start(TOKEN, None);
    let gh = forge(&fake);
    for n in 0..130 {
        let body = if n % 13 == 0 {
            "other".to_owned()
        } else {
            format!("{MARKER} #{n}")
        };
        fake.seed_issue(&format!("issue {n}"), &body, n == 7);
    }
    take(&fake);
    let found = gh.find_open_issues(MARKER).await.unwrap();
    assert_eq!(
        found.len(),
        130 - 10 - 1,
        "markerless issues and the pull request skipped"
    );
    assert_eq!(found.first().map(|i| i.number), Some(2), "oldest first");
    assert_eq!(found.last().map(|i| i.number), Some(130));
    let seen = take(&fake);
    assert_eq!(
        seen,
        [
            "GET /repos/acme/shop/issues?state=open&sort=created&direction=asc&per_page=100",
            "GET /repos/acme/shop/issues?state=open&sort=created&direction=asc&per_page=100&page=2",
        ]
    );

    for n in 0..205 {
        gh.create_comment(1, &format!("comment {n}")).await.unwrap();
    }
    take(&fake);
    let comments = gh.comments(1).await.unwrap();
    assert_eq!(comments.len(), 205);
    assert_eq!(comments[204].body, "comment 204");
    assert_eq!(take(&fake).len(), 3);
}

#[tokio::test]
async fn own_login_for_both_token_kinds() {
    let user = FakeGithub::start(TOKEN, Some("release-bot"));
    let gh = forge(&user);
    assert_eq!(gh.own_login().await.unwrap(), "release-bot");
    assert_eq!(gh.own_login().await.unwrap(), "release-bot");
    assert_eq!(take(&user), ["GET /user"], "asked once, then remembered");

    let actions = FakeGithub::start(TOKEN, None);
    let gh = forge(&actions);
    assert_eq!(gh.own_login().await.unwrap(), "github-actions[bot]");
    assert_eq!(take(&actions), ["GET /user"]);
    gh.create_issue(&new_issue(MARKER)).await.unwrap();
    let comment = gh.create_comment(1, "hi").await.unwrap();
    assert!(comment.author_is_bot && comment.author == "github-actions[bot]");

    let configured = forge_with(&actions, TOKEN, Some("shipgate-app[bot]"));
    take(&actions);
    assert_eq!(configured.own_login().await.unwrap(), "shipgate-app[bot]");
    assert!(take(&actions).is_empty());
}

#[tokio::test]
async fn permission_reads_role_name() {
    let fake = FakeGithub::start(TOKEN, None);
    let gh = forge(&fake);
    for (login, role) in [
        ("ada", "admin"),
        ("max", "maintain"),
        ("wes", "write"),
        ("tri", "triage"),
        ("rea", "read"),
        ("cus", "deployer"),
    ] {
        fake.set_role(login, role);
    }
    let expected = [
        ("ada", Permission::Admin),
        ("max", Permission::Maintain),
        ("wes", Permission::Write),
        ("tri", Permission::Triage),
        ("rea", Permission::Read),
        ("cus", Permission::Write),
        ("nobody", Permission::None),
    ];
    take(&fake);
    for (login, permission) in expected {
        assert_eq!(gh.permission(login).await.unwrap(), permission, "{login}");
    }
    let seen = take(&fake);
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[0], "GET /repos/acme/shop/collaborators/ada/permission");
}

fn new_deployment(environment: &str, tag: &str, run: &str) -> NewDeployment {
    NewDeployment {
        environment: environment.into(),
        git_ref: tag.into(),
        sha: format!("{tag}-sha"),
        ci_run: run.into(),
        description: format!("{tag} to {environment}"),
    }
}

#[tokio::test]
async fn deployments_and_their_states() {
    let fake = FakeGithub::start(TOKEN, None);
    let gh = forge(&fake);
    let a = gh
        .create_deployment(&new_deployment("stage", "v1.1.0", "101"))
        .await
        .unwrap();
    let b = gh
        .create_deployment(&new_deployment("stage", "v1.2.0", "102"))
        .await
        .unwrap();
    gh.create_deployment(&new_deployment("production", "v1.1.0", "103"))
        .await
        .unwrap();
    assert_eq!(
        (a.ci_run.as_deref(), a.sha.as_str()),
        (Some("101"), "v1.1.0-sha")
    );
    assert_eq!(a.creator, "github-actions[bot]");
    assert_eq!(take(&fake).len(), 3);
    assert_eq!(fake.deployments()[0]["payload"]["ci_run"], "101");

    gh.set_deployment_state(&a, DeploymentState::InProgress, Some("https://ci/run/101"))
        .await
        .unwrap();
    gh.set_deployment_state(&a, DeploymentState::Success, Some("https://stage.example"))
        .await
        .unwrap();
    gh.set_deployment_state(&b, DeploymentState::Failure, Some("https://ci/run/102"))
        .await
        .unwrap();
    assert_eq!(take(&fake).len(), 3);
    let statuses = fake.statuses(a.id);
    assert_eq!(statuses[0]["log_url"], "https://ci/run/101");
    assert_eq!(statuses[1]["environment_url"], "https://stage.example");
    assert_eq!(statuses[1]["log_url"], "", "none sent: GitHub's default");

    let stage = gh.deployments("stage").await.unwrap();
    let seen = take(&fake);
    assert_eq!(
        seen.len(),
        1 + 2,
        "the list, then each deployment's statuses: {seen:?}"
    );
    let summary: Vec<_> = stage
        .iter()
        .map(|d| (d.git_ref.as_str(), d.state, d.ci_run.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("v1.2.0", Some(DeploymentState::Failure), Some("102")),
            ("v1.1.0", Some(DeploymentState::Success), Some("101")),
        ],
        "newest first"
    );
    let production = gh.deployments("production").await.unwrap();
    assert_eq!(production.len(), 1);
    assert_eq!(production[0].state, None);
}

#[tokio::test]
async fn pipelines_and_freezes() {
    let fake = FakeGithub::start(TOKEN, None);
    let gh = forge(&fake);
    let inputs = [("environment".to_owned(), "production".to_owned())];
    gh.start_pipeline("deploy.yml", "v1.2.0", &inputs)
        .await
        .unwrap();
    assert_eq!(
        take(&fake),
        ["POST /repos/acme/shop/actions/workflows/deploy.yml/dispatches"]
    );
    let (workflow, body) = &fake.dispatches()[0];
    assert_eq!(workflow, "deploy.yml");
    assert_eq!(body["ref"], "v1.2.0");
    assert_eq!(body["inputs"]["environment"], "production");

    assert!(gh.freeze_periods().await.unwrap().is_empty());
    assert!(take(&fake).is_empty());
}

#[tokio::test]
async fn transient_failures_are_retried() {
    let fake = FakeGithub::start(TOKEN, None);
    let gh = forge(&fake);
    fake.seed_issue("one", MARKER, false);
    take(&fake);

    fake.fail("GET", "/issues", Fault::ServerError, 2);
    assert_eq!(gh.find_open_issues(MARKER).await.unwrap().len(), 1);
    assert_eq!(take(&fake).len(), 3, "two 500s, then the answer");

    fake.fail("GET", "/issues/1", Fault::TooMany, 1);
    let started = Instant::now();
    gh.issue(1).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(take(&fake).len(), 2);

    // A secondary rate limit rejects the create before doing it: the create is repeated.
    fake.fail("POST", "/issues", Fault::SecondaryLimit, 1);
    let started = Instant::now();
    gh.create_issue(&new_issue(MARKER)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(take(&fake).len(), 2);
    assert_eq!(fake.issues().len(), 2);

    let slow = RetryPolicy {
        timeout: Duration::from_millis(300),
        ..RetryPolicy::fast()
    };
    let gh = forge(&fake).with_retry(slow);
    fake.fail("GET", "/issues/1", Fault::Slow(Duration::from_secs(2)), 1);
    gh.issue(1).await.unwrap();
    assert_eq!(
        take(&fake).len(),
        2,
        "the slow answer is abandoned and asked again"
    );

    fake.fail("GET", "/issues/1", Fault::ServerError, 10);
    let err = gh.issue(1).await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unavailable { attempts: 4, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("Server Error"), "{err}");
    assert_eq!(take(&fake).len(), 4);
}

#[tokio::test]
async fn a_lost_create_is_not_repeated_and_can_be_looked_up() {
    let fake = FakeGithub::start(TOKEN, None);
    let policy = RetryPolicy {
        timeout: Duration::from_millis(500),
        ..RetryPolicy::fast()
    };
    let gh = forge(&fake).with_retry(policy);

    fake.fail("POST", "/issues", Fault::DropAfterCreate, 1);
    let err = gh.create_issue(&new_issue(MARKER)).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("look it up before creating it again"),
        "{err}"
    );
    assert_eq!(take(&fake), ["POST /repos/acme/shop/issues"]);
    assert_eq!(fake.issues().len(), 1, "created once");
    let found = gh.find_open_issues(MARKER).await.unwrap();
    assert_eq!(found.len(), 1, "the caller finds it by its marker");

    fake.fail("POST", "/issues", Fault::ServerError, 1);
    assert!(gh.create_issue(&new_issue(MARKER)).await.is_err());
    take(&fake);
    fake.fail("POST", "/deployments", Fault::ServerError, 1);
    let err = gh
        .create_deployment(&new_deployment("stage", "v1", "9"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ForgeError::Unexpected { status: 500, .. }),
        "{err}"
    );
    assert_eq!(take(&fake).len(), 1, "a 500 on a create is not repeated");
}

#[tokio::test]
async fn refusals_name_what_the_token_needs_and_never_the_token() {
    let fake = FakeGithub::start(TOKEN, Some("release-bot"));
    let mut errors = Vec::new();

    let wrong = forge_with(&fake, "ghp_wrong-token-value", None);
    let err = wrong.issue(1).await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unauthorized { status: 401, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("issues: read") && err.to_string().contains("Bad credentials")
    );
    errors.push(err);

    let gh = forge(&fake);
    fake.fail(
        "POST",
        "/issues",
        Fault::Status(403, "Resource not accessible by integration"),
        1,
    );
    let err = gh.create_issue(&new_issue(MARKER)).await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unauthorized { status: 403, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("`issues: write`"), "{err}");
    errors.push(err);

    fake.fail(
        "POST",
        "/statuses",
        Fault::Status(403, "Resource not accessible by integration"),
        1,
    );
    let d = gh
        .create_deployment(&new_deployment("stage", "v1", "1"))
        .await
        .unwrap();
    let err = gh
        .set_deployment_state(&d, DeploymentState::Success, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`deployments: write`"), "{err}");
    errors.push(err);

    fake.fail("POST", "/dispatches", Fault::Status(404, "Not Found"), 1);
    let err = gh
        .start_pipeline("deploy.yml", "v1", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, ForgeError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("`actions: write`"), "{err}");
    errors.push(err);

    let elsewhere = GithubForge::new(&fake.url(), "acme/other", SecretString::from(TOKEN), None)
        .unwrap()
        .with_retry(RetryPolicy::fast());
    let err = elsewhere.permission("ada").await.unwrap_err();
    assert!(err.to_string().contains("`metadata: read`"), "{err}");
    errors.push(err);

    fake.fail(
        "GET",
        "/issues/1",
        Fault::Status(422, "Validation Failed"),
        1,
    );
    gh.create_issue(&new_issue(MARKER)).await.unwrap();
    let err = gh.issue(1).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("\"message\":\"Validation Failed\""),
        "body included: {err}"
    );
    errors.push(err);

    for err in &errors {
        for shown in [err.to_string(), format!("{err:?}"), format!("{err:#}")] {
            assert!(
                !shown.contains("s3cr3t") && !shown.contains("wrong-token"),
                "{shown}"
            );
        }
    }
    for shown in [format!("{gh:?}"), format!("{wrong:?}")] {
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("wrong-token"),
            "{shown}"
        );
    }

    let err =
        GithubForge::new(&fake.url(), "no-slash", SecretString::from(TOKEN), None).unwrap_err();
    assert!(
        matches!(err, ForgeError::Setup(_))
            && shipgate::exit::ExitClass::exit_class(&err) == shipgate::exit::Exit::Usage
    );
}

#[tokio::test]
async fn tags_are_peeled_to_their_commit() {
    let fake = FakeGithub::start(TOKEN, None);
    let gh = forge(&fake);
    let annotated = fake.add_tag("v1.2.0", "c0ffee0012");
    fake.add_lightweight_tag("v1.1.0", "be11a00011be11a00011be11a00011be11a00011");
    fake.add_lightweight_tag("release/1.0", "5e1ea5e0105e1ea5e0105e1ea5e0105e1ea5e010");
    let nested = fake.add_nested_tag("v1.0.0", "0a0b0c0d10", 3);
    take(&fake);

    let refs = "GET /repos/acme/shop/git/ref/tags";
    assert_eq!(
        gh.tag_commit("v1.2.0").await.unwrap().as_deref(),
        Some("c0ffee0012")
    );
    assert_eq!(
        take(&fake),
        [
            format!("{refs}/v1.2.0"),
            format!("GET /repos/acme/shop/git/tags/{annotated}"),
        ],
        "the ref, then the annotated tag object"
    );
    assert_eq!(
        gh.tag_commit("v1.1.0").await.unwrap().as_deref(),
        Some("be11a00011be11a00011be11a00011be11a00011")
    );
    assert_eq!(
        take(&fake),
        [format!("{refs}/v1.1.0")],
        "lightweight: one read"
    );
    assert_eq!(
        gh.tag_commit("release/1.0").await.unwrap().as_deref(),
        Some("5e1ea5e0105e1ea5e0105e1ea5e0105e1ea5e010")
    );
    assert_eq!(take(&fake), [format!("{refs}/release/1.0")]);
    assert_eq!(
        gh.tag_commit("v1.0.0").await.unwrap().as_deref(),
        Some("0a0b0c0d10")
    );
    let seen = take(&fake);
    assert_eq!(seen.len(), 1 + 3, "a tag of a tag of a tag: {seen:?}");
    assert_eq!(
        seen[3],
        format!("GET /repos/acme/shop/git/tags/{}", nested[2])
    );

    assert_eq!(gh.tag_commit("v9.9.9").await.unwrap(), None);
    assert_eq!(take(&fake), [format!("{refs}/v9.9.9")]);

    fake.fail("GET", "/git/ref/tags/v1.2.0", Fault::ServerError, 1);
    fake.fail("GET", "/git/tags/", Fault::ServerError, 1);
    assert_eq!(
        gh.tag_commit("v1.2.0").await.unwrap().as_deref(),
        Some("c0ffee0012")
    );
    assert_eq!(take(&fake).len(), 4, "each 500 retried once");

    fake.fail(
        "GET",
        "/git/ref/",
        Fault::Status(409, "Git Repository is empty."),
        1,
    );
    assert_eq!(
        gh.tag_commit("v1.2.0").await.unwrap(),
        None,
        "an empty repository"
    );
    fake.fail(
        "GET",
        "/git/ref/",
        Fault::Status(403, "Resource not accessible by integration"),
        1,
    );
    let err = gh.tag_commit("v1.2.0").await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unauthorized { status: 403, .. })
            && err.to_string().contains("`contents: read`"),
        "{err}"
    );

    // Peeling is bounded: 8 tag objects at most.
    fake.add_nested_tag("v0.1.0", "0000000001", 9);
    take(&fake);
    let err = gh.tag_commit("v0.1.0").await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unexpected { .. }) && err.to_string().contains("8 levels"),
        "{err}"
    );
    assert_eq!(take(&fake).len(), 1 + 8);
}

#[tokio::test]
async fn team_membership_counts_active_members_only() {
    let fake = FakeGithub::start(TOKEN, Some("release-bot"));
    let gh = forge(&fake);
    fake.add_team_member("acme", "release-managers", "ada", "active");
    fake.add_team_member("acme", "release-managers", "pat", "pending");
    fake.add_team_member("acme", "ops", "max", "active");
    take(&fake);

    let team = "acme/release-managers";
    assert!(gh.team_member(team, "ada").await.unwrap());
    assert!(!gh.team_member(team, "pat").await.unwrap(), "pending");
    assert!(
        !gh.team_member(team, "max").await.unwrap(),
        "another team's"
    );
    assert!(
        !gh.team_member("acme/ghosts", "ada").await.unwrap(),
        "no such team"
    );
    assert_eq!(
        take(&fake),
        [
            "GET /orgs/acme/teams/release-managers/memberships/ada",
            "GET /orgs/acme/teams/release-managers/memberships/pat",
            "GET /orgs/acme/teams/release-managers/memberships/max",
            "GET /orgs/acme/teams/ghosts/memberships/ada",
        ]
    );

    fake.fail("GET", "/memberships/ada", Fault::ServerError, 1);
    assert!(gh.team_member(team, "ada").await.unwrap());
    assert_eq!(take(&fake).len(), 2, "the 500 is retried");

    for bad in ["acme", "acme/ops/release", "/release", "acme/", ""] {
        let err = gh.team_member(bad, "ada").await.unwrap_err();
        assert!(
            matches!(err, ForgeError::Invalid { .. })
                && shipgate::exit::ExitClass::exit_class(&err) == shipgate::exit::Exit::Usage,
            "{bad}: {err}"
        );
        assert!(err.to_string().contains("org/team-slug"), "{err}");
    }
    assert!(
        take(&fake).is_empty(),
        "nothing is sent for a malformed team"
    );

    fake.fail(
        "GET",
        "/memberships/",
        Fault::Status(403, "Resource not accessible by integration"),
        1,
    );
    let err = gh.team_member(team, "ada").await.unwrap_err();
    let shown = err.to_string();
    assert!(
        matches!(err, ForgeError::Unauthorized { status: 403, .. })
            && shown.contains("`members: read`")
            && shown.contains("read:org")
            && shown.contains("GITHUB_TOKEN")
            && !shown.contains("on the repository"),
        "{shown}"
    );

    // A workflow's GITHUB_TOKEN cannot see teams: GitHub answers 404, read as not a member.
    let actions = FakeGithub::start(TOKEN, None);
    actions.add_team_member("acme", "release-managers", "ada", "active");
    assert!(!forge(&actions).team_member(team, "ada").await.unwrap());
}
