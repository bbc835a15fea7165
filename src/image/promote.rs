//! Promotion by digest: the manifest a source reference resolves to, written byte for byte
//! under each new tag. Within a repository nothing else moves; into another repository of the
//! same registry, the blobs the target lacks are mounted and an index's manifests are pushed
//! by digest first.
use oci_client::Reference;
use serde::Serialize;

use super::error::{ImageError, ImageResult};
use super::manifest::Manifest;
use super::reference::by_digest;
use super::registry::{Fetched, Mount, Registry};

/// What to promote where.
#[derive(Debug, Clone)]
pub struct PromoteRequest {
    /// The source (`--from`), a tag or a digest.
    pub from: Reference,
    /// The tags to write (`--to`), in the same registry.
    pub to: Vec<Reference>,
    /// Refuse unless the source resolves to this digest (`--expect-digest`).
    pub expect_digest: Option<String>,
    /// Resolve and say what would be written; write nothing.
    pub dry_run: bool,
}

/// What became of one target tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Written now.
    Written,
    /// Already at the digest: left alone.
    Unchanged,
    /// `--dry-run`: would be written.
    WouldWrite,
}

impl Action {
    /// How the text report and the summary say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Written => "written",
            Self::Unchanged => "unchanged",
            Self::WouldWrite => "would write",
        }
    }
}

/// One target tag and what it took.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// The reference written (or not).
    pub reference: String,
    /// What was done.
    pub action: Action,
    /// Blobs mounted from the source repository (with `--dry-run`: that would be).
    pub blobs_mounted: usize,
    /// Blobs uploaded because the registry declined to mount them.
    pub blobs_copied: usize,
    /// Manifests of an index pushed by digest before the index.
    pub manifests_pushed: usize,
}

/// The outcome of a promotion (`schemas/image-promote-output.schema.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Promotion {
    /// The source reference.
    pub source: String,
    /// The digest it resolved to.
    pub digest: String,
    /// The manifest's media type.
    pub media_type: String,
    /// The platforms of an index (empty for a single-platform image).
    pub platforms: Vec<String>,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// `--expect-digest` did not match: why nothing was written.
    pub refused: Option<String>,
    /// Each target tag.
    pub targets: Vec<Target>,
}

impl Promotion {
    /// The references now at the digest (written or already there; with `--dry-run`, those
    /// that would be).
    pub fn tags(&self) -> Vec<&str> {
        self.targets.iter().map(|t| t.reference.as_str()).collect()
    }

    /// The references written by this run.
    pub fn written(&self) -> Vec<&str> {
        self.targets
            .iter()
            .filter(|t| t.action == Action::Written)
            .map(|t| t.reference.as_str())
            .collect()
    }

    /// For people.
    pub fn text(&self) -> String {
        let mut text = format!("{} is {} ({}", self.source, self.digest, self.media_type);
        if !self.platforms.is_empty() {
            text.push_str(&format!(": {}", self.platforms.join(", ")));
        }
        text.push_str(")\n");
        if let Some(refused) = &self.refused {
            text.push_str(&format!("refused: {refused}\n"));
            return text;
        }
        for t in &self.targets {
            text.push_str(&format!("{:<11} {}", t.action.label(), t.reference));
            let mut moved = Vec::new();
            if t.blobs_mounted > 0 {
                moved.push(format!("{} blobs mounted", t.blobs_mounted));
            }
            if t.blobs_copied > 0 {
                moved.push(format!("{} blobs copied", t.blobs_copied));
            }
            if t.manifests_pushed > 0 {
                moved.push(format!("{} manifests pushed by digest", t.manifests_pushed));
            }
            if !moved.is_empty() {
                text.push_str(&format!(" ({})", moved.join(", ")));
            }
            text.push('\n');
        }
        text
    }

    /// Markdown for the job summary.
    pub fn summary(&self) -> String {
        let mut md = format!(
            "### Image promoted\n\n`{}` is `{}`\n\n",
            self.source, self.digest
        );
        if let Some(refused) = &self.refused {
            md.push_str(&format!("**Refused:** {refused}\n"));
            return md;
        }
        md.push_str("| tag | action |\n|---|---|\n");
        for t in &self.targets {
            md.push_str(&format!("| `{}` | {} |\n", t.reference, t.action.label()));
        }
        md
    }
}

