//! The vocabulary every part of `shipgate-schema` shares: what a migration changes, where, and
//! what that means for old and new code running side by side.
//!
//! SQL (through `sqlparser`) and framework DSLs (Rails, Django, Alembic) are all read into
//! [`Change`]s; one rules engine classifies changes, so each rule is written once.
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// A 1-based position in a migration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

impl Position {
    /// A position; both numbers 1-based.
    pub const fn new(line: usize, column: usize) -> Self {
        Self { line, column }
    }
}

/// Something found at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// Where it starts.
    pub at: Position,
    /// What it is.
    pub item: T,
}

/// How a migration is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// Plain SQL: Flyway `V1__x.sql`, golang-migrate / dbmate `*.up.sql`, sqlx, diesel `*/up.sql`.
    Sql,
    /// Rails `db/migrate/*.rb`.
    Rails,
    /// Django `migrations/NNNN_*.py`.
    Django,
    /// Alembic `versions/*.py`.
    Alembic,
}

/// What a statement means for the code that runs beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Comments, grants, settings: no effect on compatibility.
    Neutral,
    /// Rows written, rewritten or deleted (backfills, `RunPython`): no schema change, order neutral.
    Data,
    /// Old code keeps working: apply before the new code.
    Additive,
    /// Old code breaks: apply after the new code.
    Destructive,
    /// Cannot be judged (unparsable, arbitrary code): a person must decide.
    Unknown,
}

/// The class of a whole file: its statements' classes combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileClass {
    /// Only neutral statements (or none).
    Neutral,
    /// Data changes (and neutral statements): order neutral.
    Data,
    /// Additive (and neutral or data) statements.
    Additive,
    /// Destructive (and neutral) statements.
    Destructive,
    /// Both additive and destructive statements.
    Mixed,
    /// At least one statement that cannot be judged.
    Unknown,
}

/// Kinds of constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    /// `UNIQUE`.
    Unique,
    /// `CHECK (...)`.
    Check,
    /// `FOREIGN KEY ... REFERENCES`.
    ForeignKey,
    /// `PRIMARY KEY`.
    PrimaryKey,
    /// `EXCLUDE`.
    Exclusion,
}

/// Kinds of schema objects other than tables, columns, indexes and constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A view or materialized view.
    View,
    /// A function or procedure.
    Function,
    /// A type (enum, composite, domain).
    Type,
    /// A schema (namespace).
    Schema,
    /// A sequence.
    Sequence,
    /// A trigger.
    Trigger,
    /// An extension.
    Extension,
    /// Anything else.
    Other,
}

/// A column type as written, compared by the rules to tell widening from narrowing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ColumnType {
    /// Lower-cased base name without arguments: `varchar`, `integer`, `numeric`, `text`.
    pub name: String,
    /// Arguments: length for `varchar(50)`, precision and scale for `numeric(10,2)`.
    pub args: Vec<u64>,
}

/// A foreign key's `ON DELETE` / `ON UPDATE` action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferentialAction {
    /// `NO ACTION` (the default): the delete or update fails while rows refer to the row.
    #[default]
    NoAction,
    /// `RESTRICT`: as `NO ACTION`, checked at once.
    Restrict,
    /// `CASCADE`: referring rows are deleted or updated too.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl ReferentialAction {
    /// Whether a delete or update of a referenced row fails while rows refer to it.
    pub fn restricts(self) -> bool {
        matches!(self, Self::NoAction | Self::Restrict)
    }
}

impl fmt::Display for ReferentialAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoAction => "NO ACTION",
            Self::Restrict => "RESTRICT",
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
            Self::SetDefault => "SET DEFAULT",
        })
    }
}

/// A constraint's name and, for a CHECK, its expression (SQL), when the reader knows them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct ConstraintDetail {
    /// Its name (as given, or as PostgreSQL names an unnamed CHECK: `<table>_<column>_check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A CHECK's expression, as SQL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// A UNIQUE whose NULLs conflict (`NULLS NOT DISTINCT`, Django `nulls_distinct=False`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
}

/// A unique index dropped, with what it covered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct UniqueIndex {
    /// The table.
    pub table: String,
    /// The columns (empty: unknown).
    pub columns: Vec<String>,
}

/// A foreign key as a table declares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ForeignKey {
    /// Its name, when given or derived as PostgreSQL names it.
    pub name: Option<String>,
    /// The referring columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references: String,
    /// `ON DELETE`.
    pub on_delete: ReferentialAction,
    /// `ON UPDATE`.
    pub on_update: ReferentialAction,
}

