//! Real-world fidelity: shipgate-schema's placement of each migration in `tests/corpus/`
//! against the deploy order the project itself recorded (`manifest.tsv`, column `order`).
//!
//! A migration is judged alone, as a release holding only it would be (Django apps' earlier
//! migrations replayed first, as `sqlmigrate` does). Its placement follows
//! from its class: additive → before the code; destructive or mixed → after it; neutral and
//! data → either side (both agree with any recorded order); unknown → no placement (a miss).
//! The test prints the table per project and format and fails when any figure falls below its
//! floor in [`FLOORS`] (the last measured figure): raise the floor when the rules improve.
use std::collections::BTreeMap;
use std::path::PathBuf;

use shipgate::config::schema::Dialect;
use shipgate::schema::Assessor;
use shipgate::schema::model::FileClass;

/// (project, format) → lowest accepted agreement, in per cent (one decimal).
const FLOORS: &[(&str, &str, f64)] = &[
    ("airflow", "alembic", 100.0),
    ("atuin", "sql (sqlite)", 100.0),
    ("mattermost", "sql (mysql)", 100.0),
    ("mattermost", "sql (postgres)", 100.0),
    ("gitlab", "rails", 95.6),
    ("mastodon", "rails", 98.1),
    ("sentry", "django", 91.1),
];

struct Entry {
    project: String,
    path: String,
    order: String,
    recorded: bool,
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus().join("manifest.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 6, "manifest line: {line}");
            assert!(matches!(cols[4], "pre" | "post"), "order of {line}");
            assert!(
                matches!(cols[5], "recorded" | "reviewer"),
                "label of {line}"
            );
            Entry {
                project: cols[0].to_owned(),
                path: cols[3].to_owned(),
                order: cols[4].to_owned(),
                recorded: cols[5] == "recorded",
            }
        })
        .collect()
}

/// The SQL dialect of a corpus migration: MySQL under a `mysql/` folder, SQLite for the projects
/// that use it, PostgreSQL otherwise (the frameworks' own migrations are read as PostgreSQL too).
fn dialect_of(entry: &Entry) -> (&'static str, Dialect) {
    if entry.path.contains("/mysql/") {
        ("mysql", Dialect::Mysql)
    } else if SQLITE_PROJECTS.contains(&entry.project.as_str()) {
        ("sqlite", Dialect::Sqlite)
    } else {
        ("postgres", Dialect::Postgres)
    }
}

/// Projects whose plain-SQL migrations are SQLite's.
const SQLITE_PROJECTS: &[&str] = &["atuin"];

/// Whether shipgate's class places the migration where the project did.
fn agrees(class: FileClass, order: &str) -> bool {
    match class {
        FileClass::Neutral | FileClass::Data => true,
        FileClass::Additive => order == "pre",
        FileClass::Destructive | FileClass::Mixed => order == "post",
        FileClass::Unknown => false,
    }
}

#[derive(Default)]
struct Tally {
    total: usize,
    agree: usize,
    classes: BTreeMap<String, usize>,
    misses: Vec<String>,
}

#[test]
fn placement_agrees_with_the_projects_recorded_order() {
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let entries = manifest();
    let recorded: BTreeMap<&str, usize> =
        entries
            .iter()
            .filter(|e| e.recorded)
            .fold(BTreeMap::new(), |mut m, e| {
                *m.entry(e.project.as_str()).or_default() += 1;
                m
            });
    // One assessor per dialect for the whole corpus: Django apps' earlier migrations are
    // replayed once.
    let mut assessors: BTreeMap<&str, Assessor> = BTreeMap::new();
    for entry in &entries {
        let file = corpus().join(&entry.project).join(&entry.path);
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let (dialect_name, dialect) = dialect_of(entry);
        let migration = assessors
            .entry(dialect_name)
            .or_insert_with(|| Assessor::new(dialect))
            .assess_alone(&file, &text)
            .unwrap_or_else(|| panic!("{}: not read as a migration", entry.path));
        let format = serde_json::to_value(migration.framework).unwrap();
        let format = match format.as_str().unwrap() {
            "sql" => format!("sql ({dialect_name})"),
            other => other.to_owned(),
        };
        let key = (entry.project.clone(), format);
        let tally = tallies.entry(key).or_default();
        let class = serde_json::to_value(migration.class).unwrap();
        let class_name = class.as_str().unwrap().to_owned();
        tally.total += 1;
        *tally.classes.entry(class_name.clone()).or_default() += 1;
        if agrees(migration.class, &entry.order) {
            tally.agree += 1;
        } else {
            let rules: Vec<String> = migration
                .findings
                .iter()
                .map(|f| match f.rule {
                    "SG302" | "SG303" => format!("{} {}", f.rule, f.message),
                    rule => rule.to_owned(),
                })
                .collect();
            tally.misses.push(format!(
                "  {} ({}; shipgate: {class_name} {rules:?})",
                entry.path, entry.order
            ));
        }
    }
    let mut table = String::from(
        "| project | format | migrations | agreement | classes |\n|---|---|---|---|---|\n",
    );
    let mut below = Vec::new();
    for ((project, format), tally) in &tallies {
        let share = (tally.agree as f64 * 1000.0 / tally.total as f64).floor() / 10.0;
        table.push_str(&format!(
            "| {project} | {format} | {} | {share:.1}% ({}/{}) | {:?} |\n",
            tally.total, tally.agree, tally.total, tally.classes
        ));
        let floor = FLOORS
            .iter()
            .find(|(p, f, _)| p == project && f == format)
            .map(|(_, _, floor)| *floor)
            .unwrap_or_else(|| panic!("no floor for {project}/{format}: add one to FLOORS"));
        if share < floor {
            below.push(format!(
                "{project}/{format}: {share:.1}% < floor {floor:.1}%"
            ));
        }
    }
    println!("{table}");
    for ((project, format), tally) in &tallies {
        println!("{project}/{format} disagreements:");
        for miss in &tally.misses {
            println!("{miss}");
        }
    }
    let total: usize = recorded.values().sum();
    assert!(
        total >= 400 && recorded.len() >= 3,
        "the corpus holds {total} migrations with a recorded order, from {recorded:?}"
    );
    assert!(below.is_empty(), "agreement fell: {below:?}\n{table}");
}

