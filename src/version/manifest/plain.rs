//! A VERSION file: the whole content is the version, with an optional leading `v`.
use std::path::Path;

use semver::Version;

use super::error::ManifestError;
use super::text::Located;

/// Find the version of a VERSION file. Surrounding whitespace (a trailing newline, CRLF or
/// none) and a leading `v` are not part of the version, and are kept when it is replaced.
pub fn read_version_file(path: &Path, text: &str) -> Result<Located, ManifestError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut start = text.len() - body.trim_start().len();
    let end = body.trim_end().len() + (text.len() - body.len());
    if start >= end {
        return Err(ManifestError::NoVersion {
            path: path.to_path_buf(),
            detail: "the file is empty".to_owned(),
            fix: "write the current version in it, e.g. 0.1.0".to_owned(),
        });
    }
    if text[start..end].starts_with('v') {
        start += 1;
    }
    Located::parse(path, text, start..end)
}

/// A VERSION file with its version set to `new`.
pub fn bump_version_file(path: &Path, text: &str, new: &Version) -> Result<String, ManifestError> {
    Ok(read_version_file(path, text)?.replace(text, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn trailing_newline_kept_as_is() {
        let path = Path::new("VERSION");
        for (before, after) in [
            ("1.2.3\n", "1.3.0\n"),
            ("1.2.3", "1.3.0"),
            ("1.2.3\r\n", "1.3.0\r\n"),
            ("v1.2.3\n", "v1.3.0\n"),
            ("\u{feff}1.2.3\n\n", "\u{feff}1.3.0\n\n"),
        ] {
            assert_eq!(
                read_version_file(path, before).unwrap().version,
                v("1.2.3"),
                "{before:?}"
            );
            assert_eq!(bump_version_file(path, before, &v("1.3.0")).unwrap(), after);
        }
    }

    #[test]
    fn prerelease_and_build_metadata_round_trip() {
        let path = Path::new("VERSION");
        let read = read_version_file(path, "2.0.0-rc.2+build.5\n").unwrap();
        assert_eq!(read.version, v("2.0.0-rc.2+build.5"));
        assert_eq!(
            bump_version_file(path, "2.0.0-rc.2+build.5\n", &v("2.0.0")).unwrap(),
            "2.0.0\n"
        );
    }

    #[test]
    fn empty_and_invalid_files() {
        let path = Path::new("sub/VERSION");
        let err = read_version_file(path, " \n").unwrap_err();
        assert!(matches!(err, ManifestError::NoVersion { .. }));
        let err = read_version_file(path, "release 1\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("sub/VERSION:1:1: `release 1` is not a semantic version"),
            "{err}"
        );
    }
}
