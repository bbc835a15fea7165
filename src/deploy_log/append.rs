//! Appending a row to the log on its branch, and reading it back. The work tree, HEAD and the
//! index are never touched; a push that loses a race with another job is done again on top of
//! the new tip.
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::LogError;
use super::row::Row;
use super::table::{parse_csv, to_csv};
use crate::git::{Identity, PushAuth, Repo};

/// Where the log is and what to add.
pub struct AppendRequest<'a> {
    /// A path inside the repository.
    pub repo: &'a Path,
    /// The remote the branch lives on.
    pub remote: String,
    /// The log branch.
    pub branch: String,
    /// The CSV file on the branch.
    pub path: PathBuf,
    /// The row to add.
    pub row: Row,
    /// Credentials for HTTPS remotes.
    pub auth: PushAuth,
    /// Author and committer of the log commit.
    pub identity: Identity,
    /// How many times to try when other jobs push first.
    pub attempts: u32,
}

/// What was appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The new commit on the branch.
    pub commit: String,
    /// Attempts it took (more than one: another job pushed in between).
    pub attempts: u32,
    /// The whole log, the new row last.
    pub rows: Vec<Row>,
}

/// A private reference per process, so concurrent jobs in one clone do not collide.
fn private_ref(what: &str) -> String {
    format!("refs/shipgate/log/{}-{what}", std::process::id())
}

/// The log file's bytes as they are, and its rows.
type Current = (Vec<u8>, Vec<Row>);

/// The log's current rows and bytes at `tip` (`None`: no branch or no file yet).
fn current(
    repo: &Repo,
    tip: Option<git2::Oid>,
    request_path: &Path,
    branch: &str,
) -> Result<Option<Current>, LogError> {
    let Some(tip) = tip else { return Ok(None) };
    let Some(bytes) = repo.file_at(tip, request_path)? else {
        return Ok(None);
    };
    let rows = parse_csv(&bytes).map_err(|detail| LogError::Malformed {
        path: request_path.display().to_string(),
        branch: branch.to_owned(),
        detail,
    })?;
    Ok(Some((bytes, rows)))
}

/// Append `request.row` to the log and push it.
pub fn append(request: &AppendRequest<'_>) -> Result<Appended, LogError> {
    let repo = Repo::discover(request.repo)?;
    let (fetched, outgoing) = (private_ref("fetched"), private_ref("outgoing"));
    let result = (|| {
        let mut last = String::new();
        for attempt in 1..=request.attempts.max(1) {
            let tip =
                repo.fetch_branch_tip(&request.remote, &request.branch, &fetched, &request.auth)?;
            let (mut bytes, mut rows) =
                current(&repo, tip, &request.path, &request.branch)?.unwrap_or_default();
            // Add the new line to the bytes as they are: earlier rows are never rewritten.
            let line = to_csv(std::slice::from_ref(&request.row));
            let line = line
                .splitn(2, |b| *b == b'\n')
                .nth(1)
                .unwrap_or_default()
                .to_vec();
            if bytes.is_empty() {
                bytes = to_csv(&[]);
            } else if !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            bytes.extend_from_slice(&line);
            rows.push(request.row.clone());
            let message = format!(
                "log: {} {} {} ({})",
                request.row.project,
                request.row.environment,
                request.row.version,
                request.row.result
            );
            let commit =
                repo.commit_file(tip, &request.path, &bytes, &message, &request.identity)?;
            repo.set_reference(&outgoing, commit)?;
            let pushed = repo.push_ref(
                &request.remote,
                &outgoing,
                &format!("refs/heads/{}", request.branch),
                &request.auth,
            );
            match pushed {
                Ok(()) => {
                    return Ok(Appended {
                        commit: commit.to_string(),
                        attempts: attempt,
                        rows,
                    });
                }
                Err(error) => {
                    let now = repo
                        .remote_state(&request.remote, &request.branch, "", &request.auth)?
                        .branch;
                    if now == tip {
                        // Not a race: the branch did not move, so trying again cannot help.
                        return Err(LogError::Git(error));
                    }
                    tracing::info!(
                        "branch {} moved while appending (attempt {attempt}); trying again",
                        request.branch
                    );
                    last = error.to_string();
                    std::thread::sleep(backoff(attempt));
                }
            }
        }
        Err(LogError::Raced {
            branch: request.branch.clone(),
            attempts: request.attempts.max(1),
            last,
        })
    })();
    let _ = repo.delete_reference(&fetched);
    let _ = repo.delete_reference(&outgoing);
    result
}

/// A short wait with jitter, so racing jobs do not collide again in step.
fn backoff(attempt: u32) -> Duration {
    let jitter = u64::from(getrandom::u32().unwrap_or(0) % 100);
    Duration::from_millis(50 * u64::from(attempt) + jitter)
}

/// The log as the remote branch has it (empty when there is no branch or file yet).
pub fn read(
    repo: &Path,
    remote: &str,
    branch: &str,
    path: &Path,
    auth: &PushAuth,
) -> Result<Vec<Row>, LogError> {
    let repo = Repo::discover(repo)?;
    let fetched = private_ref("read");
    let tip = repo.fetch_branch_tip(remote, branch, &fetched, auth);
    let rows = tip
        .map_err(LogError::from)
        .and_then(|tip| current(&repo, tip, path, branch));
    let _ = repo.delete_reference(&fetched);
    Ok(rows?.map(|(_, rows)| rows).unwrap_or_default())
}