/// A CHECK constraint as a table declares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Check {
    /// Its name, when given or derived as PostgreSQL names it.
    pub name: Option<String>,
    /// The expression, as SQL.
    pub expr: String,
    /// The columns it reads.
    pub columns: Vec<String>,
}

/// The constraints of a table's definition that old code's writes and deletes meet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct TableShape {
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints.
    pub checks: Vec<Check>,
    /// UNIQUE constraints (and the primary key).
    pub uniques: Vec<Unique>,
}

/// A UNIQUE constraint (or primary key) as a table declares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Unique {
    /// Its name, when given or derived as PostgreSQL names it.
    pub name: Option<String>,
    /// The columns.
    pub columns: Vec<String>,
}

/// One schema change, whatever it was written in. Names are as written, unquoted, lower-cased
/// when unquoted in SQL; `table` may be schema-qualified (`public.users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// `CREATE TABLE`.
    CreateTable {
        /// The table.
        table: String,
    },
    /// `DROP TABLE`.
    DropTable {
        /// The table.
        table: String,
    },
    /// `ALTER TABLE .. RENAME TO`.
    RenameTable {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ADD COLUMN`.
    AddColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Declared `NOT NULL`.
        not_null: bool,
        /// Has a `DEFAULT`.
        has_default: bool,
        /// The default is volatile (`random()`, `clock_timestamp()`, `gen_random_uuid()`, …): rewrites the table.
        volatile_default: bool,
        /// The database default is dropped right after the column is added (Django's `default`).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        default_dropped: bool,
    },
    /// `DROP COLUMN`.
    DropColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// `RENAME COLUMN`.
    RenameColumn {
        /// The table.
        table: String,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER COLUMN .. TYPE`; `from` is known only when a framework says it or the column was created in this release.
    AlterColumnType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The old type, when known.
        from: Option<ColumnType>,
        /// The new type.
        to: ColumnType,
    },
    /// `ALTER COLUMN .. SET NOT NULL`.
    SetNotNull {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// `ALTER COLUMN .. DROP NOT NULL` (a relaxation).
    DropNotNull {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// `ALTER COLUMN .. SET DEFAULT`.
    SetDefault {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// `ALTER COLUMN .. DROP DEFAULT`.
    DropDefault {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// `ADD CONSTRAINT` (or a constraint in `ADD COLUMN`).
    AddConstraint {
        /// The table.
        table: String,
        /// What kind.
        kind: ConstraintKind,
        /// `NOT VALID`: existing rows not checked (new writes are, at once).
        not_valid: bool,
        /// `USING INDEX`: built from an existing index, no scan.
        using_index: bool,
        /// The columns it covers, when known (empty: unknown).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        columns: Vec<String>,
        /// A foreign key whose `ON DELETE` is `CASCADE`, `SET NULL` or `SET DEFAULT`: deleting a
        /// referenced row never fails (with `RESTRICT` / `NO ACTION`, the default, it does).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        cascades: bool,
        /// Its name and a CHECK's expression, when known.
        #[serde(flatten)]
        detail: ConstraintDetail,
    },
    /// `VALIDATE CONSTRAINT`.
    ValidateConstraint {
        /// The table.
        table: String,
    },
    /// `DROP CONSTRAINT`; `kind` when known (dropping a check is a relaxation).
    DropConstraint {
        /// The table.
        table: String,
        /// What kind, when known.
        kind: Option<ConstraintKind>,
        /// The columns it covered, when known (empty: unknown).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        columns: Vec<String>,
        /// Its name and a CHECK's expression, when known.
        #[serde(flatten)]
        detail: ConstraintDetail,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// The table.
        table: String,
        /// `UNIQUE`.
        unique: bool,
        /// `CONCURRENTLY` (PostgreSQL) / `ALGORITHM=INPLACE, LOCK=NONE` (MySQL).
        concurrently: bool,
        /// The columns it covers, when known (empty: unknown).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        columns: Vec<String>,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// `CONCURRENTLY`.
        concurrently: bool,
        /// A unique index whose table and columns the reader knows (Rails `remove_index` with
        /// `unique: true`): its uniqueness goes with it.
        #[serde(skip_serializing_if = "Option::is_none")]
        unique: Option<UniqueIndex>,
    },
    /// The constraints a `CREATE TABLE` declares (following its [`Change::CreateTable`]).
    TableShape {
        /// The table.
        table: String,
        /// Its foreign keys, checks and unique column sets.
        shape: TableShape,
    },
    /// SQLite's rebuild of `table` (`CREATE TABLE new_t …`, copy, `DROP TABLE t`, rename
    /// `new_t` to `t`) with the constraints of the new definition.
    RebuildTable {
        /// The table rebuilt under its own name.
        table: String,
        /// The new definition's constraints.
        shape: TableShape,
    },
    /// `CREATE` of another object kind.
    CreateObject {
        /// What kind.
        kind: ObjectKind,
        /// Its name.
        name: String,
    },
    /// `DROP` of another object kind.
    DropObject {
        /// What kind.
        kind: ObjectKind,
        /// Its name.
        name: String,
    },
    /// `ALTER TYPE .. ADD VALUE`: an enum type gains a value.
    AddEnumValue {
        /// The type.
        name: String,
    },
    /// A type or an enum value renamed (`ALTER TYPE .. RENAME [VALUE]`, Rails `rename_enum`).
    RenameObject {
        /// What kind.
        kind: ObjectKind,
        /// Old name (`type.value` for an enum value).
        from: String,
        /// New name.
        to: String,
    },
    /// `TRUNCATE`.
    Truncate {
        /// The table.
        table: String,
    },
    /// `UPDATE` / `DELETE`; `whole_table` when there is no `WHERE`.
    DataChange {
        /// The table.
        table: String,
        /// No `WHERE` clause: every row is touched, under lock.
        whole_table: bool,
        /// The columns an `UPDATE` sets (empty for a `DELETE`).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        columns: Vec<String>,
    },
    /// Rows written by code or inserted (`INSERT`, Django `RunPython`, Rails model batch
    /// updates, background-migration jobs): a data migration, no schema change.
    Data {
        /// What it was.
        what: String,
    },
    /// `REFERENCES` in a MySQL column definition, which MySQL ignores: no constraint is made.
    IgnoredReferences {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A framework operation that emits no SQL (Django `AlterField` changing only Python-side
    /// attributes, `AlterModelOptions`).
    NoDatabaseChange {
        /// What it was.
        what: String,
    },
    /// Comments, grants, `SET`, transactions: nothing old code can notice.
    Neutral {
        /// What it was, for messages (`INSERT`, `COMMENT`, `GRANT`).
        what: String,
    },
    /// Arbitrary code (Django `RunPython`, Rails code outside the DSL): cannot be judged.
    Code {
        /// What it was.
        what: String,
    },
    /// A statement that could not be parsed or is not understood.
    Unparsed {
        /// Why.
        reason: String,
    },
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Risky: review it.
    Warning,
    /// Breaks something: fails the step.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// A rule's verdict at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule code, e.g. `SG101`.
    pub rule: &'static str,
    /// How serious.
    pub severity: Severity,
    /// The class the rule gives the statement.
    pub class: Class,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, naming the objects.
    pub message: String,
    /// What to do instead.
    pub help: String,
}

/// One migration file and what it was found to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// Path relative to the repository root (or as given).
    pub path: PathBuf,
    /// How it is written.
    pub framework: Framework,
    /// Its class.
    pub class: FileClass,
    /// Whether it sits under `schema.post_deploy_paths`.
    pub post_deploy: bool,
    /// Findings, in file order.
    pub findings: Vec<Finding>,
}

/// The order the release must run its schema change and its code in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// No migration in the release.
    None,
    /// Apply the (additive) pre-deploy set, deploy the code, then apply the post-deploy set.
    SchemaFirst,
    /// Only destructive changes: deploy the code, then apply them.
    CodeFirst,
    /// Additive and destructive changes are mixed, or something cannot be judged: split the release.
    Blocked,
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::SchemaFirst => "schema-first",
            Self::CodeFirst => "code-first",
            Self::Blocked => "blocked",
        })
    }
}

/// The verdict on a release's migrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The order to run things in.
    pub order: Order,
    /// Why this order, in one or two sentences (for `blocked`: which files, and how to split them).
    pub reason: String,
    /// Migrations to apply before the new code, in order.
    pub pre_deploy: Vec<PathBuf>,
    /// Migrations to apply after the new code, in order.
    pub post_deploy: Vec<PathBuf>,
    /// Every migration read, in order.
    pub migrations: Vec<Migration>,
}
