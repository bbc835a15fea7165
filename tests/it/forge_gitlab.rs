//! The GitLab forge, through the real gitlab crate, against the fake GitLab API.
use std::time::{Duration, Instant};

use secrecy::SecretString;
use shipgate::forge::gitlab::GitlabForge;
use shipgate::forge::{
    DeploymentState, Forge, ForgeError, FreezePeriod, IssueState, NewDeployment, NewIssue,
    Permission, Reaction,
};
use shipgate::retry::RetryPolicy;

use crate::fake_gitlab::{FakeGitlab, Fault, PROJECT, PROJECT_ID};

const TOKEN: &str = "glpat-s3cr3t-token-value";
const MARKER: &str = "<!-- shipgate:release v1.2.0 -->";
const BOT: &str = "project_42_bot_shipgate";
/// The project as the client sends it in paths.
const P: &str = "/api/v4/projects/acme%2Fshop";

fn forge_with(fake: &FakeGitlab, project: &str, token: &str, login: Option<&str>) -> GitlabForge {
    GitlabForge::new(
        &fake.api_url(),
        project,
        SecretString::from(token.to_owned()),
        login.map(str::to_owned),
    )
    .unwrap()
    .with_retry(RetryPolicy::fast())
}

fn forge(fake: &FakeGitlab) -> GitlabForge {
    forge_with(fake, PROJECT, TOKEN, None)
}

fn new_issue(body: &str) -> NewIssue {
    NewIssue {
        title: "Deploy v1.2.0".into(),
        body: body.into(),
        labels: vec!["deploy".into(), "release".into()],
        assignees: vec![],
    }
}

/// The requests made since the last call, as `METHOD path?query`, then forgotten.
fn take(fake: &FakeGitlab) -> Vec<String> {
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
async fn issues_notes_and_award_emoji_round_trip() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    let gl = forge(&fake);
    fake.seed_issue("unrelated", "no marker", "ada");
    fake.set_access("ada", 30);

    let created = gl
        .create_issue(&NewIssue {
            assignees: vec!["ada".into(), "ghost".into()],
            ..new_issue(&format!("{MARKER}\nstatus"))
        })
        .await
        .unwrap();
    assert_eq!(
        take(&fake),
        [
            "GET /api/v4/user".to_owned(),
            "GET /api/v4/users?username=ada".to_owned(),
            "GET /api/v4/users?username=ghost".to_owned(),
            format!("POST {P}/issues"),
        ],
        "the crate checks the token once, when the client is built"
    );
    assert_eq!((created.number, created.author.as_str()), (2, BOT));
    assert_eq!(created.labels, ["deploy", "release"]);
    assert_eq!(fake.issues()[1]["assignees"][0]["username"], "ada");

    let found = gl.find_open_issues(MARKER).await.unwrap();
    assert_eq!(found, vec![created]);
    assert_eq!(
        take(&fake),
        [format!(
            "GET {P}/issues?state=opened&order_by=created_at&sort=asc&per_page=100"
        )]
    );

    let updated = gl
        .update_issue_body(2, &format!("{MARKER}\nnew"))
        .await
        .unwrap();
    assert_eq!(updated.body, format!("{MARKER}\nnew"));
    assert_eq!(gl.issue(2).await.unwrap(), updated);
    assert_eq!(
        take(&fake),
        [format!("PUT {P}/issues/2"), format!("GET {P}/issues/2")]
    );

    let system = fake.seed_note(2, "changed the description", "ada", true);
    let first = gl.create_comment(2, "/promote production").await.unwrap();
    fake.seed_note(2, "second", "ada", false);
    let comments = gl.comments(2).await.unwrap();
    let summary: Vec<_> = comments
        .iter()
        .map(|c| (c.id, c.author.as_str(), c.system, c.author_is_bot))
        .collect();
    assert_eq!(
        summary,
        [
            (system, "ada", true, false),
            (first.id, BOT, false, true),
            (comments[2].id, "ada", false, false),
        ],
        "oldest first, system notes kept and marked"
    );
    assert_eq!(comments[1], first);
    assert_eq!(first.created_at, first.updated_at);
    assert_eq!(
        take(&fake),
        [
            format!("POST {P}/issues/2/notes"),
            format!("GET {P}/issues/2/notes?order_by=created_at&sort=asc&per_page=100"),
        ]
    );

    gl.add_reaction(2, first.id, Reaction::Eyes).await.unwrap();
    gl.add_reaction(2, first.id, Reaction::Eyes).await.unwrap();
    gl.add_reaction(2, first.id, Reaction::ThumbsDown)
        .await
        .unwrap();
    let mine = gl.reactions_by(2, first.id, BOT).await.unwrap();
    assert_eq!(mine, [Reaction::Eyes, Reaction::ThumbsDown], "kept once");
    assert!(
        gl.reactions_by(2, first.id, "ada")
            .await
            .unwrap()
            .is_empty()
    );
    let seen = take(&fake);
    assert_eq!(seen.len(), 5, "one request per reaction call: {seen:?}");
    assert_eq!(
        seen[0],
        format!("POST {P}/issues/2/notes/{}/award_emoji", first.id)
    );

    gl.close_issue(2).await.unwrap();
    assert_eq!(take(&fake), [format!("PUT {P}/issues/2")]);
    assert_eq!(gl.issue(2).await.unwrap().state, IssueState::Closed);
    assert!(gl.find_open_issues(MARKER).await.unwrap().is_empty());
}

