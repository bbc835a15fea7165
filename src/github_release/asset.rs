//! The files to attach: read whole before anything is sent, named by their file name, and
//! compared with what the release holds by size and SHA-256 digest.
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::GithubReleaseError;
use crate::forge::github::ReleaseAsset;

/// A file to attach to the release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalAsset {
    /// The file as given.
    pub path: PathBuf,
    /// Its file name: the asset's name.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// `sha256:<hex>` of the bytes, as GitHub writes an asset's `digest`.
    pub digest: String,
}

/// Why an asset of the release is not the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// Its upload never finished.
    Incomplete,
    /// Its size differs.
    Size,
    /// GitHub holds no digest of it, so it cannot be compared.
    NoDigest,
    /// Its digest differs.
    Digest,
}

impl Mismatch {
    /// In words, for the report.
    pub fn text(self) -> &'static str {
        match self {
            Self::Incomplete => "its upload had not finished",
            Self::Size => "its size differed",
            Self::NoDigest => "GitHub held no digest of it",
            Self::Digest => "its digest differed",
        }
    }
}

impl LocalAsset {
    /// Reads `path` whole; its name must be one GitHub keeps as it is.
    pub fn read(path: &Path) -> Result<Self, GithubReleaseError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !kept_by_github(&name) {
            return Err(GithubReleaseError::AssetName {
                path: path.to_path_buf(),
                name,
            });
        }
        let bytes = std::fs::read(path).map_err(|cause| GithubReleaseError::AssetFile {
            path: path.to_path_buf(),
            cause,
        })?;
        let digest = format!("sha256:{}", hex(&Sha256::digest(&bytes)));
        Ok(Self {
            path: path.to_path_buf(),
            name,
            bytes,
            digest,
        })
    }

    /// Reads every file of `paths` ([`LocalAsset::read`]); two of one name are refused.
    pub fn read_all(paths: &[PathBuf]) -> Result<Vec<Self>, GithubReleaseError> {
        let mut assets: Vec<Self> = Vec::with_capacity(paths.len());
        for path in paths {
            let asset = Self::read(path)?;
            if let Some(first) = assets.iter().find(|a| a.name == asset.name) {
                return Err(GithubReleaseError::DuplicateAsset {
                    name: asset.name,
                    first: first.path.clone(),
                    second: asset.path,
                });
            }
            assets.push(asset);
        }
        Ok(assets)
    }

    /// Why `held` (the release's asset of this name) is not this file; `None` when it is.
    pub fn mismatch(&self, held: &ReleaseAsset) -> Option<Mismatch> {
        if held.state != "uploaded" {
            return Some(Mismatch::Incomplete);
        }
        if usize::try_from(held.size).ok() != Some(self.bytes.len()) {
            return Some(Mismatch::Size);
        }
        match &held.digest {
            None => Some(Mismatch::NoDigest),
            Some(digest) if digest.eq_ignore_ascii_case(&self.digest) => None,
            Some(_) => Some(Mismatch::Digest),
        }
    }
}

/// Whether GitHub keeps `name` as it is on upload: letters, digits, `.`, `-` and `_`, not
/// starting or ending with `.` (it renames names with other characters, and leading or
/// trailing periods).
fn kept_by_github(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(size: u64, digest: Option<&str>, state: &str) -> ReleaseAsset {
        ReleaseAsset {
            id: 1,
            name: "a.tar.gz".into(),
            size,
            digest: digest.map(str::to_owned),
            state: state.into(),
        }
    }

    #[test]
    fn a_file_is_read_with_its_digest_and_compared_by_size_and_digest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.tar.gz");
        std::fs::write(&path, "abc").unwrap();
        let asset = LocalAsset::read(&path).unwrap();
        assert_eq!(asset.name, "a.tar.gz");
        let sha = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(asset.digest, sha);
        assert_eq!(asset.mismatch(&held(3, Some(sha), "uploaded")), None);
        let upper = sha.to_ascii_uppercase().replace("SHA256", "sha256");
        assert_eq!(asset.mismatch(&held(3, Some(&upper), "uploaded")), None);
        assert_eq!(
            asset.mismatch(&held(4, Some(sha), "uploaded")),
            Some(Mismatch::Size)
        );
        let other = format!("sha256:{}", "0".repeat(64));
        assert_eq!(
            asset.mismatch(&held(3, Some(&other), "uploaded")),
            Some(Mismatch::Digest)
        );
        assert_eq!(
            asset.mismatch(&held(3, None, "uploaded")),
            Some(Mismatch::NoDigest)
        );
        assert_eq!(
            asset.mismatch(&held(3, Some(sha), "starter")),
            Some(Mismatch::Incomplete)
        );
    }

    #[test]
    fn missing_renamed_and_twice_named_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.zip");
        let err = LocalAsset::read(&missing).unwrap_err();
        assert!(matches!(err, GithubReleaseError::AssetFile { .. }), "{err}");
        assert!(err.to_string().contains("gone.zip: cannot read the asset"));
        for name in [
            "my file.zip",
            ".hidden",
            "trailing.",
            "v1+build.tar.gz",
            "é.zip",
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, "x").unwrap();
            let err = LocalAsset::read(&path).unwrap_err();
            assert!(
                matches!(err, GithubReleaseError::AssetName { .. }),
                "{name}"
            );
        }
        std::fs::create_dir(dir.path().join("b")).unwrap();
        for (sub, name) in [(".", "SHA256SUMS"), ("b", "SHA256SUMS")] {
            std::fs::write(dir.path().join(sub).join(name), "x").unwrap();
        }
        let paths = [
            dir.path().join("SHA256SUMS"),
            dir.path().join("b/SHA256SUMS"),
        ];
        let err = LocalAsset::read_all(&paths).unwrap_err();
        assert!(
            matches!(err, GithubReleaseError::DuplicateAsset { ref name, .. } if name == "SHA256SUMS"),
            "{err}"
        );
    }
}
