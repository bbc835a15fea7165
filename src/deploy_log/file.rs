//! Where a project's log lives, and what `shipgate-log` tells about it: one line, or one JSON
//! object (`schemas/log-output.schema.json`).
use std::path::PathBuf;

use super::append::Appended;
use super::row::Row;
use crate::config::LogConfig;

/// A project's log: the CSV file on a branch of a remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    /// The remote the branch lives on.
    pub remote: String,
    /// The log branch.
    pub branch: String,
    /// The CSV file on the branch.
    pub path: PathBuf,
}

impl LogFile {
    /// The log of `project` as `log:` places it: `{project}` in `log.path` becomes the
    /// project's name lower-cased with dashes.
    pub fn of(config: &LogConfig, project: &str) -> Self {
        Self {
            remote: config.remote.clone(),
            branch: config.branch.clone(),
            path: PathBuf::from(config.path.replace("{project}", &slug(project))),
        }
    }

    /// One line: the row appended, or found there already by a re-run.
    pub fn appended_text(&self, row: &Row, appended: &Appended) -> String {
        let short = &appended.commit[..7.min(appended.commit.len())];
        let (path, branch) = (self.path.display(), &self.branch);
        let (project, env, version, result) =
            (&row.project, &row.environment, &row.version, &row.result);
        if appended.written {
            let count = appended.rows.len();
            format!(
                "appended {project} {env} v{version} ({result}) to {path} on branch {branch} \
                 ({count} rows, commit {short})\n"
            )
        } else {
            format!(
                "already in the log: {project} {env} v{version} ({result}) of run {} in {path} \
                 on branch {branch} (commit {short}); nothing appended\n",
                row.run
            )
        }
    }

    /// The JSON object of an append.
    pub fn appended_json(&self, row: &Row, appended: &Appended) -> String {
        pretty(&serde_json::json!({
            "branch": self.branch,
            "path": self.path.display().to_string(),
            "commit": appended.commit,
            "attempts": appended.attempts,
            "written": appended.written,
            "row": row,
        }))
    }

    /// The JSON object of the whole log.
    pub fn shown_json(&self, rows: &[Row]) -> String {
        pretty(&serde_json::json!({
            "branch": self.branch,
            "path": self.path.display().to_string(),
            "rows": rows,
        }))
    }
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// A file-name-safe form of a project name: `Acme shop` → `acme-shop`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '.' || c == '_' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "project".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_holds_the_project_slug() {
        let config = LogConfig::default();
        assert_eq!(
            LogFile::of(&config, "Acme shop").path,
            PathBuf::from("deployments/acme-shop.csv")
        );
        assert_eq!(slug("--Ünïcode__Co.  "), "ünïcode__co.");
        assert_eq!(slug("!!!"), "project");
    }
}