/// Promote `request.from` to every `request.to`.
pub async fn promote(registry: &Registry, request: &PromoteRequest) -> ImageResult<Promotion> {
    let from = &request.from;
    for to in &request.to {
        if to.resolve_registry() != from.resolve_registry() {
            return Err(ImageError::OtherRegistry {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
    }
    let source = registry.fetch(from).await?;
    let mut promotion = Promotion {
        source: from.to_string(),
        digest: source.digest.clone(),
        media_type: source.manifest.media_type.clone(),
        platforms: source.manifest.platforms(),
        dry_run: request.dry_run,
        refused: None,
        targets: Vec::new(),
    };
    if let Some(expected) = request
        .expect_digest
        .as_ref()
        .filter(|e| **e != source.digest)
    {
        promotion.refused = Some(format!(
            "{from} now resolves to {}, not the expected {expected}: the tag moved since that digest was recorded; nothing was written",
            source.digest
        ));
        return Ok(promotion);
    }
    let mut seen = std::collections::BTreeSet::new();
    for to in request.to.iter().filter(|to| seen.insert(to.to_string())) {
        let target = promote_one(registry, from, &source, to, request.dry_run).await?;
        tracing::info!("{:?}: {}", target.action, target.reference);
        promotion.targets.push(target);
    }
    Ok(promotion)
}

async fn promote_one(
    registry: &Registry,
    from: &Reference,
    source: &Fetched,
    to: &Reference,
    dry_run: bool,
) -> ImageResult<Target> {
    let mut target = Target {
        reference: to.to_string(),
        action: Action::Unchanged,
        blobs_mounted: 0,
        blobs_copied: 0,
        manifests_pushed: 0,
    };
    if registry.digest_of(to).await?.as_deref() == Some(source.digest.as_str()) {
        return Ok(target);
    }
    if to.repository() != from.repository() {
        Box::pin(ensure_content(
            registry,
            from,
            to,
            &source.manifest,
            dry_run,
            &mut target,
        ))
        .await?;
    }
    if dry_run {
        target.action = Action::WouldWrite;
        return Ok(target);
    }
    let media_type = &source.manifest.media_type;
    registry.put_manifest(to, &source.bytes, media_type).await?;
    let now = registry.digest_of(to).await?;
    if now.as_deref() != Some(source.digest.as_str()) {
        return Err(ImageError::Unsupported {
            reference: to.to_string(),
            reason: format!(
                "the registry stored the manifest as {}, not {}: it rewrote the bytes",
                now.as_deref().unwrap_or("nothing"),
                source.digest
            ),
        });
    }
    target.action = Action::Written;
    Ok(target)
}

/// Make `to`'s repository hold what `manifest` refers to: an index's manifests (pushed by
/// digest, each after its own content) and an image's blobs (mounted from `from`'s repository,
/// uploaded when the registry declines). What is there already is left alone.
async fn ensure_content(
    registry: &Registry,
    from: &Reference,
    to: &Reference,
    manifest: &Manifest,
    dry_run: bool,
    target: &mut Target,
) -> ImageResult<()> {
    for child in &manifest.children {
        let child_to = by_digest(to, &child.digest);
        if registry.digest_of(&child_to).await?.is_some() {
            continue;
        }
        let fetched = registry.fetch(&by_digest(from, &child.digest)).await?;
        Box::pin(ensure_content(
            registry,
            from,
            to,
            &fetched.manifest,
            dry_run,
            target,
        ))
        .await?;
        if !dry_run {
            registry
                .put_manifest(&child_to, &fetched.bytes, &fetched.manifest.media_type)
                .await?;
        }
        target.manifests_pushed += 1;
    }
    for blob in &manifest.blobs {
        if registry.has_blob(to, blob).await? {
            continue;
        }
        if dry_run {
            target.blobs_mounted += 1;
            continue;
        }
        match registry.mount_blob(to, from, blob).await? {
            Mount::Mounted => target.blobs_mounted += 1,
            Mount::Declined => {
                registry.copy_blob(to, from, blob).await?;
                target.blobs_copied += 1;
            }
        }
    }
    Ok(())
}