#[tokio::test]
async fn every_page_is_read_by_next_page_or_link() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    let gl = forge_with(&fake, PROJECT_ID, TOKEN, Some(BOT));
    for n in 0..130 {
        let body = if n % 13 == 0 {
            "other".to_owned()
        } else {
            format!("{MARKER} #{n}")
        };
        fake.seed_issue(&format!("issue {n}"), &body, "ada");
    }
    gl.issue(1).await.unwrap();
    take(&fake);
    let found = gl.find_open_issues(MARKER).await.unwrap();
    assert_eq!(found.len(), 130 - 10, "markerless issues skipped");
    assert_eq!(found.first().map(|i| i.number), Some(2), "oldest first");
    assert_eq!(found.last().map(|i| i.number), Some(130));
    let list =
        "GET /api/v4/projects/42/issues?state=opened&order_by=created_at&sort=asc&per_page=100";
    assert_eq!(take(&fake), [list.to_owned(), format!("{list}&page=2")]);

    fake.link_only(true);
    let again = gl.find_open_issues(MARKER).await.unwrap();
    assert_eq!(
        again, found,
        "the Link header is followed when X-Next-Page is absent"
    );
    assert_eq!(take(&fake), [list.to_owned(), format!("{list}&page=2")]);
    fake.link_only(false);

    for n in 0..205 {
        fake.seed_note(1, &format!("note {n}"), "ada", false);
    }
    let notes = gl.comments(1).await.unwrap();
    assert_eq!(notes.len(), 205);
    assert_eq!(notes[204].body, "note 204");
    assert_eq!(take(&fake).len(), 3);
}

#[tokio::test]
async fn own_login_configured_or_asked() {
    let fake = FakeGitlab::start(TOKEN, "release-bot");
    let gl = forge(&fake);
    assert_eq!(gl.own_login().await.unwrap(), "release-bot");
    assert_eq!(gl.own_login().await.unwrap(), "release-bot");
    assert_eq!(
        take(&fake),
        ["GET /api/v4/user", "GET /api/v4/user"],
        "the crate's check when building the client, then ours; then remembered"
    );

    let configured = forge_with(&fake, PROJECT, TOKEN, Some("shipgate"));
    assert_eq!(configured.own_login().await.unwrap(), "shipgate");
    assert!(
        take(&fake).is_empty(),
        "nothing is sent before the first call"
    );
}

