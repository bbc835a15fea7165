//! Framework migrations (Rails, Django, Alembic) read into [`Change`]s with tree-sitter, every
//! change located (1-based) in the migration file. Readers never panic: syntax errors become
//! [`Change::Unparsed`], code outside a framework's DSL [`Change::Code`].
//!
//! [`Change`]: crate::schema::model::Change
//! [`Change::Unparsed`]: crate::schema::model::Change::Unparsed
//! [`Change::Code`]: crate::schema::model::Change::Code
mod alembic;
mod django;
mod python;
mod rails;
mod ruby;
mod source;
mod types;

pub use alembic::read_alembic;
pub use django::{AppState, FieldState, read_django, read_django_with, replay_django};
pub use rails::read_rails;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::config::schema::Dialect;

    proptest! {
        #[test]
        fn random_text_never_panics_and_positions_are_one_based(text in "(?s).{0,300}") {
            let all = read_rails(&text, Dialect::Postgres)
                .into_iter()
                .chain(read_django(&text, Dialect::Mysql, Some("app")))
                .chain(read_alembic(&text, Dialect::Sqlite));
            for change in all {
                prop_assert!(change.at.line >= 1 && change.at.column >= 1);
            }
        }

        #[test]
        fn mangled_migrations_never_panic(cut in 0usize..400, junk in "[\\[\\](){}\"'#<:=, a-z\n]{0,20}") {
            for (text, read) in [
                ("class A\n  def change\n    add_column :t, :c, :string, null: false\n    execute <<~SQL\n      SELECT 1\n    SQL\n  end\nend\n", 0),
                ("class Migration(migrations.Migration):\n    operations = [migrations.AddField('m', 'f', models.CharField(max_length=5)), migrations.RunSQL('''x''')]\n", 1),
                ("def upgrade():\n    with op.batch_alter_table('t') as b:\n        b.drop_column('c')\n    op.execute(sa.text(\"x\"))\n", 2),
            ] {
                let cut = text.char_indices().map(|(i, _)| i).find(|i| *i >= cut.min(text.len())).unwrap_or(text.len());
                let mangled = format!("{}{junk}{}", &text[..cut], &text[cut..]);
                let changes = match read {
                    0 => read_rails(&mangled, Dialect::Postgres),
                    1 => read_django(&mangled, Dialect::Postgres, None),
                    _ => read_alembic(&mangled, Dialect::Postgres),
                };
                prop_assert!(changes.iter().all(|c| c.at.line >= 1 && c.at.column >= 1));
            }
        }
    }
}
