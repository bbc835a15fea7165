//! A real Prometheus for tests (Debian's `prometheus`, installed by scripts/test.sh) on a free
//! port of 127.0.0.1, scraping every second an exporter the test controls: a counter
//! `http_requests_total{status="200"|"500"}` and a histogram `http_request_duration_seconds`,
//! both advanced by 100 requests at each scrape with the error share and latency set now.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use tempfile::TempDir;

use crate::http_server::HttpServer;

/// Requests added at each scrape.
const PER_SCRAPE: f64 = 100.0;
/// Histogram buckets, in seconds.
const BUCKETS: [f64; 7] = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// How long Prometheus gets to start and to scrape enough for a rate.
const READY_WITHIN: Duration = Duration::from_secs(40);

/// What the service looks like now.
#[derive(Debug, Clone, Copy)]
pub struct Health {
    /// Share of requests answered 500.
    pub error_share: f64,
    /// Latency of every request, in seconds.
    pub latency: f64,
}

#[derive(Default)]
struct Counters {
    ok: f64,
    errors: f64,
    buckets: [f64; BUCKETS.len()],
    count: f64,
    sum: f64,
}

struct Exporter {
    health: Mutex<Health>,
    counters: Mutex<Counters>,
}

/// The exporter and the Prometheus scraping it; both stop when dropped.
pub struct TestPrometheus {
    exporter: Arc<Exporter>,
    _server: HttpServer,
    child: Child,
    url: String,
    dir: TempDir,
}

/// `prometheus` on PATH; `None` (after a notice) when it is missing outside CI. Under `CI=true`
/// a missing Prometheus fails the test.
pub fn binary() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("prometheus"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(
            !ci,
            "prometheus is not installed: run scripts/test.sh, which installs it (Debian package \
             `prometheus`)"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipped: prometheus is not on PATH; scripts/test.sh installs it");
        }
    }
    found
}

impl TestPrometheus {
    /// Start the exporter with `health`, then Prometheus; return once Prometheus has scraped
    /// enough for `rate(...[4s])` to have a value.
    pub fn start(binary: &std::path::Path, health: Health) -> Self {
        let exporter = Arc::new(Exporter {
            health: Mutex::new(health),
            counters: Mutex::new(Counters::default()),
        });
        let router = Router::new()
            .route("/metrics", get(metrics))
            .with_state(Arc::clone(&exporter));
        let server = HttpServer::start(router);
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  \
                 - job_name: app\n    static_configs:\n      - targets: ['{}']\n",
                server.host()
            ),
        )
        .unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("prometheus starts");
        let prometheus = Self {
            exporter,
            _server: server,
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir,
        };
        prometheus.wait_for("sum(rate(http_requests_total[4s]))", |v| v.is_some());
        prometheus
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Change what the service looks like from the next scrape on.
    pub fn set(&self, health: Health) {
        *self.exporter.health.lock().unwrap() = health;
    }

    /// Poll `query` until `done` accepts its first value (bounded); returns how long it took.
    pub fn wait_for(&self, query: &str, done: impl Fn(Option<f64>) -> bool) -> Duration {
        let started = Instant::now();
        loop {
            let value = self.query(query);
            if done(value) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < READY_WITHIN,
                "{query} is still {value:?} after {READY_WITHIN:?}; prometheus log:\n{}",
                std::fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The first value of an instant query now (`None`: no data, or not answering yet).
    pub fn query(&self, query: &str) -> Option<f64> {
        let mut url = reqwest::Url::parse(&format!("{}/api/v1/query", self.url)).unwrap();
        url.query_pairs_mut().append_pair("query", query);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let answer: serde_json::Value = runtime.block_on(async {
            let response = reqwest::Client::new()
                .get(url)
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .ok()?;
            response.json().await.ok()
        })?;
        answer["data"]["result"][0]["value"][1]
            .as_str()?
            .parse()
            .ok()
            .filter(|v: &f64| !v.is_nan())
    }
}

impl Drop for TestPrometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The text exposition format, after adding one scrape's worth of requests.
async fn metrics(
    State(exporter): State<Arc<Exporter>>,
) -> ([(&'static str, &'static str); 1], String) {
    let health = *exporter.health.lock().unwrap();
    let mut c = exporter.counters.lock().unwrap();
    let errors = (PER_SCRAPE * health.error_share).round();
    c.errors += errors;
    c.ok += PER_SCRAPE - errors;
    for (i, le) in BUCKETS.iter().enumerate() {
        if health.latency <= *le {
            c.buckets[i] += PER_SCRAPE;
        }
    }
    c.count += PER_SCRAPE;
    c.sum += PER_SCRAPE * health.latency;
    let mut text = String::from("# TYPE http_requests_total counter\n");
    text.push_str(&format!("http_requests_total{{status=\"200\"}} {}\n", c.ok));
    text.push_str(&format!(
        "http_requests_total{{status=\"500\"}} {}\n",
        c.errors
    ));
    text.push_str("# TYPE http_request_duration_seconds histogram\n");
    for (i, le) in BUCKETS.iter().enumerate() {
        text.push_str(&format!(
            "http_request_duration_seconds_bucket{{le=\"{le}\"}} {}\n",
            c.buckets[i]
        ));
    }
    text.push_str(&format!(
        "http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n",
        c.count
    ));
    text.push_str(&format!("http_request_duration_seconds_sum {}\n", c.sum));
    text.push_str(&format!(
        "http_request_duration_seconds_count {}\n",
        c.count
    ));
    ([("content-type", "text/plain; version=0.0.4")], text)
}
