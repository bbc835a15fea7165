//! The hidden marker that finds a release's issue again, and the issue title.
use semver::Version;

use super::DeployIssueError;

const PREFIX: &str = "<!-- shipgate:release ";
const SUFFIX: &str = " -->";

/// Reads a version written with or without a leading `v` (`v1.4.0`, `1.4.0`).
pub fn parse_version(text: &str) -> Result<Version, DeployIssueError> {
    let trimmed = text.trim();
    let bare = trimmed.strip_prefix(['v', 'V']).unwrap_or(trimmed);
    Version::parse(bare).map_err(|e| DeployIssueError::BadVersion {
        value: text.to_owned(),
        reason: e.to_string(),
    })
}

/// The marker line `<!-- shipgate:release vX.Y.Z -->` of `version` (given with or without a
/// leading `v`). A version that is not semver is kept as written after the `v`.
pub fn marker(version: &str) -> String {
    let shown = match parse_version(version) {
        Ok(v) => v.to_string(),
        Err(_) => {
            let trimmed = version.trim();
            trimmed
                .strip_prefix(['v', 'V'])
                .unwrap_or(trimmed)
                .to_owned()
        }
    };
    format!("{PREFIX}v{shown}{SUFFIX}")
}

/// The version of the first well-formed marker in `body`.
pub fn parse_marker(body: &str) -> Option<Version> {
    body.match_indices(PREFIX).find_map(|(at, _)| {
        let rest = &body[at + PREFIX.len()..];
        let end = rest.find(SUFFIX)?;
        let text = &rest[..end];
        text.starts_with('v')
            .then(|| parse_version(text).ok())
            .flatten()
    })
}

/// The issue title, `Deploy vX.Y.Z`.
pub fn title(version: &Version) -> String {
    format!("Deploy v{version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_with_or_without_v() {
        assert_eq!(marker("1.4.0"), "<!-- shipgate:release v1.4.0 -->");
        assert_eq!(marker("v1.4.0"), "<!-- shipgate:release v1.4.0 -->");
        assert_eq!(
            marker(" V1.4.0-rc.1 "),
            "<!-- shipgate:release v1.4.0-rc.1 -->"
        );
    }

    #[test]
    fn marker_parses_back() {
        let body = format!("{}\nhello", marker("1.4.0-rc.2"));
        assert_eq!(
            parse_marker(&body),
            Some(Version::parse("1.4.0-rc.2").unwrap())
        );
        assert_eq!(parse_marker("no marker"), None);
        assert_eq!(parse_marker("<!-- shipgate:release vnope -->"), None);
        assert_eq!(
            parse_marker("<!-- shipgate:release vx --> <!-- shipgate:release v2.0.0 -->"),
            Some(Version::new(2, 0, 0))
        );
    }

    #[test]
    fn marker_of_one_version_is_not_found_in_another() {
        assert!(!marker("1.4.10").contains(&marker("1.4.1")));
    }

    #[test]
    fn bad_version_says_how_to_write_it() {
        let err = parse_version("one").unwrap_err().to_string();
        assert!(err.contains("`one` is not a semantic version"), "{err}");
        assert!(err.contains("X.Y.Z"), "{err}");
    }

    #[test]
    fn title_shows_v() {
        assert_eq!(title(&Version::new(1, 4, 0)), "Deploy v1.4.0");
    }
}
