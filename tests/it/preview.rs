//! `shipgate-version preview` on a pull request (fake GitHub) and a merge request (fake GitLab):
//! one comment, kept up to date, never a second one.
use predicates::str::contains;
use secrecy::SecretString;
use serde_json::Value;
use shipgate::forge::github::GithubForge;
use shipgate::preview::{Action, IGNORED_FIX, MARKER};
use shipgate::retry::RetryPolicy;

use crate::fake_github::{FakeGithub, Fault, REPO};
use crate::fake_gitlab::{FakeGitlab, PROJECT_ID};
use crate::fixture::TestRepo;

const TOKEN: &str = "preview-token";
const MR_PAGE: &str = "https://gitlab.example/acme/shop";

/// `main` released as v1.0.0 with a users table, and a branch `feature` off it holding a
/// feature, a commit that is not conventional, and a migration dropping a column.
fn pull_request() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "db/migrate/001_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, legacy text);\n",
    );
    repo.commit("feat: users");
    repo.git(&["tag", "-a", "v1.0.0", "-m", "v1.0.0"]);
    repo.git(&["push", "-q", "origin", "main", "v1.0.0"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit("feat(api): paginate the user list");
    repo.write("README.md", "shop\n");
    repo.commit("Update readme");
    repo.write(
        "db/migrate/002_drop_legacy.sql",
        "ALTER TABLE users DROP COLUMN legacy;\n",
    );
    repo.commit("refactor: drop the legacy column");
    repo
}

fn json_stdout(output: &std::process::Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn on_github(repo: &TestRepo, fake: &FakeGithub, number: u64) -> assert_cmd::Command {
    let mut command = repo.version();
    command
        .args(["preview", "--format", "json"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_API_URL", fake.url())
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_BASE_REF", "main")
        .env("GITHUB_REF", format!("refs/pull/{number}/merge"));
    command
}

fn on_gitlab(repo: &TestRepo, fake: &FakeGitlab, iid: u64) -> assert_cmd::Command {
    let mut command = repo.version();
    command
        .args(["preview", "--format", "json"])
        .env("GITLAB_CI", "true")
        .env("CI_API_V4_URL", fake.api_url())
        .env("CI_PROJECT_ID", PROJECT_ID)
        .env("GITLAB_TOKEN", TOKEN)
        .env("CI_MERGE_REQUEST_IID", iid.to_string())
        .env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
        .env("CI_MERGE_REQUEST_PROJECT_URL", MR_PAGE);
    command
}

/// Requests with `method` whose path contains `path`.
fn sent(requests: &[crate::fake_server::Recorded], method: &str, path: &str) -> usize {
    requests
        .iter()
        .filter(|r| r.method == method && r.path.contains(path))
        .count()
}

fn assert_first_preview(body: &str) {
    for expected in [
        MARKER,
        "releases **v1.1.0** (minor bump from v1.0.0)",
        "paginate the user list",
        "Update readme",
        IGNORED_FIX,
        "Database migrations: `code-first`",
        "| `db/migrate/002_drop_legacy.sql` | destructive |",
    ] {
        assert!(body.contains(expected), "{expected:?} in\n{body}");
    }
}

#[test]
fn github_keeps_one_comment_up_to_date() {
    let fake = FakeGithub::start(TOKEN, None);
    let number = fake.seed_issue("Paginate users", "", true);
    let marked = format!("{MARKER}\nmerging releases v9.9.9");
    let (outsider, _) = fake.seed_comment(number, &marked, "mallory", "User");
    let repo = pull_request();

    let first = json_stdout(&on_github(&repo, &fake, number).output().unwrap());
    assert_eq!(first["version"], "1.1.0");
    assert_eq!(first["bump"], "minor");
    assert_eq!(first["released"], "true");
    assert_eq!(first["order"], "code-first");
    let comments = fake.comments_on(number);
    assert_eq!(comments.len(), 2, "the outsider's and ours");
    let ours = &comments[1];
    assert_eq!(ours["user"]["login"], "github-actions[bot]");
    assert_eq!(first["comment_url"], ours["html_url"]);
    assert_first_preview(ours["body"].as_str().unwrap());
    assert_eq!(fake.comment(outsider).unwrap()["body"], marked.as_str());

    fake.clear_requests();
    on_github(&repo, &fake, number)
        .assert()
        .success()
        .stdout(contains(r#""comment_url""#));
    let requests = fake.requests();
    assert_eq!(sent(&requests, "PATCH", "/issues/comments/"), 0);
    assert_eq!(sent(&requests, "POST", "/comments"), 0);

    repo.commit("fix: count from one");
    fake.clear_requests();
    json_stdout(&on_github(&repo, &fake, number).output().unwrap());
    let requests = fake.requests();
    assert_eq!(sent(&requests, "PATCH", "/issues/comments/"), 1);
    assert_eq!(sent(&requests, "POST", "/comments"), 0);
    let comments = fake.comments_on(number);
    assert_eq!(comments.len(), 2, "edited in place");
    assert_eq!(comments[1]["id"], ours["id"]);
    let body = comments[1]["body"].as_str().unwrap();
    assert!(body.contains("count from one"), "{body}");
    assert_eq!(fake.comment(outsider).unwrap()["body"], marked.as_str());
}

#[test]
fn github_finds_the_pull_request_in_the_event() {
    let fake = FakeGithub::start(TOKEN, None);
    fake.seed_issue("An issue", "", false);
    let number = fake.seed_issue("Paginate users", "", true);
    let repo = pull_request();
    let event = repo.root().join("event.json");
    std::fs::write(
        &event,
        format!(r#"{{"action":"opened","pull_request":{{"number":{number}}}}}"#),
    )
    .unwrap();
    on_github(&repo, &fake, 99)
        .env("GITHUB_EVENT_PATH", &event)
        .assert()
        .success();
    assert_eq!(fake.comments_on(number).len(), 1);
    assert!(fake.comments_on(1).is_empty());
}

#[tokio::test]
async fn a_lost_create_is_found_instead_of_written_twice() {
    let fake = FakeGithub::start(TOKEN, None);
    let number = fake.seed_issue("Paginate users", "", true);
    fake.fail("POST", "/comments", Fault::DropAfterCreate, 1);
    let forge = GithubForge::new(&fake.url(), REPO, SecretString::from(TOKEN), None)
        .unwrap()
        .with_retry(RetryPolicy::fast());
    let body = format!("{MARKER}\npreview");
    let synced = shipgate::preview::sync(&forge, number, &body)
        .await
        .unwrap();
    assert_eq!(synced.action, Action::Created);
    assert_eq!(fake.comments_on(number).len(), 1);
    assert_eq!(
        synced.comment.id,
        fake.comments_on(number)[0]["id"].as_u64().unwrap()
    );
}

#[test]
fn gitlab_keeps_one_note_up_to_date() {
    let fake = FakeGitlab::start(TOKEN, "project_42_bot_shipgate");
    let iid = fake.seed_merge_request();
    let marked = format!("{MARKER}\nmerging releases v9.9.9");
    fake.seed_mr_note(iid, &marked, "mallory");
    let repo = pull_request();

    let first = json_stdout(&on_gitlab(&repo, &fake, iid).output().unwrap());
    assert_eq!(first["version"], "1.1.0");
    assert_eq!(first["order"], "code-first");
    let notes = fake.mr_notes(iid);
    assert_eq!(notes.len(), 2);
    let ours = &notes[1];
    assert_eq!(ours["author"]["username"], "project_42_bot_shipgate");
    assert_eq!(
        first["comment_url"],
        format!("{MR_PAGE}/-/merge_requests/{iid}#note_{}", ours["id"])
    );
    assert_first_preview(ours["body"].as_str().unwrap());

    fake.clear_requests();
    on_gitlab(&repo, &fake, iid).assert().success();
    let requests = fake.requests();
    assert_eq!(sent(&requests, "PUT", "/notes/"), 0);
    assert_eq!(sent(&requests, "POST", "/notes"), 0);

    repo.commit("fix: count from one");
    fake.clear_requests();
    json_stdout(&on_gitlab(&repo, &fake, iid).output().unwrap());
    assert_eq!(sent(&fake.requests(), "PUT", "/notes/"), 1);
    let notes = fake.mr_notes(iid);
    assert_eq!(notes.len(), 2, "edited in place");
    assert_eq!(notes[1]["id"], ours["id"]);
    assert!(
        notes[1]["body"]
            .as_str()
            .unwrap()
            .contains("count from one")
    );
    assert_eq!(notes[0]["body"], marked.as_str());
}

#[test]
fn chores_and_other_subjects_release_nothing_and_say_so() {
    let repo = TestRepo::new();
    repo.git(&["tag", "-a", "v1.0.0", "-m", "v1.0.0"]);
    repo.git(&["checkout", "-q", "-b", "tidy"]);
    repo.commit("chore: tidy the build");
    repo.commit("Tweak the build");
    let output = repo
        .version()
        .args(["preview", "--base", "main", "--dry-run", "--format", "json"])
        .output()
        .unwrap();
    let outputs = json_stdout(&output);
    assert_eq!(outputs["released"], "false");
    assert_eq!(outputs["bump"], "none");
    assert_eq!(outputs["version"], "");
    assert_eq!(outputs["order"], "none");

    let output = repo
        .version()
        .args(["preview", "--base", "main", "--dry-run"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let ids = regex::Regex::new(r"\b[0-9a-f]{7}\b").unwrap();
    insta::assert_snapshot!(ids.replace_all(&text, "[id]"));
}

#[test]
fn the_rendered_comment() {
    let repo = pull_request();
    repo.git(&["checkout", "-q", "main"]);
    repo.commit("fix: already on main");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["checkout", "-q", "feature"]);
    let output = repo
        .version()
        .args(["preview", "--base", "origin/main", "--dry-run"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let ids = regex::Regex::new(r"\b[0-9a-f]{7}\b").unwrap();
    insta::assert_snapshot!(ids.replace_all(&text, "[id]"));
}

#[test]
fn outside_a_pull_request_it_asks_for_the_base_and_the_number() {
    let repo = pull_request();
    repo.version()
        .arg("preview")
        .assert()
        .code(2)
        .stderr(contains("pass --base REF"));
    repo.version()
        .args(["preview", "--base", "main", "--forge", "local"])
        .assert()
        .code(2)
        .stderr(contains("pass --pr N"));
}

#[test]
fn the_local_forge_keeps_one_comment_too() {
    let repo = pull_request();
    for _ in 0..2 {
        repo.version()
            .args(["preview", "--base", "main", "--pr", "4", "--forge", "local"])
            .assert()
            .success();
    }
    let dir = repo.path().join(".shipgate/forge/changes/4/comments");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["1.json", "1.md"]);
    assert_first_preview(&std::fs::read_to_string(dir.join("1.md")).unwrap());
}

#[test]
fn help_explains_the_preview() {
    let repo = TestRepo::new();
    let output = repo.version().args(["preview", "--help"]).output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}
