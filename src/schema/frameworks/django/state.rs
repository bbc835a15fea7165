//! The project state an app's migrations build, as Django's `sqlmigrate` replays it: each model's
//! fields with the attributes that reach the database. `AlterField` is judged against it.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use tree_sitter::Node;

use super::super::python::{self, PyCall};
use super::super::source::{Source, children};

/// Field arguments that change the column, its constraints or its indexes, and the ones that
/// make old code write the column on every insert. Everything else (`choices`, `help_text`,
/// `validators`, `verbose_name`, `blank`, `editable`, `related_name`, `on_delete`, …) lives in
/// Python only.
const DATABASE_ARGUMENTS: &[&str] = &[
    "max_length",
    "max_digits",
    "decimal_places",
    "null",
    "unique",
    "db_index",
    "db_column",
    "db_default",
    "db_constraint",
    "primary_key",
    "to",
    "db_collation",
    // Not in the database, but they make the ORM write the field on every insert.
    "default",
    "auto_now",
    "auto_now_add",
];

/// A field as its migration declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldState {
    /// Its class name: `CharField`, `ForeignKey`, `BoundedBigIntegerField`.
    pub kind: String,
    /// The database-relevant keyword arguments, as written (`max_length` → `"255"`).
    pub args: BTreeMap<String, String>,
}

impl FieldState {
    /// Read a field call: `models.CharField(max_length=64, null=True)`.
    pub(crate) fn of(src: &Source<'_>, field: &PyCall<'_>) -> Self {
        let mut args: BTreeMap<String, String> = field
            .kwargs
            .iter()
            .filter(|(k, _)| DATABASE_ARGUMENTS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), src.text_of(*v).to_owned()))
            .collect();
        match relation(src, field) {
            Some(true) => {
                if let Some(to) = field.args.first() {
                    args.entry("to".to_owned())
                        .or_insert_with(|| src.text_of(*to).to_owned());
                }
            }
            Some(false) => {
                args.remove("to");
            }
            None => {}
        }
        if field.name == "NullBooleanField" {
            args.insert("null".to_owned(), "True".to_owned());
        }
        Self {
            kind: field.name.clone(),
            args,
        }
    }

    /// The argument `name` as written.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.get(name).map(String::as_str)
    }

    /// Whether the flag `name` is `True`.
    pub fn flag(&self, name: &str) -> bool {
        self.arg(name) == Some("True")
    }

    /// Whether the field has an index of its own: `db_index=True`, or a foreign key without
    /// `db_index=False` (Django indexes foreign keys by default).
    pub fn indexed(&self) -> bool {
        match self.arg("db_index") {
            Some(value) => value == "True",
            None => self.args.contains_key("to"),
        }
    }
}

/// Whether a field call of a relation's class (`ForeignKey`, `OneToOneField`, a project's
/// `*ForeignKey` subclass) declares a relation — a `<name>_id` column, an index and a
/// constraint — or not (`None` for other classes). Django rejects an `on_delete` that is not
/// callable, so one given a string (`on_delete="CASCADE"`) is a plain column that only names its
/// target, such as an id kept across databases.
pub(crate) fn relation(src: &Source<'_>, field: &PyCall<'_>) -> Option<bool> {
    let relation_class =
        field.name.ends_with("ForeignKey") || field.name.ends_with("OneToOneField");
    let string_on_delete = field
        .kw("on_delete")
        .is_some_and(|v| matches!(src.text_of(v).chars().next(), Some('"' | '\'')));
    relation_class.then_some(!string_on_delete)
}

/// One app's models: lower-cased model name → field name → field.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    app: Option<String>,
    models: HashMap<String, Model>,
    /// Tables and columns whose models or fields earlier migrations removed.
    removed: HashSet<(String, Option<String>)>,
    /// Whether earlier migrations were replayed into it.
    replayed: bool,
}

#[derive(Debug, Clone, Default)]
struct Model {
    fields: HashMap<String, FieldState>,
    db_table: Option<String>,
    unique_together: BTreeSet<Vec<String>>,
}

