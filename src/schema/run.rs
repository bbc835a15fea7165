//! The `shipgate-schema` flow: find the release's migrations, read them, judge them, decide.
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use git2::Oid;

use super::discover::{django_app, framework_of, run_order, under};
use super::frameworks::{read_alembic, read_django_with, read_rails};
use super::history::DjangoHistory;
use super::model::{Change, Finding, Framework, Located, Migration, Position, Report};
use super::rules::{self, ReadMigration, ReleaseContext, catalog};
use super::sql::read_sql;
use crate::config::schema::{Dialect, SchemaConfig};
use crate::git::{FileChange, GitError, Repo};
use crate::version::tags::ReleaseTags;

/// A migration larger than this is not read (no real migration is this big).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Everything one run needs, gathered at the binary's edge.
#[derive(Debug, Clone)]
pub struct SchemaRequest {
    /// A path inside the repository.
    pub repo: PathBuf,
    /// Migration files or directories to read instead of the release's added files.
    pub paths: Vec<PathBuf>,
    /// The release's start (`--base`; default: the previous release tag).
    pub base: Option<String>,
    /// The release's end (`--head`; default: HEAD).
    pub head: Option<String>,
    /// The `schema:` section, with `--dialect` applied.
    pub config: SchemaConfig,
    /// `version.tag_prefix`, to find the previous release tag.
    pub tag_prefix: String,
}

/// Why `shipgate-schema` could not run.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// A git operation failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// A path given on the command line does not exist.
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    /// A path given on the command line is not a migration shipgate can read.
    #[error("{}: not a migration shipgate can read (.sql, Rails .rb, Django or Alembic .py)", .0.display())]
    NotAMigration(PathBuf),
    /// A file could not be read.
    #[error("{}: cannot read it: {cause}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        cause: std::io::Error,
    },
}

impl crate::exit::ExitClass for SchemaError {
    /// Git's own class for a git failure; a bad path or an unreadable file is the user's.
    fn exit_class(&self) -> crate::exit::Exit {
        match self {
            Self::Git(e) => e.exit_class(),
            _ => crate::exit::Exit::Usage,
        }
    }
}

/// A migration found, before it is read.
struct Found {
    path: PathBuf,
    bytes: Vec<u8>,
    edited: bool,
}

/// Where a release's files come from, to list a Django app's other migrations.
enum Origin {
    /// Read from git at this commit.
    Git(Repo, Oid),
    /// Read from the file system (paths given on the command line).
    Disk,
}

impl Origin {
    /// The migrations of `framework` in `dir` that `keep` accepts, with their text.
    fn migrations(
        &self,
        dir: &Path,
        framework: Framework,
        keep: impl Fn(&Path) -> bool,
    ) -> Vec<(PathBuf, String)> {
        let wanted = |p: &Path| {
            p.parent() == Some(dir)
                && framework_of(p, framework == Framework::Sql, None) == Some(framework)
                && keep(p)
        };
        match self {
            Origin::Git(repo, head) => repo
                .files_at(*head)
                .unwrap_or_default()
                .into_iter()
                .filter(|p| wanted(p))
                .filter_map(|p| {
                    let text = String::from_utf8(repo.read_at(*head, &p).ok()?).ok()?;
                    Some((p, text))
                })
                .collect(),
            Origin::Disk => std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| wanted(p))
                        .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?)))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// A migration found and decoded, before it is read.
struct Pending {
    path: PathBuf,
    framework: Framework,
    post_deploy: bool,
    text: Result<String, String>,
    edited: bool,
}

