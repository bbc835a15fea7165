//! Appending a row to the log on its branch, and reading it back. The work tree, HEAD and the
//! index are never touched. Each attempt starts from the remote's tip, fetched by the attempt
//! itself; a push the remote refuses because another job pushed first is made again on the new
//! tip after a growing, jittered wait, until a total time runs out.
use std::path::Path;
use std::time::{Duration, Instant};

use git2::Oid;

use super::error::LogError;
use super::file::LogFile;
use super::row::Row;
use super::table::{Table, parse_csv, to_csv};
use crate::contention;
use crate::git::{GitError, Identity, PushAuth, Repo};

/// Where the log is and what to add.
pub struct AppendRequest<'a> {
    /// A path inside the repository.
    pub repo: &'a Path,
    /// The log: remote, branch and file.
    pub file: LogFile,
    /// The row to add.
    pub row: Row,
    /// Credentials for HTTPS remotes.
    pub auth: PushAuth,
    /// Author and committer of the log commit.
    pub identity: Identity,
    /// How long to keep trying when other jobs push first.
    pub patience: Duration,
}

/// What was appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The commit on the branch that holds the row: the new one, or, when the row was there
    /// already, the branch's tip.
    pub commit: String,
    /// Attempts it took (more than one: another job pushed in between).
    pub attempts: u32,
    /// The whole log, the row last when it was written now.
    pub rows: Vec<Row>,
    /// `false` when a re-run found its row on the branch and wrote nothing.
    pub written: bool,
}

/// What a remote says when it refuses a push because the branch moved: git's own push
/// (`fetch first`, `non-fast-forward`, a lost compare-and-swap on the reference) and libgit2's.
const RACE_MESSAGES: [&str; 6] = [
    "fetch first",
    "non-fast-forward",
    "cannot lock ref",
    "but expected",
    "contains commits that are not present locally",
    "non-fastforwardable",
];

/// Consecutive connection failures (not races) tolerated before giving up.
const CONNECTION_FAILURES: u32 = 3;

/// How long an append keeps trying, by default, while other jobs push to the branch first.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// References private to one append, so concurrent jobs in one clone do not collide and
/// nothing a failed run left behind is ever read.
struct PrivateRefs {
    fetched: String,
    outgoing: String,
}

impl PrivateRefs {
    fn new(purpose: &str) -> Self {
        let id = format!(
            "{}-{:08x}",
            std::process::id(),
            getrandom::u32().unwrap_or(0)
        );
        Self {
            fetched: format!("refs/shipgate/log/{id}-{purpose}-fetched"),
            outgoing: format!("refs/shipgate/log/{id}-{purpose}-outgoing"),
        }
    }

    fn delete(&self, repo: &Repo) {
        let _ = repo.delete_reference(&self.fetched);
        let _ = repo.delete_reference(&self.outgoing);
    }
}

/// The log at `tip` (`None`: no branch or no file yet), with its bytes as they are.
fn current(
    repo: &Repo,
    tip: Option<Oid>,
    path: &Path,
    branch: &str,
) -> Result<Option<(Vec<u8>, Table)>, LogError> {
    let Some(tip) = tip else { return Ok(None) };
    let Some(bytes) = repo.file_at(tip, path)? else {
        return Ok(None);
    };
    let table = parse_csv(&bytes).map_err(|detail| LogError::Malformed {
        path: path.display().to_string(),
        branch: branch.to_owned(),
        detail,
    })?;
    Ok(Some((bytes, table)))
}

/// The file with `row` added: the bytes as they are plus one line, so earlier rows are never
/// rewritten; a log without the `run` column gets it (empty for earlier rows) in the header.
fn with_row(existing: Option<(Vec<u8>, Table)>, row: &Row) -> (Vec<u8>, Vec<Row>) {
    let Some((mut bytes, table)) = existing else {
        let rows = vec![row.clone()];
        return (to_csv(&rows), rows);
    };
    let mut rows = table.rows;
    rows.push(row.clone());
    if table.legacy {
        return (to_csv(&rows), rows);
    }
    let line = to_csv(std::slice::from_ref(row));
    let line = line.splitn(2, |b| *b == b'\n').nth(1).unwrap_or_default();
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(line);
    (bytes, rows)
}

