//! Any text file, with a regular expression saying where the version is.
use std::path::Path;

use regex::Regex;
use semver::Version;

use super::error::{Location, ManifestError, line_col};
use super::text::{Located, replace_spans};

/// Compile the pattern configured for `path`; it must have a capture group.
pub fn compile(path: &Path, pattern: &str) -> Result<Regex, ManifestError> {
    let regex = Regex::new(pattern).map_err(|e| ManifestError::InvalidPattern {
        path: path.to_path_buf(),
        pattern: pattern.to_owned(),
        message: e
            .to_string()
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_owned(),
    })?;
    check_group(path, &regex)?;
    Ok(regex)
}

/// Fail unless `regex` has a capture group.
fn check_group(path: &Path, regex: &Regex) -> Result<(), ManifestError> {
    if regex.captures_len() < 2 {
        return Err(ManifestError::PatternWithoutGroup {
            path: path.to_path_buf(),
            pattern: regex.as_str().to_owned(),
        });
    }
    Ok(())
}

/// The version group of `captures`: the group named `version`, or else group 1; `None` when it
/// took no part in the match.
fn version_group<'t>(regex: &Regex, captures: &regex::Captures<'t>) -> Option<regex::Match<'t>> {
    if regex.capture_names().any(|name| name == Some("version")) {
        captures.name("version")
    } else {
        captures.get(1)
    }
}

/// The error for a pattern that finds no version in its file.
fn no_match(path: &Path, regex: &Regex) -> ManifestError {
    ManifestError::PatternNoMatch {
        path: path.to_path_buf(),
        pattern: regex.as_str().to_owned(),
    }
}

/// Find the version in the first match of `regex`: its group named `version`, or else group 1.
pub fn read_pattern(path: &Path, text: &str, regex: &Regex) -> Result<Located, ManifestError> {
    check_group(path, regex)?;
    let found = regex
        .captures(text)
        .and_then(|captures| version_group(regex, &captures));
    let found = found.ok_or_else(|| no_match(path, regex))?;
    Located::parse(path, text, found.range())
}

/// Find the version in every match of `regex` (in text order; matches whose version group
/// took no part are passed over). All must hold the same version; there is at least one.
pub fn read_every(path: &Path, text: &str, regex: &Regex) -> Result<Vec<Located>, ManifestError> {
    check_group(path, regex)?;
    let mut all: Vec<Located> = Vec::new();
    for captures in regex.captures_iter(text) {
        let Some(found) = version_group(regex, &captures) else {
            continue;
        };
        let located = Located::parse(path, text, found.range())?;
        if let Some(first) = all.first() {
            if located.version != first.version {
                return Err(ManifestError::PatternVersionsDiffer {
                    at: Location::at(path, text, located.span.start),
                    found: located.version.to_string(),
                    first: first.version.to_string(),
                    first_line: line_col(text, first.span.start).0,
                });
            }
        }
        all.push(located);
    }
    if all.is_empty() {
        return Err(no_match(path, regex));
    }
    Ok(all)
}

/// `text` with the version in the first match of `regex` set to `new`.
pub fn bump_pattern(
    path: &Path,
    text: &str,
    regex: &Regex,
    new: &Version,
) -> Result<String, ManifestError> {
    Ok(read_pattern(path, text, regex)?.replace(text, new))
}

