//! Integration tests: the built binaries against real repositories (and, later, fake forges).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod fake_github;
mod fake_gitlab;
mod fixture;
mod forge_github;
mod forge_gitlab;
mod git_http;
mod http_server;
mod issue;
mod issue_gitlab;
mod promote;
mod promote_cli;
mod promote_gitlab;
mod schema;
mod verify;
mod version;
mod window;
