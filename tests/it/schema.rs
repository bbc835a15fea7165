//! `shipgate-schema` against real repositories: the release's migrations, the order, the outputs.
use predicates::str::contains;
use serde_json::Value;

use crate::fixture::TestRepo;

#[path = "schema_corpus.rs"]
mod corpus;

const ADD_EMAIL: &str = "class AddEmail < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :email, :string\n    add_index :users, :email, algorithm: :concurrently\n  end\nend\n";
const DROP_NAME: &str = "class DropName < ActiveRecord::Migration[7.1]\n  def change\n    remove_column :users, :name, :string\n  end\nend\n";

/// A released repository (v1.0.0 with one migration) to add a release's migrations to.
fn released() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "db/migrate/20250101000000_create_users.rb",
        "class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users do |t|\n      t.string :name\n    end\n  end\nend\n",
    );
    repo.commit("feat: users");
    repo.git(&["tag", "v1.0.0"]);
    repo
}

fn report(repo: &TestRepo, args: &[&str]) -> (i32, Value) {
    let output = repo
        .schema()
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap(), json)
}

#[test]
fn additive_release_goes_schema_first() {
    let repo = released();
    repo.write("db/migrate/20260101000000_add_email.rb", ADD_EMAIL);
    repo.commit("feat: email");
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["order"], "schema-first");
    assert_eq!(
        json["pre_deploy"],
        serde_json::json!(["db/migrate/20260101000000_add_email.rb"])
    );
    assert_eq!(
        json["migrations"].as_array().unwrap().len(),
        1,
        "the released migration is not read again"
    );
}

#[test]
fn destructive_release_goes_code_first() {
    let repo = released();
    repo.write("db/migrate/20260102000000_drop_name.rb", DROP_NAME);
    repo.commit("feat!: drop name");
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["order"], "code-first");
    assert_eq!(json["migrations"][0]["findings"][0]["rule"], "SG102");
    assert_eq!(json["migrations"][0]["findings"][0]["line"], 3);
}

#[test]
fn mixed_release_is_blocked_unless_the_destructive_part_is_post_deploy() {
    let repo = released();
    repo.write("db/migrate/20260101000000_add_email.rb", ADD_EMAIL);
    repo.write("db/migrate/20260102000000_drop_name.rb", DROP_NAME);
    repo.commit("feat: email instead of name");
    repo.schema()
        .assert()
        .code(1)
        .stdout(contains("order: blocked"))
        .stdout(contains("expand in this release and contract in the next"));

    std::fs::create_dir_all(repo.path().join("db/post_migrate")).unwrap();
    repo.git(&[
        "mv",
        "db/migrate/20260102000000_drop_name.rb",
        "db/post_migrate/20260102000000_drop_name.rb",
    ]);
    repo.commit("fix: drop name after the deploy");
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["order"], "schema-first");
    assert_eq!(
        json["post_deploy"],
        serde_json::json!(["db/post_migrate/20260102000000_drop_name.rb"])
    );
}

#[test]
fn an_edited_released_migration_is_an_error() {
    let repo = released();
    repo.write(
        "db/migrate/20250101000000_create_users.rb",
        "class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users\n  end\nend\n",
    );
    repo.commit("fix: simplify");
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["migrations"][0]["findings"][0]["rule"], "SG301");
}

#[test]
fn suppressed_finding_changes_the_order_and_an_unused_ignore_is_reported() {
    let repo = released();
    repo.write(
        "db/migrate/20260102000000_drop_name.rb",
        &DROP_NAME.replace(
            "    remove_column",
            "    # shipgate:ignore SG102 the column has been unused since v0.9\n    remove_column",
        ),
    );
    repo.write(
        "db/migrate/20260103000000_add_email.rb",
        &ADD_EMAIL.replace(
            "  def change\n",
            "  def change\n    # shipgate:ignore SG101 nothing is dropped here\n",
        ),
    );
    repo.commit("feat: tidy");
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["order"], "schema-first", "{json}");
    let rules: Vec<&str> = json["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["findings"].as_array().unwrap())
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["SG304"]);
}

