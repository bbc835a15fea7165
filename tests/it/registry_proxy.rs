//! A loopback proxy in front of a [`TestRegistry`](crate::registry::TestRegistry) that injects
//! faults: answers 503 to the first manifest requests, declines blob mounts (the request goes
//! on as a plain upload, answered 202, as a registry that may not mount does), and, when given
//! credentials, demands
//! HTTP Basic authentication the way a registry does (401 with `WWW-Authenticate: Basic` on
//! `GET /v2/`, 401 on anything else without the right `Authorization`).
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine as _;

use crate::http_server::HttpServer;

struct Faults {
    upstream: String,
    own_host: OnceLock<String>,
    manifest_failures: AtomicU32,
    basic: Option<String>,
    decline_mounts: AtomicBool,
    seen: Mutex<Vec<String>>,
}

/// The running proxy; it stops when dropped.
pub struct RegistryProxy {
    faults: Arc<Faults>,
    server: HttpServer,
}

impl RegistryProxy {
    /// A proxy to `upstream` (`127.0.0.1:PORT`) failing the first `manifest_failures` manifest
    /// requests with 503, and requiring `user:password` when given.
    pub fn start(upstream: &str, manifest_failures: u32, basic: Option<(&str, &str)>) -> Self {
        let faults = Arc::new(Faults {
            upstream: upstream.to_owned(),
            own_host: OnceLock::new(),
            manifest_failures: AtomicU32::new(manifest_failures),
            basic: basic.map(|(u, p)| {
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
                )
            }),
            decline_mounts: AtomicBool::new(false),
            seen: Mutex::new(Vec::new()),
        });
        let router = Router::new()
            .fallback(forward)
            .with_state(Arc::clone(&faults));
        let server = HttpServer::start(router);
        faults.own_host.set(server.host()).unwrap();
        Self { faults, server }
    }

    /// A proxy to `upstream` that declines every blob mount.
    pub fn declining_mounts(upstream: &str) -> Self {
        let proxy = Self::start(upstream, 0, None);
        proxy.faults.decline_mounts.store(true, Ordering::SeqCst);
        proxy
    }

    /// `127.0.0.1:PORT` of the proxy.
    pub fn host(&self) -> String {
        self.server.host()
    }

    /// The requests received, as `METHOD PATH STATUS`.
    pub fn seen(&self) -> Vec<String> {
        self.faults.seen.lock().unwrap().clone()
    }
}

async fn forward(State(faults): State<Arc<Faults>>, request: Request) -> Response {
    let method = request.method().clone();
    let mut path = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    if faults.decline_mounts.load(Ordering::SeqCst) && path.contains("mount=") {
        path = path.split('?').next().unwrap_or_default().to_owned();
    }
    let status = |code: StatusCode| {
        faults
            .seen
            .lock()
            .unwrap()
            .push(format!("{method} {path} {}", code.as_u16()));
    };
    if let Some(expected) = &faults.basic {
        let given = request.headers().get("authorization");
        if given.is_none_or(|g| g.as_bytes() != expected.as_bytes()) {
            status(StatusCode::UNAUTHORIZED);
            return Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header("www-authenticate", "Basic realm=\"test\"")
                .header("content-type", "application/json")
                .body(Body::from(
                    r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
                ))
                .unwrap();
        }
    }
    if path.contains("/manifests/")
        && faults
            .manifest_failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    {
        status(StatusCode::SERVICE_UNAVAILABLE);
        return Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .body(Body::from("upstream overloaded"))
            .unwrap();
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut upstream = client
        .request(parts.method, format!("http://{}{path}", faults.upstream))
        .body(body);
    for (name, value) in &parts.headers {
        if name != "host" {
            upstream = upstream.header(name, value);
        }
    }
    let answer = upstream.send().await.unwrap();
    let code = answer.status();
    status(code);
    let mut response = Response::builder().status(code);
    for (name, value) in answer.headers() {
        if matches!(name.as_str(), "transfer-encoding" | "connection") {
            continue;
        }
        let value = if name == "location" {
            let own = faults.own_host.get().unwrap();
            let rewritten = value.to_str().unwrap().replace(&faults.upstream, own);
            HeaderValue::from_str(&rewritten).unwrap()
        } else {
            value.clone()
        };
        response = response.header(name, value);
    }
    response
        .body(Body::from(answer.bytes().await.unwrap()))
        .unwrap()
}
