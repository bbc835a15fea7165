//! Constraints replaced in a release — CHECKs swapped, UNIQUEs moved, SQLite tables rebuilt —
//! judged as the pair, against the old definition when earlier migrations declare it.
use super::{ReadMigration, ReleaseContext, assess};
use crate::config::schema::Dialect;
use crate::schema::frameworks::{
    AppState, read_django, read_django_with, read_rails, replay_django,
};
use crate::schema::model::{Change, FileClass, Framework, Located, Position};
use crate::schema::sql::read_sql;

/// The class and rule codes of one migration judged after `earlier` (SQL, replayed).
fn judged(
    earlier: &str,
    framework: Framework,
    changes: Vec<Located<Change>>,
    dialect: Dialect,
) -> (FileClass, Vec<&'static str>) {
    let mut context = ReleaseContext::default();
    for change in read_sql(earlier, dialect, Position::new(1, 1)) {
        context.learn(&change.item);
    }
    let migration = ReadMigration {
        path: "m".into(),
        framework,
        post_deploy: false,
        text: String::new(),
        changes,
        file_findings: Vec::new(),
    };
    let migration = assess(migration, &mut context);
    (
        migration.class,
        migration.findings.iter().map(|f| f.rule).collect(),
    )
}

fn sql(earlier: &str, release: &str, dialect: Dialect) -> (FileClass, Vec<&'static str>) {
    let changes = read_sql(release, dialect, Position::new(1, 1));
    judged(earlier, Framework::Sql, changes, dialect)
}

fn rails(body: &str) -> (FileClass, Vec<&'static str>) {
    let text =
        format!("class M < ActiveRecord::Migration[7.1]\n  def change\n{body}\n  end\nend\n");
    judged(
        "",
        Framework::Rails,
        read_rails(&text, Dialect::Postgres),
        Dialect::Postgres,
    )
}

const CHANNELS: &str = "CREATE TABLE channel_snapshots (id bigint PRIMARY KEY, \
    channel text NOT NULL CHECK (channel IN ('youtube', 'instagram', 'facebook')));";

#[test]
fn a_check_replaced_by_its_unnamed_postgres_name_is_compared_with_the_replayed_one() {
    let swap = |list: &str| {
        format!(
            "ALTER TABLE channel_snapshots DROP CONSTRAINT channel_snapshots_channel_check;\n\
             ALTER TABLE channel_snapshots ADD CONSTRAINT channel_snapshots_channel_check \
             CHECK (channel IN ({list})) NOT VALID;"
        )
    };
    assert_eq!(
        sql(
            CHANNELS,
            &swap("'youtube', 'tiktok', 'instagram', 'facebook'"),
            Dialect::Postgres
        ),
        (FileClass::Additive, vec!["SG124"]),
        "a value added relaxes"
    );
    assert_eq!(
        sql(CHANNELS, &swap("'youtube', 'facebook'"), Dialect::Postgres),
        (FileClass::Destructive, vec!["SG125"]),
        "a value removed: destructive, not mixed (the drop is part of the pair)"
    );
    assert_eq!(
        sql("", &swap("'youtube'"), Dialect::Postgres),
        (FileClass::Destructive, vec!["SG126"]),
        "the old definition unknown: said so, not guessed"
    );
}

