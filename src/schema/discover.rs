//! Which files are migrations, in which framework, and in what order they run.
use std::cmp::Ordering;
use std::path::{Component, Path};

use crate::schema::model::Framework;

/// Directory names under which plain `.sql` files are taken for migrations when `schema.paths` is empty.
const SQL_DIRS: [&str; 6] = ["migrations", "migration", "migrate", "db", "sql", "flyway"];

fn components(path: &Path) -> Vec<&str> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect()
}

/// Whether `path` lies under one of `dirs` (relative directory prefixes, `/`-separated).
pub fn under(path: &Path, dirs: &[String]) -> bool {
    let parts = components(path);
    dirs.iter().any(|dir| {
        let prefix: Vec<&str> = dir
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        !prefix.is_empty() && parts.len() > prefix.len() && parts[..prefix.len()] == prefix[..]
    })
}

/// The framework of a migration file, or `None` when the file is not a migration (or is a rollback).
///
/// `configured`: the file lies under `schema.paths`, so any `.sql`, `.rb` or `.py` there counts;
/// otherwise only the usual layouts do. `text` lets a Python file tell Alembic from Django.
pub fn framework_of(path: &Path, configured: bool, text: Option<&str>) -> Option<Framework> {
    let name = path.file_name()?.to_str()?;
    let parts = components(path);
    let parent = parts
        .len()
        .checked_sub(2)
        .and_then(|i| parts.get(i))
        .copied()
        .unwrap_or("");
    let extension = path.extension()?.to_str()?;
    match extension {
        "sql" => {
            let rollback = name.ends_with(".down.sql")
                || name == "down.sql"
                || (name.starts_with('U') && name[1..].starts_with(|c: char| c.is_ascii_digit()));
            let layout = configured
                || parts[..parts.len() - 1]
                    .iter()
                    .any(|p| SQL_DIRS.contains(p));
            (!rollback && layout).then_some(Framework::Sql)
        }
        "rb" => {
            (configured || matches!(parent, "migrate" | "post_migrate")).then_some(Framework::Rails)
        }
        "py" => {
            if name == "__init__.py" {
                return None;
            }
            let alembic_text =
                text.is_some_and(|t| t.contains("alembic") || t.contains("def upgrade("));
            if parent == "versions" || (configured && alembic_text) {
                Some(Framework::Alembic)
            } else if parent == "migrations" && name.starts_with(|c: char| c.is_ascii_digit()) {
                Some(Framework::Django)
            } else if configured {
                Some(if alembic_text {
                    Framework::Alembic
                } else {
                    Framework::Django
                })
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The Django app label of `migrations/NNNN_x.py`: the directory above `migrations`.
pub fn django_app(path: &Path) -> Option<String> {
    let parts = components(path);
    let at = parts.iter().rposition(|p| *p == "migrations")?;
    at.checked_sub(1).map(|i| parts[i].to_owned())
}

/// Order migrations as the tools run them: by file name, numbers compared as numbers
/// (`V2__` before `V10__`), then by path.
pub fn run_order(a: &Path, b: &Path) -> Ordering {
    natural(file_name(a), file_name(b)).then_with(|| a.cmp(b))
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

fn natural(a: &str, b: &str) -> Ordering {
    for ((x_digits, x), (y_digits, y)) in chunks(a).zip(chunks(b)) {
        let ordering = if x_digits && y_digits {
            let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        } else {
            x.cmp(y)
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    a.len().cmp(&b.len())
}

/// The runs of ASCII digits and of other characters in `s`, in order: (is digits, run).
/// Bytes suffice: no byte of a multi-byte character is an ASCII digit, so every cut falls on a
/// character boundary.
fn chunks(s: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let digits = rest.as_bytes().first()?.is_ascii_digit();
        let end = rest
            .bytes()
            .position(|b| b.is_ascii_digit() != digits)
            .unwrap_or(rest.len());
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some((digits, chunk))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fw(path: &str) -> Option<Framework> {
        framework_of(Path::new(path), false, None)
    }

    #[test]
    fn usual_layouts() {
        assert_eq!(
            fw("db/migrate/20240101000000_add_x.rb"),
            Some(Framework::Rails)
        );
        assert_eq!(
            fw("db/post_migrate/20240101000000_drop_x.rb"),
            Some(Framework::Rails)
        );
        assert_eq!(fw("app/models/user.rb"), None);
        assert_eq!(
            fw("shop/migrations/0002_add_price.py"),
            Some(Framework::Django)
        );
        assert_eq!(fw("shop/migrations/__init__.py"), None);
        assert_eq!(fw("alembic/versions/ab12_add.py"), Some(Framework::Alembic));
        assert_eq!(
            fw("src/main/resources/db/migration/V3__add.sql"),
            Some(Framework::Sql)
        );
        assert_eq!(fw("migrations/20240101_add.up.sql"), Some(Framework::Sql));
        assert_eq!(fw("migrations/20240101_add.down.sql"), None);
        assert_eq!(
            fw("migrations/2024-01-01-000000_add/up.sql"),
            Some(Framework::Sql)
        );
        assert_eq!(fw("migrations/2024-01-01-000000_add/down.sql"), None);
        assert_eq!(fw("db/migration/U3__undo.sql"), None);
        assert_eq!(fw("queries/report.sql"), None);
        assert_eq!(
            framework_of(Path::new("queries/report.sql"), true, None),
            Some(Framework::Sql)
        );
    }

    #[test]
    fn alembic_in_a_migrations_folder_is_told_by_its_text() {
        let text = "from alembic import op\ndef upgrade():\n    pass\n";
        assert_eq!(
            framework_of(Path::new("migrations/0001_x.py"), true, Some(text)),
            Some(Framework::Alembic)
        );
    }

    #[test]
    fn under_prefixes() {
        let dirs = vec!["db/post_migrate".to_owned()];
        assert!(under(Path::new("db/post_migrate/1_x.rb"), &dirs));
        assert!(!under(Path::new("db/migrate/1_x.rb"), &dirs));
        assert!(!under(Path::new("db/post_migrate"), &dirs));
    }

    #[test]
    fn run_order_compares_numbers_as_numbers() {
        let mut paths = vec!["db/V10__c.sql", "db/V2__b.sql", "db/V1__a.sql"];
        paths.sort_by(|a, b| run_order(Path::new(a), Path::new(b)));
        assert_eq!(paths, ["db/V1__a.sql", "db/V2__b.sql", "db/V10__c.sql"]);
        assert_eq!(
            django_app(Path::new("src/shop/migrations/0001_x.py")).as_deref(),
            Some("shop")
        );
    }

    #[test]
    fn natural_order_cuts_runs_around_multibyte_characters() {
        let mut names = vec![
            "é10__ü.sql",
            "é2__ü.sql",
            "é002a.sql",
            "é2__ä.sql",
            "ü1.sql",
        ];
        names.sort_by(|a, b| natural(a, b));
        assert_eq!(
            names,
            [
                "é2__ä.sql",
                "é2__ü.sql",
                "é002a.sql",
                "é10__ü.sql",
                "ü1.sql"
            ]
        );
        assert_eq!(
            chunks("V0012_é3").collect::<Vec<_>>(),
            [(false, "V"), (true, "0012"), (false, "_é"), (true, "3")]
        );
    }
}