#[tokio::test]
async fn permission_reads_the_access_level() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    let gl = forge(&fake);
    for (login, level) in [
        ("own", 50),
        ("max", 40),
        ("dev", 30),
        ("rep", 20),
        ("gue", 10),
    ] {
        fake.set_access(login, level);
    }
    fake.add_user("outsider");
    let expected = [
        ("own", Permission::Admin),
        ("max", Permission::Maintain),
        ("dev", Permission::Write),
        ("rep", Permission::Read),
        ("gue", Permission::None),
        ("outsider", Permission::None),
        ("nobody", Permission::None),
    ];
    gl.own_login().await.unwrap();
    take(&fake);
    for (login, permission) in expected {
        assert_eq!(gl.permission(login).await.unwrap(), permission, "{login}");
    }
    let seen = take(&fake);
    assert_eq!(
        seen.len(),
        2 * 6 + 1,
        "lookup and member, none for an unknown user"
    );
    assert_eq!(seen[0], "GET /api/v4/users?username=own");
    assert_eq!(seen[1], format!("GET {P}/members/all/101"));

    let elsewhere = forge_with(&fake, "acme/other", TOKEN, None);
    let err = elsewhere.permission("own").await.unwrap_err();
    assert!(matches!(err, ForgeError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("Project Not Found"), "{err}");
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
    let fake = FakeGitlab::start(TOKEN, BOT);
    fake.add_tag("v1.1.0", "v1.1.0-sha");
    let gl = forge_with(&fake, PROJECT, TOKEN, Some(BOT));
    let a = gl
        .create_deployment(&new_deployment("stage", "v1.1.0", "101"))
        .await
        .unwrap();
    fake.seed_job_deployment("stage", "v1.2.0", 555, "running");
    gl.create_deployment(&new_deployment("production", "v1.1.0", "103"))
        .await
        .unwrap();
    let seen = take(&fake);
    assert_eq!(
        seen[1..],
        [
            format!("POST {P}/deployments"),
            format!("POST {P}/deployments")
        ]
    );
    let held = &fake.deployments()[0];
    assert_eq!(
        (held["ref"].as_str(), held["sha"].as_str()),
        (Some("v1.1.0"), Some("v1.1.0-sha"))
    );
    assert_eq!(
        held["status"], "running",
        "created as running: GitLab's POST takes running, success, failed or canceled only"
    );
    assert_eq!(
        (a.state, a.ci_run.as_deref(), a.creator.as_str()),
        (Some(DeploymentState::InProgress), None, BOT),
        "an API-made deployment has no pipeline to read the CI run from"
    );

    gl.set_deployment_state(&a, DeploymentState::Queued, None)
        .await
        .unwrap();
    assert!(take(&fake).is_empty(), "GitLab takes no update to created");
    gl.set_deployment_state(&a, DeploymentState::Success, None)
        .await
        .unwrap();
    assert_eq!(take(&fake), [format!("PUT {P}/deployments/{}", a.id)]);
    assert_eq!(fake.deployments()[0]["status"], "success");

    let stage = gl.deployments("stage").await.unwrap();
    assert_eq!(
        take(&fake),
        [format!(
            "GET {P}/deployments?environment=stage&order_by=id&sort=desc&per_page=100"
        )]
    );
    let summary: Vec<_> = stage
        .iter()
        .map(|d| {
            (
                d.git_ref.as_str(),
                d.environment.as_str(),
                d.state,
                d.ci_run.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "v1.2.0",
                "stage",
                Some(DeploymentState::InProgress),
                Some("555")
            ),
            ("v1.1.0", "stage", Some(DeploymentState::Success), None),
        ],
        "newest first; a job's deployment reads its pipeline as the CI run"
    );
    assert_eq!(stage[1].state_url.as_deref(), Some("https://stage.example"));
    assert!(
        stage[0]
            .state_url
            .as_deref()
            .is_some_and(|u| u.contains("/-/jobs/"))
    );

    let release = gl.release_deployments("v1.1.0").await.unwrap();
    let envs: Vec<_> = release.iter().map(|d| d.environment.as_str()).collect();
    assert_eq!(envs, ["production", "stage"]);
    assert_eq!(
        take(&fake),
        [format!(
            "GET {P}/deployments?order_by=id&sort=desc&per_page=100"
        )]
    );

    for n in 0..120 {
        fake.seed_job_deployment("review", &format!("v0.{n}.0"), n, "success");
    }
    assert_eq!(gl.deployments("review").await.unwrap().len(), 120);
    assert_eq!(take(&fake).len(), 2, "two pages");
}

#[tokio::test]
async fn pipelines_and_freezes() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    let gl = forge_with(&fake, PROJECT, TOKEN, Some(BOT));
    let inputs = [
        ("SHIPGATE_ENVIRONMENT".to_owned(), "production".to_owned()),
        ("SHIPGATE_ISSUE".to_owned(), "7".to_owned()),
    ];
    gl.start_pipeline("deploy.yml", "v1.2.0", &inputs)
        .await
        .unwrap();
    assert_eq!(take(&fake)[1..], [format!("POST {P}/pipeline")]);
    let pipeline = &fake.pipelines()[0];
    assert_eq!(pipeline["ref"], "v1.2.0");
    assert_eq!(pipeline["variables"][0]["key"], "SHIPGATE_ENVIRONMENT");
    assert_eq!(pipeline["variables"][0]["value"], "production");
    assert_eq!(pipeline["variables"][1]["variable_type"], "env_var");

    assert!(gl.freeze_periods().await.unwrap().is_empty());
    fake.add_freeze("0 23 * * 5", "0 7 * * 1", "Europe/Madrid");
    fake.add_freeze("0 0 24 12 *", "0 0 2 1 *", "UTC");
    let freezes = gl.freeze_periods().await.unwrap();
    assert_eq!(
        freezes[0],
        FreezePeriod {
            freeze_start: "0 23 * * 5".into(),
            freeze_end: "0 7 * * 1".into(),
            cron_timezone: "Europe/Madrid".into(),
        }
    );
    assert_eq!(freezes.len(), 2);
    assert_eq!(
        take(&fake).last().map(String::as_str),
        Some(format!("GET {P}/freeze_periods?per_page=100").as_str())
    );
}