impl AppState {
    /// An empty state for the app labelled `app`.
    pub fn new(app: Option<&str>) -> Self {
        Self {
            app: app.map(str::to_owned),
            ..Self::default()
        }
    }

    /// Whether earlier migrations were replayed into this state (else it knows nothing).
    pub fn replayed(&self) -> bool {
        self.replayed
    }

    /// Mark the state as built from the app's earlier migrations.
    pub fn mark_replayed(&mut self) {
        self.replayed = true;
    }

    /// Whether an earlier migration removed the model stored in `table` (`column: None`) or
    /// the field stored in `table.column`, so no code deployed since reads it.
    pub fn removed_earlier(&self, table: &str, column: Option<&str>) -> bool {
        self.removed
            .contains(&(table.to_owned(), column.map(str::to_owned)))
    }

    /// Whether a field of the model stored in `table` maps to `column`; None when the replay
    /// knows no model for the table.
    pub fn maps_column(&self, table: &str, column: &str) -> Option<bool> {
        let (_, model) = self
            .models
            .iter()
            .find(|(name, model)| self.table_of(name, model) == table)?;
        Some(
            model
                .fields
                .iter()
                .any(|(name, field)| Self::column_of(name, field) == column),
        )
    }

    fn table_of(&self, name: &str, model: &Model) -> String {
        match (&model.db_table, &self.app) {
            (Some(t), _) => t.clone(),
            (None, Some(app)) => format!("{app}_{name}"),
            (None, None) => name.to_owned(),
        }
    }

    /// The field `model.name` before the operation being read, when the replay knows it.
    pub fn field(&self, model: &str, name: &str) -> Option<&FieldState> {
        self.models
            .get(&model.to_ascii_lowercase())
            .and_then(|m| m.fields.get(name))
    }

    /// The `unique_together` sets of `model` before the operation being read.
    pub fn unique_together(&self, model: &str) -> BTreeSet<Vec<String>> {
        self.models
            .get(&model.to_ascii_lowercase())
            .map(|m| m.unique_together.clone())
            .unwrap_or_default()
    }

    /// The column of `model.name` as the state knows it, else `name`.
    pub fn column(&self, model: &str, name: &str) -> String {
        match self.field(model, name) {
            Some(field) => Self::column_of(name, field),
            None => name.to_owned(),
        }
    }

    /// The column a field is stored in: `db_column`, `<name>_id` for relations, else its name.
    pub fn column_of(name: &str, field: &FieldState) -> String {
        match field.arg("db_column") {
            Some(column) => column.trim_matches(['"', '\'']).to_owned(),
            None if field.args.contains_key("to") => format!("{name}_id"),
            None => name.to_owned(),
        }
    }

