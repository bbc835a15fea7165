//! Bringing a tag's GitHub release to what was asked: made once, its notes set only when asked,
//! published unless it stays a draft, its assets uploaded when missing or different.
use super::GithubReleaseError;
use std::path::PathBuf;

use super::asset::{LocalAsset, Mismatch};
use crate::forge::github::{
    GithubForge, NewRelease, Release, ReleaseAsset, ReleaseEdit, TagOnForge,
};
use crate::forge::{AnyForge, Forge, ForgeError, ForgeKind, create_once};
use crate::version::notes_in_tag_message;

/// What to make of the release of a tag.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    /// The tag, which must be on GitHub.
    pub tag: String,
    /// Leave a new release unpublished (a published one stays published).
    pub draft: bool,
    /// Notes to set (`--notes-file`); `None`: a new release takes the tag's, an existing one
    /// keeps its own.
    pub notes: Option<String>,
    /// The files to attach.
    pub assets: Vec<LocalAsset>,
}

impl PublishRequest {
    /// The request for `tag`, the files of `assets` read whole ([`LocalAsset::read_all`]), so a
    /// file missing stops the run before anything is sent.
    pub fn new(
        tag: String,
        draft: bool,
        notes: Option<String>,
        assets: &[PathBuf],
    ) -> Result<Self, GithubReleaseError> {
        Ok(Self {
            tag,
            draft,
            notes,
            assets: LocalAsset::read_all(assets)?,
        })
    }
}

/// What became of the release's notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotesAction {
    /// The release was made with them.
    Written,
    /// They were replaced by the notes given.
    Replaced,
    /// They were left as they were.
    Kept,
}

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetAction {
    /// The release had no asset of its name: uploaded.
    Uploaded,
    /// The release's asset of its name was another: deleted, and the file uploaded.
    Replaced(Mismatch),
    /// The release already held it: nothing sent.
    Unchanged,
}

/// The release after [`publish`], and what was done.
#[derive(Debug, Clone)]
pub struct Published {
    /// The release as GitHub last answered it.
    pub release: Release,
    /// It was made by this run.
    pub created: bool,
    /// What became of its notes.
    pub notes: NotesAction,
    /// It was a draft and this run published it.
    pub published_now: bool,
    /// `--draft` was asked of a release already published, which stays published.
    pub kept_published: bool,
    /// Each file's name and what became of it, in the order given.
    pub assets: Vec<(String, AssetAction)>,
}

/// The release notes an annotated tag's message holds: what follows the tag's name and a blank
/// line when shipgate-version wrote it, else the whole message; a signature is left out.
pub fn notes_from_tag(tag: &str, message: &str) -> String {
    let unsigned = [
        "-----BEGIN PGP SIGNATURE-----",
        "-----BEGIN SSH SIGNATURE-----",
    ]
    .iter()
    .filter_map(|start| message.find(start))
    .min()
    .map_or(message, |at| &message[..at]);
    notes_in_tag_message(tag, unsigned)
        .as_deref()
        .unwrap_or(unsigned)
        .trim_end()
        .to_owned()
}

/// `Ok` on GitHub; on another forge the error saying where its releases are made.
pub fn on_github(kind: ForgeKind) -> Result<(), GithubReleaseError> {
    match kind {
        ForgeKind::Github => Ok(()),
        forge => Err(GithubReleaseError::NotGithub { forge }),
    }
}

/// Makes the release of `request.tag` what `request` asks, creating nothing twice: the tag must
/// be on GitHub; the release is found among all of them, drafts included, and made (with the
/// notes given, else the tag's) only when there is none. A release is published only once its
/// files are all there: a new one with files to attach is made a draft first. GitHub only
/// ([`on_github`]).
pub async fn publish(
    forge: &AnyForge,
    request: &PublishRequest,
) -> Result<Published, GithubReleaseError> {
    match forge {
        AnyForge::Github(github) => publish_on(github, request).await,
        other => Err(GithubReleaseError::NotGithub {
            forge: other.kind(),
        }),
    }
}