/// How one attempt ended.
enum Attempt {
    /// The row is on the remote branch.
    Done(Appended),
    /// Another job pushed first, or the remote could not be reached: try again on the new tip.
    Again(String),
}

/// One append, attempt after attempt.
struct Appender<'r> {
    repo: &'r Repo,
    request: &'r AppendRequest<'r>,
    refs: PrivateRefs,
    /// Commits of earlier attempts: a push reported as failed may still have reached the remote.
    ours: Vec<Oid>,
    connection_failures: u32,
}

impl Appender<'_> {
    fn attempt(&mut self, number: u32) -> Result<Attempt, LogError> {
        let request = self.request;
        let tip = match self.repo.fetch_branch_tip(
            &request.file.remote,
            &request.file.branch,
            &self.refs.fetched,
            &request.auth,
        ) {
            Ok(tip) => tip,
            Err(error) => return self.connection_failed(error),
        };
        let existing = current(self.repo, tip, &request.file.path, &request.file.branch)?;
        if let Some(tip) = tip {
            if let Some(done) = self.landed(tip, number, &existing)? {
                return Ok(Attempt::Done(done));
            }
        }
        let rows = existing.as_ref().map(|(_, t)| t.rows.as_slice());
        if rows.is_some_and(|rows| rows.iter().any(|r| r.same_deployment(&request.row))) {
            tracing::info!(run = %request.row.run, "this deployment is in the log already; nothing to append");
            return Ok(Attempt::Done(Appended {
                commit: tip.map(|t| t.to_string()).unwrap_or_default(),
                attempts: number,
                rows: rows.map(<[Row]>::to_vec).unwrap_or_default(),
                written: false,
            }));
        }
        let (bytes, rows) = with_row(existing, &request.row);
        let row = &request.row;
        let message = format!(
            "log: {} {} {} ({})",
            row.project, row.environment, row.version, row.result
        );
        let commit =
            self.repo
                .commit_file(tip, &request.file.path, &bytes, &message, &request.identity)?;
        self.repo.set_reference(&self.refs.outgoing, commit)?;
        self.ours.push(commit);
        let remote_ref = format!("refs/heads/{}", request.file.branch);
        match self.repo.push_ref(
            &request.file.remote,
            &self.refs.outgoing,
            &remote_ref,
            &request.auth,
        ) {
            Ok(()) => Ok(Attempt::Done(Appended {
                commit: commit.to_string(),
                attempts: number,
                rows,
                written: true,
            })),
            Err(GitError::PushRejected { message, .. }) => self.rejected(tip, message),
            Err(error) => self.connection_failed(error),
        }
    }

    /// The result of an earlier attempt when its commit is on the remote branch after all.
    fn landed(
        &self,
        tip: Oid,
        number: u32,
        existing: &Option<(Vec<u8>, Table)>,
    ) -> Result<Option<Appended>, LogError> {
        for &commit in &self.ours {
            if self.repo.is_ancestor(commit, tip)? {
                tracing::info!(commit = %commit, "an earlier attempt's push reached the remote");
                return Ok(Some(Appended {
                    commit: commit.to_string(),
                    attempts: number,
                    rows: existing
                        .as_ref()
                        .map(|(_, t)| t.rows.clone())
                        .unwrap_or_default(),
                    written: true,
                }));
            }
        }
        Ok(None)
    }

    /// The remote refused the push: a race when the branch moved (or its lock was taken by
    /// another job's update); anything else will not change by trying again.
    fn rejected(&mut self, tip: Option<Oid>, message: String) -> Result<Attempt, LogError> {
        self.connection_failures = 0;
        if RACE_MESSAGES.iter().any(|m| message.contains(m)) {
            return Ok(Attempt::Again(message));
        }
        let request = self.request;
        let now = match self.repo.remote_state(
            &request.file.remote,
            &request.file.branch,
            "",
            &request.auth,
        ) {
            Ok(state) => state.branch,
            Err(error) => return self.connection_failed(error),
        };
        if now != tip || message.contains("lock") {
            return Ok(Attempt::Again(message));
        }
        Err(LogError::Git(GitError::PushRejected {
            reference: format!("refs/heads/{}", request.file.branch),
            message,
        }))
    }

    /// Before reporting `error`: if an attempt pushed something, look once more whether it
    /// reached the remote (a push reported as failed may have), so a failure means nothing
    /// was written.
    fn settle(&mut self, error: LogError) -> Result<Appended, LogError> {
        if self.ours.is_empty() {
            return Err(error);
        }
        let request = self.request;
        let Ok(Some(tip)) = self.repo.fetch_branch_tip(
            &request.file.remote,
            &request.file.branch,
            &self.refs.fetched,
            &request.auth,
        ) else {
            return Err(error);
        };
        let existing = current(
            self.repo,
            Some(tip),
            &request.file.path,
            &request.file.branch,
        )
        .ok()
        .flatten();
        match self.landed(tip, self.ours.len() as u32, &existing) {
            Ok(Some(appended)) => Ok(appended),
            _ => Err(error),
        }
    }

    /// A connection failure is tried again a few times in a row; other failures end the append.
    fn connection_failed(&mut self, error: GitError) -> Result<Attempt, LogError> {
        if !matches!(error, GitError::Remote { .. }) {
            return Err(error.into());
        }
        self.connection_failures += 1;
        if self.connection_failures > CONNECTION_FAILURES {
            return Err(error.into());
        }
        Ok(Attempt::Again(error.to_string()))
    }
}