#[test]
fn in_a_tag_pipeline_the_base_is_the_release_before_heads_own_tag() {
    let repo = released();
    repo.write("db/migrate/20260102000000_drop_name.rb", DROP_NAME);
    repo.commit("feat!: drop name");
    repo.git(&["tag", "v2.0.0"]);
    let (_, json) = report(&repo, &[]);
    assert_eq!(json["order"], "code-first");
}

#[test]
fn no_earlier_release_means_schema_first() {
    let repo = TestRepo::new();
    repo.write("db/migrate/20260102000000_drop_name.rb", DROP_NAME);
    repo.commit("feat: first");
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["order"], "schema-first");
    assert!(json["reason"].as_str().unwrap().contains("first release"));
}

#[test]
fn no_migration_means_order_none_and_outputs_say_so() {
    let repo = released();
    repo.commit("fix: code only");
    let output = repo.root().join("github_output");
    let dotenv = repo.root().join("schema.env");
    repo.schema()
        .arg("--dotenv")
        .arg(&dotenv)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .assert()
        .success()
        .stdout(contains("order: none"));
    let github = std::fs::read_to_string(&output).unwrap();
    assert!(github.contains("order=none\n"), "{github}");
    assert!(github.contains("destructive=false\n"), "{github}");
    let dotenv = std::fs::read_to_string(&dotenv).unwrap();
    assert!(dotenv.contains("SHIPGATE_ORDER=none\n"), "{dotenv}");
}

#[test]
fn explicit_paths_are_read_as_given() {
    let repo = TestRepo::new();
    repo.write("somewhere/drop.rb", DROP_NAME);
    repo.schema()
        .args(["somewhere/drop.rb", "--format", "json"])
        .assert()
        .success()
        .stdout(contains("\"order\": \"code-first\""));
    repo.schema()
        .arg("missing.sql")
        .assert()
        .code(2)
        .stderr(contains("missing.sql: no such file"));
    repo.write("notes.txt", "hello");
    repo.schema()
        .arg("notes.txt")
        .assert()
        .code(2)
        .stderr(contains("not a migration"));
}

#[test]
fn binary_and_non_utf8_files_are_findings_not_crashes() {
    let repo = released();
    std::fs::create_dir_all(repo.path().join("db/migrate")).unwrap();
    std::fs::write(
        repo.path().join("db/migrate/20260101000000_blob.rb"),
        b"\x00\x01\x02binary",
    )
    .unwrap();
    std::fs::write(
        repo.path().join("db/migrate/20260101000001_latin1.rb"),
        b"# caf\xe9\n",
    )
    .unwrap();
    repo.commit("chore: oops");
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["order"], "blocked");
    let messages: Vec<&str> = json["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["findings"][0]["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("binary"), "{messages:?}");
    assert!(messages[1].contains("not UTF-8"), "{messages:?}");
}

#[test]
fn every_format_renders() {
    let repo = released();
    repo.write("db/migrate/20260102000000_drop_name.rb", DROP_NAME);
    repo.commit("feat!: drop name");
    repo.schema()
        .args(["--format", "github"])
        .assert()
        .success()
        .stdout(contains(
            "::warning file=db/migrate/20260102000000_drop_name.rb,line=3",
        ));
    let sarif = repo.root().join("report.sarif");
    repo.schema()
        .args(["--format", "sarif", "--output"])
        .arg(&sarif)
        .assert()
        .success()
        .stdout("");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "SG102");
    let gitlab = repo.schema().args(["--format", "gitlab"]).output().unwrap();
    let gitlab: Value = serde_json::from_slice(&gitlab.stdout).unwrap();
    assert_eq!(gitlab[0]["location"]["lines"]["begin"], 3);
}