#[tokio::test]
async fn transient_failures_are_retried() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    fake.seed_issue("one", MARKER, "ada");

    // The crate's own GET /user, when the client is built, is retried like any read.
    fake.fail("GET", "/api/v4/user", Fault::ServerError, 1);
    let gl = forge(&fake);
    assert_eq!(gl.find_open_issues(MARKER).await.unwrap().len(), 1);
    assert_eq!(
        take(&fake).len(),
        3,
        "a 500 at connecting, then the check and the list"
    );

    fake.fail("GET", "/issues", Fault::ServerError, 2);
    assert_eq!(gl.find_open_issues(MARKER).await.unwrap().len(), 1);
    assert_eq!(take(&fake).len(), 3, "two 500s, then the answer");

    fake.fail("GET", "/issues/1", Fault::TooMany, 1);
    let started = Instant::now();
    gl.issue(1).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 honoured"
    );
    assert_eq!(take(&fake).len(), 2);

    // A 429 rejects the create before doing it: the create is repeated.
    fake.fail("POST", "/issues", Fault::TooMany, 1);
    gl.create_issue(&new_issue(MARKER)).await.unwrap();
    assert_eq!(take(&fake).len(), 2);
    assert_eq!(fake.issues().len(), 2);

    let slow = RetryPolicy {
        timeout: Duration::from_millis(300),
        ..RetryPolicy::fast()
    };
    let gl = forge(&fake).with_retry(slow);
    gl.issue(1).await.unwrap();
    take(&fake);
    fake.fail("GET", "/issues/1", Fault::Slow(Duration::from_secs(2)), 1);
    gl.issue(1).await.unwrap();
    assert_eq!(
        take(&fake).len(),
        2,
        "the slow answer is abandoned and asked again"
    );

    fake.fail("GET", "/issues/1", Fault::ServerError, 10);
    let err = gl.issue(1).await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unavailable { attempts: 4, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("500 Internal Server Error"),
        "{err}"
    );
    assert_eq!(take(&fake).len(), 4);
}

#[tokio::test]
async fn a_lost_create_is_not_repeated_and_can_be_looked_up() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    fake.add_tag("v1", "v1-sha");
    let policy = RetryPolicy {
        timeout: Duration::from_millis(500),
        ..RetryPolicy::fast()
    };
    let gl = forge_with(&fake, PROJECT, TOKEN, Some(BOT)).with_retry(policy);
    gl.issue(1).await.unwrap_err();
    take(&fake);

    fake.fail("POST", "/issues", Fault::DropAfterCreate, 1);
    let err = gl.create_issue(&new_issue(MARKER)).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("look it up before creating it again"),
        "{err}"
    );
    assert_eq!(take(&fake), [format!("POST {P}/issues")]);
    assert_eq!(fake.issues().len(), 1, "created once");
    assert_eq!(gl.find_open_issues(MARKER).await.unwrap().len(), 1);
    take(&fake);

    for (path, fault) in [
        ("/deployments", Fault::ServerError),
        ("/pipeline", Fault::ServerError),
        ("/notes", Fault::DropAfterCreate),
    ] {
        fake.fail("POST", path, fault, 1);
    }
    let err = gl
        .create_deployment(&new_deployment("stage", "v1", "9"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ForgeError::Unexpected { status: 500, .. }),
        "{err}"
    );
    let err = gl.start_pipeline("", "v1", &[]).await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unexpected { status: 500, .. }),
        "{err}"
    );
    assert!(gl.create_comment(1, "hi").await.is_err());
    assert_eq!(take(&fake).len(), 3, "no create is repeated");
    assert!(fake.pipelines().is_empty() && fake.deployments().is_empty());
}

