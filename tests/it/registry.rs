//! A real registry for tests: Debian's `docker-registry` (distribution 2.8, installed by
//! scripts/tools.sh) on a free port of 127.0.0.1, storing in a temp directory, with its access
//! log kept so a test can count what clients asked of it. Images are built here (a config blob,
//! one layer, a manifest; an index of two platforms) and pushed with oci-client.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::manifest::{OCI_IMAGE_INDEX_MEDIA_TYPE, OCI_IMAGE_MEDIA_TYPE};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use tempfile::TempDir;

/// How long the registry gets to answer `GET /v2/`.
const READY_WITHIN: Duration = Duration::from_secs(20);

/// A running registry; it stops when dropped.
pub struct TestRegistry {
    child: Child,
    host: String,
    dir: TempDir,
}

/// `docker-registry` on PATH; `None` (after a notice) when it is missing outside CI. Under
/// `CI=true` a missing registry fails the test.
pub fn binary() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("docker-registry"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(
            !ci,
            "docker-registry is not installed: run scripts/test.sh, which installs it (Debian \
             package `docker-registry`)"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipped: docker-registry is not on PATH; scripts/test.sh installs it");
        }
    }
    found
}

/// The sha256 digest of `bytes`, as a registry names it.
pub fn digest(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

impl TestRegistry {
    /// Start a registry with an empty storage directory and wait until it answers.
    pub fn start(binary: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n\
                 storage:\n  filesystem:\n    rootdirectory: {}\n\
                 http:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("data").display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(binary)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("docker-registry starts");
        let registry = Self {
            child,
            host: format!("127.0.0.1:{port}"),
            dir,
        };
        registry.wait_until_ready();
        registry
    }

    fn wait_until_ready(&self) {
        let started = Instant::now();
        let url = format!("http://{}/v2/", self.host);
        loop {
            let ok = runtime().block_on(async {
                reqwest::get(&url)
                    .await
                    .is_ok_and(|r| r.status().is_success())
            });
            if ok {
                return;
            }
            assert!(
                started.elapsed() < READY_WITHIN,
                "the registry did not answer within {READY_WITHIN:?}; its log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Everything the registry logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// The requests of the access log so far, as `METHOD PATH?QUERY`.
    pub fn requests(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter_map(|line| {
                let request = line.split('"').nth(1)?;
                let mut parts = request.split(' ');
                let (method, path) = (parts.next()?, parts.next()?);
                path.starts_with("/v2/").then(|| format!("{method} {path}"))
            })
            .collect()
    }

    /// The blob uploads started into `repository` (`POST …/blobs/uploads/` without a mount)
    /// after the first `since` requests.
    pub fn uploads_since(&self, repository: &str, since: usize) -> Vec<String> {
        let prefix = format!("POST /v2/{repository}/blobs/uploads/");
        self.requests()
            .into_iter()
            .skip(since)
            .filter(|r| r.starts_with(&prefix) && !r.contains("mount="))
            .collect()
    }

    /// The blob data files in the storage directory (one per distinct blob).
    pub fn stored_blobs(&self) -> usize {
        walk(&self.dir.path().join("data/docker/registry/v2/blobs"))
    }

    /// The digest `reference` (`REPO:TAG` or `REPO@DIGEST` of this registry) resolves to, by
    /// `GET /v2/REPO/manifests/TAG` and the sha256 of the body; `None` when it does not exist.
    pub fn manifest_digest(&self, reference: &str) -> Option<String> {
        let (repository, tag) = reference
            .split_once('@')
            .unwrap_or_else(|| reference.rsplit_once(':').unwrap());
        let url = format!("http://{}/v2/{repository}/manifests/{tag}", self.host);
        runtime().block_on(async {
            let response = reqwest::Client::new()
                .get(&url)
                .header("Accept", ACCEPT)
                .send()
                .await
                .unwrap();
            if response.status() == 404 {
                return None;
            }
            assert!(
                response.status().is_success(),
                "{url}: {}",
                response.status()
            );
            Some(digest(&response.bytes().await.unwrap()))
        })
    }

    /// Push a single-platform image `REPO:TAG` whose layer holds `content`; its manifest digest.
    pub fn push_image(&self, reference: &str, content: &str) -> String {
        self.push_platform(reference, "amd64", content)
    }

    /// Push an index `REPO:TAG` of two images (linux/amd64 and linux/arm64, layers from
    /// `content`), each pushed by digest first; the index digest and the two manifest digests.
    pub fn push_index(&self, reference: &str, content: &str) -> (String, [String; 2]) {
        let (repository, _) = reference.rsplit_once(':').unwrap();
        let children = ["amd64", "arm64"].map(|arch| {
            let bytes = image_manifest(self, repository, arch, &format!("{content} {arch}"));
            let d = digest(&bytes);
            self.put_manifest(&format!("{repository}@{d}"), bytes, OCI_IMAGE_MEDIA_TYPE);
            (d, arch)
        });
        let index = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_IMAGE_INDEX_MEDIA_TYPE,
            "manifests": children.iter().map(|(d, arch)| json!({
                "mediaType": OCI_IMAGE_MEDIA_TYPE,
                "digest": d,
                "size": 0,
                "platform": {"os": "linux", "architecture": arch},
            })).collect::<Vec<_>>(),
        }))
        .unwrap();
        let index_digest = digest(&index);
        self.put_manifest(reference, index, OCI_IMAGE_INDEX_MEDIA_TYPE);
        let [(a, _), (b, _)] = children;
        (index_digest, [a, b])
    }

    fn push_platform(&self, reference: &str, arch: &str, content: &str) -> String {
        let (repository, _) = reference.rsplit_once(':').unwrap();
        let bytes = image_manifest(self, repository, arch, content);
        let d = digest(&bytes);
        self.put_manifest(reference, bytes, OCI_IMAGE_MEDIA_TYPE);
        d
    }

    fn reference(&self, reference: &str) -> Reference {
        format!("{}/{reference}", self.host).parse().unwrap()
    }

    fn put_manifest(&self, reference: &str, bytes: Vec<u8>, media_type: &str) {
        let reference = self.reference(reference);
        runtime().block_on(async {
            client()
                .push_manifest_raw(&reference, bytes, media_type.parse().unwrap())
                .await
                .unwrap();
        });
    }

    fn push_blob(&self, repository: &str, bytes: Vec<u8>) -> String {
        let d = digest(&bytes);
        let reference = self.reference(&format!("{repository}:any"));
        runtime().block_on(async {
            let client = client();
            client
                .store_auth_if_needed(reference.resolve_registry(), &RegistryAuth::Anonymous)
                .await;
            client.push_blob(&reference, bytes, &d).await.unwrap();
        });
        d
    }
}

/// What a test asks manifests as.
pub const ACCEPT: &str =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json";

/// Pushes a config and a layer holding `content` to `repository`; the manifest's bytes.
fn image_manifest(registry: &TestRegistry, repository: &str, arch: &str, content: &str) -> Vec<u8> {
    let layer = content.as_bytes().to_vec();
    let layer_size = layer.len();
    let layer_digest = registry.push_blob(repository, layer);
    let config = serde_json::to_vec(&json!({
        "architecture": arch,
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    }))
    .unwrap();
    let config_size = config.len();
    let config_digest = registry.push_blob(repository, config);
    serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_IMAGE_MEDIA_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": layer_size}],
    }))
    .unwrap()
}

fn client() -> Client {
    Client::new(ClientConfig {
        protocol: ClientProtocol::Http,
        ..ClientConfig::default()
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Files named `data` under `dir` (a blob's content in the filesystem driver).
fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let path = e.path();
                if path.is_dir() {
                    walk(&path)
                } else {
                    usize::from(e.file_name() == "data")
                }
            })
            .sum()
    })
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
