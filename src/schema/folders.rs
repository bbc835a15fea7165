//! The migration folders of a work tree, found by the layouts [`framework_of`] knows: what
//! `shipgate-schema` reads when `schema.paths` is empty, gathered by folder.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::discover::framework_of;
use super::model::Framework;

/// A folder holding migrations of one framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFolder {
    /// The folder, relative to the repository root.
    pub path: PathBuf,
    /// How its migrations are written.
    pub framework: Framework,
    /// How many migrations it holds.
    pub files: usize,
}

/// What the usual layouts find among a work tree's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Survey {
    /// The migration folders, sorted by path.
    pub folders: Vec<MigrationFolder>,
    /// `.sql` files the layouts take for migrations although their names carry no version
    /// (a schema dump such as Rails' `db/structure.sql`, seeds): listing `schema.paths` keeps
    /// `shipgate-schema` from reading them.
    pub strays: Vec<PathBuf>,
}

/// Survey `files` (relative to the repository root). A migration's folder is its directory,
/// except diesel's `up.sql`, whose folder is the one holding its versioned directory.
pub fn survey(files: &[PathBuf]) -> Survey {
    let mut folders: BTreeMap<(PathBuf, &'static str), MigrationFolder> = BTreeMap::new();
    let mut strays = Vec::new();
    for file in files {
        let Some(framework) = framework_of(file, false, None) else {
            continue;
        };
        let Some(folder) = folder_of(file, framework) else {
            strays.push(file.clone());
            continue;
        };
        let key = (folder.clone(), super::report::framework_name(framework));
        folders
            .entry(key)
            .or_insert(MigrationFolder {
                path: folder,
                framework,
                files: 0,
            })
            .files += 1;
    }
    strays.sort();
    Survey {
        folders: folders.into_values().collect(),
        strays,
    }
}

/// The folder of migration `file`; `None` for a `.sql` file whose name (or diesel directory)
/// carries no version.
fn folder_of(file: &Path, framework: Framework) -> Option<PathBuf> {
    let parent = file.parent().unwrap_or(Path::new(""));
    if framework != Framework::Sql {
        return Some(parent.to_path_buf());
    }
    if name(file) == "up.sql" {
        let versioned = name(parent).starts_with(|c: char| c.is_ascii_digit());
        return versioned.then(|| parent.parent().unwrap_or(Path::new("")).to_path_buf());
    }
    versioned_sql(name(file)).then(|| parent.to_path_buf())
}

fn name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

/// Whether a plain SQL file name carries a version: `0001_x.up.sql`, `20240101_x.sql`, Flyway's
/// `V1__x.sql` and `B1__x.sql`, or Flyway's repeatable `R__x.sql`.
fn versioned_sql(name: &str) -> bool {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), _) if c.is_ascii_digit() => true,
        (Some('V' | 'B'), Some(c)) => c.is_ascii_digit(),
        _ => name.starts_with("R__"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(path: &str, framework: Framework, files: usize) -> MigrationFolder {
        MigrationFolder {
            path: PathBuf::from(path),
            framework,
            files,
        }
    }

    #[test]
    fn every_layout_is_gathered_by_folder() {
        let files: Vec<PathBuf> = [
            "alembic/env.py",
            "alembic/versions/ab12_add.py",
            "app/models/user.rb",
            "db/migrate/20240101000000_a.rb",
            "db/migrate/20240102000000_b.rb",
            "db/post_migrate/20240103000000_c.rb",
            "db/seeds.rb",
            "db/structure.sql",
            "migrations/2024-01-01-000000_add/down.sql",
            "migrations/2024-01-01-000000_add/up.sql",
            "migrations/20240102_more.up.sql",
            "queries/report.sql",
            "shop/migrations/0001_initial.py",
            "shop/migrations/__init__.py",
            "src/main/resources/db/migration/R__views.sql",
            "src/main/resources/db/migration/V1__init.sql",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let survey = survey(&files);
        assert_eq!(
            survey.folders,
            [
                folder("alembic/versions", Framework::Alembic, 1),
                folder("db/migrate", Framework::Rails, 2),
                folder("db/post_migrate", Framework::Rails, 1),
                folder("migrations", Framework::Sql, 2),
                folder("shop/migrations", Framework::Django, 1),
                folder("src/main/resources/db/migration", Framework::Sql, 2),
            ]
        );
        assert_eq!(survey.strays, [PathBuf::from("db/structure.sql")]);
    }

    #[test]
    fn no_migration_no_folder() {
        let files = vec![PathBuf::from("src/main.rs"), PathBuf::from("README.md")];
        assert_eq!(survey(&files), Survey::default());
    }
}