#[tokio::test]
async fn refusals_name_what_the_token_needs_and_never_the_token() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    fake.add_tag("v1", "v1-sha");
    let mut errors = Vec::new();

    let wrong = forge_with(&fake, PROJECT, "glpat-wrong-token-value", None);
    let err = wrong.issue(1).await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unauthorized { status: 401, .. }),
        "{err}"
    );
    let shown = err.to_string();
    assert!(
        shown.contains("`api` scope") && shown.contains("401 Unauthorized"),
        "{shown}"
    );
    assert_eq!(
        take(&fake),
        ["GET /api/v4/user"],
        "refused at connecting, not retried"
    );
    errors.push(err);

    let gl = forge(&fake);
    fake.seed_issue("one", MARKER, "ada");
    fake.fail("POST", "/notes", Fault::Status(403, "403 Forbidden"), 1);
    let err = gl.create_comment(1, "hi").await.unwrap_err();
    assert!(
        matches!(err, ForgeError::Unauthorized { status: 403, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("the Reporter role"), "{err}");
    errors.push(err);

    fake.fail(
        "POST",
        "/deployments",
        Fault::Status(403, "403 Forbidden"),
        1,
    );
    let err = gl
        .create_deployment(&new_deployment("stage", "v1", "1"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("the Developer role"), "{err}");
    errors.push(err);

    fake.fail(
        "GET",
        "/freeze_periods",
        Fault::Status(403, "403 Forbidden"),
        1,
    );
    let err = gl.freeze_periods().await.unwrap_err();
    assert!(err.to_string().contains("the Reporter role"), "{err}");
    errors.push(err);
    // GitLab's `read_freeze_period` is a Reporter's: a Reporter token reads them, a Guest's not.
    fake.set_token_role(20);
    gl.freeze_periods().await.unwrap();
    fake.set_token_role(10);
    let err = gl.freeze_periods().await.unwrap_err();
    assert!(err.to_string().contains("the Reporter role"), "{err}");
    let refused = fake.take_violations();
    assert!(
        refused.len() == 1 && refused[0].contains("read_freeze_period"),
        "{refused:?}"
    );
    fake.set_token_role(50);

    let elsewhere = forge_with(&fake, "acme/other", TOKEN, None);
    let err = elsewhere.start_pipeline("", "v1", &[]).await.unwrap_err();
    assert!(matches!(err, ForgeError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("Developer"), "{err}");
    errors.push(err);

    let d = gl
        .create_deployment(&new_deployment("stage", "v1", "1"))
        .await
        .unwrap();
    fake.fail(
        "PUT",
        "/deployments",
        Fault::Status(400, "400 Bad request - status is invalid"),
        1,
    );
    let err = gl
        .set_deployment_state(&d, DeploymentState::Failure, None)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("\"message\":\"400 Bad request - status is invalid\""),
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
    for shown in [format!("{gl:?}"), format!("{wrong:?}")] {
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("wrong-token"),
            "{shown}"
        );
    }

    for (url, project) in [
        ("https://gitlab.example", PROJECT),
        (&fake.api_url() as &str, " "),
    ] {
        let err = GitlabForge::new(url, project, SecretString::from(TOKEN), None).unwrap_err();
        assert!(
            matches!(err, ForgeError::Setup(_))
                && shipgate::exit::ExitClass::exit_class(&err) == shipgate::exit::Exit::Usage,
            "{err}"
        );
    }
}

#[tokio::test]
async fn tags_name_their_commit() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    let gl = forge_with(&fake, PROJECT, TOKEN, Some(BOT));
    fake.add_tag("v1.2.0", "c0ffee0012");
    fake.add_lightweight_tag("v1.1.0", "be11a00011");
    fake.add_tag("release/1.0", "5e1ea5e010");

    assert_eq!(
        gl.tag_commit("v1.2.0").await.unwrap().as_deref(),
        Some("c0ffee0012"),
        "the commit, not the annotated tag's object"
    );
    assert_eq!(
        take(&fake),
        [
            "GET /api/v4/user".to_owned(),
            format!("GET {P}/repository/tags/v1.2.0")
        ]
    );
    assert_eq!(
        gl.tag_commit("v1.1.0").await.unwrap().as_deref(),
        Some("be11a00011")
    );
    assert_eq!(
        gl.tag_commit("release/1.0").await.unwrap().as_deref(),
        Some("5e1ea5e010")
    );
    assert_eq!(
        gl.tag_commit("v9.9.9").await.unwrap(),
        None,
        "404 Tag Not Found"
    );
    assert_eq!(
        take(&fake),
        [
            format!("GET {P}/repository/tags/v1.1.0"),
            format!("GET {P}/repository/tags/release%2F1.0"),
            format!("GET {P}/repository/tags/v9.9.9"),
        ]
    );

    fake.fail("GET", "/repository/tags/", Fault::ServerError, 1);
    assert_eq!(
        gl.tag_commit("v1.2.0").await.unwrap().as_deref(),
        Some("c0ffee0012")
    );
    assert_eq!(take(&fake).len(), 2, "the 500 is retried");

    let elsewhere = forge_with(&fake, "acme/other", TOKEN, Some(BOT));
    let err = elsewhere.tag_commit("v1.2.0").await.unwrap_err();
    assert!(
        matches!(err, ForgeError::NotFound { .. }) && err.to_string().contains("Project Not Found"),
        "a missing project is not a missing tag: {err}"
    );

    fake.fail(
        "GET",
        "/repository/tags/",
        Fault::Status(403, "403 Forbidden"),
        1,
    );
    let err = gl.tag_commit("v1.2.0").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("the Reporter role (or higher) on the project"),
        "{err}"
    );
}

