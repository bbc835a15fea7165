//! `shipgate-init` in sample repositories: what it detects (forge, manifests, migrations), the
//! files it writes, and that it never overwrites one without `--force`.
use std::path::Path;

use predicates::str::contains;
use serde_json::{Value, json};

use crate::fixture::TestRepo;

const WORKFLOWS: [&str; 4] = ["release", "deploy", "promote", "preview"];
const RAILS: &str = "class AddEmail < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :email, :string\n  end\nend\n";
const DJANGO: &str = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = []\n";
const ALEMBIC: &str =
    "from alembic import op\n\nrevision = 'ab12'\n\ndef upgrade():\n    op.execute('SELECT 1')\n";

/// A committed repository whose `origin` is `remote`, holding `files`.
fn sample(remote: &str, files: &[(&str, &str)]) -> TestRepo {
    let repo = TestRepo::new();
    repo.git(&["remote", "set-url", "origin", remote]);
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.commit("feat: the app");
    repo
}

fn init(repo: &TestRepo) -> assert_cmd::Command {
    repo.binary("shipgate-init")
}

/// `shipgate-init --format json ARGS`: exit code and report, checked against its schema.
fn report(repo: &TestRepo, args: &[&str]) -> (i32, Value) {
    let output = init(repo)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let json: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/init-output.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{json:#}: {errors:#?}");
    (output.status.code().unwrap(), json)
}

/// The files of the report: path → action.
fn actions(json: &Value) -> Vec<(String, String)> {
    (json["files"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The `shipgate.yml` written, as shipgate's own loader reads it.
fn loaded(repo: &TestRepo) -> shipgate::config::Config {
    shipgate::config::load(&repo.path().join("shipgate.yml"), true)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn template(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ci-templates/github")
            .join(name),
    )
    .unwrap()
}

#[test]
fn rails_on_github_gets_the_workflows_and_its_migrations_listed_past_the_schema_dump() {
    let repo = sample(
        "git@github.com:acme/shop.git",
        &[
            ("db/migrate/20260101000000_add_email.rb", RAILS),
            ("db/structure.sql", "CREATE TABLE users (id bigint);\n"),
            (
                "package.json",
                "{\n  \"name\": \"shop\",\n  \"version\": \"1.4.0\"\n}\n",
            ),
        ],
    );
    // Before: the usual layouts take the schema dump for a migration.
    let before = repo.schema().args(["--format", "json"]).output().unwrap();
    assert!(String::from_utf8_lossy(&before.stdout).contains("db/structure.sql"));

    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["forge"], "github");
    assert_eq!(json["remote"], "git@github.com:acme/shop.git");
    assert_eq!(
        json["manifests"],
        json!([{ "path": "package.json", "version": "1.4.0" }])
    );
    assert_eq!(
        json["migrations"],
        json!([{ "path": "db/migrate", "framework": "rails", "files": 1 }])
    );
    let mut expected = vec![("shipgate.yml".to_owned(), "create".to_owned())];
    expected.extend(WORKFLOWS.map(|w| (format!(".github/workflows/{w}.yml"), "create".to_owned())));
    assert_eq!(actions(&json), expected);
    for name in WORKFLOWS.map(|w| format!("{w}.yml")) {
        assert_eq!(
            repo.read(&format!(".github/workflows/{name}")),
            template(&name)
        );
    }
    let config = loaded(&repo);
    assert_eq!(config.promote.dispatch, "deploy.yml");
    assert_eq!(config.schema.paths, ["db/migrate"]);
    assert_eq!(config.version.manifests, None);
    assert_eq!(config.environments, ["stage", "production"]);

    // After: shipgate-schema reads the folder shipgate.yml lists, not the dump.
    let after = repo.schema().args(["--format", "json"]).output().unwrap();
    let after: Value = serde_json::from_slice(&after.stdout).unwrap();
    let read: Vec<&str> = (after["migrations"].as_array().unwrap().iter())
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert_eq!(read, ["db/migrate/20260101000000_add_email.rb"]);
}

#[test]
fn django_on_github_enterprise_names_its_apps_migrations() {
    let repo = sample(
        "https://github.acme.corp/shop/web.git",
        &[
            ("shop/migrations/__init__.py", ""),
            ("shop/migrations/0001_initial.py", DJANGO),
            ("users/migrations/0001_initial.py", DJANGO),
            (
                "pyproject.toml",
                "[project]\nname = \"web\"\nversion = \"0.3.0\"\n",
            ),
        ],
    );
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["forge"], "github");
    assert_eq!(
        json["migrations"],
        json!([
            { "path": "shop/migrations", "framework": "django", "files": 1 },
            { "path": "users/migrations", "framework": "django", "files": 1 },
        ])
    );
    let config = loaded(&repo);
    assert!(
        config.schema.paths.is_empty(),
        "found by the layouts, so not listed"
    );
    assert!(
        repo.read("shipgate.yml")
            .contains("  #   shop/migrations: django, 1 migration\n")
    );
}

#[test]
fn alembic_on_gitlab_gets_the_include_of_the_readme() {
    let repo = sample(
        "https://gitlab.com/acme/api.git",
        &[
            ("alembic/versions/ab12_add.py", ALEMBIC),
            ("alembic/env.py", "import alembic\n"),
        ],
    );
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["forge"], "gitlab");
    assert_eq!(
        json["migrations"],
        json!([{ "path": "alembic/versions", "framework": "alembic", "files": 1 }])
    );
    assert_eq!(json["manifests"], json!([]));
    assert_eq!(
        actions(&json),
        [("shipgate.yml", "create"), (".gitlab-ci.yml", "create")]
            .map(|(p, a)| (p.to_owned(), a.to_owned()))
    );
    let gitlab: serde_yaml::Value = serde_yaml::from_str(&repo.read(".gitlab-ci.yml")).unwrap();
    assert_eq!(gitlab["include"][0]["project"], "shipgate/shipgate");
    assert_eq!(
        gitlab["include"][0]["file"],
        "ci-templates/gitlab/shipgate.yml"
    );
    assert_eq!(gitlab["include"][0]["inputs"]["deploy-job"], ".deploy");
    assert!(!repo.path().join(".github").exists());
    assert_eq!(loaded(&repo).promote.dispatch, "");
}

#[test]
fn plain_sql_on_self_hosted_gitlab_is_appended_to_an_existing_pipeline() {
    let repo = sample(
        "ssh://git@gitlab.acme.dev:2222/ops/billing.git",
        &[
            (
                "migrations/20260101000000_users.up.sql",
                "CREATE TABLE users (id int);\n",
            ),
            (
                "migrations/20260101000000_users.down.sql",
                "DROP TABLE users;\n",
            ),
            ("db/migration/V1__init.sql", "CREATE TABLE t (id int);\n"),
            ("VERSION", "2.1.0\n"),
            (".gitlab-ci.yml", "build:\n  script: make\n"),
        ],
    );
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        json["migrations"],
        json!([
            { "path": "db/migration", "framework": "sql", "files": 1 },
            { "path": "migrations", "framework": "sql", "files": 1 },
        ])
    );
    assert_eq!(
        json["manifests"],
        json!([{ "path": "VERSION", "version": "2.1.0" }])
    );
    assert_eq!(
        actions(&json)[1],
        (".gitlab-ci.yml".to_owned(), "append".to_owned())
    );
    let text = repo.read(".gitlab-ci.yml");
    assert!(
        text.starts_with("build:\n  script: make\n\n# shipgate"),
        "{text}"
    );
    let gitlab: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(gitlab["build"]["script"], "make");
    assert_eq!(gitlab["include"][0]["ref"], "v0.1.0");
    // A second run finds the include and changes nothing.
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert!(
        actions(&json).iter().all(|(_, a)| a == "unchanged"),
        "{json:#}"
    );
    loaded(&repo);
}