/// Run `shipgate-schema`.
pub fn run(request: &SchemaRequest) -> Result<Report, SchemaError> {
    let (found, first_release, origin) = if request.paths.is_empty() {
        from_git(request)?
    } else {
        (from_paths(&request.paths)?, false, Origin::Disk)
    };
    let configured = !request.config.paths.is_empty() || !request.paths.is_empty();
    let mut fresh = Vec::new();
    let mut edited = Vec::new();
    for file in found {
        let text = decode(&file.bytes);
        let is_configured = configured || under(&file.path, &request.config.post_deploy_paths);
        let Some(framework) = framework_of(
            &file.path,
            is_configured,
            text.as_ref().ok().map(String::as_str),
        ) else {
            if !request.paths.is_empty() && request.paths.contains(&file.path) {
                return Err(SchemaError::NotAMigration(file.path));
            }
            continue;
        };
        let pending = Pending {
            post_deploy: under(&file.path, &request.config.post_deploy_paths),
            path: file.path,
            framework,
            text,
            edited: file.edited,
        };
        if pending.edited {
            edited.push(pending)
        } else {
            fresh.push(pending)
        }
    }
    fresh.sort_by(|a, b| {
        a.post_deploy
            .cmp(&b.post_deploy)
            .then_with(|| run_order(&a.path, &b.path))
    });
    let mut reader = Reader {
        dialect: request.config.dialect,
        history: DjangoHistory::default(),
    };
    let mut context = ReleaseContext::default();
    let release: HashSet<PathBuf> = fresh.iter().map(|m| m.path.clone()).collect();
    let mut replayed = HashSet::new();
    let judged = fresh
        .into_iter()
        .map(|m| {
            if m.framework == Framework::Sql {
                reader.replay_sql(&m.path, &origin, &release, &mut replayed, &mut context);
            }
            rules::assess(reader.read(m, &origin), &mut context)
        })
        .collect();
    let mut report = rules::decide(judged, first_release);
    let mut context = ReleaseContext::default();
    report.migrations.extend(
        edited
            .into_iter()
            .map(|m| rules::assess(reader.read(m, &origin), &mut context)),
    );
    Ok(report)
}

/// Judges migrations one at a time, each alone (as a release holding only it would be), with
/// Django apps' earlier migrations replayed from the directory they sit in.
pub struct Assessor {
    reader: Reader,
}

impl Assessor {
    /// An assessor for SQL in `dialect`.
    pub fn new(dialect: Dialect) -> Self {
        Self {
            reader: Reader {
                dialect,
                history: DjangoHistory::default(),
            },
        }
    }

    /// Judge the migration at `path` (on disk, text `text`) alone; `None` when it is no migration.
    pub fn assess_alone(&mut self, path: &Path, text: &str) -> Option<Migration> {
        let framework = framework_of(path, true, Some(text))?;
        let pending = Pending {
            path: path.to_path_buf(),
            framework,
            post_deploy: false,
            text: Ok(text.to_owned()),
            edited: false,
        };
        let mut context = ReleaseContext::default();
        if framework == Framework::Sql {
            let alone = HashSet::from([path.to_path_buf()]);
            self.reader.replay_sql(
                path,
                &Origin::Disk,
                &alone,
                &mut HashSet::new(),
                &mut context,
            );
        }
        let migration = self.reader.read(pending, &Origin::Disk);
        Some(rules::assess(migration, &mut context))
    }
}

/// Reads migrations into changes, keeping Django's replayed states across files.
struct Reader {
    dialect: Dialect,
    history: DjangoHistory,
}

/// The release's migrations from git: files added between base and head (edited ones flagged).
fn from_git(request: &SchemaRequest) -> Result<(Vec<Found>, bool, Origin), SchemaError> {
    let repo = Repo::discover(&request.repo)?;
    let head = repo.resolve(request.head.as_deref().unwrap_or("HEAD"))?;
    let base = match &request.base {
        Some(base) => Some(repo.resolve(base)?),
        None => previous_release(&repo, head, &request.tag_prefix)?,
    };
    let in_scope = |path: &Path| {
        request.config.paths.is_empty()
            || under(path, &request.config.paths)
            || under(path, &request.config.post_deploy_paths)
    };
    let changes: Vec<(PathBuf, FileChange)> = match base {
        Some(base) => repo.changed_files(base, head)?,
        None => repo
            .files_at(head)?
            .into_iter()
            .map(|p| (p, FileChange::Added))
            .collect(),
    };
    let mut found = Vec::new();
    for (path, change) in changes.into_iter().filter(|(p, _)| in_scope(p)) {
        if framework_of(&path, true, None).is_none() {
            continue;
        }
        let bytes = repo.read_at(head, &path)?;
        found.push(Found {
            path,
            bytes,
            edited: change == FileChange::Modified,
        });
    }
    Ok((found, base.is_none(), Origin::Git(repo, head)))
}

