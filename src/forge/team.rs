//! Teams as shipgate names them: `org/team-slug` (on GitLab, a group's full path).
use super::{ForgeError, ForgeResult};

/// `team` as organisation and team slug: exactly one `/` between two non-empty names (GitHub;
/// a child team is named by its own slug).
pub(crate) fn org_and_slug(team: &str) -> ForgeResult<(&str, &str)> {
    team.split_once('/')
        .filter(|(org, slug)| name(org) && name(slug))
        .ok_or_else(|| ForgeError::Invalid {
            value: team.to_owned(),
            expected: "a GitHub team: give it as org/team-slug, e.g. acme/release-managers \
                       (a child team by its own slug)"
                .to_owned(),
        })
}

/// `team` as a group's full path: two or more non-empty names separated by `/` (GitLab, where
/// a team is a group under an organisation's top-level group; subgroups allowed).
pub(crate) fn group_path(team: &str) -> ForgeResult<&str> {
    let parts: Vec<&str> = team.split('/').collect();
    if parts.len() >= 2 && parts.iter().all(|p| name(p)) {
        return Ok(team);
    }
    Err(ForgeError::Invalid {
        value: team.to_owned(),
        expected: "a team: give it as org/team-slug, e.g. acme/release-managers \
                   (on GitLab a group's full path: acme/ops/release-managers)"
            .to_owned(),
    })
}

/// One name of a path: not empty, no `/`, no white space.
fn name(part: &str) -> bool {
    !part.is_empty() && !part.contains(|c: char| c == '/' || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_teams_are_exactly_org_and_slug() {
        assert_eq!(
            org_and_slug("acme/release-managers").unwrap(),
            ("acme", "release-managers")
        );
        for bad in [
            "acme",
            "",
            "/x",
            "acme/",
            "acme/ops/release",
            "acme /x",
            "acme//x",
        ] {
            let err = org_and_slug(bad).unwrap_err();
            assert!(matches!(err, ForgeError::Invalid { .. }), "{bad}");
            assert_eq!(
                crate::exit::ExitClass::exit_class(&err),
                crate::exit::Exit::Usage,
                "a usage error: exit 2"
            );
            assert!(err.to_string().contains("org/team-slug"), "{err}");
        }
    }

    #[test]
    fn gitlab_teams_are_group_paths_below_the_top() {
        for good in ["acme/release", "acme/ops/release-managers"] {
            assert_eq!(group_path(good).unwrap(), good);
        }
        for bad in [
            "acme", "", "acme/", "/acme/x", "acme//x", "acme/x/", "acme/a b",
        ] {
            let err = group_path(bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("`{bad}` is not a team")),
                "{err}"
            );
        }
    }
}
