//! A release tag and its version: the configured prefix (`version.tag_prefix`) and semver.
use semver::Version;

/// The tag of `version`: `prefix` then the version (`v1.4.0`).
pub fn tag_name(prefix: &str, version: &Version) -> String {
    format!("{prefix}{version}")
}

/// The version a release tag names, when `tag` is `prefix` followed by a semantic version.
pub fn version_of_tag(tag: &str, prefix: &str) -> Option<Version> {
    Version::parse(tag.strip_prefix(prefix)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_versions_round_trip_through_the_prefix() {
        let v = Version::parse("1.4.0-rc.1").unwrap();
        assert_eq!(tag_name("v", &v), "v1.4.0-rc.1");
        assert_eq!(version_of_tag("v1.4.0-rc.1", "v"), Some(v.clone()));
        assert_eq!(version_of_tag("release-1.4.0-rc.1", "release-"), Some(v));
        assert_eq!(version_of_tag("1.4.0", "v"), None);
        assert_eq!(version_of_tag("vnext", "v"), None);
    }
}
