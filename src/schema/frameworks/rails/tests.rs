//! Tests of the Rails reader.
use super::*;
use crate::schema::model::{ColumnType, Position};

const MIGRATION: &str = r#"class Everything < ActiveRecord::Migration[7.1]
  def change
    create_table :accounts do |t|
      t.string :name, null: false
      t.references :owner, foreign_key: true
      t.index :name
    end
    add_column :users, :nickname, :string
    add_column :users, :token, :uuid, null: false, default: -> { "gen_random_uuid()" }
    add_column :users, :score, :integer, null: false, default: 0
    remove_column :users, :legacy, :string
    remove_columns :users, :a, :b, type: :string
    rename_column :users, :mail, :email
    rename_table :people, :persons
    change_column :users, :name, :string, limit: 50
    change_column_null :users, :email, false
    change_column_null :users, :phone, true
    change_column_default :users, :score, from: 0, to: nil
    change_column_default :users, :score, from: nil, to: 1
    add_index :users, :email, unique: true, algorithm: :concurrently
    add_index :users, :name
    remove_index :users, :name, algorithm: :concurrently
    add_reference :posts, :author, foreign_key: { validate: false }, index: { algorithm: :concurrently }
    add_foreign_key :posts, :users, validate: false
    add_check_constraint :users, "score >= 0", name: "score_positive"
    remove_foreign_key :posts, :users
    remove_check_constraint :users, name: "score_positive"
    drop_table :sessions
    change_table :orders do |t|
      t.remove :coupon
      t.rename :total, :amount
      t.change :amount, :decimal, precision: 10, scale: 2
      t.column :note, :text
      t.string :ref, null: false
      t.index :ref
      t.remove_index :old
      t.references :shop
    end
    execute "UPDATE users SET score = 0"
    execute <<~SQL
      DELETE FROM sessions;
    SQL
    safety_assured { remove_column :users, :unsafe }
    reversible do |dir|
      dir.up { execute 'SELECT 1' }
      dir.down { execute "SELECT 2" }
    end
    User.reset_column_information
    backfill_scores
  end

  def down
    drop_table :accounts
  end
end
"#;

fn at(line: usize, column: usize, item: Change) -> Located<Change> {
    Located {
        at: Position::new(line, column),
        item,
    }
}

fn add(table: &str, column: &str, not_null: bool, has_default: bool, volatile: bool) -> Change {
    Change::AddColumn {
        table: table.into(),
        column: column.into(),
        not_null,
        has_default,
        volatile_default: volatile,
        default_dropped: false,
    }
}