async fn publish_on(
    forge: &GithubForge,
    request: &PublishRequest,
) -> Result<Published, GithubReleaseError> {
    let tag = request.tag.as_str();
    let tag_notes = match forge.tag_on_forge(tag).await? {
        TagOnForge::Missing => {
            return Err(GithubReleaseError::NoTag {
                tag: tag.to_owned(),
            });
        }
        TagOnForge::Lightweight => String::new(),
        TagOnForge::Annotated { message } => notes_from_tag(tag, &message),
    };
    let (release, created) = match forge.release_of_tag(tag).await? {
        Some(release) => (release, false),
        None => {
            let new = NewRelease {
                tag,
                body: request.notes.as_deref().unwrap_or(&tag_notes),
                draft: request.draft || !request.assets.is_empty(),
            };
            (create(forge, &new).await?, true)
        }
    };
    let mut assets = Vec::with_capacity(request.assets.len());
    if !request.assets.is_empty() {
        let held = forge.release_assets(release.id).await?;
        for local in &request.assets {
            let action = attach(forge, release.id, local, &held).await?;
            assets.push((local.name.clone(), action));
        }
    }
    let new_notes = request.notes.as_deref().filter(|notes| {
        !created && release.body.as_deref().unwrap_or("").trim_end() != notes.trim_end()
    });
    let edit = ReleaseEdit {
        body: new_notes,
        draft: (release.draft && !request.draft).then_some(false),
    };
    let published_now = edit.draft.is_some();
    let release = if edit.is_empty() {
        release
    } else {
        forge.edit_release(release.id, &edit).await?
    };
    Ok(Published {
        kept_published: request.draft && !release.draft,
        release,
        created,
        notes: match (created, new_notes) {
            (true, _) => NotesAction::Written,
            (false, Some(_)) => NotesAction::Replaced,
            (false, None) => NotesAction::Kept,
        },
        published_now,
        assets,
    })
}

/// Creates the release once: after a failure GitHub may have acted on, it is looked for before
/// it is made again.
async fn create(forge: &GithubForge, new: &NewRelease<'_>) -> Result<Release, ForgeError> {
    create_once(
        &forge.retry_policy(),
        "creating the release",
        || forge.create_release(new),
        || forge.release_of_tag(new.tag),
    )
    .await
}

/// Makes the release hold `local`, given the assets it `held`.
async fn attach(
    forge: &GithubForge,
    release_id: u64,
    local: &LocalAsset,
    held: &[ReleaseAsset],
) -> Result<AssetAction, ForgeError> {
    let action = match held.iter().find(|a| a.name == local.name) {
        None => AssetAction::Uploaded,
        Some(asset) => match local.mismatch(asset) {
            None => return Ok(AssetAction::Unchanged),
            Some(why) => {
                forge.delete_release_asset(asset.id).await?;
                AssetAction::Replaced(why)
            }
        },
    };
    create_once(
        &forge.retry_policy(),
        "uploading a release asset",
        || forge.upload_release_asset(release_id, &local.name, &local.bytes),
        // An upload that failed half-way may have left an incomplete asset of the name.
        || async move {
            let held = forge.release_assets(release_id).await?;
            let Some(asset) = held.into_iter().find(|a| a.name == local.name) else {
                return Ok(None);
            };
            if local.mismatch(&asset).is_none() {
                return Ok(Some(asset));
            }
            forge.delete_release_asset(asset.id).await?;
            Ok::<_, ForgeError>(None)
        },
    )
    .await?;
    Ok(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_come_from_the_tag_message_without_its_first_line_or_signature() {
        assert_eq!(
            notes_from_tag("v1.2.0", "v1.2.0\n\n### Features\n\n- paginate\n"),
            "### Features\n\n- paginate"
        );
        assert_eq!(notes_from_tag("v1.2.0", "v1.2.0\n"), "");
        assert_eq!(
            notes_from_tag("v1.2.0", "Release 1.2\n\nhand-written\n"),
            "Release 1.2\n\nhand-written"
        );
        let signed =
            "v1.2.0\n\n- fix\n-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n";
        assert_eq!(notes_from_tag("v1.2.0", signed), "- fix");
        let ssh =
            "v1.2.0\n\n- fix\n-----BEGIN SSH SIGNATURE-----\nU1NI\n-----END SSH SIGNATURE-----\n";
        assert_eq!(notes_from_tag("v1.2.0", ssh), "- fix");
    }
}
