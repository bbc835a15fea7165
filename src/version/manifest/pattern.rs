//! Any text file, with a regular expression saying where the version is.
use std::path::Path;

use regex::Regex;
use semver::Version;

use super::error::ManifestError;
use super::text::Located;

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

/// Find the version in the first match of `regex`: its group named `version`, or else group 1.
pub fn read_pattern(path: &Path, text: &str, regex: &Regex) -> Result<Located, ManifestError> {
    check_group(path, regex)?;
    let named = regex.capture_names().any(|name| name == Some("version"));
    let found = regex.captures(text).and_then(|captures| {
        if named {
            captures.name("version")
        } else {
            captures.get(1)
        }
    });
    let Some(found) = found else {
        return Err(ManifestError::PatternNoMatch {
            path: path.to_path_buf(),
            pattern: regex.as_str().to_owned(),
        });
    };
    Located::parse(path, text, found.range())
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
