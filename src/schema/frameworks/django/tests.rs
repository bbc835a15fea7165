//! Tests of the Django reader.
use super::*;
use crate::schema::model::{ColumnType, Position};

const MIGRATION: &str = r#"from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[("id", models.BigAutoField(primary_key=True))],
        ),
        migrations.DeleteModel(name="Cart"),
        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),
        migrations.AddField("order", "total", models.IntegerField(default=0)),
        migrations.AddField(model_name="order", name="code", field=models.CharField(max_length=8, null=False)),
        migrations.RemoveField(model_name="order", name="legacy"),
        migrations.AlterField(model_name="order", name="code", field=models.CharField(max_length=50)),
        migrations.RenameField(model_name="order", old_name="total", new_name="amount"),
        migrations.RenameModel(old_name="Basket", new_name="Bag"),
        migrations.AddIndex(model_name="order", index=models.Index(fields=["code"], name="ix")),
        AddIndexConcurrently(model_name="order", index=models.Index(fields=["note"], name="ix2")),
        migrations.RemoveIndex(model_name="order", name="ix"),
        migrations.AddConstraint(model_name="order", constraint=models.UniqueConstraint(fields=["code"], name="uq")),
        migrations.AddConstraint(model_name="order", constraint=models.CheckConstraint(check=models.Q(amount__gte=0), name="ck")),
        migrations.RemoveConstraint(model_name="order", name="uq"),
        migrations.RunSQL("UPDATE shop_order SET amount = 0", reverse_sql="SELECT 1"),
        migrations.RunSQL(sql=[r'''SELECT 1''', "SELECT 2"]),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
"#;

fn at(line: usize, column: usize, item: Change) -> Located<Change> {
    Located {
        at: Position::new(line, column),
        item,
    }
}

#[test]
fn reads_every_operation() {
    let t = || "shop_order".to_owned();
    let add = |line, column: &str, not_null, has_default| {
        at(
            line,
            9,
            Change::AddColumn {
                table: t(),
                column: column.into(),
                not_null,
                has_default,
                volatile_default: false,
                // `default=` is Python-side: Django drops the database default it used.
                default_dropped: has_default,
            },
        )
    };
    let expected = vec![
        at(9, 9, Change::CreateTable { table: t() }),
        at(
            13,
            9,
            Change::DropTable {
                table: "shop_cart".into(),
            },
        ),
        add(14, "note", false, false),
        add(15, "total", true, true),
        add(16, "code", true, false),
        at(
            17,
            9,
            Change::DropColumn {
                table: t(),
                column: "legacy".into(),
            },
        ),
        at(
            18,
            9,
            Change::AlterColumnType {
                table: t(),
                column: "code".into(),
                // The field added above, replayed: `max_length=8` before.
                from: Some(ColumnType {
                    name: "varchar".into(),
                    args: vec![8],
                }),
                to: ColumnType {
                    name: "varchar".into(),
                    args: vec![50],
                },
            },
        ),
        at(
            19,
            9,
            Change::RenameColumn {
                table: t(),
                from: "total".into(),
                to: "amount".into(),
            },
        ),
        at(
            20,
            9,
            Change::RenameTable {
                from: "shop_basket".into(),
                to: "shop_bag".into(),
            },
        ),
        at(
            21,
            9,
            Change::CreateIndex {
                table: t(),
                unique: false,
                concurrently: false,
                columns: Vec::new(),
            },
        ),
        at(
            22,
            9,
            Change::CreateIndex {
                table: t(),
                unique: false,
                concurrently: true,
                columns: Vec::new(),
            },
        ),
        at(
            23,
            9,
            Change::DropIndex {
                concurrently: false,
                unique: None,
            },
        ),
        at(
            24,
            9,
            Change::AddConstraint {
                table: t(),
                kind: ConstraintKind::Unique,
                not_valid: false,
                using_index: false,
                columns: vec!["code".into()],
                cascades: false,
                detail: ConstraintDetail {
                    name: Some("uq".into()),
                    check: None,
                    ..Default::default()
                },
            },
        ),
        at(
            25,
            9,
            Change::AddConstraint {
                table: t(),
                kind: ConstraintKind::Check,
                not_valid: false,
                using_index: false,
                columns: vec!["amount".into()],
                cascades: false,
                detail: ConstraintDetail {
                    name: Some("ck".into()),
                    check: None,
                    ..Default::default()
                },
            },
        ),
        at(
            26,
            9,
            Change::DropConstraint {
                table: t(),
                kind: None,
                columns: Vec::new(),
                detail: ConstraintDetail {
                    name: Some("uq".into()),
                    check: None,
                    ..Default::default()
                },
            },
        ),
        at(
            27,
            28,
            Change::DataChange {
                table: "shop_order".into(),
                whole_table: true,
                columns: vec!["amount".into()],
            },
        ), // embedded SQL, read at its place
        at(
            28,
            36,
            Change::Neutral {
                what: "SELECT".into(),
            },
        ), // embedded SQL
        at(
            28,
            50,
            Change::Neutral {
                what: "SELECT".into(),
            },
        ), // embedded SQL
        at(
            29,
            9,
            Change::Data {
                what: "RunPython".into(),
            },
        ),
    ];
    assert_eq!(
        read_django(MIGRATION, Dialect::Postgres, Some("shop")),
        expected
    );
}

