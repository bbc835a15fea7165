//! From `version.manifests` (or its absence) to the files to edit.
use std::path::{Component, Path, PathBuf};

use semver::Version;

use crate::config::version::ManifestEntry;

use super::{ManifestError, ManifestFile, ManifestKind, locate, pattern, read};

/// The known manifests looked for at the root when none are configured.
const DEFAULTS: [&str; 4] = ["Cargo.toml", "package.json", "pyproject.toml", "VERSION"];

/// Configured entries, or with `None` the defaults: those present at the root among
/// Cargo.toml, package.json, pyproject.toml and VERSION. Absent defaults are skipped
/// silently, and so are present ones that hold no version at all (a pyproject.toml used
/// only for tool settings, a package.json without `"version"`); a configured file that
/// is absent, or whose kind cannot be told, is an error.
pub fn resolve(
    root: &Path,
    configured: Option<&[ManifestEntry]>,
) -> Result<Vec<ManifestFile>, ManifestError> {
    match configured {
        None => defaults(root),
        Some(entries) => entries
            .iter()
            .map(|entry| configured_file(root, entry))
            .collect(),
    }
}

/// The known manifests among `files` (relative to `root`, in any directory) that hold a version
/// of their own, with that version: the files `version.manifests` can list. The root's come
/// first, in the order the defaults are read, then the others by path. A file without a version,
/// with a dynamic or inherited one, or that cannot be read or parsed is passed over.
pub fn found(root: &Path, files: &[PathBuf]) -> Vec<(ManifestFile, Version)> {
    let rank = |path: &Path| {
        let at_root = DEFAULTS.iter().position(|d| Path::new(d) == path);
        (at_root.unwrap_or(DEFAULTS.len()), path.to_path_buf())
    };
    let mut found: Vec<(ManifestFile, Version)> = files
        .iter()
        .filter_map(|path| {
            let kind = ManifestKind::from_path(path)?;
            let text = read(root, path).ok()?;
            let version = locate(path, &text, &kind).ok()?.version;
            let file = ManifestFile {
                path: path.clone(),
                kind,
            };
            Some((file, version))
        })
        .collect();
    found.sort_by_key(|(file, _)| rank(&file.path));
    found
}

/// The default manifests present at `root`.
fn defaults(root: &Path) -> Result<Vec<ManifestFile>, ManifestError> {
    let mut files = Vec::new();
    for name in DEFAULTS {
        let path = Path::new(name);
        let Some(kind) = ManifestKind::from_path(path) else {
            continue;
        };
        if !root.join(path).is_file() {
            continue;
        }
        let text = read(root, path)?;
        // Other errors are kept for `plan` to report.
        if let Err(ManifestError::NoVersion { .. }) = locate(path, &text, &kind) {
            continue;
        }
        files.push(ManifestFile {
            path: path.to_path_buf(),
            kind,
        });
    }
    Ok(files)
}

/// One configured entry, checked.
fn configured_file(root: &Path, entry: &ManifestEntry) -> Result<ManifestFile, ManifestError> {
    let (path, kind) = match entry {
        ManifestEntry::Path(path) => {
            inside(path)?;
            let kind = ManifestKind::from_path(path)
                .ok_or_else(|| ManifestError::UnknownKind { path: path.clone() })?;
            (path, kind)
        }
        ManifestEntry::Pattern { path, pattern, all } => {
            inside(path)?;
            let regex = pattern::compile(path, pattern)?;
            (path, ManifestKind::Pattern { regex, all: *all })
        }
    };
    if !root.join(path).is_file() {
        return Err(ManifestError::NotFound { path: path.clone() });
    }
    Ok(ManifestFile {
        path: path.clone(),
        kind,
    })
}

/// Fail unless `path` is relative and stays inside the repository.
fn inside(path: &Path) -> Result<(), ManifestError> {
    let escapes = path
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes || path.as_os_str().is_empty() {
        return Err(ManifestError::OutsideRepository {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}