#[test]
fn rails_check_swaps_carry_both_expressions() {
    // The shape of a real Rails migration that adds a channel to an allowed list.
    let relaxed = rails(
        "    remove_check_constraint :channel_snapshots,\n      \"channel IN ('youtube', 'instagram')\",\n      name: \"channel_snapshots_known_channel\"\n    add_check_constraint :channel_snapshots,\n      \"channel IN ('youtube', 'tiktok', 'instagram')\",\n      name: \"channel_snapshots_known_channel\"",
    );
    assert_eq!(relaxed, (FileClass::Additive, vec!["SG124", "SG203"]));
    let bounds = rails(
        "    remove_check_constraint :orders, \"amount > 0\", name: \"amount_positive\"\n    add_check_constraint :orders, \"amount >= 0\", name: \"amount_positive\", validate: false",
    );
    assert_eq!(bounds, (FileClass::Additive, vec!["SG124"]));
    let tightened = rails(
        "    remove_check_constraint :orders, \"amount >= 0\", name: \"amount_positive\"\n    add_check_constraint :orders, \"amount > 0\", name: \"amount_positive\", validate: false",
    );
    assert_eq!(tightened, (FileClass::Destructive, vec!["SG125"]));
    // GitLab's text limits: the old limit is not in the removal.
    let limit = rails(
        "    remove_text_limit :merge_requests, :title\n    add_text_limit :merge_requests, :title, 1024",
    );
    assert_eq!(limit, (FileClass::Destructive, vec!["SG126", "SG203"]));
    let undecidable = rails(
        "    remove_check_constraint :users, \"full_access = true OR token IS NULL\", name: :access\n    add_check_constraint :users, \"token IS NULL\", name: :access, validate: false",
    );
    assert_eq!(undecidable, (FileClass::Destructive, vec!["SG126"]));
}

#[test]
fn a_unique_moved_to_another_column_is_destructive_and_recreated_is_not() {
    let moved = rails(
        "    remove_index :users, :login, unique: true, algorithm: :concurrently\n    add_index :users, :email, unique: true, algorithm: :concurrently",
    );
    assert_eq!(moved, (FileClass::Destructive, vec!["SG127"]));
    let recreated = rails(
        "    remove_index :users, column: :email, unique: true, algorithm: :concurrently\n    add_index :users, :email, unique: true, algorithm: :concurrently",
    );
    assert_eq!(recreated.1, Vec::<&str>::new(), "{recreated:?}");
    assert_ne!(recreated.0, FileClass::Destructive);
    let sql_moved = sql(
        "CREATE TABLE users (id bigint PRIMARY KEY, login text, email text, UNIQUE (login));",
        "ALTER TABLE users DROP CONSTRAINT users_login_key;\n\
         CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);",
        Dialect::Postgres,
    );
    assert_eq!(sql_moved, (FileClass::Destructive, vec!["SG127"]));
}

#[test]
fn django_unique_together_moved() {
    let text = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [(\"shop\", \"0001_initial\")]\n    operations = [\n        migrations.AlterUniqueTogether(name=\"order\", unique_together={(\"shop\", \"number\")}),\n        migrations.AlterUniqueTogether(name=\"order\", unique_together={(\"shop\", \"code\")}),\n    ]\n";
    let changes = read_django(text, Dialect::Postgres, Some("shop"));
    let (class, rules) = judged("", Framework::Django, changes, Dialect::Postgres);
    assert_eq!(class, FileClass::Destructive, "{rules:?}");
    assert!(rules.contains(&"SG127"), "{rules:?}");
}

fn django(operations: &str) -> (FileClass, Vec<&'static str>) {
    let text = format!(
        "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n{operations}\n    ]\n"
    );
    let changes = read_django(&text, Dialect::Postgres, Some("sentry"));
    judged("", Framework::Django, changes, Dialect::Postgres)
}

#[test]
fn a_unique_over_a_column_old_code_leaves_null_rejects_none_of_its_writes() {
    // Sentry 0318: a nullable column added, then a UNIQUE that covers it.
    let homepage = django(
        r#"        migrations.AddField(
            model_name="discoversavedquery",
            name="is_homepage",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="discoversavedquery",
            constraint=models.UniqueConstraint(
                condition=models.Q(is_homepage=True),
                fields=("organization", "created_by", "is_homepage"),
                name="unique_user_homepage_query",
            ),
        ),"#,
    );
    assert_eq!(homepage, (FileClass::Additive, vec!["SG128", "SG201"]));
    // Django 5's nulls_distinct=False makes NULLs conflict: old code's keys may collide.
    let not_distinct = django(
        r#"        migrations.AddField(model_name="query", name="slot", field=models.IntegerField(null=True)),
        migrations.AddConstraint(
            model_name="query",
            constraint=models.UniqueConstraint(fields=("owner", "slot"), nulls_distinct=False, name="u"),
        ),"#,
    );
    assert_eq!(not_distinct, (FileClass::Mixed, vec!["SG108", "SG201"]));
    // A default that stays fills old code's rows: not NULL, so they may conflict.
    let defaulted = sql(
        "",
        "ALTER TABLE q ADD COLUMN slot integer DEFAULT 0;\n\
         ALTER TABLE q ADD CONSTRAINT q_owner_slot UNIQUE (owner, slot);",
        Dialect::Postgres,
    );
    assert_eq!(defaulted.1, vec!["SG108", "SG201"], "{defaulted:?}");
}

#[test]
fn a_unique_moved_onto_a_column_old_code_leaves_null_rejects_none_of_its_writes() {
    // Sentry 0373: a nullable column added and unique_together moved onto it from the column
    // the migration then drops (the drop stays destructive; the move itself rejects nothing).
    let mut state = AppState::new(Some("sentry"));
    state.mark_replayed();
    replay_django(
        r#"from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(
            name="ReleaseArtifactBundle",
            fields=[
                ("id", models.AutoField(primary_key=True)),
                ("organization_id", models.BigIntegerField()),
                ("release_name", models.CharField(max_length=250)),
                ("dist_id", models.BigIntegerField(null=True)),
            ],
            options={"unique_together": {("organization_id", "release_name", "dist_id")}},
        ),
    ]
"#,
        &mut state,
    );
    let text = r#"from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AddField(
            model_name="releaseartifactbundle",
            name="dist_name",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AlterUniqueTogether(
            name="releaseartifactbundle",
            unique_together={("organization_id", "release_name", "dist_name")},
        ),
    ]
