//! `prometheus` gates against a real Prometheus scraping an exporter the test controls: a
//! healthy service passes, a degrading one fails within the window, a missing series is
//! inconclusive. Windows are seconds long; waits poll Prometheus instead of sleeping blindly.
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::fixture::TestRepo;
use crate::prometheus::{Health, TestPrometheus, binary};

const ERROR_RATE: &str =
    "sum(rate(http_requests_total{status=\\\"500\\\"}[4s])) / sum(rate(http_requests_total[4s]))";
const ERROR_RATE_PROMQL: &str =
    "sum(rate(http_requests_total{status=\"500\"}[4s])) / sum(rate(http_requests_total[4s]))";
const P95: &str =
    "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[4s])))";

const HEALTHY: Health = Health {
    error_share: 0.01,
    latency: 0.08,
};

/// The runbook's gates with windows of seconds: error rate < 5% (fail fast above 10%), p95
/// latency < 2 s, and a series that does not exist.
fn config(url: &str, duration: &str) -> String {
    format!(
        "\
prometheus: {{ url: \"{url}\" }}
gates:
  - {{ name: error-rate, type: prometheus, query: \"{ERROR_RATE}\", threshold: \"< 0.05\", fail_fast: \"> 0.10\", interval: 1s, duration: {duration} }}
  - {{ name: p95-latency, type: prometheus, query: \"{P95}\", threshold: \"< 2\", interval: 1s, duration: {duration}, for: 0s }}
  - {{ name: missing, type: prometheus, query: \"sum(rate(no_such_metric_total[4s]))\", threshold: \"< 1\", interval: 1s, duration: 2s }}
"
    )
}

fn run(repo: &TestRepo, args: &[&str]) -> (i32, Value, Duration) {
    let started = Instant::now();
    let output = repo
        .binary("shipgate-verify")
        .args(["--format", "json", "--keep-going"])
        .args(args)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let value: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&output.stderr));
    });
    (output.status.code().unwrap(), value, elapsed)
}

fn gate<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap()
}

fn summary(report: &Value, name: &str) -> String {
    gate(report, name)["summary"].as_str().unwrap().to_owned()
}

#[test]
#[allow(clippy::print_stderr)]
fn prometheus_gates_pass_healthy_fail_degrading_and_call_missing_data_inconclusive() {
    let Some(binary) = binary() else { return };
    let started = Instant::now();
    let prometheus = TestPrometheus::start(&binary, HEALTHY);
    let ready = started.elapsed();
    let repo = TestRepo::new();

    // Healthy: both bands hold for the window; the missing series is inconclusive (exit 0),
    // and fails the run with --strict.
    repo.write("shipgate.yml", &config(prometheus.url(), "3s"));
    let (code, report, healthy) = run(&repo, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(gate(&report, "error-rate")["verdict"], "pass", "{report:#}");
    assert_eq!(
        gate(&report, "p95-latency")["verdict"],
        "pass",
        "{report:#}"
    );
    assert_eq!(gate(&report, "missing")["verdict"], "inconclusive");
    assert_eq!(
        summary(&report, "missing"),
        "the query returned no data in 3 samples"
    );
    assert_eq!(report["inconclusive_gates"], serde_json::json!(["missing"]));
    assert!(summary(&report, "error-rate").starts_with("< 0.05 over 3s (4 samples; max 0.0"));
    let (code, report, _) = run(&repo, &["--strict", "--gate", "missing"]);
    assert_eq!(
        (code, &report["failed_gates"]),
        (1, &serde_json::json!(["missing"]))
    );

    // Degrading: the error rate climbs to 50% during a 20 s window; fail_fast stops it early.
    repo.write("shipgate.yml", &config(prometheus.url(), "20s"));
    let degrading = {
        let child = repo
            .process("shipgate-verify")
            .args(["--format", "json", "--gate", "error-rate"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let t = Instant::now();
        std::thread::sleep(Duration::from_millis(1500));
        prometheus.set(Health {
            error_share: 0.5,
            latency: 0.08,
        });
        let output = child.wait_with_output().unwrap();
        let elapsed = t.elapsed();
        assert_eq!(output.status.code(), Some(1));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let text = summary(&report, "error-rate");
        assert!(text.contains("beyond the fail-fast bound > 0.1"), "{text}");
        assert!(
            elapsed < Duration::from_secs(12),
            "failed fast: {elapsed:?}"
        );
        elapsed
    };

    // A sustained breach between the bands (7%) fails once it lasted `for`.
    prometheus.set(Health {
        error_share: 0.07,
        latency: 0.08,
    });
    prometheus.wait_for(ERROR_RATE_PROMQL, |v| {
        v.is_some_and(|v| (0.06..0.08).contains(&v))
    });
    repo.write(
        "shipgate.yml",
        &format!(
            "gates:\n  - {{ name: error-rate, type: prometheus, url: \"{}\", query: \"{ERROR_RATE}\", \
             threshold: \"< 0.05\", fail_fast: \"> 0.10\", interval: 1s, duration: 5s, for: 2s }}\n",
            prometheus.url()
        ),
    );
    let (code, report, sustained) = run(&repo, &[]);
    assert_eq!(code, 1, "{report:#}");
    let text = summary(&report, "error-rate");
    assert!(
        text.ends_with(": not < 0.05 for 2s without a break"),
        "{text}"
    );

    // Slow: p95 latency above 2 s fails on the first breach (for: 0s).
    prometheus.set(Health {
        error_share: 0.01,
        latency: 3.0,
    });
    prometheus.wait_for(P95, |v| v.is_some_and(|v| v > 2.0));
    repo.write("shipgate.yml", &config(prometheus.url(), "3s"));
    let (code, report, slow) = run(&repo, &["--gate", "p95-latency"]);
    assert_eq!(code, 1);
    let text = summary(&report, "p95-latency");
    assert!(
        text.ends_with("s: not < 2 for 0s without a break"),
        "{text}"
    );

    eprintln!(
        "prometheus timings: ready {ready:?}, healthy window {healthy:?}, degrading {degrading:?}, \
         sustained {sustained:?}, slow {slow:?}"
    );
}

#[test]
fn missing_data_can_fail_and_prometheus_errors_are_told_apart() {
    let Some(binary) = binary() else { return };
    let prometheus = TestPrometheus::start(&binary, HEALTHY);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let repo = TestRepo::new();
    repo.write(
        "shipgate.yml",
        &format!(
            "\
prometheus: {{ url: \"{url}\" }}
gates:
  - {{ name: missing, type: prometheus, query: absent_metric, threshold: \"< 1\", interval: 1s, duration: 10s, missing: fail }}
  - {{ name: bad-query, type: prometheus, query: \"sum(\", threshold: \"< 1\", interval: 1s, duration: 10s }}
  - {{ name: unreachable, type: prometheus, url: \"http://127.0.0.1:{closed}\", query: up, threshold: \"== 1\", interval: 1s, duration: 1s, timeout: 1s }}
",
            url = prometheus.url()
        ),
    );
    let (code, report, elapsed) = run(&repo, &[]);
    assert_eq!(code, 1);
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
    assert_eq!(
        summary(&report, "missing"),
        "the query returned no data at 0s (missing: fail)"
    );
    assert_eq!(gate(&report, "bad-query")["verdict"], "fail");
    assert!(
        summary(&report, "bad-query").starts_with("Prometheus rejected the query: "),
        "{report:#}"
    );
    assert_eq!(gate(&report, "unreachable")["verdict"], "inconclusive");
    assert!(
        summary(&report, "unreachable").starts_with(&format!(
            "Prometheus was unavailable: cannot reach http://127.0.0.1:{closed}"
        )),
        "{report:#}"
    );
}
