//! Rails migrations (`db/migrate/*.rb`): the `change` / `up` methods' schema statements.
use std::collections::HashMap;

use tree_sitter::Node;

use super::ruby::{self, Call, RubyString};
use super::source::{Source, children, in_file_order};
use super::types;
use crate::config::schema::Dialect;
use crate::schema::model::{Change, ConstraintKind, Located, ObjectKind};
use crate::schema::sql::read_sql;

/// Read a Rails migration: the statements of `def change` / `def up` (and `def self.up`), never
/// `down`. Calls outside the migration DSL become [`Change::Code`]; syntax errors
/// [`Change::Unparsed`]. SQL given to `execute` is read with [`read_sql`] in `dialect`.
pub fn read_rails(text: &str, dialect: Dialect) -> Vec<Located<Change>> {
    let src = Source::parse(text, tree_sitter_ruby::LANGUAGE.into());
    let mut out = src.syntax_errors();
    if let Some(tree) = &src.tree {
        let root = tree.root_node();
        let mut reader = Rails {
            src: &src,
            dialect,
            heredocs: ruby::heredocs(root),
            out: Vec::new(),
        };
        reader.find_methods(root);
        out.append(&mut reader.out);
    }
    in_file_order(out)
}

struct Rails<'s, 'a> {
    src: &'s Source<'a>,
    dialect: Dialect,
    heredocs: HashMap<usize, Node<'s>>,
    out: Vec<Located<Change>>,
}

