//! The `schema:` section of `shipgate.yml`, read by `shipgate-schema`.
use serde::{Deserialize, Serialize};

/// The SQL dialect migrations are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL.
    #[default]
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

/// The `schema:` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchemaConfig {
    /// The SQL dialect of the migrations.
    pub dialect: Dialect,
    /// Directories (relative to the repository root) holding migrations that run before or
    /// after the code, as the order decides. Empty: detected from common layouts.
    pub paths: Vec<String>,
    /// Directories holding migrations that always run after the code is deployed
    /// (default `db/post_migrate`, GitLab's convention).
    pub post_deploy_paths: Vec<String>,
}

impl Default for SchemaConfig {
    fn default() -> Self {
        Self {
            dialect: Dialect::default(),
            paths: Vec::new(),
            post_deploy_paths: vec!["db/post_migrate".to_owned()],
        }
    }
}