"#;
    let changes = read_django_with(text, Dialect::Postgres, Some("sentry"), &mut state);
    let moved = judged("", Framework::Django, changes, Dialect::Postgres);
    assert_eq!(moved, (FileClass::Additive, vec!["SG128", "SG201"]));
}

const HISTORY: &str = "CREATE TABLE users (id integer PRIMARY KEY);\n\
    CREATE TABLE history (id integer PRIMARY KEY, \
    user_id integer REFERENCES users (id) ON DELETE CASCADE, \
    kind text CHECK (kind IN ('human', 'agent')));";

fn rebuild(columns: &str) -> String {
    format!(
        "CREATE TABLE new_history (id integer PRIMARY KEY, {columns});\n\
         INSERT INTO new_history SELECT * FROM history;\n\
         DROP TABLE history;\n\
         ALTER TABLE new_history RENAME TO history;"
    )
}

#[test]
fn sqlite_rebuilds_are_compared_with_the_replayed_definition() {
    let restricted = rebuild(
        "user_id integer REFERENCES users (id) ON DELETE RESTRICT, \
         kind text CHECK (kind IN ('human', 'agent'))",
    );
    assert_eq!(
        sql(HISTORY, &restricted, Dialect::Sqlite),
        (FileClass::Destructive, vec!["SG115"]),
        "CASCADE → RESTRICT"
    );
    let on_update = rebuild(
        "user_id integer REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE, \
         kind text CHECK (kind IN ('human', 'agent'))",
    );
    assert_eq!(
        sql(HISTORY, &on_update, Dialect::Sqlite),
        (FileClass::Additive, vec!["SG123"]),
        "ON UPDATE NO ACTION → CASCADE relaxes"
    );
    let narrowed = rebuild(
        "user_id integer REFERENCES users (id) ON DELETE CASCADE, \
         kind text CHECK (kind IN ('human'))",
    );
    assert_eq!(
        sql(HISTORY, &narrowed, Dialect::Sqlite),
        (FileClass::Destructive, vec!["SG125"])
    );
    let same = rebuild(
        "user_id integer REFERENCES users (id) ON DELETE CASCADE, \
         kind text CHECK (kind IN ('human', 'agent')), shell text",
    );
    assert_eq!(
        sql(HISTORY, &same, Dialect::Sqlite),
        (FileClass::Additive, vec![]),
        "the same constraints: only the new table and its copy"
    );
    assert_eq!(
        sql("", &restricted, Dialect::Sqlite).1,
        Vec::<&str>::new(),
        "no old definition: nothing to compare, no guess"
    );
}