#[test]
fn help_explains_orders_rules_and_exit_codes() {
    let repo = TestRepo::new();
    let output = repo.schema().arg("--help").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn a_gigantic_file_is_a_finding_and_is_not_parsed() {
    let repo = TestRepo::new();
    let statement = "INSERT INTO t VALUES (1);\n";
    let size = shipgate::schema::MAX_FILE_BYTES / statement.len() + 1;
    repo.write("big.sql", &statement.repeat(size));
    repo.schema()
        .args(["big.sql"])
        .assert()
        .code(1)
        .stdout(contains("SG305"))
        .stdout(contains("over the 8388608-byte limit"));
}

#[test]
fn adding_an_enum_value_goes_schema_first_and_renaming_one_code_first() {
    let repo = released();
    repo.write(
        "db/migrations/V2__mood.sql",
        "ALTER TYPE mood ADD VALUE 'happy';\n",
    );
    repo.commit("feat: happy");
    let (code, json) = report(&repo, &[]);
    assert_eq!(
        (code, json["order"].as_str()),
        (0, Some("schema-first")),
        "{json}"
    );

    repo.git(&["tag", "v1.1.0"]);
    repo.write(
        "db/migrations/V3__rename.sql",
        "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';\n",
    );
    repo.commit("feat!: blue");
    let (code, json) = report(&repo, &[]);
    assert_eq!(
        (code, json["order"].as_str()),
        (0, Some("code-first")),
        "{json}"
    );
    assert_eq!(json["migrations"][0]["findings"][0]["rule"], "SG113");
}

/// A released SQLite project whose first migration cascades deletes of a user to their history.
fn released_sqlite() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "shipgate.yml",
        "schema:\n  dialect: sqlite\n  paths: [migrations]\n",
    );
    repo.write(
        "migrations/20250101000000_history.sql",
        "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE history (id integer PRIMARY KEY, user_id integer REFERENCES users (id) ON DELETE CASCADE, kind text CHECK (kind IN ('human', 'agent')));\n",
    );
    repo.commit("feat: history");
    repo.git(&["tag", "v1.0.0"]);
    repo
}

#[test]
fn a_sqlite_rebuild_is_compared_with_the_released_definition() {
    let repo = released_sqlite();
    repo.write(
        "migrations/20260101000000_history_restrict.sql",
        "CREATE TABLE new_history (id integer PRIMARY KEY, user_id integer REFERENCES users (id) ON DELETE RESTRICT, kind text CHECK (kind IN ('human', 'agent', 'bot')));\nINSERT INTO new_history SELECT id, user_id, kind FROM history;\nDROP TABLE history;\nALTER TABLE new_history RENAME TO history;\n",
    );
    repo.commit("feat!: history outlives no user");
    let (code, json) = report(&repo, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["order"], "code-first", "{json}");
    let rules: Vec<&str> = json["migrations"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["SG115", "SG124"],
        "the released migration's CASCADE and CHECK, replayed"
    );
}

#[test]
fn a_check_swap_against_the_released_definition_is_decided_and_said_when_not() {
    let repo = released_sqlite();
    // SQLite cannot drop a constraint; the same release judged as PostgreSQL can.
    repo.write(
        "shipgate.yml",
        "schema:\n  dialect: postgres\n  paths: [migrations]\n",
    );
    repo.write(
        "migrations/20260101000000_kinds.sql",
        "ALTER TABLE history DROP CONSTRAINT history_kind_check;\nALTER TABLE history ADD CONSTRAINT history_kind_check CHECK (kind IN ('human')) NOT VALID;\nALTER TABLE users DROP CONSTRAINT users_name_check;\nALTER TABLE users ADD CONSTRAINT users_name_check CHECK (length(name) < 100) NOT VALID;\n",
    );
    repo.commit("feat!: only humans");
    let (_, json) = report(&repo, &[]);
    let findings = json["migrations"][0]["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["SG125", "SG126"], "{json}");
    assert!(
        findings[1]["message"]
            .as_str()
            .unwrap()
            .contains("users_name_check on users"),
        "the undecided finding names the constraint: {json}"
    );
    assert_eq!(json["migrations"][0]["class"], "destructive");
}