impl<'s> Rails<'s, '_> {
    fn find_methods(&mut self, node: Node<'s>) {
        for child in children(node) {
            match child.kind() {
                "method" | "singleton_method" => {
                    let name = child
                        .child_by_field_name("name")
                        .map(|n| self.src.text_of(n));
                    if matches!(name, Some("change" | "up")) {
                        let body = child
                            .child_by_field_name("body")
                            .map(children)
                            .unwrap_or_default();
                        self.statements(&body);
                    }
                }
                _ => self.find_methods(child),
            }
        }
    }

    fn push(&mut self, node: Node<'_>, change: Change) {
        let located = self.src.at(node, change);
        self.out.push(located);
    }

    fn code(&mut self, node: Node<'_>, what: impl Into<String>) {
        self.push(node, Change::Code { what: what.into() });
    }

    fn statements(&mut self, nodes: &[Node<'s>]) {
        for &node in nodes {
            self.statement(node, None);
        }
    }

    /// One statement; `reversible` is the `dir` parameter of an enclosing `reversible` block.
    fn statement(&mut self, node: Node<'s>, reversible: Option<&str>) {
        match node.kind() {
            "heredoc_body" | "empty_statement" => {}
            "call" | "identifier" => match Call::of(self.src, node) {
                Some(call) => self.call(&call, reversible),
                None => self.code(node, node.kind()),
            },
            kind => self.code(node, kind),
        }
    }

    fn name(&self, node: Option<&Node<'_>>) -> Option<String> {
        node.and_then(|n| ruby::name(self.src, *n))
    }

    fn int(&self, node: Option<Node<'_>>) -> Option<u64> {
        node.filter(|n| n.kind() == "integer")
            .and_then(|n| self.src.text_of(n).replace('_', "").parse().ok())
    }

    fn call(&mut self, call: &Call<'s>, reversible: Option<&str>) {
        if let Some(receiver) = call.receiver {
            let receiver = self.src.text_of(receiver);
            if Some(receiver) == reversible && call.method == "up" {
                let (body, _) = call.block_statements();
                self.statements(&body);
            } else if Some(receiver) != reversible || call.method != "down" {
                self.code(call.node, format!("{receiver}.{}", call.method));
            }
            return;
        }
        let table = self.name(call.args.first());
        let n = call.node;
        match (call.method.as_str(), table) {
            ("say", _) => {}
            ("safety_assured" | "say_with_time" | "up_only", _) => {
                let (body, _) = call.block_statements();
                self.statements(&body);
            }
            ("reversible", _) => {
                let (body, param) = call.block_statements();
                let param = param.map(|p| self.src.text_of(p).to_owned());
                for node in body {
                    self.statement(node, param.as_deref());
                }
            }
            ("execute", _) => self.execute(call),
            ("create_table", Some(table)) => {
                let force = call.kw("force").is_some_and(|v| v.kind() != "false");
                if force {
                    self.push(
                        n,
                        Change::DropTable {
                            table: table.clone(),
                        },
                    );
                }
                self.push(n, Change::CreateTable { table });
            }
            ("drop_table", Some(table)) => self.push(n, Change::DropTable { table }),
            ("rename_table", Some(from)) => match self.name(call.args.get(1)) {
                Some(to) => self.push(n, Change::RenameTable { from, to }),
                None => self.code(n, "rename_table"),
            },
            ("change_table", Some(table)) => self.change_table(call, &table),
            ("enable_extension" | "create_enum", Some(name)) => {
                let kind = if call.method == "create_enum" {
                    ObjectKind::Type
                } else {
                    ObjectKind::Extension
                };
                self.push(n, Change::CreateObject { kind, name });
            }
            ("disable_extension" | "drop_enum", Some(name)) => {
                let kind = if call.method == "drop_enum" {
                    ObjectKind::Type
                } else {
                    ObjectKind::Extension
                };
                self.push(n, Change::DropObject { kind, name });
            }
            (method, Some(table)) => {
                let rest = Call {
                    node: n,
                    receiver: None,
                    method: method.to_owned(),
                    args: call.args.iter().skip(1).copied().collect(),
                    kwargs: call.kwargs.clone(),
                    block: call.block,
                };
                if !self.table_call(&rest, &table, false) {
                    self.code(n, method);
                }
            }
            (method, None) => self.code(n, method),
        }
    }

    fn change_table(&mut self, call: &Call<'s>, table: &str) {
        let (body, param) = call.block_statements();
        let param = param.map(|p| self.src.text_of(p).to_owned());
        for node in body {
            let Some(inner) = Call::of(self.src, node) else {
                self.statement(node, None);
                continue;
            };
            let on_table = inner
                .receiver
                .is_some_and(|r| Some(self.src.text_of(r)) == param.as_deref());
            if !on_table {
                self.statement(node, None);
            } else if !self.table_call(&inner, table, true) {
                self.code(node, format!("t.{}", inner.method));
            }
        }
    }

    /// A statement on `table`, its arguments after the table: `add_column :users, <args>` or,
    /// in a `change_table` block (`in_block`), `t.string <args>`. False when not understood.
    fn table_call(&mut self, call: &Call<'s>, table: &str, in_block: bool) -> bool {
        let n = call.node;
        let t = || table.to_owned();
        let first = self.name(call.args.first());
        let second = self.name(call.args.get(1));
        let method = call.method.as_str();
        let method = match (in_block, method) {
            (true, "remove") => "remove_columns",
            (true, "rename") => "rename_column",
            (true, "change") => "change_column",
            (true, "change_default") => "change_column_default",
            (true, "change_null") => "change_column_null",
            (true, "column") => "add_column",
            (true, "index") => "add_index",
            (true, "references" | "belongs_to") => "add_reference",
            (true, "remove_references" | "remove_belongs_to") => "remove_reference",
            (true, "timestamps") => "add_timestamps",
            (true, "foreign_key") => "add_foreign_key",
            (true, "check_constraint") => "add_check_constraint",
            (true, ty) if types::RAILS_TYPES.contains(&ty) => {
                for column in call.args.iter().filter_map(|a| ruby::name(self.src, *a)) {
                    self.add_column(call, table, column);
                }
                return true;
            }
            (_, method) => method,
        };
        match (method, first) {
            ("add_column", Some(column)) => self.add_column(call, table, column),
            ("remove_column" | "remove_columns", Some(_)) => {
                let columns = call.args.iter().filter_map(|a| ruby::name(self.src, *a));
                // `remove_column :t, :c, :type`: the third argument is the type.
                let take = if method == "remove_column" {
                    1
                } else {
                    usize::MAX
                };
                for column in columns.take(take).collect::<Vec<_>>() {
                    self.push(n, Change::DropColumn { table: t(), column });
                }
            }
            ("rename_column", Some(from)) => match second {
                Some(to) => self.push(
                    n,
                    Change::RenameColumn {
                        table: t(),
                        from,
                        to,
                    },
                ),
                None => return false,
            },
            ("change_column", Some(column)) => match second {
                Some(ty) => {
                    let to = self.column_type(call, &ty);
                    self.push(
                        n,
                        Change::AlterColumnType {
                            table: t(),
                            column,
                            from: None,
                            to,
                        },
                    );
                }
                None => return false,
            },
            ("change_column_null", Some(column)) => match call.args.get(1).map(|a| a.kind()) {
                Some("true") => self.push(n, Change::DropNotNull { table: t(), column }),
                Some("false") => {
                    if call.args.get(2).is_some_and(|a| a.kind() != "nil") {
                        // The fourth argument first replaces NULLs: an UPDATE .. WHERE c IS NULL.
                        self.push(
                            n,
                            Change::DataChange {
                                table: t(),
                                whole_table: false,
                            },
                        );
                    }
                    self.push(n, Change::SetNotNull { table: t(), column });
                }
                _ => return false,
            },
            ("change_column_default", Some(column)) => {
                let to = if call.kw("from").is_some() || call.kw("to").is_some() {
                    call.kw("to")
                } else {
                    call.args.get(1).copied()
                };
                if to.is_none_or(|v| v.kind() == "nil") {
                    self.push(n, Change::DropDefault { table: t(), column });
                } else {
                    self.push(n, Change::SetDefault { table: t(), column });
                }
            }
            ("add_index", _) => {
                let unique = call.kw_true("unique");
                let concurrently = self.concurrently(call.kw("algorithm"));
                self.push(
                    n,
                    Change::CreateIndex {
                        table: t(),
                        unique,
                        concurrently,
                    },
                );
            }
            ("remove_index", _) => {
                let concurrently = self.concurrently(call.kw("algorithm"));
                self.push(n, Change::DropIndex { concurrently });
            }
            ("rename_index", _) => self.push(
                n,
                Change::Neutral {
                    what: "rename_index".to_owned(),
                },
            ),
            ("add_reference" | "add_belongs_to", Some(name)) => {
                self.add_reference(call, table, &name)
            }
            ("remove_reference" | "remove_belongs_to", Some(name)) => {
                self.push(
                    n,
                    Change::DropColumn {
                        table: t(),
                        column: format!("{name}_id"),
                    },
                );
                if call.kw("polymorphic").is_some_and(|v| v.kind() != "false") {
                    self.push(
                        n,
                        Change::DropColumn {
                            table: t(),
                            column: format!("{name}_type"),
                        },
                    );
                }
            }
            ("add_timestamps", _) => {
                for column in ["created_at", "updated_at"] {
                    self.add_column(call, table, column.to_owned());
                }
            }
            ("remove_timestamps", _) => {
                for column in ["created_at", "updated_at"] {
                    self.push(
                        n,
                        Change::DropColumn {
                            table: t(),
                            column: column.to_owned(),
                        },
                    );
                }
            }
            ("add_foreign_key" | "add_check_constraint", _) => {
                let kind = if method == "add_foreign_key" {
                    ConstraintKind::ForeignKey
                } else {
                    ConstraintKind::Check
                };
                let not_valid = call.kw_false("validate");
                self.push(
                    n,
                    Change::AddConstraint {
                        table: t(),
                        kind,
                        not_valid,
                        using_index: false,
                    },
                );
            }
            ("validate_foreign_key" | "validate_check_constraint" | "validate_constraint", _) => {
                self.push(n, Change::ValidateConstraint { table: t() });
            }
            ("remove_foreign_key" | "remove_check_constraint", _) => {
                let kind = if method == "remove_foreign_key" {
                    ConstraintKind::ForeignKey
                } else {
                    ConstraintKind::Check
                };
                self.push(
                    n,
                    Change::DropConstraint {
                        table: t(),
                        kind: Some(kind),
                    },
                );
            }
            _ => return false,
        }
        true
    }

    fn concurrently(&self, algorithm: Option<Node<'_>>) -> bool {
        algorithm.is_some_and(|a| self.src.text_of(a) == ":concurrently")
    }

    fn column_type(&self, call: &Call<'_>, ty: &str) -> crate::schema::model::ColumnType {
        types::rails(
            ty,
            self.int(call.kw("limit")),
            self.int(call.kw("precision")),
            self.int(call.kw("scale")),
            self.dialect,
        )
    }

    fn add_column(&mut self, call: &Call<'_>, table: &str, column: String) {
        let not_null = if call.method.contains("timestamps") {
            !call.kw_true("null")
        } else {
            call.kw_false("null")
        };
        let default = call.kw("default").filter(|d| d.kind() != "nil");
        let volatile_default = default
            .is_some_and(|d| d.kind() == "lambda" && types::calls_volatile(self.src.text_of(d)));
        self.push(
            call.node,
            Change::AddColumn {
                table: table.to_owned(),
                column,
                not_null,
                has_default: default.is_some(),
                volatile_default,
            },
        );
    }

    fn add_reference(&mut self, call: &Call<'_>, table: &str, name: &str) {
        let n = call.node;
        let t = || table.to_owned();
        self.add_column(call, table, format!("{name}_id"));
        let polymorphic = call.kw("polymorphic").is_some_and(|v| v.kind() != "false");
        if polymorphic {
            self.add_column(call, table, format!("{name}_type"));
        }
        match call.kw("index") {
            Some(index) if index.kind() == "false" => {}
            Some(index) if index.kind() == "hash" => {
                let pairs = children(index);
                let option = |key: &str| {
                    pairs.iter().find_map(|p| {
                        let k = p.child_by_field_name("key")?;
                        let v = p.child_by_field_name("value")?;
                        (ruby::name(self.src, k).as_deref() == Some(key)).then_some(v)
                    })
                };
                let unique = option("unique").is_some_and(|v| v.kind() == "true");
                let concurrently = self.concurrently(option("algorithm"));
                self.push(
                    n,
                    Change::CreateIndex {
                        table: t(),
                        unique,
                        concurrently,
                    },
                );
            }
            _ => self.push(
                n,
                Change::CreateIndex {
                    table: t(),
                    unique: false,
                    concurrently: false,
                },
            ),
        }
        let foreign_key = call
            .kw("foreign_key")
            .filter(|v| !matches!(v.kind(), "false" | "nil"));
        if let Some(fk) = foreign_key {
            let not_valid = fk.kind() == "hash"
                && self
                    .src
                    .text_of(fk)
                    .replace(' ', "")
                    .contains("validate:false");
            self.push(
                n,
                Change::AddConstraint {
                    table: t(),
                    kind: ConstraintKind::ForeignKey,
                    not_valid,
                    using_index: false,
                },
            );
        }
    }

    fn execute(&mut self, call: &Call<'_>) {
        let Some(arg) = call.args.first().copied() else {
            self.code(call.node, "execute");
            return;
        };
        let value = match arg.kind() {
            "string" => ruby::string(self.src, arg),
            "heredoc_beginning" => match self.heredocs.get(&arg.start_byte()) {
                Some(body) => ruby::heredoc(self.src, *body),
                None => RubyString::Interpolated,
            },
            _ => {
                self.code(call.node, "execute with computed SQL");
                return;
            }
        };
        match value {
            RubyString::Plain { text, start } => {
                let origin = self.src.position_of_byte(start);
                self.out.extend(read_sql(&text, self.dialect, origin));
            }
            RubyString::Interpolated => self.code(call.node, "interpolated SQL"),
        }
    }
}

