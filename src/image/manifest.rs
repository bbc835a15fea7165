//! What a manifest refers to: an image manifest's config and layers, or an index's manifests
//! with their platforms. The bytes themselves are promoted untouched; this only reads them.
use oci_client::manifest::{
    IMAGE_MANIFEST_LIST_MEDIA_TYPE, IMAGE_MANIFEST_MEDIA_TYPE, OCI_IMAGE_INDEX_MEDIA_TYPE,
    OCI_IMAGE_MEDIA_TYPE,
};
use serde::Deserialize;

/// The media types a manifest may be fetched as: OCI and Docker, image and index.
pub const ACCEPTED: &[&str] = &[
    OCI_IMAGE_INDEX_MEDIA_TYPE,
    OCI_IMAGE_MEDIA_TYPE,
    IMAGE_MANIFEST_LIST_MEDIA_TYPE,
    IMAGE_MANIFEST_MEDIA_TYPE,
];

/// A manifest, as far as promotion needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Its media type (from `mediaType`, else from its shape).
    pub media_type: String,
    /// Config and layer digests of an image manifest (empty for an index).
    pub blobs: Vec<String>,
    /// The manifests of an index (empty for an image manifest).
    pub children: Vec<Child>,
}

/// One manifest of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// Its digest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// `os/architecture[/variant]`, when the index says.
    pub platform: Option<String>,
}

impl Manifest {
    /// Whether it is an index (a multi-platform image).
    pub fn is_index(&self) -> bool {
        !self.children.is_empty() || is_index_type(&self.media_type)
    }

    /// The platforms of an index's manifests, in its order (those it names).
    pub fn platforms(&self) -> Vec<String> {
        self.children
            .iter()
            .filter_map(|c| c.platform.clone())
            .collect()
    }
}

fn is_index_type(media_type: &str) -> bool {
    media_type == OCI_IMAGE_INDEX_MEDIA_TYPE || media_type == IMAGE_MANIFEST_LIST_MEDIA_TYPE
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    schema_version: Option<i64>,
    media_type: Option<String>,
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Vec<Descriptor>,
    manifests: Option<Vec<Descriptor>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    digest: String,
    #[serde(default)]
    media_type: String,
    platform: Option<Platform>,
}

#[derive(Deserialize)]
struct Platform {
    os: String,
    architecture: String,
    variant: Option<String>,
}

/// Reads a manifest's references; the error says what is wrong, for a message.
pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
    let raw: Raw =
        serde_json::from_slice(bytes).map_err(|e| format!("the manifest is not valid: {e}"))?;
    if raw.schema_version != Some(2) {
        return Err(format!(
            "schema version {} manifests cannot be promoted by digest; push the image again with a current client",
            raw.schema_version
                .map_or_else(|| "unknown".to_owned(), |v| v.to_string())
        ));
    }
    let media_type = match (raw.media_type, &raw.manifests) {
        (Some(t), _) => t,
        (None, Some(_)) => OCI_IMAGE_INDEX_MEDIA_TYPE.to_owned(),
        (None, None) => OCI_IMAGE_MEDIA_TYPE.to_owned(),
    };
    if !ACCEPTED.contains(&media_type.as_str()) {
        return Err(format!(
            "media type {media_type} is not an image manifest or index"
        ));
    }
    let children = raw
        .manifests
        .unwrap_or_default()
        .into_iter()
        .map(|d| Child {
            digest: d.digest,
            media_type: d.media_type,
            platform: d.platform.map(|p| match p.variant {
                Some(v) => format!("{}/{}/{v}", p.os, p.architecture),
                None => format!("{}/{}", p.os, p.architecture),
            }),
        })
        .collect();
    let blobs = raw
        .config
        .into_iter()
        .chain(raw.layers)
        .map(|d| d.digest)
        .collect();
    Ok(Manifest {
        media_type,
        blobs,
        children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_manifest_lists_its_config_then_its_layers() {
        let m = parse(
            br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:c","size":2},
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:l","size":3}]}"#,
        )
        .unwrap();
        assert_eq!(m.blobs, ["sha256:c", "sha256:l"]);
        assert!(!m.is_index());
        assert!(m.platforms().is_empty());
    }

    #[test]
    fn an_index_lists_its_manifests_and_platforms_and_its_type_is_inferred() {
        let m = parse(
            br#"{"schemaVersion":2,"manifests":[
                {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:a","size":1,
                 "platform":{"os":"linux","architecture":"amd64"}},
                {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:b","size":1,
                 "platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
                {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:x","size":1}]}"#,
        )
        .unwrap();
        assert_eq!(m.media_type, OCI_IMAGE_INDEX_MEDIA_TYPE);
        assert!(m.is_index());
        assert_eq!(m.platforms(), ["linux/amd64", "linux/arm64/v8"]);
        assert_eq!(m.children.len(), 3);
        assert!(m.blobs.is_empty());
    }

    #[test]
    fn schema_1_and_foreign_types_are_refused() {
        let err = parse(br#"{"schemaVersion":1,"name":"app","fsLayers":[]}"#).unwrap_err();
        assert!(err.contains("schema version 1"), "{err}");
        let err = parse(br#"{"schemaVersion":2,"mediaType":"text/plain"}"#).unwrap_err();
        assert!(err.contains("text/plain is not an image manifest"), "{err}");
        assert!(
            parse(b"nope")
                .unwrap_err()
                .starts_with("the manifest is not valid")
        );
    }
}
