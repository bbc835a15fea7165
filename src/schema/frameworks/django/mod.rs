//! Django migrations (`migrations/NNNN_*.py`): the `operations` of the `Migration` class.
use tree_sitter::Node;

use super::python::{self, PyCall, PyString};
use super::source::{Source, children, in_file_order};
use super::types;
use crate::config::schema::Dialect;
use crate::schema::model::{Change, ConstraintDetail, ConstraintKind, Located};
use crate::schema::sql::read_sql;

mod state;

use state::relation;
pub use state::{AppState, FieldState};

/// Read a Django migration's `operations = [...]`. Tables are named `<app_label>_<model>` as
/// Django does (the app label is the directory above `migrations/`; without one, the model name
/// lower-cased). `RunSQL` is read with [`read_sql`] in `dialect`, `RunPython` becomes
/// [`Change::Code`], syntax errors [`Change::Unparsed`].
pub fn read_django(text: &str, dialect: Dialect, app_label: Option<&str>) -> Vec<Located<Change>> {
    read_django_with(text, dialect, app_label, &mut AppState::new(app_label))
}

/// [`read_django`] against `state`, the app's models as its earlier migrations left them
/// (replayed as `sqlmigrate` does): an `AlterField` is compared with the field's previous
/// declaration, and a `DROP` of a model or field that an earlier migration already removed
/// from the state is neutral. `state` then takes this migration's operations.
pub fn read_django_with(
    text: &str,
    dialect: Dialect,
    app_label: Option<&str>,
    state: &mut AppState,
) -> Vec<Located<Change>> {
    let src = Source::parse(text, tree_sitter_python::LANGUAGE.into());
    let mut out = src.syntax_errors();
    if let Some(tree) = &src.tree {
        let mut reader = Django {
            src: &src,
            dialect,
            app_label,
            state,
            out: Vec::new(),
        };
        for class in python::top_level(&src, tree.root_node(), "class_definition", "Migration") {
            reader.class(class);
        }
        out.append(&mut reader.out);
    }
    in_file_order(out)
}

/// Replay a migration into `state` without judging it.
pub fn replay_django(text: &str, state: &mut AppState) {
    let src = Source::parse(text, tree_sitter_python::LANGUAGE.into());
    let Some(tree) = &src.tree else {
        return;
    };
    for class in python::top_level(&src, tree.root_node(), "class_definition", "Migration") {
        if let Some(list) = operations_list(&src, class) {
            state.apply_all(&src, list);
        }
    }
}

fn operations_list<'t>(src: &Source<'_>, class: Node<'t>) -> Option<Node<'t>> {
    let body = class.child_by_field_name("body").map(children)?;
    body.into_iter().find_map(|statement| {
        let assignment = children(statement)
            .into_iter()
            .find(|n| n.kind() == "assignment")?;
        let left = assignment.child_by_field_name("left")?;
        (src.text_of(left) == "operations").then(|| assignment.child_by_field_name("right"))?
    })
}

struct Django<'s, 'a> {
    src: &'s Source<'a>,
    dialect: Dialect,
    app_label: Option<&'s str>,
    state: &'s mut AppState,
    out: Vec<Located<Change>>,
}

