//! Which release and project a command is about, from flags, CI variables and the repository.
use std::path::Path;

use semver::Version;

use super::Failure;
use crate::ci::CiEnv;

/// The release version: `given` (from the flag named `flag`, e.g. `--version`), else the
/// pipeline's tag, else the release tag on HEAD; none of them is a usage error naming the flag.
pub fn resolve_version(
    given: Option<&str>,
    flag: &str,
    ci: &CiEnv,
    repo: &Path,
    prefix: &str,
) -> Result<Version, Failure> {
    if let Some(version) = given_or_pipeline(given, ci, prefix)? {
        return Ok(version);
    }
    crate::release::version_at_head(repo, prefix)
        .map_err(Failure::usage)?
        .ok_or_else(|| {
            Failure::usage(anyhow::anyhow!(
                "no {flag} given and HEAD carries no release tag; pass {flag} X.Y.Z"
            ))
        })
}

/// The tag a deploy job deploys and its version: `given` (`--tag`), else the pipeline's tag;
/// neither is a usage error saying what to pass.
pub fn deployed_tag(
    given: Option<String>,
    ci: &CiEnv,
    prefix: &str,
) -> Result<(String, Version), Failure> {
    let tag = given.or_else(|| ci.tag.clone()).ok_or_else(|| {
        Failure::usage(anyhow::anyhow!(
            "no --tag given and the pipeline is not a tag pipeline; pass --tag {prefix}X.Y.Z"
        ))
    })?;
    let version = match crate::release::version_of_tag(&tag, prefix) {
        Some(version) => version,
        None => crate::release::parse_version(&tag).map_err(Failure::usage)?,
    };
    Ok((tag, version))
}

/// The release version when one is known, found as [`resolve_version`] finds it; `None` when
/// nothing names one (a repository that cannot be read is logged and names none).
pub fn known_version(
    given: Option<&str>,
    ci: &CiEnv,
    repo: &Path,
    prefix: &str,
) -> Result<Option<Version>, Failure> {
    if let Some(version) = given_or_pipeline(given, ci, prefix)? {
        return Ok(Some(version));
    }
    Ok(
        crate::release::version_at_head(repo, prefix).unwrap_or_else(|err| {
            tracing::warn!("cannot read the release tag on HEAD: {err}");
            None
        }),
    )
}

/// `given` (a version, or its tag with `prefix`), else the version of the pipeline's tag.
fn given_or_pipeline(
    given: Option<&str>,
    ci: &CiEnv,
    prefix: &str,
) -> Result<Option<Version>, Failure> {
    if let Some(text) = given {
        return match crate::release::version_of_tag(text.trim(), prefix) {
            Some(version) => Ok(Some(version)),
            None => crate::release::parse_version(text)
                .map(Some)
                .map_err(Failure::usage),
        };
    }
    Ok(ci
        .tag
        .as_deref()
        .and_then(|t| crate::release::version_of_tag(t, prefix)))
}

/// The release tag a command is about: `given` (`--tag`), else the pipeline's tag; neither is a
/// usage error saying to pass `--tag`.
pub fn release_tag(given: Option<String>, ci: &CiEnv) -> Result<String, Failure> {
    given.or_else(|| ci.tag.clone()).ok_or_else(|| {
        Failure::usage(anyhow::anyhow!(
            "no tag: pass --tag TAG (in a tag pipeline the pipeline's tag is the default)"
        ))
    })
}

/// The project's name: the first non-empty of `configured`, else the repository's name (from
/// the CI; a numeric GitLab project id does not count), else the directory's.
pub fn project_name(configured: &[&str], ci: &CiEnv, root: &Path) -> String {
    configured
        .iter()
        .find(|p| !p.is_empty())
        .map(|p| (*p).to_owned())
        .or_else(|| {
            ci.repository()
                .and_then(|r| r.rsplit('/').next())
                .filter(|n| !n.is_empty() && !n.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_owned)
        })
        .or_else(|| root.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "project".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ci(vars: &[(&str, &str)]) -> CiEnv {
        CiEnv::from_vars(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    #[test]
    fn a_release_is_given_as_a_version_or_its_tag_else_read_from_the_pipeline() {
        let none = ci(&[]);
        let outside = tempfile::tempdir().unwrap();
        let known = |given, ci: &CiEnv| known_version(given, ci, outside.path(), "release-").ok();
        let v = |text| Some(Some(Version::parse(text).unwrap()));
        assert_eq!(known(Some("release-1.5.0"), &none), v("1.5.0"));
        assert_eq!(known(Some("v1.5.0"), &none), v("1.5.0"));
        assert_eq!(known(Some(" 1.5.0 "), &none), v("1.5.0"));
        assert!(known_version(Some("next"), &none, outside.path(), "").is_err());
        let tagged = ci(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REF_TYPE", "tag"),
            ("GITHUB_REF_NAME", "release-2.0.0"),
        ]);
        assert_eq!(known(None, &tagged), v("2.0.0"));
        // Outside a repository and with no tag, nothing names a release.
        assert_eq!(known(None, &none), Some(None));
        assert!(resolve_version(None, "--release", &none, outside.path(), "").is_err());
    }
}
