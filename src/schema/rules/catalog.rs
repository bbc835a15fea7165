//! Every rule shipgate-schema knows: its code, class, severity and advice.
use crate::schema::model::{Class, Severity};

/// A rule's fixed description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// `SG1xx` compatibility, `SG2xx` locking and rewrite risk, `SG3xx` hygiene.
    pub code: &'static str,
    /// Short name, e.g. `drop-column`.
    pub name: &'static str,
    /// What the rule makes of a statement.
    pub class: Class,
    /// How serious a finding is.
    pub severity: Severity,
    /// What to do instead.
    pub help: &'static str,
}

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $class:ident, $severity:ident, $help:literal;)*) => {
        $(
            #[doc = concat!("`", $code, "` ", $name)]
            pub const $ident: Rule = Rule {
                code: $code,
                name: $name,
                class: Class::$class,
                severity: Severity::$severity,
                help: $help,
            };
        )*
        /// Every rule, in code order.
        pub const ALL: &[Rule] = &[$($ident),*];
    };
}

rules! {
    DROP_TABLE = "SG101", "drop-table", Destructive, Warning,
        "old code still reads this table: deploy code that no longer uses it first, then drop it (code-first, or a post-deploy migration)";
    DROP_COLUMN = "SG102", "drop-column", Destructive, Warning,
        "old code still reads this column: ignore it in the code first (e.g. Rails ignored_columns), deploy, then drop it in a post-deploy migration";
    RENAME_TABLE = "SG103", "rename-table", Destructive, Warning,
        "old code uses the old name: create the new table (or a view with the new name), write to both, move readers, then drop the old one in a later release";
    RENAME_COLUMN = "SG104", "rename-column", Destructive, Warning,
        "old code uses the old name: add the new column, write to both and backfill, switch readers, then drop the old column in a later release";
    CHANGE_TYPE = "SG105", "narrowing-type-change", Destructive, Warning,
        "old code may write values the new type rejects: add a column of the new type, backfill, switch, then drop the old one";
    SET_NOT_NULL = "SG106", "set-not-null", Destructive, Warning,
        "old code may still insert NULL: deploy code that always writes the column first; on PostgreSQL add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL";
    NOT_NULL_WITHOUT_DEFAULT = "SG107", "not-null-column-without-default", Destructive, Warning,
        "old code inserts rows without this column, which now fail: give the column a default, or add it nullable and tighten it after the code is out";
    NEW_CONSTRAINT = "SG108", "new-constraint", Destructive, Warning,
        "a new UNIQUE, CHECK or FOREIGN KEY constraint rejects writes old code may still make (NOT VALID only skips existing rows): deploy code that respects it first";
    DROP_DEFAULT = "SG109", "drop-default", Destructive, Warning,
        "old code that relies on the default now inserts NULL or fails: deploy code that writes the column first";
    TRUNCATE = "SG110", "truncate", Destructive, Warning,
        "truncating deletes every row old code reads: is this really a schema migration? Move data clean-ups out of migrations, or run it after the code";
    DROP_OBJECT = "SG111", "drop-object", Destructive, Warning,
        "old code may still use this view, function, type, sequence or schema: deploy code that no longer does first, then drop it";
    UNKNOWN_TYPE_CHANGE = "SG112", "type-change", Destructive, Warning,
        "the old type is not known, so this may narrow it: if it only widens (varchar(50) → varchar(100), integer → bigint), suppress with a reason";
    RENAME_OBJECT = "SG113", "rename-object", Destructive, Warning,
        "old code uses the old name (of the type, or of the enum value it reads and writes): add the new one beside the old, move the code, then drop the old one in a later release";
    DATA_REWRITES_OLD_ROWS = "SG114", "data-rewrites-old-rows", Data, Warning,
        "this UPDATE or DELETE changes rows old code still reads: if old code must not see the change, run it after the code (a post-deploy migration); otherwise suppress with a reason";
    REFERENTIAL_ACTION_RESTRICTS = "SG115", "referential-action-restricts", Destructive, Warning,
        "the foreign key is re-created with ON DELETE RESTRICT / NO ACTION: deletes old code makes (relying on CASCADE or SET NULL) now fail; deploy code that deletes the dependent rows itself first";
    DEFAULT_DROPPED = "SG116", "not-null-default-dropped", Destructive, Warning,
        "Django adds the column with this default and then drops the database default, so old code's inserts (which do not write the column) fail: use db_default (Django 5+), or add the field null=True and tighten it after the code is out";
    MYSQL_INLINE_REFERENCES = "SG117", "mysql-ignores-inline-references", Neutral, Info,
        "MySQL ignores REFERENCES in a column definition: no foreign key is made; declare it as FOREIGN KEY (column) REFERENCES … (table constraint or ADD CONSTRAINT)";
    CONSTRAINT_ON_NEW_COLUMN = "SG120", "constraint-on-new-column", Additive, Info,
        "the constraint covers only columns added in this release, which old code does not write: it cannot reject old code's writes";
    DATA_MIGRATION = "SG121", "data-migration", Data, Info,
        "a data migration (backfill) changes no schema, so its order is neutral; if it rewrites rows old code still reads, move it to a post-deploy migration";
    NO_DATABASE_CHANGE = "SG122", "no-database-change", Neutral, Info,
        "only Python-side attributes changed (choices, help_text, validators, default, verbose names, ordering): Django emits no SQL for it";
    REFERENTIAL_ACTION_RELAXED = "SG123", "referential-action-relaxed", Additive, Info,
        "the foreign key is re-created with ON DELETE CASCADE / SET NULL / SET DEFAULT: deletes that failed now succeed, nothing old code does breaks";
    CHECK_RELAXED = "SG124", "check-relaxed", Additive, Info,
        "the CHECK constraint is replaced by one that admits every value the old one did (a value list that gained values, a looser bound or length limit): nothing old code writes is rejected";
    CHECK_NARROWED = "SG125", "check-narrowed", Destructive, Warning,
        "the CHECK constraint is replaced by one that rejects values the old one admitted: old code may still write them; deploy code that writes only the values it admits first, then replace the constraint (post-deploy)";
    CHECK_REPLACED = "SG126", "check-replaced", Destructive, Warning,
        "a CHECK constraint is replaced and shipgate cannot tell whether the new one admits every value the old one did (its old definition is not known, or the expressions are not comparable): compare them by hand; if the new one only relaxes, suppress with a reason";
    UNIQUE_MOVED = "SG127", "unique-moved", Destructive, Warning,
        "a UNIQUE constraint or index is dropped on some columns and added on others: old code writes the new columns without keeping them unique, and those writes now fail; deploy code that keeps them unique first, then add it (post-deploy)";
    UNIQUE_ON_NEW_NULL_COLUMN = "SG128", "unique-on-new-null-column", Additive, Info,
        "the UNIQUE covers a column added in this release without a value for old code's rows (nullable, no default): old code leaves it NULL, and keys holding a NULL never conflict, so it cannot reject old code's writes";
    INDEX_NOT_CONCURRENT = "SG201", "create-index-locks", Neutral, Warning,
        "building an index without CONCURRENTLY blocks writes to the table: CREATE INDEX CONCURRENTLY (Rails algorithm: :concurrently, Django AddIndexConcurrently, Alembic postgresql_concurrently=True) outside a transaction";
    DROP_INDEX_NOT_CONCURRENT = "SG202", "drop-index-locks", Neutral, Warning,
        "dropping an index without CONCURRENTLY takes an exclusive lock: DROP INDEX CONCURRENTLY";
    CONSTRAINT_VALIDATES = "SG203", "constraint-scans-table", Neutral, Warning,
        "adding a CHECK or FOREIGN KEY constraint scans the table under lock: add it NOT VALID, then VALIDATE CONSTRAINT in a separate statement";
    TYPE_REWRITE = "SG204", "type-change-rewrites", Neutral, Warning,
        "changing a column's type rewrites the table under an exclusive lock (except some widenings such as varchar(n) → varchar(m > n) or → text)";
    VOLATILE_DEFAULT = "SG205", "volatile-default-rewrites", Neutral, Warning,
        "a volatile default (random(), gen_random_uuid(), clock_timestamp()) rewrites the whole table: add the column without a default, backfill in batches, then set the default";
    WHOLE_TABLE_DATA_CHANGE = "SG206", "whole-table-update", Neutral, Warning,
        "UPDATE or DELETE without WHERE locks every row for the whole migration: backfill in batches outside the migration";
    EDITED_MIGRATION = "SG301", "edited-migration", Neutral, Error,
        "this migration was already released and may have run in production: leave it as it was and add a new migration";
    UNPARSABLE = "SG302", "unparsable-statement", Unknown, Error,
        "shipgate cannot tell what this does: fix the syntax, or if it is valid for your database, suppress with a reason and check the order by hand";
    ARBITRARY_CODE = "SG303", "arbitrary-code", Unknown, Warning,
        "code run inside a migration cannot be judged: suppress with a reason saying what it does (e.g. a data backfill), or move it out of the migration";
    UNUSED_IGNORE = "SG304", "unused-ignore", Neutral, Warning,
        "this shipgate:ignore matches no finding: remove it, or fix its rule code";
    UNREADABLE_FILE = "SG305", "unreadable-file", Unknown, Error,
        "the file is binary, not UTF-8 or too large to be a migration: check what was committed";
    IGNORE_WITHOUT_REASON = "SG306", "ignore-without-reason", Neutral, Warning,
        "say why the finding is safe to ignore: `-- shipgate:ignore SG102 column unused since v1.4`";
}

/// The rule with this code.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let codes: Vec<_> = ALL.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for rule in ALL {
            assert!(
                rule.code.len() == 5 && rule.code.starts_with("SG"),
                "{}",
                rule.code
            );
            assert!(!rule.help.is_empty());
        }
        assert_eq!(by_code("SG102"), Some(&DROP_COLUMN));
        assert_eq!(by_code("SG999"), None);
    }

    #[test]
    fn the_catalogue_page_lists_every_rule_as_it_is() {
        let page = include_str!("../../../docs/schema-rules.md");
        for rule in ALL {
            let class = serde_json::to_value(rule.class).unwrap();
            let line = format!(
                "| {} | `{}` | {} | {} | {} |",
                rule.code,
                rule.name,
                class.as_str().unwrap(),
                rule.severity,
                rule.help.replace('|', "\\|")
            );
            assert!(
                page.lines().any(|l| l == line),
                "docs/schema-rules.md lacks or misstates {}: expected\n{line}",
                rule.code
            );
        }
    }
}