#[tokio::test]
async fn group_membership_counts_active_members_only() {
    let fake = FakeGitlab::start(TOKEN, BOT);
    let gl = forge_with(&fake, PROJECT, TOKEN, Some(BOT));
    let team = "acme/release-managers";
    fake.add_group_member(team, "ada", 30);
    fake.add_pending_group_member(team, "pat", 30);
    fake.add_group_member("acme", "own", 50);
    fake.add_group_member("acme/release-managers/oncall", "sub", 10);
    fake.add_group_member("acme/ops", "max", 40);
    fake.add_user("outsider");
    fake.add_group("acme/empty");

    assert!(gl.team_member(team, "ada").await.unwrap());
    assert_eq!(
        take(&fake),
        [
            "GET /api/v4/user".to_owned(),
            "GET /api/v4/users?username=ada".to_owned(),
            "GET /api/v4/groups/acme%2Frelease-managers/members/all/101".to_owned(),
        ]
    );
    for (login, member) in [
        ("pat", false),
        ("own", true),
        ("sub", false),
        ("max", false),
        ("outsider", false),
    ] {
        assert_eq!(
            gl.team_member(team, login).await.unwrap(),
            member,
            "{login}"
        );
    }
    assert_eq!(take(&fake).len(), 2 * 5, "a lookup and a membership each");
    assert!(!gl.team_member(team, "nobody").await.unwrap());
    assert_eq!(
        take(&fake),
        ["GET /api/v4/users?username=nobody"],
        "no such user: no membership asked"
    );
    assert!(
        gl.team_member("acme/release-managers/oncall", "sub")
            .await
            .unwrap()
    );
    assert!(!gl.team_member("acme/empty", "ada").await.unwrap());
    assert_eq!(
        take(&fake)[1],
        "GET /api/v4/groups/acme%2Frelease-managers%2Foncall/members/all/104"
    );

    fake.fail("GET", "/members/all/", Fault::ServerError, 1);
    assert!(gl.team_member(team, "ada").await.unwrap());
    assert_eq!(take(&fake).len(), 1 + 2, "the 500 is retried");

    let err = gl.team_member("acme/ghosts", "ada").await.unwrap_err();
    let shown = err.to_string();
    assert!(
        matches!(err, ForgeError::NotFound { .. })
            && shown.contains("404 Group Not Found")
            && shown.contains("Reporter role on the group"),
        "a missing group is not a non-member: {shown}"
    );

    for bad in ["acme", "", "acme/", "/release", "acme//release"] {
        let err = gl.team_member(bad, "ada").await.unwrap_err();
        assert!(
            matches!(err, ForgeError::Invalid { .. })
                && shipgate::exit::ExitClass::exit_class(&err) == shipgate::exit::Exit::Usage,
            "{bad}: {err}"
        );
        assert!(err.to_string().contains("org/team-slug"), "{err}");
    }
    take(&fake);
    fake.fail(
        "GET",
        "/members/all/",
        Fault::Status(403, "403 Forbidden"),
        1,
    );
    let err = gl.team_member(team, "ada").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("the Reporter role (or higher) on the group"),
        "{err}"
    );
}
