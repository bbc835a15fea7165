//! `actions/lib/install.sh` as a runner runs it, from the actions copy of a release folder that
//! `scripts/release.sh` made: the folder served over loopback HTTP in place of GitHub's release
//! downloads (`SHIPGATE_DOWNLOAD_BASE`), this machine presented as the runner it is (`RUNNER_OS`,
//! `RUNNER_ARCH`), a PATH of the system's tools only.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tempfile::TempDir;

use crate::http_server::HttpServer;
use crate::release::{VERSION, archive_name, runner, shared_release};

/// The system's tools, and no shipgate binary.
pub const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Serves `dir/FILE` at `/vVERSION/FILE`, as GitHub serves release assets; counts requests.
pub struct Downloads {
    server: HttpServer,
    requests: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct Served {
    dir: PathBuf,
    requests: Arc<AtomicUsize>,
}

async fn asset(
    State(served): State<Served>,
    UrlPath((tag, file)): UrlPath<(String, String)>,
) -> Response {
    served.requests.fetch_add(1, Ordering::SeqCst);
    let path = served.dir.join(&file);
    if tag != format!("v{VERSION}") || file.contains('/') || !path.is_file() {
        return StatusCode::NOT_FOUND.into_response();
    }
    std::fs::read(path).unwrap().into_response()
}

impl Downloads {
    /// Serves the files of `dir`.
    pub fn serve(dir: &Path) -> Self {
        let requests = Arc::new(AtomicUsize::new(0));
        let router = Router::new()
            .route("/{tag}/{file}", get(asset))
            .with_state(Served {
                dir: dir.to_path_buf(),
                requests: requests.clone(),
            });
        Self {
            server: HttpServer::start(router),
            requests,
        }
    }

    /// The requests so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// `http://127.0.0.1:PORT`, the base `SHIPGATE_DOWNLOAD_BASE` names.
    pub fn url(&self) -> String {
        self.server.url()
    }
}

/// A runner's job: its temp folder and its GITHUB_PATH file.
struct Job {
    dir: TempDir,
}

impl Job {
    fn new() -> Self {
        let job = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(job.temp()).unwrap();
        std::fs::write(job.github_path(), "").unwrap();
        job
    }

    fn temp(&self) -> PathBuf {
        self.dir.path().join("runner-temp")
    }

    fn github_path(&self) -> PathBuf {
        self.dir.path().join("github-path")
    }

    /// The release copy's `install.sh shipgate-version`, downloading `release` from `base`.
    fn install(&self, release: &str, base: &str, path: &str) -> Output {
        let (os, arch, _) = runner();
        Command::new("bash")
            .arg(shared_release().join("actions/lib/install.sh"))
            .arg("shipgate-version")
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("RUNNER_TEMP", self.temp())
            .env("GITHUB_PATH", self.github_path())
            .env("SHIPGATE_RELEASE", release)
            .env("SHIPGATE_DOWNLOAD_BASE", base)
            .output()
            .unwrap()
    }

    fn added_paths(&self) -> String {
        std::fs::read_to_string(self.github_path()).unwrap()
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A port nothing listens on.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[test]
fn install_downloads_the_pinned_archive_and_the_binary_runs() {
    let downloads = Downloads::serve(shared_release());
    let job = Job::new();
    let output = job.install(VERSION, &downloads.server.url(), SYSTEM_PATH);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains(&format!(
            "installed shipgate-version {VERSION} from {} (sha256 verified)",
            archive_name(runner().2)
        )),
        "{}",
        text(&output)
    );
    let added = job.added_paths();
    let dir = PathBuf::from(added.trim_end());
    assert_eq!(added.lines().count(), 1, "{added}");
    assert!(dir.starts_with(job.temp()), "{added}");
    let version = Command::new(dir.join("shipgate-version"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success(), "{}", text(&version));
    assert!(
        String::from_utf8_lossy(&version.stdout).contains(VERSION),
        "{}",
        text(&version)
    );
    assert_eq!(downloads.requests(), 1);
}

#[test]
fn install_refuses_a_tampered_archive_and_adds_nothing_to_path() {
    let served = tempfile::tempdir().unwrap();
    let archive = archive_name(runner().2);
    let mut bytes = std::fs::read(shared_release().join(&archive)).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(served.path().join(&archive), bytes).unwrap();
    let downloads = Downloads::serve(served.path());
    let job = Job::new();
    let output = job.install(VERSION, &downloads.server.url(), SYSTEM_PATH);
    assert!(!output.status.success());
    assert!(
        text(&output).contains(&format!("::error::{archive} has sha256")),
        "{}",
        text(&output)
    );
    assert!(text(&output).contains("refusing to run it"));
    assert_eq!(job.added_paths(), "");
    // Neither the archive nor anything from it is left to run.
    let left: Vec<_> = walk(&job.temp());
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(downloads.requests(), 1);
}

#[test]
fn install_refuses_a_version_the_action_does_not_pin() {
    let downloads = Downloads::serve(shared_release());
    let job = Job::new();
    let output = job.install("9.9.9", &downloads.server.url(), SYSTEM_PATH);
    assert!(!output.status.success());
    assert!(
        text(&output).contains(&format!(
            "::error::no pinned sha256 for shipgate-9.9.9-{}.tar.gz",
            runner().2
        )),
        "{}",
        text(&output)
    );
    assert_eq!(job.added_paths(), "");
    assert_eq!(downloads.requests(), 0, "nothing is downloaded");
    // A pinned archive the server does not have is a clear error too.
    let empty = tempfile::tempdir().unwrap();
    let nothing = Downloads::serve(empty.path());
    let output = job.install(VERSION, &nothing.server.url(), SYSTEM_PATH);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("::error::could not download"),
        "{}",
        text(&output)
    );
    assert_eq!(job.added_paths(), "");
}

#[test]
fn install_uses_the_binary_already_on_path_without_the_network() {
    let job = Job::new();
    let bin = Path::new(env!("CARGO_BIN_EXE_shipgate-version"))
        .parent()
        .unwrap();
    let output = job.install(
        VERSION,
        &closed_port_url(),
        &format!("{}:{SYSTEM_PATH}", bin.display()),
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains(&format!("using {}", bin.join("shipgate-version").display())),
        "{}",
        text(&output)
    );
    assert_eq!(job.added_paths(), "");
    // Without it, the same closed port is an error.
    let output = job.install(VERSION, &closed_port_url(), SYSTEM_PATH);
    assert!(!output.status.success());
    assert!(text(&output).contains("::error::could not download"));
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