#[test]
fn without_an_app_label_tables_are_the_model_names() {
    let text = "class Migration(migrations.Migration):\n    operations = [migrations.DeleteModel('Cart'), migrations.RunSQL(f'DROP {x}')]\n";
    assert_eq!(
        read_django(text, Dialect::Postgres, None),
        vec![
            at(
                2,
                19,
                Change::DropTable {
                    table: "cart".into()
                }
            ),
            at(
                2,
                69,
                Change::Code {
                    what: "interpolated SQL".into()
                }
            ),
        ]
    );
}

#[test]
fn syntax_errors_and_empty_files() {
    assert_eq!(read_django("", Dialect::Postgres, None), vec![]);
    let changes = read_django(
        "class Migration(:\n    operations = [\n",
        Dialect::Postgres,
        None,
    );
    assert!(!changes.is_empty());
    assert!(
        changes
            .iter()
            .all(|c| matches!(c.item, Change::Unparsed { .. }))
    );
}

#[test]
fn operations_bound_to_names_and_returned_by_helpers_are_read() {
    // The shape of Sentry's foreign-key breaking migrations: lists bound to names in the class,
    // and module-level helpers returning `database_operations + [SeparateDatabaseAndState(...)]`.
    let text = r#"from django.db import migrations, models


def breaking_fk():
    database_operations = [
        migrations.AlterField(model_name="order", name="user", field=models.ForeignKey(to="auth.User", db_constraint=False, null=True, on_delete=models.SET_NULL)),
    ]
    state_operations = [migrations.RemoveField(model_name="order", name="legacy")]
    return database_operations + [
        migrations.SeparateDatabaseAndState(state_operations=state_operations)
    ]


class Migration(migrations.Migration):
    database_operations = [migrations.RemoveField(model_name="cart", name="note")]
    state_operations = []

    operations = (
        breaking_fk()
        + [migrations.SeparateDatabaseAndState(database_operations=database_operations, state_operations=state_operations)]
    )
"#;
    let changes: Vec<Change> = read_django(text, Dialect::Postgres, Some("shop"))
        .into_iter()
        .map(|c| c.item)
        .collect();
    assert!(
        !changes.iter().any(|c| matches!(c, Change::Code { .. })),
        "{changes:?}"
    );
    assert!(
        changes.contains(&Change::DropColumn {
            table: "shop_cart".into(),
            column: "note".into()
        }),
        "{changes:?}"
    );
    let computed = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RemoveField(model_name=m, name=\"f\") for m in MODELS]\n";
    let changes = read_django(computed, Dialect::Postgres, Some("shop"));
    assert!(
        matches!(&changes[0].item, Change::Code { what } if what == "computed operations"),
        "a comprehension stays computed: {changes:?}"
    );
}

/// The changes of `text` read against the state `earlier` (migrations, in order) leave.
fn after(earlier: &[&str], text: &str) -> Vec<Change> {
    let mut state = AppState::new(Some("shop"));
    state.mark_replayed();
    for migration in earlier {
        replay_django(migration, &mut state);
    }
    read_django_with(text, Dialect::Postgres, Some("shop"), &mut state)
        .into_iter()
        .map(|c| c.item)
        .collect()
}

fn migration(operations: &str) -> String {
    format!(
        "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        {operations}\n    ]\n"
    )
}

#[test]
fn not_null_on_a_field_old_code_always_writes_is_neutral() {
    let created = migration(
        r#"migrations.CreateModel(name="Rule", fields=[("id", models.AutoField(primary_key=True)), ("kind", models.IntegerField(null=True, default=0)), ("label", models.TextField(null=True))]),"#,
    );
    let tightened = migration(
        r#"migrations.AlterField(model_name="rule", name="kind", field=models.IntegerField(default=0)),
        migrations.AlterField(model_name="rule", name="label", field=models.TextField()),"#,
    );
    let changes = after(&[&created], &tightened);
    assert!(
        matches!(&changes[0], Change::Neutral { what } if what.contains("shop_rule.kind")),
        "the ORM writes the default: {changes:?}"
    );
    assert_eq!(
        changes[1],
        Change::SetNotNull {
            table: "shop_rule".into(),
            column: "label".into()
        },
        "no default: old code may insert NULL"
    );
}

#[test]
fn a_column_no_field_maps_to_any_more_is_dropped_unnoticed() {
    // Sentry's shape: the field moves to another column (db_column), then the old column goes.
    let created = migration(
        r#"migrations.CreateModel(name="Build", fields=[("id", models.AutoField(primary_key=True)), ("app_id", models.IntegerField(null=True))]),"#,
    );
    let redirected = migration(
        r#"migrations.SeparateDatabaseAndState(state_operations=[migrations.AlterField(model_name="build", name="app_id", field=models.CharField(db_column="app_id_str", max_length=256, default="0"))], database_operations=[]),"#,
    );
    let dropped = migration(
        r#"migrations.RunSQL('ALTER TABLE "shop_build" DROP COLUMN "app_id";', reverse_sql=""),"#,
    );
    let changes = after(&[&created, &redirected], &dropped);
    assert!(
        matches!(&changes[0], Change::NoDatabaseChange { .. }),
        "{changes:?}"
    );
    let changes = after(&[&created], &dropped);
    assert_eq!(
        changes[0],
        Change::DropColumn {
            table: "shop_build".into(),
            column: "app_id".into()
        },
        "still mapped: old code reads it"
    );
}

#[test]
fn a_string_on_delete_names_a_target_without_a_relation() {
    // Sentry 0382 and 0385: an id column becomes a cross-database "foreign key" whose
    // `on_delete` is a string, which Django's ForeignKey rejects; and a real foreign key loses
    // its constraint while keeping the index Django gives foreign keys by default.
    let created = migration(
        r#"migrations.CreateModel(name="ServiceHook", fields=[("id", models.AutoField(primary_key=True)), ("application", sentry.db.models.fields.foreignkey.FlexibleForeignKey(to="sentry.ApiApplication", null=True, on_delete=django.db.models.deletion.CASCADE))]),
        migrations.AddField(model_name="servicehook", name="installation_id", field=sentry.db.models.fields.bounded.BoundedBigIntegerField(db_index=True, null=True)),"#,
    );
    let altered = migration(
        r#"migrations.AlterField(
            model_name="servicehook",
            name="application",
            field=sentry.db.models.fields.foreignkey.FlexibleForeignKey(
                to="sentry.ApiApplication", db_constraint=False, db_index=True, null=True
            ),
        ),
        migrations.AlterField(
            model_name="servicehook",
            name="installation_id",
            field=sentry.db.models.fields.hybrid_cloud_foreign_key.HybridCloudForeignKey(
                "sentry.SentryAppInstallation", db_index=True, on_delete="CASCADE", null=True
            ),
        ),"#,
    );
    let changes = after(&[&created], &altered);
    assert_eq!(
        changes,
        vec![
            Change::DropConstraint {
                table: "shop_servicehook".into(),
                kind: Some(ConstraintKind::ForeignKey),
                columns: vec!["application_id".into()],
                detail: ConstraintDetail::default(),
            },
            Change::NoDatabaseChange {
                what: "AlterField of shop_servicehook.installation_id".into()
            },
        ]
    );
    // Added, a project's `*ForeignKey` subclass is a relation: its `_id` column, index and key.
    let added = migration(
        r#"migrations.AddField(model_name="servicehook", name="team", field=sentry.db.models.fields.foreignkey.FlexibleForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to="sentry.Team")),"#,
    );
    let changes = after(&[&created], &added);
    assert!(
        matches!(&changes[..], [
            Change::AddColumn { column, .. },
            Change::CreateIndex { columns: indexed, .. },
            Change::AddConstraint { kind: ConstraintKind::ForeignKey, columns: keyed, .. },
        ] if column == "team_id" && indexed == &["team_id"] && keyed == &["team_id"]),
        "{changes:?}"
    );
}

#[test]
fn a_null_boolean_field_is_nullable() {
    // Sentry 0256 and 0264: NullBooleanField → BooleanField sets NOT NULL; the old field's
    // default means old code never writes NULL.
    let created = migration(
        r#"migrations.CreateModel(name="DocIntegration", fields=[("id", models.AutoField(primary_key=True)), ("is_draft", models.NullBooleanField(default=True)), ("flag", models.NullBooleanField())]),"#,
    );
    let altered = migration(
        r#"migrations.AlterField(model_name="docintegration", name="is_draft", field=models.BooleanField(default=True)),
        migrations.AlterField(model_name="docintegration", name="flag", field=models.BooleanField()),"#,
    );
    let changes = after(&[&created], &altered);
    assert!(
        matches!(&changes[0], Change::Neutral { what } if what.contains("is_draft")),
        "{changes:?}"
    );
    assert_eq!(
        changes[1],
        Change::SetNotNull {
            table: "shop_docintegration".into(),
            column: "flag".into()
        }
    );
}