#[test]
fn a_repository_without_migrations_says_so_and_writes_a_valid_config() {
    let repo = sample(
        "git@github.com:acme/site.git",
        &[("index.html", "<p>hi</p>\n")],
    );
    init(&repo)
        .assert()
        .success()
        .stdout(contains("manifests: none found\nmigrations: none found\n"))
        .stdout(contains("created .github/workflows/release.yml"));
    let config = loaded(&repo);
    assert_eq!(config.schema, shipgate::config::SchemaConfig::default());
    assert!(repo.read("shipgate.yml").contains("# No migration found."));
}

#[test]
fn a_dry_run_prints_every_file_and_writes_nothing() {
    let repo = sample(
        "git@github.com:acme/shop.git",
        &[("db/migrate/20260101000000_a.rb", RAILS)],
    );
    let output = init(&repo).arg("--dry-run").output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("Dry run: nothing was written.\n"),
        "{stdout}"
    );
    assert!(stdout.contains("would create shipgate.yml\n"));
    assert!(
        stdout.contains("\n==> shipgate.yml <==\n# yaml-language-server"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!(
        "\n==> .github/workflows/deploy.yml <==\n{}",
        template("deploy.yml")
    )));
    assert_eq!(
        repo.git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    let (code, json) = report(&repo, &["--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["files"][1]["written"], false);
    assert_eq!(json["files"][1]["text"], template("release.yml"));
    assert_eq!(
        repo.git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
}

#[test]
fn an_existing_file_is_refused_without_force_and_nothing_is_written() {
    let repo = sample(
        "git@github.com:acme/shop.git",
        &[(".github/workflows/deploy.yml", "name: ours\n")],
    );
    for args in [&[][..], &["--dry-run"][..]] {
        init(&repo)
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(".github/workflows/deploy.yml exists and differs: pass --force to overwrite it; nothing was written"));
    }
    assert_eq!(
        repo.git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    let (code, json) = report(&repo, &["--force"]);
    assert_eq!(code, 0);
    assert_eq!(
        actions(&json)[2],
        (
            ".github/workflows/deploy.yml".to_owned(),
            "overwrite".to_owned()
        )
    );
    assert_eq!(
        repo.read(".github/workflows/deploy.yml"),
        template("deploy.yml")
    );
    loaded(&repo);
}

#[test]
fn a_gitlab_pipeline_with_its_own_stages_is_refused_then_replaced_with_force() {
    let ours = "stages: [build]\nbuild:\n  stage: build\n  script: make\n";
    let repo = sample(
        "https://gitlab.com/acme/api.git",
        &[(".gitlab-ci.yml", ours)],
    );
    init(&repo)
        .assert()
        .code(2)
        .stderr(contains(
            ".gitlab-ci.yml already has stages: add shipgate's include to it by hand",
        ))
        .stderr(contains(
            "or pass --force to replace the file; nothing was written",
        ));
    assert!(!repo.path().join("shipgate.yml").exists());
    init(&repo)
        .arg("--force")
        .assert()
        .success()
        .stdout(contains("overwrote .gitlab-ci.yml"));
    assert!(
        repo.read(".gitlab-ci.yml")
            .contains("file: ci-templates/gitlab/shipgate.yml")
    );
}

#[test]
fn an_unknown_forge_needs_the_flag() {
    // TestRepo's origin is a bare repository on a local path.
    let repo = sample("https://git.acme.example/shop.git", &[]);
    init(&repo)
        .assert()
        .code(2)
        .stderr(contains("cannot tell the forge from remote origin (https://git.acme.example/shop.git): pass --forge github or --forge gitlab"));
    repo.git(&["remote", "remove", "origin"]);
    init(&repo)
        .assert()
        .code(2)
        .stderr(contains("there is no remote origin"));
    let (code, json) = report(&repo, &["--forge", "gitlab"]);
    assert_eq!(code, 0);
    assert_eq!(
        (&json["forge"], &json["forge_from"], &json["remote"]),
        (&json!("gitlab"), &json!("flag"), &Value::Null)
    );
}

#[test]
fn a_broken_shipgate_yml_is_not_read_and_is_replaced_with_force() {
    let repo = sample(
        "git@github.com:acme/shop.git",
        &[("shipgate.yml", "version: [\n")],
    );
    init(&repo)
        .assert()
        .code(2)
        .stderr(contains("shipgate.yml exists and differs"));
    init(&repo).arg("--force").assert().success();
    loaded(&repo);
    let nested = repo.path().join("web");
    std::fs::create_dir_all(&nested).unwrap();
    // --repo: any path inside the repository.
    init(&repo)
        .args(["--repo", "web"])
        .assert()
        .success()
        .stdout(contains("unchanged shipgate.yml"));
}

#[test]
fn help_explains_detection_files_and_exit_codes() {
    let repo = TestRepo::new();
    let output = init(&repo).arg("--help").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}
