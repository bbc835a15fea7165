//! What a reference resolves to: digest, media type, and an index's platforms.
use oci_client::Reference;
use serde::Serialize;

use super::error::ImageResult;
use super::registry::Registry;

/// One manifest of an index.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Its digest.
    pub digest: String,
    /// `os/architecture[/variant]`, when the index says.
    pub platform: Option<String>,
}

/// A resolved reference (`schemas/image-inspect-output.schema.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// The reference given.
    pub reference: String,
    /// The digest it resolves to.
    pub digest: String,
    /// The same image pinned: `REGISTRY/REPOSITORY@DIGEST`, what a later step deploys.
    pub pinned: String,
    /// The manifest's media type.
    pub media_type: String,
    /// The platforms of an index (empty for a single-platform image).
    pub platforms: Vec<String>,
    /// The manifests of an index (empty for a single-platform image).
    pub manifests: Vec<Entry>,
}

impl Inspection {
    /// For people: the digest alone on the first line, then the media type and platforms.
    pub fn text(&self) -> String {
        let mut text = format!("{}\nmedia type  {}\n", self.digest, self.media_type);
        if !self.platforms.is_empty() {
            text.push_str(&format!("platforms   {}\n", self.platforms.join(", ")));
        }
        text
    }
}

/// Resolve `reference`.
pub async fn inspect(registry: &Registry, reference: &Reference) -> ImageResult<Inspection> {
    let fetched = registry.fetch(reference).await?;
    Ok(Inspection {
        reference: reference.to_string(),
        pinned: super::reference::by_digest(reference, &fetched.digest).to_string(),
        digest: fetched.digest,
        platforms: fetched.manifest.platforms(),
        media_type: fetched.manifest.media_type,
        manifests: fetched
            .manifest
            .children
            .into_iter()
            .map(|c| Entry {
                digest: c.digest,
                platform: c.platform,
            })
            .collect(),
    })
}