/// One corpus migration judged by the binary, alone: its class and its rule codes.
fn judged(project: &str, path: &str, dialect: &str) -> (String, Vec<String>) {
    let file = corpus().join(project).join(path);
    let repo = crate::fixture::TestRepo::new();
    let output = repo
        .schema()
        .args(["--format", "json", "--dialect", dialect])
        .arg(&file)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    let migration = &json["migrations"][0];
    let rules = migration["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    (migration["class"].as_str().unwrap().to_owned(), rules)
}

#[test]
fn real_migrations_get_the_new_rules() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // GitLab: a text limit (CHECK) on the column the same migration adds.
        (
            "gitlab",
            "db/migrate/20231112214803_add_error_to_group_repository_storage_moves.rb",
            "additive",
            "SG120",
        ),
        // Airflow: a foreign key on the column the same batch adds.
        (
            "airflow",
            "airflow-core/src/airflow/migrations/versions/0077_3_1_0_add_trigger_id_to_deadline.py",
            "additive",
            "SG120",
        ),
        // Mastodon: a raw-SQL backfill inside `execute` that overwrites a column old code reads.
        (
            "mastodon",
            "db/post_migrate/20240327145507_backfill_account_deleted_at.rb",
            "data",
            "SG114",
        ),
        // Mastodon: model-level batch updates, then the columns dropped.
        (
            "mastodon",
            "db/post_migrate/20190511152737_remove_suspended_silenced_account_fields.rb",
            "destructive",
            "SG121",
        ),
        // Sentry: RunPython backfill.
        (
            "sentry",
            "src/sentry/migrations/0205_semver_backfill.py",
            "data",
            "SG121",
        ),
        // Sentry: AlterField changing only Python-side attributes (the replay knows the field).
        (
            "sentry",
            "src/sentry/migrations/0206_organization_require_email_verification_flag.py",
            "neutral",
            "SG122",
        ),
        // Sentry: AlterField to null=False, a contract step.
        (
            "sentry",
            "src/sentry/migrations/0486_integer_pr_comment_issue_list.py",
            "destructive",
            "SG106",
        ),
        // Sentry: AddField with default= on a non-null field; Django drops the database default.
        (
            "sentry",
            "src/sentry/migrations/0249_add_avatar_type_back.py",
            "destructive",
            "SG116",
        ),
    ];
    for (project, path, class, rule) in cases {
        let (got, rules) = judged(project, path, "postgres");
        assert_eq!(&got, class, "{path}: {rules:?}");
        assert!(
            rules.iter().any(|r| r == rule),
            "{path}: {rules:?} lacks {rule}"
        );
    }
}

#[test]
fn mysql_prepared_statement_ddl_is_read() {
    // Mattermost: a column dropped and one added, each inside SET @s = (SELECT IF(...)) /
    // PREPARE / EXECUTE, then a multi-table UPDATE.
    let (class, rules) = judged(
        "mattermost",
        "server/channels/db/migrations/mysql/000083_threads_threaddeleteat.up.sql",
        "mysql",
    );
    assert_eq!(class, "mixed", "{rules:?}");
    assert!(rules.iter().any(|r| r == "SG102"), "{rules:?}");
    assert!(!rules.iter().any(|r| r == "SG302"), "{rules:?}");
    let (class, rules) = judged(
        "mattermost",
        "server/channels/db/migrations/mysql/000086_add_cloud_limits_archived.up.sql",
        "mysql",
    );
    assert_eq!(class, "additive", "{rules:?}");
}
