//! Why a GitHub release could not be made or brought up to date.
use std::path::PathBuf;

use crate::exit::{Exit, ExitClass};
use crate::forge::{ForgeError, ForgeKind};

/// Why `shipgate-version publish` failed.
#[derive(Debug, thiserror::Error)]
pub enum GithubReleaseError {
    /// The tag is not on GitHub: a release of it would make GitHub create the tag itself.
    #[error(
        "tag {tag} is not on GitHub: push the tag first (git push origin {tag}); nothing was \
         created (a release of a missing tag would make GitHub create the tag at the default \
         branch's head)"
    )]
    NoTag {
        /// The tag.
        tag: String,
    },
    /// An `--asset` file could not be read.
    #[error("{}: cannot read the asset: {cause}", path.display())]
    AssetFile {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// An `--asset` file's name is one GitHub would rename on upload.
    #[error(
        "{}: GitHub renames an asset named {name:?} on upload, so it could not be found again; \
         rename the file to letters, digits, `.`, `-` and `_` (not starting or ending with `.`)",
        path.display()
    )]
    AssetName {
        /// The file.
        path: PathBuf,
        /// Its name.
        name: String,
    },
    /// Two `--asset` files have the same name.
    #[error(
        "{} and {}: both would be the asset {name}; a release holds one asset of a name",
        first.display(),
        second.display()
    )]
    DuplicateAsset {
        /// The asset name.
        name: String,
        /// The first file of that name.
        first: PathBuf,
        /// The second.
        second: PathBuf,
    },
    /// The forge is not GitHub.
    #[error(
        "shipgate-version publish makes GitHub releases, and the forge here is {}: on GitLab a \
         release is made by the `release:` keyword of .gitlab-ci.yml (a job with \
         `release: {{tag_name: $CI_COMMIT_TAG}}`)",
        forge_name(*forge)
    )]
    NotGithub {
        /// The forge in use.
        forge: ForgeKind,
    },
    /// GitHub refused or failed.
    #[error(transparent)]
    Forge(#[from] ForgeError),
}

impl ExitClass for GithubReleaseError {
    fn exit_class(&self) -> Exit {
        match self {
            Self::Forge(e) => e.exit_class(),
            _ => Exit::Usage,
        }
    }
}

fn forge_name(kind: ForgeKind) -> &'static str {
    match kind {
        ForgeKind::Github => "GitHub",
        ForgeKind::Gitlab => "GitLab",
        ForgeKind::Local => "the local forge",
    }
}
