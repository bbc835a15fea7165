//! A real SMTP server on 127.0.0.1 for the e-mail tests: aiosmtpd from the project's venv
//! (`scripts/tools.sh`, run by `scripts/test.sh`) with the handler in `tests/support/smtp_sink.py`,
//! which writes every message it receives to a directory.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// A running aiosmtpd; it is killed when dropped.
pub struct SmtpSink {
    child: Child,
    dir: TempDir,
    port: u16,
}

fn python() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin/python")
}

impl SmtpSink {
    /// Start it on a free port and wait until it accepts connections. Without the venv: a
    /// failure in CI (`CI` set), else a notice on stderr and `None` (the caller skips).
    pub fn start() -> Option<Self> {
        Self::launch(&[], &[])
    }

    /// The same, speaking TLS with `cert` and `key` (PEM files): `--tlscert`/`--tlskey` for
    /// STARTTLS (then required), `--smtpscert`/`--smtpskey` for TLS from the first byte.
    pub fn start_tls(
        options: [&str; 2],
        cert: &std::path::Path,
        key: &std::path::Path,
    ) -> Option<Self> {
        Self::launch(
            &[],
            &[
                options[0],
                cert.to_str().unwrap(),
                options[1],
                key.to_str().unwrap(),
            ],
        )
    }

    /// The same, requiring `AUTH` as `user` with `password` (allowed without TLS on loopback).
    pub fn start_with_auth(user: &str, password: &str) -> Option<Self> {
        Self::launch(&[user, password], &[])
    }

    #[allow(clippy::print_stderr)]
    fn launch(auth: &[&str], tls: &[&str]) -> Option<Self> {
        let python = python();
        if !python.exists() {
            let message = format!(
                "{} is missing: run scripts/test.sh (or scripts/tools.sh) once to install aiosmtpd for the e-mail tests",
                python.display()
            );
            if std::env::var_os("CI").is_some() {
                panic!("{message}");
            }
            eprintln!("SKIPPED (not in CI): {message}");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let support = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support");
        let mut command = Command::new(&python);
        if auth.is_empty() {
            command
                .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
                .args(tls)
                .args(["-c", "smtp_sink.Sink"])
                .arg(dir.path());
        } else {
            command
                .arg(support.join("smtp_auth_server.py"))
                .arg(port.to_string())
                .arg(dir.path())
                .args(auth);
        }
        let child = command
            .env("PYTHONPATH", &support)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let sink = Self { child, dir, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(sink)
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The messages received, in order: `{"from", "to", "data"}`.
    pub fn messages(&self) -> Vec<Value> {
        (1..)
            .map(|n| self.dir.path().join(format!("{n}.json")))
            .take_while(|p| p.exists())
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    /// Every RCPT address given, in order (one per attempt and recipient).
    pub fn rcpts(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("rcpt.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test CA and a certificate for 127.0.0.1 signed by it, made with openssl in `dir`:
/// `(ca.pem, cert.pem, key.pem)`.
pub fn test_certificates(dir: &std::path::Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs (scripts/tools.sh installs it)");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=shipgate test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    )
}
