//! Integration tests: the built binaries against real repositories (and, later, fake forges).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod fixture;
mod git_http;
mod http_server;
mod schema;
mod version;
