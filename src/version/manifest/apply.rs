//! Writing planned edits: every new content to a temporary sibling first, then renames.
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{FileEdit, ManifestError};

/// A new content written beside its file, waiting to be renamed over it.
struct Staged<'e> {
    /// The temporary file.
    temp: PathBuf,
    /// The file it replaces.
    target: PathBuf,
    /// The file, relative to the repository root, for errors.
    path: &'e Path,
}

/// Write the edits (each via a temporary file in the same directory and a rename, keeping
/// permissions), skipping those where `before == after`. All temporary files are written
/// before the first rename: if writing one fails, the others are removed and no file is
/// changed. (Renames within a directory practically never fail; if one does, the files
/// renamed before it keep their new content.) A file whose content is no longer `before`
/// is an error ([`ManifestError::Changed`]).
pub fn apply(root: &Path, edits: &[FileEdit]) -> Result<(), ManifestError> {
    let mut staged = Vec::new();
    for (index, edit) in edits.iter().filter(|e| e.before != e.after).enumerate() {
        match stage(root, edit, index) {
            Ok(s) => staged.push(s),
            Err(e) => {
                discard(&staged);
                return Err(e);
            }
        }
    }
    for (done, s) in staged.iter().enumerate() {
        if let Err(source) = fs::rename(&s.temp, &s.target) {
            discard(&staged[done..]);
            return Err(ManifestError::Write {
                path: s.path.to_path_buf(),
                source,
            });
        }
    }
    Ok(())
}

/// Check that `edit`'s file still holds `before`, and write `after` beside it.
fn stage<'e>(root: &Path, edit: &'e FileEdit, index: usize) -> Result<Staged<'e>, ManifestError> {
    let path = edit.path.as_path();
    let read_error = |source| ManifestError::Read {
        path: path.to_path_buf(),
        source,
    };
    // Follow a symbolic link so that the file it points to is replaced, not the link.
    let target = fs::canonicalize(root.join(path)).map_err(read_error)?;
    if fs::read_to_string(&target).map_err(read_error)? != edit.before {
        return Err(ManifestError::Changed {
            path: path.to_path_buf(),
        });
    }
    let permissions = fs::metadata(&target).map_err(read_error)?.permissions();
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temp = target.with_file_name(format!(
        ".{name}.shipgate-{}-{index}.tmp",
        std::process::id()
    ));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(edit.after.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| fs::set_permissions(&temp, permissions));
    if let Err(source) = written {
        // The temporary file may or may not exist; either way it must not stay.
        let _ = fs::remove_file(&temp);
        return Err(ManifestError::Write {
            path: path.to_path_buf(),
            source,
        });
    }
    Ok(Staged { temp, target, path })
}

/// Remove temporary files that will not be renamed.
fn discard(staged: &[Staged<'_>]) {
    for s in staged {
        // Best effort: the error being reported matters more than a leftover file.
        let _ = fs::remove_file(&s.temp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(path: &str, before: &str, after: &str) -> FileEdit {
        FileEdit {
            path: PathBuf::from(path),
            before: before.to_owned(),
            after: after.to_owned(),
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_changed_files_and_skips_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("web")).unwrap();
        fs::write(dir.path().join("VERSION"), "1.0.0\n").unwrap();
        fs::write(
            dir.path().join("web/package.json"),
            "{\"version\":\"1.0.0\"}",
        )
        .unwrap();
        fs::write(dir.path().join("same"), "x").unwrap();
        let edits = [
            edit("VERSION", "1.0.0\n", "1.1.0\n"),
            edit(
                "web/package.json",
                "{\"version\":\"1.0.0\"}",
                "{\"version\":\"1.1.0\"}",
            ),
            edit("same", "x", "x"),
        ];
        apply(dir.path(), &edits).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("VERSION")).unwrap(),
            "1.1.0\n"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("web/package.json")).unwrap(),
            "{\"version\":\"1.1.0\"}"
        );
        assert_eq!(entries(dir.path()), ["VERSION", "same", "web"]);
        assert_eq!(entries(&dir.path().join("web")), ["package.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("VERSION");
        fs::write(&file, "1.0.0").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        apply(dir.path(), &[edit("VERSION", "1.0.0", "2.0.0")]).unwrap();
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[test]
    fn a_failure_leaves_every_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("VERSION"), "1.0.0\n").unwrap();
        let edits = [
            edit("VERSION", "1.0.0\n", "1.1.0\n"),
            edit("missing/Cargo.toml", "a", "b"),
        ];
        let err = apply(dir.path(), &edits).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("missing/Cargo.toml: cannot read"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("VERSION")).unwrap(),
            "1.0.0\n"
        );
        assert_eq!(entries(dir.path()), ["VERSION"]);
    }

    #[test]
    fn a_file_changed_since_planning_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("VERSION"), "1.0.5\n").unwrap();
        let err = apply(dir.path(), &[edit("VERSION", "1.0.0\n", "1.1.0\n")]).unwrap_err();
        assert!(matches!(err, ManifestError::Changed { .. }), "{err}");
        assert_eq!(
            fs::read_to_string(dir.path().join("VERSION")).unwrap(),
            "1.0.5\n"
        );
    }
}
