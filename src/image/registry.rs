//! The registry, reached through oci-client, every call under shipgate's one retry policy.
//!
//! oci-client's errors carry the status code but not the `Retry-After` header, so a 429 is
//! retried after the policy's own backoff. Every call here is safe to repeat: reads, a
//! manifest PUT of the same bytes, a blob mount or upload named by its digest.
use std::future::Future;

use futures_util::TryStreamExt as _;
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};

use super::auth::Credentials;
use super::error::{ImageError, ImageResult};
use super::manifest::{self, ACCEPTED, Manifest};
use crate::forge::ForgeError;
use crate::retry::{Attempt, CallKind, RetryPolicy, Verdict, classify};

/// How to reach the registry.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Plain HTTP instead of HTTPS (asked for, or a registry on loopback: [`is_loopback`]).
    pub plain_http: bool,
    /// The credentials; `None`: anonymous.
    pub credentials: Option<Credentials>,
    /// The retry policy of every call.
    pub policy: RetryPolicy,
}

/// Whether `registry` (`host[:port]`) is on loopback (`localhost`, `127.0.0.0/8`, `[::1]`): such a
/// registry is spoken to over plain HTTP, as docker does, since nothing leaves the machine.
pub fn is_loopback(registry: &str) -> bool {
    let host = match registry.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => registry.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A manifest as fetched: its exact bytes, their digest, and what they refer to.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The bytes, written unchanged under the new tags.
    pub bytes: bytes::Bytes,
    /// `sha256:…` of the bytes.
    pub digest: String,
    /// What it refers to.
    pub manifest: Manifest,
}

/// Whether the registry mounted a blob from another repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mount {
    /// Mounted: nothing was uploaded.
    Mounted,
    /// The registry declined (202 with an upload session): the blob must be uploaded.
    Declined,
}

/// A registry client with credentials and the retry policy.
pub struct Registry {
    client: Client,
    auth: RegistryAuth,
    policy: RetryPolicy,
}

impl Registry {
    /// A client for `connection`.
    pub fn new(connection: &Connection) -> Self {
        let config = ClientConfig {
            protocol: if connection.plain_http {
                ClientProtocol::Http
            } else {
                ClientProtocol::Https
            },
            // An index is promoted as it is, never resolved to one platform.
            platform_resolver: None,
            connect_timeout: Some(connection.policy.timeout),
            ..ClientConfig::default()
        };
        Self {
            client: Client::new(config),
            auth: Credentials::to_auth(connection.credentials.as_ref()),
            policy: connection.policy,
        }
    }

    /// The manifest `reference` names; [`ImageError::NotFound`] when there is none.
    pub async fn fetch(&self, reference: &Reference) -> ImageResult<Fetched> {
        let what = format!("fetching the manifest of {reference}");
        let (bytes, digest) = self
            .call(&what, reference, || {
                self.client
                    .pull_manifest_raw(reference, &self.auth, ACCEPTED)
            })
            .await?
            .ok_or_else(|| ImageError::NotFound {
                reference: reference.to_string(),
            })?;
        let manifest = manifest::parse(&bytes).map_err(|reason| ImageError::Unsupported {
            reference: reference.to_string(),
            reason,
        })?;
        Ok(Fetched {
            bytes,
            digest,
            manifest,
        })
    }

    /// The digest `reference` points at now (HEAD); `None` when it names nothing.
    pub async fn digest_of(&self, reference: &Reference) -> ImageResult<Option<String>> {
        let what = format!("resolving {reference}");
        self.call(&what, reference, || {
            self.client.fetch_manifest_digest(reference, &self.auth)
        })
        .await
    }

    /// Write `bytes` of `media_type` under `reference` (a tag, or a digest).
    pub async fn put_manifest(
        &self,
        reference: &Reference,
        bytes: &bytes::Bytes,
        media_type: &str,
    ) -> ImageResult<()> {
        let what = format!("writing the manifest {reference}");
        let content_type =
            http::HeaderValue::from_str(media_type).map_err(|_| ImageError::Unsupported {
                reference: reference.to_string(),
                reason: format!("media type {media_type:?} cannot be sent"),
            })?;
        self.call(&what, reference, || {
            self.client
                .push_manifest_raw(reference, bytes.clone(), content_type.clone())
        })
        .await?
        .map(|_| ())
        .ok_or_else(|| ImageError::NotFound {
            reference: reference.to_string(),
        })
    }

