//! A smart-HTTP git server for tests: `git http-backend` (CGI) behind HTTP basic auth, which
//! records what every request carried so tests can assert what was — and was not — sent.
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::io::AsyncWriteExt as _;

use crate::http_server::HttpServer;

/// How long one `git http-backend` run may take before it is killed.
const BACKEND_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest request body accepted (packs in tests are tiny).
const MAX_BODY: usize = 64 << 20;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query, e.g. `/remote.git/info/refs?service=git-receive-pack`.
    pub target: String,
    /// The `Authorization` header as sent, if any.
    pub authorization: Option<String>,
    /// The user and password of a `Basic` authorization, decoded.
    pub credentials: Option<(String, String)>,
}

impl SeenRequest {
    /// The basic-auth password this request carried.
    pub fn password(&self) -> Option<&str> {
        self.credentials.as_ref().map(|(_, p)| p.as_str())
    }

    /// The basic-auth user and password this request carried.
    pub fn user_and_password(&self) -> Option<(&str, &str)> {
        self.credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// Whether this is the request that carries a push's pack.
    pub fn is_receive_pack(&self) -> bool {
        self.method == "POST" && self.target.ends_with("/git-receive-pack")
    }
}

/// Serves every repository under a directory over smart HTTP; stops when dropped.
pub struct GitHttpServer {
    server: HttpServer,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
}

/// What the handler needs.
struct Backend {
    root: PathBuf,
    user: String,
    password: String,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
}

impl GitHttpServer {
    /// Serve the repositories under `root` (`root/remote.git` is `URL/remote.git`) to requests
    /// authenticated as `user:password`; any other request gets `401` and a Basic challenge.
    /// Bare repositories must allow pushing over HTTP (`http.receivepack true`).
    pub fn start(root: &Path, user: &str, password: &str) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let backend = Arc::new(Backend {
            root: root.to_path_buf(),
            user: user.to_owned(),
            password: password.to_owned(),
            seen: Arc::clone(&seen),
        });
        let router = Router::new().fallback(handle).with_state(backend);
        Self {
            server: HttpServer::start(router),
            seen,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        self.server.host()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap().clone()
    }
}

async fn handle(State(backend): State<Arc<Backend>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let credentials = basic_credentials(&parts.headers);
    let authorised = credentials
        .as_ref()
        .is_some_and(|(user, password)| *user == backend.user && *password == backend.password);
    backend.seen.lock().unwrap().push(SeenRequest {
        method: parts.method.to_string(),
        target: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), ToString::to_string),
        authorization,
        credentials,
    });
    if !authorised {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"git\"")],
            "authentication required\n",
        )
            .into_response();
    }
    // De-chunked by hyper when the client sent `Transfer-Encoding: chunked`.
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(e) => {
            return (StatusCode::BAD_REQUEST, format!("reading the body: {e}\n")).into_response();
        }
    };
    match run_backend(&backend, &parts, body).await {
        Ok(response) => response,
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("git http-backend: {e}\n"),
        )
            .into_response(),
    }
}

/// The user and password of an `Authorization: Basic ...` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Run `git http-backend` as a CGI script for one request.
async fn run_backend(backend: &Backend, parts: &Parts, body: Bytes) -> Result<Response, String> {
    let mut command = tokio::process::Command::new("git");
    command
        .arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &backend.root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", &backend.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REMOTE_USER", &backend.user)
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("REQUEST_METHOD", parts.method.as_str())
        .env("PATH_INFO", parts.uri.path())
        .env("QUERY_STRING", parts.uri.query().unwrap_or_default())
        .env("CONTENT_LENGTH", body.len().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, var) in [
        (header::CONTENT_TYPE.as_str(), "CONTENT_TYPE"),
        (header::CONTENT_ENCODING.as_str(), "HTTP_CONTENT_ENCODING"),
        ("git-protocol", "HTTP_GIT_PROTOCOL"),
    ] {
        if let Some(value) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
            command.env(var, value);
        }
    }
    let mut child = command.spawn().map_err(|e| format!("cannot start: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let feed = tokio::spawn(async move {
        // The backend may stop reading early (e.g. on an error); its answer says why.
        let _ = stdin.write_all(&body).await;
    });
    let output = tokio::time::timeout(BACKEND_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| format!("no answer within {BACKEND_TIMEOUT:?}"))?
        .map_err(|e| format!("waiting for it: {e}"))?;
    let _ = feed.await;
    if output.stdout.is_empty() {
        return Err(format!(
            "{} with no output: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    cgi_response(&output.stdout)
}

/// Turn a CGI script's output (headers, a blank line, the body) into a response.
fn cgi_response(output: &[u8]) -> Result<Response, String> {
    let find = |needle: &[u8]| output.windows(needle.len()).position(|w| w == needle);
    let (head_end, body_start) = [
        find(b"\r\n\r\n").map(|i| (i, i + 4)),
        find(b"\n\n").map(|i| (i, i + 2)),
    ]
    .into_iter()
    .flatten()
    .min()
    .ok_or("no blank line after the CGI headers")?;
    let head = std::str::from_utf8(&output[..head_end]).map_err(|e| e.to_string())?;
    let mut response = Response::builder().status(StatusCode::OK);
    for line in head.lines() {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("not a CGI header: {line:?}"))?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code: u16 = value
                .split_whitespace()
                .next()
                .and_then(|c| c.parse().ok())
                .ok_or_else(|| format!("bad CGI status: {value:?}"))?;
            response = response.status(code);
        } else {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(output[body_start..].to_vec()))
        .map_err(|e| e.to_string())
}