/// `text` with the version in every match of `regex` set to `new` (see [`read_every`]).
pub fn bump_every(
    path: &Path,
    text: &str,
    regex: &Regex,
    new: &Version,
) -> Result<String, ManifestError> {
    let edits = read_every(path, text, regex)?
        .into_iter()
        .map(|located| (located.span, new.to_string()))
        .collect();
    Ok(replace_spans(text, edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    const INIT: &str = "\"\"\"The app.\"\"\"\r\n# __version__ = \"0.0.1\" (old)\r\n__version__ = \"1.2.3\"\r\n__version__ = \"1.2.3\"  # a second match stays\r\nX = '1.2.3'";

    #[test]
    fn named_group_first_match_only() {
        let path = Path::new("src/app/__init__.py");
        let regex = compile(path, r#"(?m)^(__version__) = "(?P<version>[^"]+)""#).unwrap();
        assert_eq!(
            read_pattern(path, INIT, &regex).unwrap().version,
            v("1.2.3")
        );
        let after = bump_pattern(path, INIT, &regex, &v("1.3.0")).unwrap();
        assert_eq!(after, INIT.replacen("1.2.3", "1.3.0", 1));
        assert_eq!(after.matches("1.2.3").count(), 2);
    }

    const WORKFLOW: &str = "jobs:\r\n  build:\r\n    steps:\r\n      - uses: acme/ci/actions/setup@v1.2.0\r\n      - uses: acme/ci/actions/test@v1.2.0 # pinned\r\n  deploy:\r\n    steps:\r\n      - uses: acme/ci/actions/deploy@v1.2.0\r\n      - uses: actions/checkout@v4.1.0\r\n";
    const ACTIONS: &str = r"acme/ci/actions/[\w-]+@v(?P<version>\d+\.\d+\.\d+)";

    #[test]
    fn every_match_is_rewritten_and_other_bytes_kept() {
        let path = Path::new(".github/workflows/ci.yml");
        let regex = compile(path, ACTIONS).unwrap();
        let every = read_every(path, WORKFLOW, &regex).unwrap();
        assert_eq!(every.len(), 3);
        assert!(every.iter().all(|l| l.version == v("1.2.0")));
        let after = bump_every(path, WORKFLOW, &regex, &v("1.3.0")).unwrap();
        assert_eq!(after, WORKFLOW.replace("@v1.2.0", "@v1.3.0"));
        assert_eq!(
            after.matches("\r\n").count(),
            WORKFLOW.matches("\r\n").count()
        );
        assert!(after.contains("actions/checkout@v4.1.0"), "{after}");
    }

    #[test]
    fn first_match_only_without_all() {
        let path = Path::new(".github/workflows/ci.yml");
        let regex = compile(path, ACTIONS).unwrap();
        let after = bump_pattern(path, WORKFLOW, &regex, &v("1.3.0")).unwrap();
        assert_eq!(after, WORKFLOW.replacen("@v1.2.0", "@v1.3.0", 1));
    }

    #[test]
    fn every_match_must_hold_the_same_version() {
        let path = Path::new(".github/workflows/ci.yml");
        let text = WORKFLOW.replace("deploy@v1.2.0", "deploy@v1.1.0");
        let regex = compile(path, ACTIONS).unwrap();
        let err = bump_every(path, &text, &regex, &v("1.3.0")).unwrap_err();
        assert!(matches!(err, ManifestError::PatternVersionsDiffer { .. }));
        assert_eq!(
            err.to_string(),
            ".github/workflows/ci.yml:8:39: version 1.1.0 here differs from 1.2.0 on line 4; \
             with `all: true` every match of the pattern must hold the same version: make them \
             agree, or drop `all: true` to bump only the first"
        );
        // The first match alone is still readable.
        assert_eq!(
            bump_pattern(path, &text, &regex, &v("1.3.0"))
                .unwrap()
                .matches("1.3.0")
                .count(),
            1
        );
    }

    #[test]
    fn every_match_passes_over_an_absent_group_and_needs_one() {
        let path = Path::new("f");
        let regex = compile(path, r"v=(?P<version>\d+\.\d+\.\d+)?;").unwrap();
        let after = bump_every(path, "v=; v=1.0.0; v=1.0.0;", &regex, &v("2.0.0")).unwrap();
        assert_eq!(after, "v=; v=2.0.0; v=2.0.0;");
        for text in ["v=;", "nothing"] {
            let err = read_every(path, text, &regex).unwrap_err();
            assert!(matches!(err, ManifestError::PatternNoMatch { .. }), "{err}");
        }
        let regex = compile(path, r"v=(\S+);").unwrap();
        let err = read_every(path, "v=1.0.0;\nv=1.0;", &regex).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f:2:3: `1.0` is not a semantic version"),
            "{err}"
        );
    }

    #[test]
    fn group_one_when_unnamed() {
        let path = Path::new("chart/Chart.yaml");
        let text = "apiVersion: v2\nname: app\nappVersion: \"4.0.0\"\nversion: 4.0.0";
        let regex = compile(path, r"(?m)^version: (\S+)").unwrap();
        let after = bump_pattern(path, text, &regex, &v("4.1.0")).unwrap();
        assert_eq!(
            after,
            "apiVersion: v2\nname: app\nappVersion: \"4.0.0\"\nversion: 4.1.0"
        );
    }

    #[test]
    fn no_match_names_file_and_pattern() {
        let path = Path::new("src/app/__init__.py");
        let regex = compile(path, r#"VERSION = "(?P<version>[^"]+)""#).unwrap();
        let err = read_pattern(path, INIT, &regex).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ManifestError::PatternNoMatch { .. }));
        assert!(
            msg.starts_with("src/app/__init__.py: pattern `VERSION = "),
            "{msg}"
        );
        assert!(msg.contains("adjust the pattern"), "{msg}");
    }

    #[test]
    fn optional_named_group_that_did_not_take_part_is_no_match() {
        let path = Path::new("f");
        let regex = compile(path, r"v=(?P<version>\d+\.\d+\.\d+)?;").unwrap();
        let err = read_pattern(path, "v=;", &regex).unwrap_err();
        assert!(matches!(err, ManifestError::PatternNoMatch { .. }));
    }

    #[test]
    fn invalid_regex_and_missing_group() {
        let path = Path::new("build.gradle");
        let err = compile(path, r"version = '(\d+").unwrap_err();
        assert!(matches!(err, ManifestError::InvalidPattern { .. }));
        assert!(
            err.to_string()
                .starts_with("build.gradle: pattern `version = '(\\d+` is not a valid"),
            "{err}"
        );
        let err = compile(path, r"version = '\d+'").unwrap_err();
        assert!(matches!(err, ManifestError::PatternWithoutGroup { .. }));
        assert!(err.to_string().contains("(?P<version>"), "{err}");
    }

    #[test]
    fn matched_text_must_be_semver() {
        let path = Path::new("f.txt");
        let regex = compile(path, r"ver (\S+)").unwrap();
        let err = read_pattern(path, "x\nver 1.2\n", &regex).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.txt:2:5: `1.2` is not a semantic version"),
            "{err}"
        );
    }
}
