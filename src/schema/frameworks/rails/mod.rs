//! Rails migrations (`db/migrate/*.rb`): the `change` / `up` methods' schema statements.
use std::collections::HashMap;

use tree_sitter::Node;

use super::ruby::{self, Call, RubyString};
use super::source::{Source, children, in_file_order};
use super::types;
use crate::config::schema::Dialect;
use crate::schema::model::{
    Change, ConstraintDetail, ConstraintKind, Located, ObjectKind, UniqueIndex,
};
use crate::schema::sql::read_sql;

mod table;

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

/// Methods that read or write rows rather than the schema: Active Record batch updates,
/// background jobs, and GitLab's background-migration helpers.
const DATA_METHODS: &[&str] = &[
    "update_all",
    "delete_all",
    "destroy_all",
    "insert_all",
    "insert_all!",
    "upsert_all",
    "find_each",
    "find_in_batches",
    "in_batches",
    "each_batch",
    "update_column",
    "update_columns",
    "update_attribute",
    "find_by_sql",
    "push_bulk",
    "perform_async",
    "perform_in",
    "bulk_perform_async",
    "bulk_perform_in",
    "queue_background_migration_jobs_by_range_at_intervals",
    "queue_batched_background_migration",
    "delete_batched_background_migration",
    "finalize_batched_background_migration",
    "ensure_batched_background_migration_is_finished",
    "migrate_async",
    "bulk_migrate_async",
    "bulk_queue_background_migration_jobs_by_range",
];

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
            "heredoc_body" | "empty_statement" | "comment" => {}
            // Conditions (`if table_exists?(..)`, `unless index_exists?(..)`) only query the
            // schema: the statements in either branch are what the migration may do.
            "if" | "unless" | "elsif" | "else" | "then" => {
                let body = matches!(node.kind(), "then" | "else");
                for part in children(node) {
                    if body || matches!(part.kind(), "then" | "else" | "elsif") {
                        self.statement(part, reversible);
                    }
                }
            }
            "if_modifier" | "unless_modifier" => {
                if let Some(body) = node.child_by_field_name("body") {
                    self.statement(body, reversible);
                }
            }
            // The statements after `rescue` run only when the migration failed.
            "rescue" | "ensure" => {}
            "assignment" => match node.child_by_field_name("right") {
                Some(right) if self.is_data_chain(right) => self.push(
                    node,
                    Change::Data {
                        what: self.chain_name(right),
                    },
                ),
                _ => self.code(node, "assignment"),
            },
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

    /// Whether `node` is a call chain that reads or writes rows through models, jobs or batches
    /// (`Account.where(..).in_batches.update_all(..)`, `Worker.push_bulk(..)`).
    fn is_data_chain(&self, node: Node<'_>) -> bool {
        let Some(call) = Call::of(self.src, node) else {
            return false;
        };
        DATA_METHODS.contains(&call.method.as_str())
            || call.receiver.is_some_and(|r| self.is_data_chain(r))
    }

    /// `Account.update_all` for `Account.where(..).in_batches.update_all(..)`.
    fn chain_name(&self, node: Node<'_>) -> String {
        let mut root = node;
        while let Some(receiver) = Call::of(self.src, root).and_then(|c| c.receiver) {
            root = receiver;
        }
        let method = Call::of(self.src, node)
            .map(|c| c.method)
            .unwrap_or_default();
        format!("{}.{method}", self.src.text_of(root))
    }

    fn call(&mut self, call: &Call<'s>, reversible: Option<&str>) {
        if let Some(receiver_node) = call.receiver {
            let receiver = self.src.text_of(receiver_node);
            if call.method == "execute"
                && matches!(receiver, "connection" | "ActiveRecord::Base.connection")
            {
                self.execute(call);
            } else if DATA_METHODS.contains(&call.method.as_str())
                || self.is_data_chain(receiver_node)
            {
                self.push(
                    call.node,
                    Change::Data {
                        what: self.chain_name(call.node),
                    },
                );
            } else if Some(receiver) == reversible && call.method == "up" {
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
            (
                "safety_assured"
                | "say_with_time"
                | "up_only"
                | "with_lock_retries"
                | "disable_statement_timeout"
                | "transaction",
                _,
            ) => {
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
            // Mastodon's helper: builds the new index concurrently, then drops the old one.
            ("update_index", Some(table)) => {
                let columns = self.index_columns_of(call.args.get(2).copied());
                self.push(
                    n,
                    Change::CreateIndex {
                        table,
                        unique: call.kw_true("unique"),
                        concurrently: true,
                        columns,
                    },
                );
                self.push(
                    n,
                    Change::DropIndex {
                        concurrently: true,
                        unique: None,
                    },
                );
            }
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
            ("drop_join_table", Some(first)) => match self.name(call.args.get(1)) {
                Some(second) => {
                    // Rails names the join table from both names in lexical order.
                    let (a, b) = if first <= second {
                        (first, second)
                    } else {
                        (second, first)
                    };
                    self.push(
                        n,
                        Change::DropTable {
                            table: format!("{a}_{b}"),
                        },
                    );
                }
                None => self.code(n, "drop_join_table"),
            },
            ("create_view", Some(name)) => self.push(
                n,
                Change::CreateObject {
                    kind: ObjectKind::View,
                    name,
                },
            ),
            ("drop_view", Some(name)) => self.push(
                n,
                Change::DropObject {
                    kind: ObjectKind::View,
                    name,
                },
            ),
            (method, _) if DATA_METHODS.contains(&method) => self.push(
                n,
                Change::Data {
                    what: method.to_owned(),
                },
            ),
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
            ("add_enum_value", Some(name)) => self.push(n, Change::AddEnumValue { name }),
            ("rename_enum_value", Some(name)) => {
                let from = self.name(call.kw("from").as_ref());
                let to = self.name(call.kw("to").as_ref());
                match (from, to) {
                    (Some(from), Some(to)) => self.push(
                        n,
                        Change::RenameObject {
                            kind: ObjectKind::Type,
                            from: format!("{name}.{from}"),
                            to: format!("{name}.{to}"),
                        },
                    ),
                    _ => self.code(n, "rename_enum_value"),
                }
            }
            ("rename_enum", Some(from)) => {
                let to = self
                    .name(call.kw("to").as_ref())
                    .or_else(|| self.name(call.args.get(1)));
                match to {
                    Some(to) => self.push(
                        n,
                        Change::RenameObject {
                            kind: ObjectKind::Type,
                            from,
                            to,
                        },
                    ),
                    None => self.code(n, "rename_enum"),
                }
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

    fn execute(&mut self, call: &Call<'_>) {
        let Some(arg) = call.args.first().copied() else {
            self.code(call.node, "execute");
            return;
        };
        // `<<~SQL.squish`: the heredoc, whitespace folded.
        let arg = match Call::of(self.src, arg) {
            Some(c) if matches!(c.method.as_str(), "squish" | "strip" | "strip_heredoc") => {
                c.receiver.unwrap_or(arg)
            }
            _ => arg,
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
mod tests;