#[test]
fn reads_every_operation_of_change_and_ignores_down() {
    let fk = |table: &str, not_valid, columns: &[&str]| Change::AddConstraint {
        table: table.into(),
        kind: ConstraintKind::ForeignKey,
        not_valid,
        using_index: false,
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        cascades: false,
        detail: Default::default(),
    };
    let index = |table: &str, unique, concurrently, columns: &[&str]| Change::CreateIndex {
        table: table.into(),
        unique,
        concurrently,
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
    };
    let expected = vec![
        at(
            3,
            5,
            Change::CreateTable {
                table: "accounts".into(),
            },
        ),
        at(8, 5, add("users", "nickname", false, false, false)),
        at(9, 5, add("users", "token", true, true, true)),
        at(10, 5, add("users", "score", true, true, false)),
        at(
            11,
            5,
            Change::DropColumn {
                table: "users".into(),
                column: "legacy".into(),
            },
        ),
        at(
            12,
            5,
            Change::DropColumn {
                table: "users".into(),
                column: "a".into(),
            },
        ),
        at(
            12,
            5,
            Change::DropColumn {
                table: "users".into(),
                column: "b".into(),
            },
        ),
        at(
            13,
            5,
            Change::RenameColumn {
                table: "users".into(),
                from: "mail".into(),
                to: "email".into(),
            },
        ),
        at(
            14,
            5,
            Change::RenameTable {
                from: "people".into(),
                to: "persons".into(),
            },
        ),
        at(
            15,
            5,
            Change::AlterColumnType {
                table: "users".into(),
                column: "name".into(),
                from: None,
                to: ColumnType {
                    name: "varchar".into(),
                    args: vec![50],
                },
            },
        ),
        at(
            16,
            5,
            Change::SetNotNull {
                table: "users".into(),
                column: "email".into(),
            },
        ),
        at(
            17,
            5,
            Change::DropNotNull {
                table: "users".into(),
                column: "phone".into(),
            },
        ),
        at(
            18,
            5,
            Change::DropDefault {
                table: "users".into(),
                column: "score".into(),
            },
        ),
        at(
            19,
            5,
            Change::SetDefault {
                table: "users".into(),
                column: "score".into(),
            },
        ),
        at(20, 5, index("users", true, true, &["email"])),
        at(21, 5, index("users", false, false, &["name"])),
        at(
            22,
            5,
            Change::DropIndex {
                concurrently: true,
                unique: None,
            },
        ),
        at(23, 5, add("posts", "author_id", false, false, false)),
        at(23, 5, index("posts", false, true, &[])),
        at(23, 5, fk("posts", true, &[])),
        at(24, 5, fk("posts", true, &["user_id"])),
        at(
            25,
            5,
            Change::AddConstraint {
                table: "users".into(),
                kind: ConstraintKind::Check,
                not_valid: false,
                using_index: false,
                columns: vec!["score".into()],
                cascades: false,
                detail: ConstraintDetail {
                    name: Some("score_positive".into()),
                    check: Some("score >= 0".into()),
                    ..Default::default()
                },
            },
        ),
        at(
            26,
            5,
            Change::DropConstraint {
                table: "posts".into(),
                kind: Some(ConstraintKind::ForeignKey),
                columns: Vec::new(),
                detail: Default::default(),
            },
        ),
        at(
            27,
            5,
            Change::DropConstraint {
                table: "users".into(),
                kind: Some(ConstraintKind::Check),
                columns: Vec::new(),
                detail: ConstraintDetail {
                    name: Some("score_positive".into()),
                    check: None,
                    ..Default::default()
                },
            },
        ),
        at(
            28,
            5,
            Change::DropTable {
                table: "sessions".into(),
            },
        ),
        at(
            30,
            7,
            Change::DropColumn {
                table: "orders".into(),
                column: "coupon".into(),
            },
        ),
        at(
            31,
            7,
            Change::RenameColumn {
                table: "orders".into(),
                from: "total".into(),
                to: "amount".into(),
            },
        ),
        at(
            32,
            7,
            Change::AlterColumnType {
                table: "orders".into(),
                column: "amount".into(),
                from: None,
                to: ColumnType {
                    name: "numeric".into(),
                    args: vec![10, 2],
                },
            },
        ),
        at(33, 7, add("orders", "note", false, false, false)),
        at(34, 7, add("orders", "ref", true, false, false)),
        at(35, 7, index("orders", false, false, &["ref"])),
        at(
            36,
            7,
            Change::DropIndex {
                concurrently: false,
                unique: None,
            },
        ),
        at(37, 7, add("orders", "shop_id", false, false, false)),
        at(37, 7, index("orders", false, false, &[])),
        at(
            39,
            14,
            Change::DataChange {
                table: "users".into(),
                whole_table: true,
                columns: vec!["score".into()],
            },
        ), // embedded SQL, read at its place
        at(
            41,
            7,
            Change::DataChange {
                table: "sessions".into(),
                whole_table: true,
                columns: Vec::new(),
            },
        ), // embedded SQL, read at its place
        at(
            43,
            22,
            Change::DropColumn {
                table: "users".into(),
                column: "unsafe".into(),
            },
        ),
        at(
            45,
            25,
            Change::Neutral {
                what: "SELECT".into(),
            },
        ), // embedded SQL
        at(
            48,
            5,
            Change::Code {
                what: "User.reset_column_information".into(),
            },
        ),
        at(
            49,
            5,
            Change::Code {
                what: "backfill_scores".into(),
            },
        ),
    ];
    assert_eq!(read_rails(MIGRATION, Dialect::Postgres), expected);
}

#[test]
fn reads_up_and_force_and_interpolation() {
    let text = "class A < ActiveRecord::Migration[6.0]\n  def self.up\n    create_table :t, force: :cascade\n    execute \"DROP #{x}\"\n    execute sql\n    if foo\n      drop_table :x\n    end\n  end\nend\n";
    assert_eq!(
        read_rails(text, Dialect::Postgres),
        vec![
            at(3, 5, Change::DropTable { table: "t".into() }),
            at(3, 5, Change::CreateTable { table: "t".into() }),
            at(
                4,
                5,
                Change::Code {
                    what: "interpolated SQL".into()
                }
            ),
            at(
                5,
                5,
                Change::Code {
                    what: "execute with computed SQL".into()
                }
            ),
            // The condition only queries; the branch's statements are read.
            at(7, 7, Change::DropTable { table: "x".into() }),
        ]
    );
}

#[test]
fn syntax_errors_are_unparsed_with_a_location() {
    let changes = read_rails(
        "class A\n  def change\n    add_column :t, :c, \n  end\n",
        Dialect::Postgres,
    );
    assert!(
        changes
            .iter()
            .any(|c| matches!(c.item, Change::Unparsed { .. }))
    );
    assert!(changes.iter().all(|c| c.at.line >= 1 && c.at.column >= 1));
}

#[test]
fn empty_files_have_no_changes() {
    assert_eq!(read_rails("", Dialect::Postgres), vec![]);
    assert_eq!(read_rails("# nothing\n", Dialect::Mysql), vec![]);
}

#[test]
fn enum_values_and_renames() {
    let text = "class Moods < ActiveRecord::Migration[7.1]\n  def change\n    add_enum_value :mood, \"happy\"\n    rename_enum_value :mood, from: \"sad\", to: \"blue\"\n    rename_enum :mood, to: :feeling\n    rename_enum :status, :state\n  end\nend\n";
    let rename = |from: &str, to: &str| Change::RenameObject {
        kind: ObjectKind::Type,
        from: from.into(),
        to: to.into(),
    };
    assert_eq!(
        read_rails(text, Dialect::Postgres),
        vec![
            at(
                3,
                5,
                Change::AddEnumValue {
                    name: "mood".into()
                }
            ),
            at(4, 5, rename("mood.sad", "mood.blue")),
            at(5, 5, rename("mood", "feeling")),
            at(6, 5, rename("status", "state")),
        ]
    );
}
