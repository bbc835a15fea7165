//! A webhook receiver on 127.0.0.1 that records what it is sent, with faults on some paths:
//! `/ok/NAME` answers 200, `/fail/NAME` 500, `/slow/NAME` answers after 3 s (past the client's
//! timeout). [`refused_url`] gives an address nothing listens on.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::Value;

use crate::http_server::HttpServer;

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    /// `ok/dev`, `fail/hook`, …
    pub path: String,
    /// The JSON body.
    pub body: Value,
}

type Log = Arc<Mutex<Vec<Received>>>;

/// The running sink.
pub struct WebhookSink {
    server: HttpServer,
    log: Log,
}

async fn record(log: &Log, kind: &str, name: &str, body: Value) {
    log.lock().unwrap().push(Received {
        path: format!("{kind}/{name}"),
        body,
    });
}

impl WebhookSink {
    /// Start it.
    pub fn start() -> Self {
        let log: Log = Arc::default();
        let router =
            Router::new()
                .route(
                    "/ok/{name}",
                    post(
                        |State(log): State<Log>,
                         Path(name): Path<String>,
                         body: axum::Json<Value>| async move {
                            record(&log, "ok", &name, body.0).await;
                            "ok"
                        },
                    ),
                )
                .route(
                    "/fail/{name}",
                    post(
                        |State(log): State<Log>,
                         Path(name): Path<String>,
                         body: axum::Json<Value>| async move {
                            record(&log, "fail", &name, body.0).await;
                            (StatusCode::INTERNAL_SERVER_ERROR, "upstream broke")
                        },
                    ),
                )
                .route(
                    "/slow/{name}",
                    post(
                        |State(log): State<Log>,
                         Path(name): Path<String>,
                         body: axum::Json<Value>| async move {
                            record(&log, "slow", &name, body.0).await;
                            tokio::time::sleep(Duration::from_secs(3)).await;
                            "late"
                        },
                    ),
                )
                .with_state(log.clone());
        Self {
            server: HttpServer::start(router),
            log,
        }
    }

    /// The URL of a path (`ok/dev`).
    pub fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.server.url())
    }

    /// Everything received, in order.
    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    /// The bodies received on `path`.
    pub fn bodies(&self, path: &str) -> Vec<Value> {
        self.received()
            .into_iter()
            .filter(|r| r.path == path)
            .map(|r| r.body)
            .collect()
    }
}

/// An http URL on 127.0.0.1 where nothing listens (the port was bound, then released).
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/hook")
}
