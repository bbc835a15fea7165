//! Manifest editors: read and rewrite the version in Cargo.toml, package.json,
//! pyproject.toml, VERSION files and regex-described files, keeping every other byte
//! (comments, order, whitespace, quotes, line endings) exactly as it was.
//!
//! [`resolve`] turns configuration into [`ManifestFile`]s, [`current_version`] reads,
//! [`plan`] computes every [`FileEdit`] in memory and [`apply`] writes them.
use std::path::{Path, PathBuf};

use regex::Regex;
use semver::Version;

mod apply;
pub mod cargo;
mod error;
pub mod npm;
pub mod pattern;
pub mod plain;
pub mod pyproject;
mod resolve;
mod text;
mod toml_doc;

pub use apply::apply;
pub use error::{Location, ManifestError};
pub use resolve::{found, resolve};
pub use text::Located;

/// What kind of file, and so which editor.
#[derive(Debug, Clone)]
pub enum ManifestKind {
    /// `Cargo.toml` (companion: `Cargo.lock` beside it).
    Cargo,
    /// `package.json` (companion: `package-lock.json` beside it).
    PackageJson,
    /// `pyproject.toml`.
    Pyproject,
    /// A `VERSION` file holding only the version.
    Plain,
    /// Any file; the regex's group `version` (or else group 1) is the version.
    Pattern {
        /// The configured regular expression.
        regex: Regex,
        /// Every match holds the version and is rewritten, not only the first.
        all: bool,
    },
}

impl ManifestKind {
    /// The kind of a known manifest, from its file name; `None` for any other name.
    pub fn from_path(path: &Path) -> Option<Self> {
        match path.file_name()?.to_str()? {
            "Cargo.toml" => Some(Self::Cargo),
            "package.json" => Some(Self::PackageJson),
            "pyproject.toml" => Some(Self::Pyproject),
            "VERSION" => Some(Self::Plain),
            _ => None,
        }
    }
}

/// A manifest to edit, path relative to the repository root.
#[derive(Debug, Clone)]
pub struct ManifestFile {
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// Which editor handles it.
    pub kind: ManifestKind,
}

/// One planned rewrite; nothing is written until [`apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// Its content when planned.
    pub before: String,
    /// Its content after the edit.
    pub after: String,
}

/// Where the version of `text` (the content of a manifest of `kind`) is written (the first
/// place, for a pattern matching every place).
pub fn locate(path: &Path, text: &str, kind: &ManifestKind) -> Result<Located, ManifestError> {
    match kind {
        ManifestKind::Cargo => cargo::read_cargo_toml(path, text).map(|c| c.located),
        ManifestKind::PackageJson => npm::read_package_json(path, text),
        ManifestKind::Pyproject => pyproject::read_pyproject(path, text),
        ManifestKind::Plain => plain::read_version_file(path, text),
        ManifestKind::Pattern { regex, all: false } => pattern::read_pattern(path, text, regex),
        ManifestKind::Pattern { regex, all: true } => {
            pattern::read_every(path, text, regex).map(|mut every| every.swap_remove(0))
        }
    }
}

/// The version written in the first manifest that has one (used when the repository has
/// no release tag yet). Manifests without a version of their own (a dynamic or inherited
/// one) are passed over; unreadable or malformed ones are errors.
pub fn current_version(
    root: &Path,
    files: &[ManifestFile],
) -> Result<Option<Version>, ManifestError> {
    for file in files {
        let text = read(root, &file.path)?;
        match locate(&file.path, &text, &file.kind) {
            Ok(located) => return Ok(Some(located.version)),
            Err(ManifestError::NoVersion { .. } | ManifestError::DynamicVersion { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// Compute every edit in memory (so a parse error in the 3rd file leaves the 1st
/// untouched), including companions: `Cargo.lock` beside `Cargo.toml`, `package-lock.json`
/// beside `package.json`, when present and when they change. Several edits of one file
/// are merged into one [`FileEdit`].
pub fn plan(
    root: &Path,
    files: &[ManifestFile],
    new: &Version,
) -> Result<Vec<FileEdit>, ManifestError> {
    let mut edits = Vec::new();
    for file in files {
        let path = &file.path;
        let text = planned_text(root, &edits, path)?;
        match &file.kind {
            ManifestKind::Cargo => {
                let manifest = cargo::read_cargo_toml(path, &text)?;
                let after = manifest.located.replace(&text, new);
                record(&mut edits, path, text, after);
                let lock = path.with_file_name("Cargo.lock");
                if root.join(&lock).is_file() {
                    let text = planned_text(root, &edits, &lock)?;
                    let after = cargo::bump_cargo_lock(&lock, &text, &manifest, new)?;
                    if after != text {
                        record(&mut edits, &lock, text, after);
                    }
                }
            }
            ManifestKind::PackageJson => {
                let after = npm::bump_package_json(path, &text, new)?;
                record(&mut edits, path, text, after);
                let lock = path.with_file_name("package-lock.json");
                if root.join(&lock).is_file() {
                    let text = planned_text(root, &edits, &lock)?;
                    let after = npm::bump_package_lock(&lock, &text, new)?;
                    if after != text {
                        record(&mut edits, &lock, text, after);
                    }
                }
            }
            ManifestKind::Pattern { regex, all: true } => {
                let after = pattern::bump_every(path, &text, regex, new)?;
                record(&mut edits, path, text, after);
            }
            kind => {
                let after = locate(path, &text, kind)?.replace(&text, new);
                record(&mut edits, path, text, after);
            }
        }
    }
    Ok(edits)
}

/// Read `path` (relative to `root`).
fn read(root: &Path, path: &Path) -> Result<String, ManifestError> {
    std::fs::read_to_string(root.join(path)).map_err(|source| ManifestError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The text of `path` as already planned, or as on disk.
fn planned_text(root: &Path, edits: &[FileEdit], path: &Path) -> Result<String, ManifestError> {
    match edits.iter().find(|e| e.path == path) {
        Some(edit) => Ok(edit.after.clone()),
        None => read(root, path),
    }
}

/// Add an edit, or extend the edit already planned for the same file.
fn record(edits: &mut Vec<FileEdit>, path: &Path, before: String, after: String) {
    match edits.iter_mut().find(|e| e.path == path) {
        Some(edit) => edit.after = after,
        None => edits.push(FileEdit {
            path: path.to_path_buf(),
            before,
            after,
        }),
    }
}

#[cfg(test)]
mod tests;
