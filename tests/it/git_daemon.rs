//! A real `git daemon` with receive-pack enabled on a free loopback port, serving the
//! repositories under one directory; stopped when dropped.
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `git daemon` on 127.0.0.1.
pub struct GitDaemon {
    child: Child,
    port: u16,
}

impl GitDaemon {
    /// Serve every repository under `base` (pushes allowed) and wait until it listens.
    pub fn start(base: &Path) -> Self {
        // The daemon program itself, not the `git` wrapper, so that killing it stops it.
        let exec_path = Command::new("git").arg("--exec-path").output().unwrap();
        let program =
            Path::new(String::from_utf8(exec_path.stdout).unwrap().trim()).join("git-daemon");
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = Command::new(&program)
                .arg("--export-all")
                .arg("--enable=receive-pack")
                .arg(format!("--base-path={}", base.display()))
                .args(["--listen=127.0.0.1", "--reuseaddr", "--max-connections=64"])
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("git daemon starts (git is installed)");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break; // the port was taken meanwhile: try another
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Self { child, port };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("git daemon did not start listening on 127.0.0.1");
    }

    /// The `git://` URL of the repository `name` under the base directory.
    pub fn url(&self, name: &str) -> String {
        format!("git://127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
