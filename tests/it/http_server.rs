//! An HTTP server on 127.0.0.1 for tests: an axum router served from its own thread and
//! tokio runtime, stopped (with bounded waits) when dropped.
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use tokio::sync::oneshot;

/// How long stopping waits for work still running on the server's runtime.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// A running server; it stops when dropped.
pub struct HttpServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Serve `router` on a free port of 127.0.0.1; the port is bound before this returns.
    pub fn start(router: Router) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("http-server-{addr}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("a tokio runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                    tokio::select! {
                        _ = axum::serve(listener, router).into_future() => {}
                        _ = stopped => {}
                    }
                });
                // Connections still open are dropped; child processes die with them (kill_on_drop).
                runtime.shutdown_timeout(STOP_GRACE);
            })
            .expect("the server thread");
        Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:PORT`, the host (with port) a client compares against.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let panicked = thread.join().is_err();
            assert!(
                !panicked || std::thread::panicking(),
                "the test server's thread panicked"
            );
        }
    }
}