/// The release before the one on `head`: the highest stable tag reachable from it, other than `head`'s own.
fn previous_release(repo: &Repo, head: Oid, prefix: &str) -> Result<Option<Oid>, GitError> {
    let tags = ReleaseTags::new(repo.tags()?, prefix);
    let previous = match tags.on_commit(head, None) {
        Some(own) => tags.stable_before(repo, head, &own.version)?,
        None => tags.latest_stable(repo, head)?,
    };
    Ok(previous.map(|t| t.commit))
}

/// Files named on the command line; directories are walked.
fn from_paths(paths: &[PathBuf]) -> Result<Vec<Found>, SchemaError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files)?;
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(SchemaError::NotFound(path.clone()));
        }
    }
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).map_err(|cause| SchemaError::Read {
                path: path.clone(),
                cause,
            })?;
            Ok(Found {
                path,
                bytes,
                edited: false,
            })
        })
        .collect()
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), SchemaError> {
    let entries = std::fs::read_dir(dir).map_err(|cause| SchemaError::Read {
        path: dir.to_path_buf(),
        cause,
    })?;
    let mut paths: Vec<(OsString, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| (e.file_name(), e.path())))
        .collect();
    // Entries of one directory: their names order them as their whole paths would.
    paths.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (_, path) in paths {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.is_file() && framework_of(&path, true, None).is_some() {
            files.push(path);
        }
    }
    Ok(())
}

/// The file as text, or why it cannot be a migration.
fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} bytes, over the {MAX_FILE_BYTES}-byte limit for a migration",
            bytes.len()
        ));
    }
    if bytes.contains(&0) {
        return Err("the file is binary (it holds NUL bytes)".to_owned());
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "the file is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

impl Reader {
    /// On the first SQL migration of a directory in the run, replay the directory's migrations
    /// that run before it and are not in the release (`release`): the tables' constraints they
    /// declare are the old definitions the release's changes are compared with.
    fn replay_sql(
        &self,
        path: &Path,
        origin: &Origin,
        release: &HashSet<PathBuf>,
        replayed: &mut HashSet<PathBuf>,
        context: &mut ReleaseContext,
    ) {
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        if !replayed.insert(dir.clone()) {
            return;
        }
        let mut earlier = origin.migrations(&dir, Framework::Sql, |p| {
            run_order(p, path).is_lt() && !release.contains(p)
        });
        earlier.sort_by(|a, b| run_order(&a.0, &b.0));
        for (_, text) in earlier {
            for change in read_sql(&text, self.dialect, Position::new(1, 1)) {
                context.learn(&change.item);
            }
        }
    }

    fn read(&mut self, pending: Pending, origin: &Origin) -> ReadMigration {
        let Pending {
            path,
            framework,
            post_deploy,
            text,
            edited,
        } = pending;
        let dialect = self.dialect;
        let mut file_findings = Vec::new();
        let file_finding = |rule: &catalog::Rule, message: String| Finding {
            rule: rule.code,
            severity: rule.severity,
            class: rule.class,
            line: 1,
            column: 1,
            message,
            help: rule.help.to_owned(),
        };
        let (text, changes): (String, Vec<Located<Change>>) = match text {
            Err(why) => {
                file_findings.push(file_finding(&catalog::UNREADABLE_FILE, why));
                (String::new(), Vec::new())
            }
            Ok(_) if edited => {
                file_findings.push(file_finding(
                    &catalog::EDITED_MIGRATION,
                    format!("{} was changed after it was released", path.display()),
                ));
                (String::new(), Vec::new())
            }
            Ok(text) => {
                let changes = match framework {
                    Framework::Sql => read_sql(&text, dialect, Position::new(1, 1)),
                    Framework::Rails => read_rails(&text, dialect),
                    Framework::Django => {
                        let app = django_app(&path);
                        let state = self.history.state_before(&path, |dir| {
                            origin.migrations(dir, Framework::Django, |_| true)
                        });
                        read_django_with(&text, dialect, app.as_deref(), state)
                    }
                    Framework::Alembic => read_alembic(&text, dialect),
                };
                (text, changes)
            }
        };
        ReadMigration {
            path,
            framework,
            post_deploy,
            text,
            changes,
            file_findings,
        }
    }
}
