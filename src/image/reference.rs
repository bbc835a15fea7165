//! Image references as given on the command line: `REGISTRY/REPOSITORY:TAG` or `…@sha256:…`.
use oci_client::Reference;

use super::error::{ImageError, ImageResult};

/// Whether a reference may name a digest, or must name a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// A tag or a digest (`--from`, `inspect`).
    TagOrDigest,
    /// A tag only (`--to`: the tag to write).
    Tag,
}

/// Parses `value`, given with `flag`, into a reference; a missing tag is an error, not `latest`.
pub fn parse(flag: &str, value: &str, want: Want) -> ImageResult<Reference> {
    let bad = |reason: &str| ImageError::BadReference {
        flag: flag.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    };
    let reference = Reference::try_from(value).map_err(|e| {
        let name = value.split(['@', ' ']).next().unwrap_or(value);
        let repository = name.split_once('/').map_or(name, |(_, r)| r);
        if repository
            .split(':')
            .next()
            .is_some_and(|r| r.chars().any(|c| c.is_ascii_uppercase()))
        {
            bad("repository name must be lowercase")
        } else {
            bad(&e.to_string())
        }
    })?;
    let last = value.rsplit('/').next().unwrap_or(value);
    let has_tag = last
        .split('@')
        .next()
        .is_some_and(|name| name.contains(':'));
    if !value.contains('/')
        || (reference.registry() == "docker.io" && !value.starts_with("docker.io/"))
    {
        return Err(bad("no registry host"));
    }
    match want {
        Want::Tag if reference.digest().is_some() => {
            Err(bad("a digest cannot be written to; name a tag"))
        }
        Want::Tag | Want::TagOrDigest if !has_tag && reference.digest().is_none() => {
            Err(bad("no tag (`latest` is never assumed)"))
        }
        _ => Ok(reference),
    }
}

/// Whether `value` is a digest shipgate can compare: `sha256:` and 64 lowercase hex digits.
pub fn is_digest(value: &str) -> bool {
    value.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// `reference` with its tag replaced by `digest`.
pub fn by_digest(reference: &Reference, digest: &str) -> Reference {
    Reference::with_digest(
        reference.registry().to_owned(),
        reference.repository().to_owned(),
        digest.to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn tags_and_digests_with_a_registry_parse() {
        let r = parse(
            "--from",
            "127.0.0.1:5000/team/app:rc-1.4.0",
            Want::TagOrDigest,
        )
        .unwrap();
        assert_eq!(
            (r.registry(), r.repository(), r.tag()),
            ("127.0.0.1:5000", "team/app", Some("rc-1.4.0"))
        );
        let r = parse(
            "--from",
            &format!("registry.example.com/app@{DIGEST}"),
            Want::TagOrDigest,
        )
        .unwrap();
        assert_eq!(r.digest(), Some(DIGEST));
        let r = parse("--to", "docker.io/library/app:1.4.0", Want::Tag).unwrap();
        assert_eq!(r.resolve_registry(), "index.docker.io");
        assert_eq!(
            by_digest(&r, DIGEST).to_string(),
            format!("docker.io/library/app@{DIGEST}")
        );
    }

    #[test]
    fn bad_references_name_the_flag_and_the_form() {
        for (flag, value, want, reason) in [
            ("--to", "registry.example.com/app", Want::Tag, "no tag"),
            ("--from", "localhost:5000/app", Want::TagOrDigest, "no tag"),
            ("--from", "app:1.0", Want::TagOrDigest, "no registry host"),
            (
                "--from",
                "team/app:1.0",
                Want::TagOrDigest,
                "no registry host",
            ),
            (
                "--to",
                &format!("r.example.com/app@{DIGEST}"),
                Want::Tag,
                "a digest cannot be written to",
            ),
            (
                "--from",
                "r.example.com/App:1",
                Want::TagOrDigest,
                "lowercase",
            ),
            (
                "--from",
                "r.example.com/app:bad tag",
                Want::TagOrDigest,
                "invalid reference format",
            ),
        ] {
            let message = parse(flag, value, want).unwrap_err().to_string();
            assert!(
                message.starts_with(&format!("{flag} {value}: ")),
                "{message}"
            );
            assert!(message.contains(reason), "{message}");
            assert!(
                message.contains("expected REGISTRY/REPOSITORY:TAG"),
                "{message}"
            );
        }
    }

    #[test]
    fn digests() {
        assert!(is_digest(DIGEST));
        assert!(!is_digest("sha256:0123"));
        assert!(!is_digest(&DIGEST.to_uppercase()));
        assert!(!is_digest(&DIGEST.replace("sha256", "sha512")));
    }
}