    /// Whether the repository of `reference` holds the blob `digest`.
    pub async fn has_blob(&self, reference: &Reference, digest: &str) -> ImageResult<bool> {
        let what = format!("looking for blob {digest} in {}", reference.repository());
        Ok(self
            .call(&what, reference, || {
                self.client.blob_exists(reference, digest)
            })
            .await?
            .unwrap_or(false))
    }

    /// Mount the blob `digest` of `from`'s repository into `to`'s
    /// (`POST /v2/<to>/blobs/uploads/?mount=<digest>&from=<from>`).
    pub async fn mount_blob(
        &self,
        to: &Reference,
        from: &Reference,
        digest: &str,
    ) -> ImageResult<Mount> {
        let what = format!(
            "mounting blob {digest} from {} into {}",
            from.repository(),
            to.repository()
        );
        let mounted = self
            .call(&what, to, || async {
                match self.client.mount_blob(to, from, digest).await {
                    // oci-client reports a 202 (the registry opened an upload instead of
                    // mounting, e.g. when the token may not read the source) as a spec
                    // violation: that is our signal to upload the blob.
                    Err(OciDistributionError::SpecViolationError(m)) if m.contains("202") => {
                        Ok(Mount::Declined)
                    }
                    other => other.map(|()| Mount::Mounted),
                }
            })
            .await?;
        Ok(mounted.unwrap_or(Mount::Declined))
    }

    /// Stream the blob `digest` from `from`'s repository into `to`'s (when a mount was declined).
    pub async fn copy_blob(
        &self,
        to: &Reference,
        from: &Reference,
        digest: &str,
    ) -> ImageResult<()> {
        let what = format!(
            "copying blob {digest} from {} into {}",
            from.repository(),
            to.repository()
        );
        self.client
            .store_auth_if_needed(from.resolve_registry(), &self.auth)
            .await;
        // A layer may take longer than one ordinary attempt.
        let policy = RetryPolicy {
            timeout: self.policy.total,
            ..self.policy
        };
        let copied = run(&policy, &what, || async {
            let stream = self.client.pull_blob_stream(from, digest).await?;
            let size = stream.content_length;
            let body = stream.map_err(OciDistributionError::IoError);
            self.client.push_blob_stream(to, body, digest, size).await
        })
        .await
        .map_err(|e| classify_error(&what, to, e))?;
        copied.map(|_| ()).ok_or_else(|| ImageError::NotFound {
            reference: from.to_string(),
        })
    }

    /// One call under the retry policy, with the credentials stored for the registry first;
    /// `None` when the registry says the thing does not exist.
    async fn call<T, F, Fut>(
        &self,
        what: &str,
        reference: &Reference,
        f: F,
    ) -> ImageResult<Option<T>>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, OciDistributionError>>,
    {
        self.client
            .store_auth_if_needed(reference.resolve_registry(), &self.auth)
            .await;
        run(&self.policy, what, f)
            .await
            .map_err(|e| classify_error(what, reference, e))
    }
}

/// Runs `f` under `policy`: transient failures are retried; a not-found is `Ok(None)`.
async fn run<T, F, Fut>(policy: &RetryPolicy, what: &str, f: F) -> Result<Option<T>, Failed>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, OciDistributionError>>,
{
    let outcome = policy
        .run(what, CallKind::Idempotent, || {
            let attempt = f();
            async move {
                match attempt.await {
                    Ok(value) => Attempt::Done(Ok(Some(value))),
                    Err(e) if is_not_found(&e) => Attempt::Done(Ok(None)),
                    Err(e) => match transient(&e) {
                        Some(last) => Attempt::Retry { last, after: None },
                        None => Attempt::Done(Err(e)),
                    },
                }
            }
        })
        .await;
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(Failed::Client(error)),
        Err(ForgeError::Unavailable { attempts, last, .. }) => {
            Err(Failed::Exhausted { attempts, last })
        }
        Err(other) => Err(Failed::Exhausted {
            attempts: 0,
            last: other.to_string(),
        }),
    }
}

/// Why a call failed for good.
enum Failed {
    /// The client's error, not worth repeating.
    Client(OciDistributionError),
    /// Transient failures until the budget ran out.
    Exhausted { attempts: u32, last: String },
}

fn classify_error(what: &str, reference: &Reference, failed: Failed) -> ImageError {
    match failed {
        Failed::Exhausted { attempts, last } => ImageError::Unavailable {
            what: what.to_owned(),
            attempts,
            last,
        },
        Failed::Client(e) if is_unauthorized(&e) => ImageError::Unauthorized {
            reference: reference.to_string(),
            detail: e.to_string(),
        },
        Failed::Client(source) => ImageError::Registry {
            what: what.to_owned(),
            source,
        },
    }
}

