//! Errors of the manifest editors, and where in a file they happened.
use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a manifest: its path relative to the repository root and, when known,
/// the 1-based line and column. Displays as `path:line:column` (or `path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// 1-based line and column (in characters), when the position is known.
    pub position: Option<(usize, usize)>,
}

impl Location {
    /// The location of byte `offset` of `text`, the content of `path`.
    pub fn at(path: &Path, text: &str, offset: usize) -> Self {
        Self {
            path: path.to_path_buf(),
            position: Some(line_col(text, offset)),
        }
    }

    /// A location naming only the file.
    pub fn file(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            position: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Why a manifest could not be read, understood or rewritten.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// A file could not be read.
    #[error("{}: cannot read the file; check that it exists and is readable", path.display())]
    Read {
        /// The file, relative to the repository root.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file (or its temporary sibling) could not be written or renamed into place.
    #[error("{}: cannot write the file; check permissions and free space", path.display())]
    Write {
        /// The file, relative to the repository root.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file listed in `version.manifests` does not exist.
    #[error(
        "{}: listed in version.manifests but does not exist; fix the path or remove the entry",
        path.display()
    )]
    NotFound {
        /// The configured path.
        path: PathBuf,
    },
    /// A configured path is absolute or climbs out of the repository with `..`.
    #[error(
        "{}: manifest paths must be relative to the repository root and stay inside it",
        path.display()
    )]
    OutsideRepository {
        /// The configured path.
        path: PathBuf,
    },
    /// A configured path is not a known manifest and comes without a pattern.
    #[error(
        "{}: not a known manifest (Cargo.toml, package.json, pyproject.toml, VERSION); \
         give `{{ path: {}, pattern: ... }}` with a regular expression whose group `version` matches the version",
        path.display(),
        path.display()
    )]
    UnknownKind {
        /// The configured path.
        path: PathBuf,
    },
    /// The file does not parse as its format.
    #[error("{at}: {message}; fix the syntax so the file parses")]
    Syntax {
        /// Where the parser stopped.
        at: Location,
        /// The parser's message.
        message: String,
    },
    /// A value has a shape the editor cannot handle (e.g. a version that is not a string).
    #[error("{at}: {problem}; {fix}")]
    Unexpected {
        /// Where the value is.
        at: Location,
        /// What is wrong.
        problem: String,
        /// What to do about it.
        fix: String,
    },
    /// The version written in the file is not a semantic version.
    #[error(
        "{at}: `{value}` is not a semantic version ({reason}); write it as MAJOR.MINOR.PATCH, e.g. 1.2.3"
    )]
    InvalidVersion {
        /// Where the version is.
        at: Location,
        /// The text found.
        value: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The file holds no version that could be edited.
    #[error("{}: {detail}; {fix}", path.display())]
    NoVersion {
        /// The file, relative to the repository root.
        path: PathBuf,
        /// What was looked for.
        detail: String,
        /// What to do about it.
        fix: String,
    },
    /// pyproject.toml declares the version as dynamic: another file holds the real one.
    #[error(
        "{}: the version is dynamic (`dynamic = [\"version\"]` in [project]), so it is not written here; \
         configure a `{{ path: ..., pattern: ... }}` entry in version.manifests for the file that really holds it \
         (e.g. `{{ path: src/pkg/__init__.py, pattern: '__version__ = \"(?P<version>[^\"]+)\"' }}`)",
        path.display()
    )]
    DynamicVersion {
        /// The pyproject.toml, relative to the repository root.
        path: PathBuf,
    },
    /// A configured pattern is not a valid regular expression.
    #[error("{}: pattern `{pattern}` is not a valid regular expression ({message}); fix the expression", path.display())]
    InvalidPattern {
        /// The file the pattern is for.
        path: PathBuf,
        /// The pattern as configured.
        pattern: String,
        /// The regex compiler's message.
        message: String,
    },
    /// A configured pattern has no capture group to say where the version is.
    #[error(
        "{}: pattern `{pattern}` has no capture group; wrap the version in a group named `version`, \
         e.g. `version = \"(?P<version>[^\"]+)\"`",
        path.display()
    )]
    PatternWithoutGroup {
        /// The file the pattern is for.
        path: PathBuf,
        /// The pattern as configured.
        pattern: String,
    },
    /// A configured pattern matches nothing in its file (or its version group took no part in the match).
    #[error(
        "{}: pattern `{pattern}` does not match the file (or its version group is empty); \
         adjust the pattern to the file's current text",
        path.display()
    )]
    PatternNoMatch {
        /// The file the pattern is for.
        path: PathBuf,
        /// The pattern as configured.
        pattern: String,
    },
    /// With `all: true`, two matches of a pattern hold different versions.
    #[error(
        "{at}: version {found} here differs from {first} on line {first_line}; with `all: true` \
         every match of the pattern must hold the same version: make them agree, \
         or drop `all: true` to bump only the first"
    )]
    PatternVersionsDiffer {
        /// The first match whose version differs from the first match's.
        at: Location,
        /// The differing version.
        found: String,
        /// The version of the first match.
        first: String,
        /// The 1-based line of the first match's version.
        first_line: usize,
    },
    /// A file changed between `plan` and `apply`.
    #[error("{}: changed since the edit was planned; run again", path.display())]
    Changed {
        /// The file, relative to the repository root.
        path: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "ab\r\nçd\nx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (2, 1));
        // `ç` is two bytes but one column.
        assert_eq!(line_col(text, 6), (2, 2));
        assert_eq!(line_col(text, text.len()), (3, 2));
    }

    #[test]
    fn location_displays_path_line_column() {
        let at = Location::at(
            Path::new("package.json"),
            "{\n  \"a\": 1,\n    \"version\": 1\n}",
            27,
        );
        assert_eq!(at.to_string(), "package.json:3:16");
        assert_eq!(Location::file(Path::new("VERSION")).to_string(), "VERSION");
    }
}