#[cfg(test)]
mod tests {
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
        }
    }

    #[test]
    fn reads_every_operation_of_change_and_ignores_down() {
        let fk = |table: &str, not_valid| Change::AddConstraint {
            table: table.into(),
            kind: ConstraintKind::ForeignKey,
            not_valid,
            using_index: false,
        };
        let index = |table: &str, unique, concurrently| Change::CreateIndex {
            table: table.into(),
            unique,
            concurrently,
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
            at(20, 5, index("users", true, true)),
            at(21, 5, index("users", false, false)),
            at(22, 5, Change::DropIndex { concurrently: true }),
            at(23, 5, add("posts", "author_id", false, false, false)),
            at(23, 5, index("posts", false, true)),
            at(23, 5, fk("posts", true)),
            at(24, 5, fk("posts", true)),
            at(
                25,
                5,
                Change::AddConstraint {
                    table: "users".into(),
                    kind: ConstraintKind::Check,
                    not_valid: false,
                    using_index: false,
                },
            ),
            at(
                26,
                5,
                Change::DropConstraint {
                    table: "posts".into(),
                    kind: Some(ConstraintKind::ForeignKey),
                },
            ),
            at(
                27,
                5,
                Change::DropConstraint {
                    table: "users".into(),
                    kind: Some(ConstraintKind::Check),
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
            at(35, 7, index("orders", false, false)),
            at(
                36,
                7,
                Change::DropIndex {
                    concurrently: false,
                },
            ),
            at(37, 7, add("orders", "shop_id", false, false, false)),
            at(37, 7, index("orders", false, false)),
            at(
                39,
                14,
                Change::DataChange {
                    table: "users".into(),
                    whole_table: true,
                },
            ), // embedded SQL, read at its place
            at(
                41,
                7,
                Change::DataChange {
                    table: "sessions".into(),
                    whole_table: true,
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
                at(6, 5, Change::Code { what: "if".into() }),
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
}