/// The HTTP status an error carries, when it does.
fn status(e: &OciDistributionError) -> Option<u16> {
    match e {
        OciDistributionError::ServerError { code, .. } => Some(*code),
        OciDistributionError::RequestError(e) => e.status().map(|s| s.as_u16()),
        OciDistributionError::UnauthorizedError { .. } => Some(401),
        _ => None,
    }
}

fn codes(e: &OciDistributionError) -> impl Iterator<Item = &OciErrorCode> {
    let errors = match e {
        OciDistributionError::RegistryError { envelope, .. } => envelope.errors.as_slice(),
        _ => &[],
    };
    errors.iter().map(|e| &e.code)
}

fn is_not_found(e: &OciDistributionError) -> bool {
    matches!(e, OciDistributionError::ImageManifestNotFoundError(_))
        || status(e) == Some(404)
        || codes(e).any(|c| {
            matches!(
                c,
                OciErrorCode::ManifestUnknown
                    | OciErrorCode::NameUnknown
                    | OciErrorCode::NotFound
                    | OciErrorCode::BlobUnknown
            )
        })
}

fn is_unauthorized(e: &OciDistributionError) -> bool {
    matches!(e, OciDistributionError::AuthenticationFailure(_))
        || matches!(status(e), Some(401 | 403))
        || codes(e).any(|c| matches!(c, OciErrorCode::Unauthorized | OciErrorCode::Denied))
}

/// What to say before retrying, for a failure another attempt may fix: 5xx, 429, lost or
/// timed-out connections.
fn transient(e: &OciDistributionError) -> Option<String> {
    let retry = match e {
        OciDistributionError::RequestError(r) if r.is_connect() || r.is_timeout() => true,
        _ if codes(e).any(|c| *c == OciErrorCode::Toomanyrequests) => true,
        _ => status(e).is_some_and(|code| {
            matches!(
                classify(code, None, "", CallKind::Idempotent),
                Verdict::Retry { .. }
            )
        }),
    };
    retry.then(|| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_registries_are_recognised() {
        for host in [
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:5000",
            "LOCALHOST",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "registry.example.com",
            "10.0.0.1:5000",
            "localhost.example.com",
            "[fe80::1]:5000",
            "",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    fn server(code: u16) -> OciDistributionError {
        OciDistributionError::ServerError {
            code,
            url: "http://r/v2/app/manifests/1".into(),
            message: String::new(),
        }
    }

    fn envelope(code: &str) -> OciDistributionError {
        OciDistributionError::RegistryError {
            envelope: serde_json::from_str(&format!(r#"{{"errors":[{{"code":"{code}"}}]}}"#))
                .unwrap(),
            url: "http://r/v2/app/manifests/1".into(),
        }
    }

    #[test]
    fn errors_are_sorted_into_missing_refused_transient_and_final() {
        assert!(is_not_found(&envelope("MANIFEST_UNKNOWN")));
        assert!(is_not_found(&envelope("NAME_UNKNOWN")));
        assert!(is_not_found(&server(404)));
        assert!(!is_not_found(&server(500)));
        assert!(is_unauthorized(&envelope("DENIED")));
        assert!(is_unauthorized(&server(401)));
        for retried in [
            server(500),
            server(503),
            server(429),
            envelope("TOOMANYREQUESTS"),
        ] {
            assert!(transient(&retried).is_some(), "{retried}");
        }
        for last in [server(400), envelope("MANIFEST_INVALID"), server(404)] {
            assert!(transient(&last).is_none(), "{last}");
        }
    }

    #[tokio::test]
    async fn transient_failures_are_retried_and_exhaustion_is_unavailable() {
        let calls = std::sync::atomic::AtomicU32::new(0);
        let got = run(&RetryPolicy::fast(), "reading", || {
            let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move { if n < 2 { Err(server(503)) } else { Ok(n) } }
        })
        .await;
        assert!(matches!(got, Ok(Some(2))));
        let reference: Reference = "r.example/app:1".parse().unwrap();
        let failed = run(&RetryPolicy::fast(), "reading", || async {
            Err::<(), _>(server(502))
        })
        .await
        .err()
        .unwrap();
        let error = classify_error("reading", &reference, failed).to_string();
        assert!(
            error.starts_with(
                "reading: the registry did not answer successfully after 4 attempts: Server error"
            ),
            "{error}"
        );
        let missing = run(&RetryPolicy::fast(), "reading", || async {
            Err::<(), _>(envelope("MANIFEST_UNKNOWN"))
        })
        .await;
        assert!(matches!(missing, Ok(None)));
    }
}