impl<'s> Django<'s, '_> {
    fn class(&mut self, class: Node<'s>) {
        let body = class
            .child_by_field_name("body")
            .map(children)
            .unwrap_or_default();
        for statement in body {
            let Some(assignment) = children(statement)
                .into_iter()
                .find(|n| n.kind() == "assignment")
            else {
                continue;
            };
            let left = assignment
                .child_by_field_name("left")
                .map(|n| self.src.text_of(n));
            if left == Some("operations") {
                if let Some(list) = assignment.child_by_field_name("right") {
                    self.operations(list, true);
                }
            }
        }
    }

    fn push(&mut self, node: Node<'_>, change: Change) {
        let located = self.src.at(node, change);
        self.out.push(located);
    }

    fn operations(&mut self, list: Node<'s>, update_state: bool) {
        let Some(items) = python::list_items(self.src, list) else {
            self.push(
                list,
                Change::Code {
                    what: "computed operations".to_owned(),
                },
            );
            return;
        };
        for op in items {
            match PyCall::of(self.src, op) {
                Some(call) => {
                    self.operation(&call);
                    if update_state {
                        self.state.apply(self.src, &call);
                    }
                }
                None => self.push(
                    op,
                    Change::Code {
                        what: op.kind().to_owned(),
                    },
                ),
            }
        }
    }

    fn table(&self, model: &str) -> String {
        let model = model.to_ascii_lowercase();
        match self.app_label {
            Some(app) => format!("{app}_{model}"),
            None => model,
        }
    }

    fn operation(&mut self, call: &PyCall<'s>) {
        let src = self.src;
        let n = call.node;
        let model = |pos, kw| python::name(src, call.arg(pos, kw)).map(|m| self.table(&m));
        let table = model(0, "model_name");
        let name = python::name(src, call.arg(1, "name"));
        let field = call.arg(2, "field").and_then(|f| PyCall::of(src, f));
        match (call.name.as_str(), table) {
            ("CreateModel", _) => match self.model_table(call) {
                Some(table) => self.push(n, Change::CreateTable { table }),
                None => self.code(call),
            },
            ("DeleteModel", _) => match model(0, "name") {
                Some(table) => self.push(n, Change::DropTable { table }),
                None => self.code(call),
            },
            ("RenameModel", _) => match (model(0, "old_name"), model(1, "new_name")) {
                (Some(from), Some(to)) => self.push(n, Change::RenameTable { from, to }),
                _ => self.code(call),
            },
            ("AddField", Some(table)) => match (name, field) {
                (Some(name), Some(field)) => self.add_field(n, table, name, &field),
                _ => self.code(call),
            },
            ("RemoveField", Some(table)) => match name {
                Some(column) => self.push(n, Change::DropColumn { table, column }),
                None => self.code(call),
            },
            ("AlterField", Some(table)) => match (name, field) {
                (Some(name), Some(field)) if self.known_field(call, &name).is_some() => {
                    let old = self
                        .known_field(call, &name)
                        .unwrap_or_else(|| unreachable!());
                    self.alter_known(n, table, &name, &old, &field);
                }
                (Some(name), Some(field)) => {
                    let column = self.column(&name, &field);
                    let to = self.field_type(&field);
                    self.push(
                        n,
                        Change::AlterColumnType {
                            table,
                            column,
                            from: None,
                            to,
                        },
                    );
                }
                _ => self.code(call),
            },
            ("RenameField", Some(table)) => {
                let from = python::name(src, call.arg(1, "old_name"));
                let to = python::name(src, call.arg(2, "new_name"));
                match (from, to) {
                    (Some(from), Some(to)) => {
                        self.push(n, Change::RenameColumn { table, from, to })
                    }
                    _ => self.code(call),
                }
            }
            ("AddIndex" | "AddIndexConcurrently", Some(table)) => {
                let concurrently = call.name == "AddIndexConcurrently";
                self.push(
                    n,
                    Change::CreateIndex {
                        table,
                        unique: false,
                        concurrently,
                        columns: Vec::new(),
                    },
                );
            }
            ("RemoveIndex" | "RemoveIndexConcurrently", Some(_)) => {
                let concurrently = call.name == "RemoveIndexConcurrently";
                self.push(
                    n,
                    Change::DropIndex {
                        concurrently,
                        unique: None,
                    },
                );
            }
            ("AddConstraint" | "AddConstraintNotValid", Some(table)) => {
                let constraint = call.arg(1, "constraint").and_then(|c| PyCall::of(src, c));
                let kind = match constraint.as_ref().map(|c| c.name.as_str()) {
                    Some("UniqueConstraint") => ConstraintKind::Unique,
                    Some("CheckConstraint") => ConstraintKind::Check,
                    Some("ExclusionConstraint") => ConstraintKind::Exclusion,
                    _ => return self.code(call),
                };
                let not_valid = call.name == "AddConstraintNotValid";
                let columns = constraint
                    .as_ref()
                    .map(|c| self.constraint_columns(call, c))
                    .unwrap_or_default();
                let name = constraint
                    .as_ref()
                    .and_then(|c| python::name(src, c.kw("name")));
                let nulls_not_distinct = constraint
                    .as_ref()
                    .and_then(|c| c.kw("nulls_distinct"))
                    .is_some_and(|v| v.kind() == "false");
                self.push(
                    n,
                    Change::AddConstraint {
                        table,
                        kind,
                        not_valid,
                        using_index: false,
                        columns,
                        cascades: false,
                        detail: ConstraintDetail {
                            name,
                            check: None,
                            nulls_not_distinct,
                        },
                    },
                );
            }
            ("RemoveConstraint", Some(table)) => {
                let name = call.arg(1, "name").and_then(|a| python::name(src, Some(a)));
                self.push(
                    n,
                    Change::DropConstraint {
                        table,
                        kind: None,
                        columns: Vec::new(),
                        detail: ConstraintDetail {
                            name,
                            check: None,
                            ..Default::default()
                        },
                    },
                );
            }
            ("ValidateConstraint", Some(table)) => {
                self.push(n, Change::ValidateConstraint { table })
            }
            ("AlterModelOptions" | "AlterModelManagers", _) => {
                self.push(
                    n,
                    Change::NoDatabaseChange {
                        what: call.name.clone(),
                    },
                );
            }
            ("AlterIndexTogether", _) => match model(0, "name") {
                Some(table) => self.push(
                    n,
                    Change::CreateIndex {
                        table,
                        unique: false,
                        concurrently: false,
                        columns: Vec::new(),
                    },
                ),
                None => self.code(call),
            },
            ("AlterUniqueTogether", _) => {
                match (model(0, "name"), python::name(src, call.arg(0, "name"))) {
                    (Some(table), Some(model)) => self.unique_together(n, table, &model, call),
                    _ => self.code(call),
                }
            }
            ("RunSQL", _) => match call.arg(0, "sql") {
                Some(sql) => self.run_sql(n, sql),
                None => self.code(call),
            },
            ("RunPython", _) => {
                let code = call.arg(0, "code").map(|c| src.text_of(c));
                if !code.is_some_and(|c| c.ends_with("RunPython.noop")) {
                    self.push(
                        n,
                        Change::Data {
                            what: "RunPython".to_owned(),
                        },
                    );
                }
            }
            ("SeparateDatabaseAndState", _) => {
                if let Some(ops) = call.arg(0, "database_operations") {
                    // Database operations leave the state alone; `state_operations` change it.
                    self.operations(ops, false);
                }
            }
            _ => self.code(call),
        }
    }

    /// A `DROP` of a table or column whose model or field an earlier migration already removed
    /// from the state (Django's two-step removal), or of a column no field of the replayed model
    /// maps to any more (its field moved to another `db_column`): no deployed code reads it.
    fn after_state_removal(&self, change: Located<Change>) -> Located<Change> {
        let removed = match &change.item {
            Change::DropTable { table } => self.state.removed_earlier(table, None),
            Change::DropColumn { table, column } => {
                self.state.removed_earlier(table, Some(column))
                    || self.state.removed_earlier(table, None)
                    || (self.state.replayed()
                        && self.state.maps_column(table, column) == Some(false))
            }
            _ => false,
        };
        if !removed {
            return change;
        }
        Located {
            at: change.at,
            item: Change::NoDatabaseChange {
                what: "a DROP of what an earlier migration removed from the models".to_owned(),
            },
        }
    }

    /// The field `AlterField` changes, as the replayed state knew it before.
    fn known_field(&self, call: &PyCall<'_>, name: &str) -> Option<FieldState> {
        let model = python::name(self.src, call.arg(0, "model_name"))?;
        self.state.field(&model, name).cloned()
    }

    /// The database columns a `UniqueConstraint(fields=..)` or `CheckConstraint(check=Q(..))` reads.
    fn constraint_columns(&self, call: &PyCall<'_>, constraint: &PyCall<'_>) -> Vec<String> {
        let model = python::name(self.src, call.arg(0, "model_name")).unwrap_or_default();
        let mut names = Vec::new();
        if let Some(fields) = constraint.kw("fields") {
            names.extend(
                children(fields)
                    .into_iter()
                    .filter_map(|f| python::name(self.src, Some(f))),
            );
        }
        if let Some(check) = constraint
            .kw("check")
            .or_else(|| constraint.kw("condition"))
        {
            lookup_names(self.src, check, &mut names);
        }
        names
            .into_iter()
            .map(|name| match self.state.field(&model, &name) {
                Some(field) => AppState::column_of(&name, field),
                None => name,
            })
            .collect()
    }

    /// `AlterUniqueTogether` against the sets the state had: a constraint per new set, a
    /// relaxation per removed one.
    fn unique_together(&mut self, n: Node<'_>, table: String, model: &str, call: &PyCall<'_>) {
        let new = call
            .arg(1, "unique_together")
            .map(|node| state::together(self.src, node))
            .unwrap_or_default();
        let old = self.state.unique_together(model);
        // Removed sets first: a set moved to other columns is then judged as moved.
        for set in old.difference(&new) {
            let columns = set.iter().map(|f| self.state.column(model, f)).collect();
            self.push(
                n,
                Change::DropConstraint {
                    table: table.clone(),
                    kind: Some(ConstraintKind::Unique),
                    columns,
                    detail: ConstraintDetail::default(),
                },
            );
        }
        for set in new.difference(&old) {
            let columns = set.iter().map(|f| self.state.column(model, f)).collect();
            self.push(
                n,
                Change::AddConstraint {
                    table: table.clone(),
                    kind: ConstraintKind::Unique,
                    not_valid: false,
                    using_index: false,
                    columns,
                    cascades: false,
                    detail: Default::default(),
                },
            );
        }
        if new == old {
            self.push(
                n,
                Change::NoDatabaseChange {
                    what: "AlterUniqueTogether".to_owned(),
                },
            );
        }
    }

    /// `AlterField` against the field's previous declaration: one change per database-relevant
    /// difference, or none at all.
    fn alter_known(
        &mut self,
        n: Node<'_>,
        table: String,
        name: &str,
        old: &FieldState,
        field: &PyCall<'_>,
    ) {
        let new = FieldState::of(self.src, field);
        let column = AppState::column_of(name, &new);
        let old_column = AppState::column_of(name, old);
        let t = || table.clone();
        let mut changed = false;
        if old_column != column {
            self.push(
                n,
                Change::RenameColumn {
                    table: t(),
                    from: old_column,
                    to: column.clone(),
                },
            );
            changed = true;
        }
        let number = |f: &FieldState, k: &str| {
            f.arg(k)
                .and_then(|v| v.replace('_', "").parse::<u64>().ok())
        };
        let ty = |f: &FieldState| {
            types::django(
                &f.kind,
                number(f, "max_length"),
                number(f, "max_digits"),
                number(f, "decimal_places"),
                self.dialect,
            )
        };
        let (from, to) = (ty(old), ty(&new));
        if from != to {
            self.push(
                n,
                Change::AlterColumnType {
                    table: t(),
                    column: column.clone(),
                    from: Some(from),
                    to,
                },
            );
            changed = true;
        }
        // Django's ORM writes every field of the model on insert: a field whose old declaration
        // has a Python-side default (or auto_now) never gets NULL from old code.
        let always_written = |f: &FieldState| {
            f.arg("default").is_some_and(|d| d != "None")
                || f.flag("auto_now")
                || f.flag("auto_now_add")
        };
        match (old.flag("null"), new.flag("null")) {
            (true, false) if always_written(old) => {
                self.push(
                    n,
                    Change::Neutral {
                        what: format!(
                            "SET NOT NULL on {}.{column}, which old code always writes (its field has a default)",
                            t()
                        ),
                    },
                );
                changed = true;
            }
            (true, false) => {
                self.push(
                    n,
                    Change::SetNotNull {
                        table: t(),
                        column: column.clone(),
                    },
                );
                changed = true;
            }
            (false, true) => {
                self.push(
                    n,
                    Change::DropNotNull {
                        table: t(),
                        column: column.clone(),
                    },
                );
                changed = true;
            }
            _ => {}
        }
        let unique = |f: &FieldState| {
            f.flag("unique")
                || f.flag("primary_key")
                || (f.kind.ends_with("OneToOneField") && f.args.contains_key("to"))
        };
        match (unique(old), unique(&new)) {
            (false, true) => {
                self.push(
                    n,
                    Change::AddConstraint {
                        table: t(),
                        kind: ConstraintKind::Unique,
                        not_valid: false,
                        using_index: false,
                        columns: vec![column.clone()],
                        cascades: false,
                        detail: Default::default(),
                    },
                );
                changed = true;
            }
            (true, false) => {
                self.push(
                    n,
                    Change::DropConstraint {
                        table: t(),
                        kind: Some(ConstraintKind::Unique),
                        columns: vec![column.clone()],
                        detail: ConstraintDetail::default(),
                    },
                );
                changed = true;
            }
            _ => {}
        }
        if old.indexed() != new.indexed() {
            if new.indexed() {
                self.push(
                    n,
                    Change::CreateIndex {
                        table: t(),
                        unique: false,
                        concurrently: false,
                        columns: vec![column.clone()],
                    },
                );
            } else {
                self.push(
                    n,
                    Change::DropIndex {
                        concurrently: false,
                        unique: None,
                    },
                );
            }
            changed = true;
        }
        if old.arg("db_default") != new.arg("db_default") {
            if new.arg("db_default").is_some() {
                self.push(
                    n,
                    Change::SetDefault {
                        table: t(),
                        column: column.clone(),
                    },
                );
            } else {
                self.push(
                    n,
                    Change::DropDefault {
                        table: t(),
                        column: column.clone(),
                    },
                );
            }
            changed = true;
        }
        let constrained =
            |f: &FieldState| f.args.contains_key("to") && f.arg("db_constraint") != Some("False");
        if constrained(old) && (!constrained(&new) || old.arg("to") != new.arg("to")) {
            self.push(
                n,
                Change::DropConstraint {
                    table: t(),
                    kind: Some(ConstraintKind::ForeignKey),
                    columns: vec![column.clone()],
                    detail: ConstraintDetail::default(),
                },
            );
            changed = true;
        }
        if constrained(&new) && (!constrained(old) || old.arg("to") != new.arg("to")) {
            self.push(
                n,
                Change::AddConstraint {
                    table: t(),
                    kind: ConstraintKind::ForeignKey,
                    not_valid: false,
                    using_index: false,
                    columns: vec![column.clone()],
                    cascades: false,
                    detail: Default::default(),
                },
            );
            changed = true;
        }
        if !changed {
            self.push(
                n,
                Change::NoDatabaseChange {
                    what: format!("AlterField of {table}.{column}"),
                },
            );
        }
    }

    fn code(&mut self, call: &PyCall<'_>) {
        self.push(
            call.node,
            Change::Code {
                what: call.name.clone(),
            },
        );
    }

    /// The table of a `CreateModel`: its `db_table` option, else `<app>_<name>`.
    fn model_table(&self, call: &PyCall<'_>) -> Option<String> {
        let db_table = call
            .arg(2, "options")
            .filter(|o| o.kind() == "dictionary")
            .and_then(|options| {
                children(options).into_iter().find_map(|pair| {
                    let key = python::name(self.src, pair.child_by_field_name("key"))?;
                    (key == "db_table")
                        .then(|| python::name(self.src, pair.child_by_field_name("value")))?
                })
            });
        db_table.or_else(|| python::name(self.src, call.arg(0, "name")).map(|m| self.table(&m)))
    }

    /// The column a field is stored in: `db_column`, `<name>_id` for relations, else the name.
    fn column(&self, name: &str, field: &PyCall<'_>) -> String {
        if let Some(column) = python::name(self.src, field.kw("db_column")) {
            return column;
        }
        match relation(self.src, field) {
            Some(true) => format!("{name}_id"),
            _ => name.to_owned(),
        }
    }

    fn field_type(&self, field: &PyCall<'_>) -> crate::schema::model::ColumnType {
        let int = |kw| python::int(self.src, field.kw(kw));
        types::django(
            &field.name,
            int("max_length"),
            int("max_digits"),
            int("decimal_places"),
            self.dialect,
        )
    }

    fn add_field(&mut self, n: Node<'_>, table: String, name: String, field: &PyCall<'_>) {
        if field.name == "ManyToManyField" {
            // A join table `<app>_<model>_<field>`, no column on this table.
            let table = format!("{table}_{}", name.to_ascii_lowercase());
            self.push(n, Change::CreateTable { table });
            return;
        }
        let column = self.column(&name, field);
        let not_null = !field.kw_true("null") && field.name != "NullBooleanField";
        // `default` is Python-side: Django sets it as the database default only while it adds
        // the column, then drops it; `db_default` (Django 5+) stays.
        let db_default = field.kw("db_default");
        let default = field.kw("default").or(db_default);
        let default_dropped = db_default.is_none() && default.is_some();
        let volatile_default = field.kw("db_default").is_some_and(|d| {
            let text = self.src.text_of(d);
            text.contains("RandomUUID") || text.contains("Random()") || types::calls_volatile(text)
        });
        self.push(
            n,
            Change::AddColumn {
                table: table.clone(),
                column: column.clone(),
                not_null,
                has_default: default.is_some(),
                volatile_default,
                default_dropped,
            },
        );
        if relation(self.src, field) == Some(true) {
            let unique = field.name.ends_with("OneToOneField") || field.kw_true("unique");
            if unique || field.kw("db_index").is_none_or(|v| v.kind() != "false") {
                self.push(
                    n,
                    Change::CreateIndex {
                        table: table.clone(),
                        unique,
                        concurrently: false,
                        columns: vec![column.clone()],
                    },
                );
            }
            if field
                .kw("db_constraint")
                .is_none_or(|v| v.kind() != "false")
            {
                self.push(
                    n,
                    Change::AddConstraint {
                        table,
                        kind: ConstraintKind::ForeignKey,
                        not_valid: false,
                        using_index: false,
                        columns: vec![column],
                        cascades: false,
                        detail: Default::default(),
                    },
                );
            }
        }
    }

    fn run_sql(&mut self, n: Node<'_>, sql: Node<'s>) {
        let parts = if matches!(sql.kind(), "list" | "tuple") {
            children(sql)
        } else {
            vec![sql]
        };
        for part in parts {
            // `(sql, params)` pairs: the SQL is the first element.
            let part = if part.kind() == "tuple" {
                children(part).into_iter().next().unwrap_or(part)
            } else {
                part
            };
            match python::string(self.src, part) {
                PyString::Plain { text, start } => {
                    let origin = self.src.position_of_byte(start);
                    let changes = read_sql(&text, self.dialect, origin);
                    let changes: Vec<_> = changes
                        .into_iter()
                        .map(|c| self.after_state_removal(c))
                        .collect();
                    self.out.extend(changes);
                }
                PyString::Interpolated => self.push(
                    part,
                    Change::Code {
                        what: "interpolated SQL".to_owned(),
                    },
                ),
                PyString::NotString => {
                    if !self.src.text_of(part).ends_with("RunSQL.noop") {
                        self.push(
                            n,
                            Change::Code {
                                what: "RunSQL with computed SQL".to_owned(),
                            },
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

/// Field names a `Q(..)` reads: the part of each lookup before `__` (`price__gte` → `price`), and
/// `F("name")` references.
fn lookup_names(src: &Source<'_>, node: Node<'_>, out: &mut Vec<String>) {
    if node.kind() == "keyword_argument" {
        if let Some(name) = node.child_by_field_name("name") {
            let lookup = src.text_of(name);
            let field = lookup.split("__").next().unwrap_or(lookup).to_owned();
            if !out.contains(&field) {
                out.push(field);
            }
        }
    }
    if let Some(call) = PyCall::of(src, node) {
        if call.name == "F" {
            if let Some(name) = python::name(src, call.args.first().copied()) {
                let field = name.split("__").next().unwrap_or(&name).to_owned();
                if !out.contains(&field) {
                    out.push(field);
                }
            }
        }
    }
    for child in children(node) {
        lookup_names(src, child, out);
    }
}