/// Append `request.row` to the log and push it. `Ok` means the row is on the remote branch
/// exactly once; on `Err` nothing of this append is there.
pub fn append(request: &AppendRequest<'_>) -> Result<Appended, LogError> {
    let repo = Repo::discover(request.repo)?;
    let mut appender = Appender {
        repo: &repo,
        request,
        refs: PrivateRefs::new("append"),
        ours: Vec::new(),
        connection_failures: 0,
    };
    let result = keep_trying(&mut appender).or_else(|error| appender.settle(error));
    appender.refs.delete(&repo);
    result
}

fn keep_trying(appender: &mut Appender<'_>) -> Result<Appended, LogError> {
    let started = Instant::now();
    let policy = contention::policy(appender.request.patience);
    let mut number = 1;
    loop {
        let last = match appender.attempt(number)? {
            Attempt::Done(appended) => return Ok(appended),
            Attempt::Again(last) => last,
        };
        let wait = policy.delay(number - 1, None, crate::retry::random());
        if number >= policy.attempts || started.elapsed() + wait > policy.total {
            return Err(LogError::Raced {
                branch: appender.request.file.branch.clone(),
                attempts: number,
                seconds: started.elapsed().as_secs(),
                last,
            });
        }
        tracing::info!(
            "branch {} moved or could not be reached (attempt {number}: {last}); trying again in {} ms",
            appender.request.file.branch,
            wait.as_millis()
        );
        std::thread::sleep(wait);
        number += 1;
    }
}

/// The log as the remote branch has it (empty when there is no branch or file yet).
pub fn read(repo: &Path, file: &LogFile, auth: &PushAuth) -> Result<Vec<Row>, LogError> {
    let repo = Repo::discover(repo)?;
    let refs = PrivateRefs::new("read");
    let tip = repo.fetch_branch_tip(&file.remote, &file.branch, &refs.fetched, auth);
    let rows = tip
        .map_err(LogError::from)
        .and_then(|tip| current(&repo, tip, &file.path, &file.branch));
    refs.delete(&repo);
    Ok(rows?.map(|(_, table)| table.rows).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy_log::row::sample;

    #[test]
    fn a_row_is_added_as_one_line_and_a_legacy_log_gets_the_run_column() {
        let first = to_csv(&[sample("1.1.0")]);
        let table = parse_csv(&first).unwrap();
        let (bytes, rows) = with_row(Some((first.clone(), table)), &sample("1.2.0"));
        assert!(bytes.starts_with(&first));
        assert_eq!(rows.len(), 2);
        assert_eq!(bytes, to_csv(&rows));

        let legacy = b"date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back\n2026-11-24T10:42:00Z,acme,production,1.1.0,,,,ada,,success,no\n";
        let table = parse_csv(legacy).unwrap();
        let (bytes, rows) = with_row(Some((legacy.to_vec(), table)), &sample("1.2.0"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back,run\n2026-11-24T10:42:00Z,acme,production,1.1.0,,,,ada,,success,no,\n"), "{text}");
        assert_eq!(rows[1].run, "7001");
    }
}