    /// Apply one operation's effect on the state (`database_operations` of
    /// `SeparateDatabaseAndState` change no state; its `state_operations` do).
    pub(crate) fn apply(&mut self, src: &Source<'_>, call: &PyCall<'_>) {
        let name_of = |pos, kw| python::name(src, call.arg(pos, kw));
        let model_of = |pos, kw| name_of(pos, kw).map(|m| m.to_ascii_lowercase());
        match call.name.as_str() {
            "CreateModel" => {
                let Some(model) = model_of(0, "name") else {
                    return;
                };
                let mut state = Model::default();
                if let Some(fields) = call.arg(1, "fields") {
                    for pair in children(fields) {
                        let parts = children(pair);
                        let (Some(name), Some(field)) = (parts.first(), parts.get(1)) else {
                            continue;
                        };
                        if let (Some(name), Some(field)) =
                            (python::name(src, Some(*name)), PyCall::of(src, *field))
                        {
                            state.fields.insert(name, FieldState::of(src, &field));
                        }
                    }
                }
                let options = call.arg(2, "options");
                state.db_table =
                    options.and_then(|options| dictionary_value(src, options, "db_table"));
                state.unique_together = options
                    .and_then(|options| dictionary_node(src, options, "unique_together"))
                    .map(|node| together(src, node))
                    .unwrap_or_default();
                self.models.insert(model, state);
            }
            "DeleteModel" => {
                if let Some(model) = model_of(0, "name") {
                    if let Some(state) = self.models.remove(&model) {
                        let table = self.table_of(&model, &state);
                        self.removed.insert((table, None));
                    }
                }
            }
            "RenameModel" => {
                if let (Some(from), Some(to)) = (model_of(0, "old_name"), model_of(1, "new_name")) {
                    if let Some(state) = self.models.remove(&from) {
                        self.models.insert(to, state);
                    }
                }
            }
            "AlterUniqueTogether" => {
                if let Some(model) = model_of(0, "name") {
                    let sets = call
                        .arg(1, "unique_together")
                        .map(|node| together(src, node))
                        .unwrap_or_default();
                    self.models.entry(model).or_default().unique_together = sets;
                }
            }
            "AlterModelTable" => {
                if let Some(model) = model_of(0, "name") {
                    let table = name_of(1, "table");
                    self.models.entry(model).or_default().db_table = table;
                }
            }
            "AddField" | "AlterField" => {
                let field = call.arg(2, "field").and_then(|f| PyCall::of(src, f));
                if let (Some(model), Some(name), Some(field)) =
                    (model_of(0, "model_name"), name_of(1, "name"), field)
                {
                    self.models
                        .entry(model)
                        .or_default()
                        .fields
                        .insert(name, FieldState::of(src, &field));
                }
            }
            "RemoveField" => {
                if let (Some(model), Some(name)) = (model_of(0, "model_name"), name_of(1, "name")) {
                    let table = self.models.get(&model).map(|m| self.table_of(&model, m));
                    let removed = self
                        .models
                        .get_mut(&model)
                        .and_then(|state| state.fields.remove(&name));
                    if let (Some(table), Some(field)) = (table, removed) {
                        let column = Self::column_of(&name, &field);
                        self.removed.insert((table, Some(column)));
                    }
                }
            }
            "RenameField" => {
                if let (Some(model), Some(from), Some(to)) = (
                    model_of(0, "model_name"),
                    name_of(1, "old_name"),
                    name_of(2, "new_name"),
                ) {
                    if let Some(state) = self.models.get_mut(&model) {
                        if let Some(field) = state.fields.remove(&from) {
                            state.fields.insert(to, field);
                        }
                    }
                }
            }
            "SeparateDatabaseAndState" => {
                if let Some(ops) = call.arg(1, "state_operations") {
                    self.apply_all(src, ops);
                }
            }
            _ => {}
        }
    }

    /// Apply every operation of a list node.
    pub(crate) fn apply_all(&mut self, src: &Source<'_>, list: Node<'_>) {
        for op in python::list_items(src, list).unwrap_or_default() {
            if let Some(call) = PyCall::of(src, op) {
                self.apply(src, &call);
            }
        }
    }
}

fn dictionary_value(src: &Source<'_>, dict: Node<'_>, key: &str) -> Option<String> {
    if dict.kind() != "dictionary" {
        return None;
    }
    children(dict).into_iter().find_map(|pair| {
        let k = python::name(src, pair.child_by_field_name("key"))?;
        (k == key).then(|| python::name(src, pair.child_by_field_name("value")))?
    })
}

fn dictionary_node<'t>(src: &Source<'_>, dict: Node<'t>, key: &str) -> Option<Node<'t>> {
    if dict.kind() != "dictionary" {
        return None;
    }
    children(dict).into_iter().find_map(|pair| {
        let k = python::name(src, pair.child_by_field_name("key"))?;
        (k == key).then(|| pair.child_by_field_name("value"))?
    })
}

/// `{("a", "b"), ("c",)}` or `("a", "b")` (one set) → the sets of field names.
pub(crate) fn together(src: &Source<'_>, node: Node<'_>) -> BTreeSet<Vec<String>> {
    let items = children(node);
    let names: Vec<String> = items
        .iter()
        .filter_map(|n| python::name(src, Some(*n)))
        .collect();
    if !names.is_empty() && names.len() == items.len() {
        return BTreeSet::from([names]);
    }
    items
        .into_iter()
        .map(|set| {
            children(set)
                .into_iter()
                .filter_map(|n| python::name(src, Some(n)))
                .collect::<Vec<_>>()
        })
        .filter(|set| !set.is_empty())
        .collect()
}
