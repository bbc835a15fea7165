//! The local forge: a directory of Markdown and JSON files, so the whole flow can be tried and
//! demoed with no server.
//!
//! Layout under the root (default `.shipgate/forge/`):
//! `issues/<n>/issue.json` and `issues/<n>/body.md`; `issues/<n>/comments/<id>.json` and
//! `<id>.md`; `changes/<n>/comments/<id>.json` and `<id>.md`, the comments of change request
//! (pull or merge request) `n`, which needs no other file; `deployments.json`; `permissions.json` (login → permission; the acting user is
//! admin unless listed); `teams.json` (`org/team` → logins); `tags.json` (tag → commit; tags not
//! listed are read from the git repository when one is given); `pipelines.jsonl`, one line per pipeline started.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::team::group_path;
use super::{
    CiCheck, Comment, Deployment, DeploymentPage, DeploymentQuery, DeploymentState, Forge,
    ForgeError, ForgeKind, ForgeResult, FreezePeriod, Issue, IssueState, NewDeployment, NewIssue,
    Permission, Reaction,
};

/// How long a writer waits for another writer's lock before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// A forge kept in a directory.
#[derive(Debug, Clone)]
pub struct LocalForge {
    root: PathBuf,
    login: String,
    repo: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct IssueMeta {
    number: u64,
    title: String,
    state: IssueState,
    author: String,
    labels: Vec<String>,
    assignees: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CommentMeta {
    id: u64,
    author: String,
    created_at: Timestamp,
    updated_at: Timestamp,
    reactions: Vec<(String, Reaction)>,
}

fn local_error(path: &Path, cause: impl ToString) -> ForgeError {
    ForgeError::Local {
        path: path.to_path_buf(),
        cause: cause.to_string(),
    }
}

/// Now, to the second (as the files write it).
fn now() -> Timestamp {
    crate::time::to_the_second(Timestamp::now())
}

/// Held while a writer reads, changes and writes files; removed on drop.
struct Lock {
    path: PathBuf,
}

impl Lock {
    fn take(root: &Path) -> ForgeResult<Self> {
        std::fs::create_dir_all(root).map_err(|e| local_error(root, e))?;
        let path = root.join(".lock");
        let start = Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => return Ok(Self { path }),
                Err(e)
                    if e.kind() == std::io::ErrorKind::AlreadyExists
                        && start.elapsed() < LOCK_WAIT =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => {
                    return Err(local_error(
                        &path,
                        format!(
                            "{e}; another shipgate is writing, or an old lock was left: remove it if no shipgate runs"
                        ),
                    ));
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl LocalForge {
    /// A forge in `root`, acting as `login`.
    pub fn new(root: impl Into<PathBuf>, login: impl Into<String>) -> Self {
        Self {
            root: root.into(),
            login: login.into(),
            repo: None,
        }
    }

    /// Tags not listed in `tags.json` are read from the git repository at `repo`.
    pub fn with_repo(mut self, repo: impl Into<PathBuf>) -> Self {
        self.repo = Some(repo.into());
        self
    }

    fn issue_dir(&self, number: u64) -> PathBuf {
        self.root.join("issues").join(number.to_string())
    }

    fn read_json<T: DeserializeOwned>(path: &Path) -> ForgeResult<Option<T>> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| local_error(path, format!("{e}; fix or remove the file"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(local_error(path, e)),
        }
    }

    fn read_text(path: &Path) -> ForgeResult<String> {
        std::fs::read_to_string(path).map_err(|e| local_error(path, e))
    }

    /// Write through a temp file and a rename, so a reader never sees half a file.
    fn write(path: &Path, contents: &[u8]) -> ForgeResult<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| local_error(dir, e))?;
        }
        let temp = path.with_extension("tmp");
        std::fs::write(&temp, contents).map_err(|e| local_error(&temp, e))?;
        std::fs::rename(&temp, path).map_err(|e| local_error(path, e))
    }

    fn write_json<T: Serialize>(path: &Path, value: &T) -> ForgeResult<()> {
        let text = serde_json::to_string_pretty(value).map_err(|e| local_error(path, e))?;
        Self::write(path, text.as_bytes())
    }

    fn numbers(dir: &Path) -> ForgeResult<Vec<u64>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(local_error(dir, e)),
        };
        let mut numbers: Vec<u64> = entries
            .filter_map(|e| {
                e.ok()?
                    .file_name()
                    .to_str()?
                    .split('.')
                    .next()?
                    .parse()
                    .ok()
            })
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        Ok(numbers)
    }

    fn load_issue(&self, number: u64) -> ForgeResult<Issue> {
        let dir = self.issue_dir(number);
        let meta: IssueMeta =
            Self::read_json(&dir.join("issue.json"))?.ok_or_else(|| ForgeError::NotFound {
                what: format!("issue #{number}"),
                needs: format!("an issue in {}", self.root.display()),
                resource: None,
            })?;
        Ok(Issue {
            number,
            title: meta.title,
            body: Self::read_text(&dir.join("body.md"))?,
            state: meta.state,
            author: meta.author,
            url: dir.join("body.md").display().to_string(),
            labels: meta.labels,
        })
    }

    fn comment_meta(&self, number: u64, id: u64) -> ForgeResult<(PathBuf, CommentMeta)> {
        let path = self
            .issue_dir(number)
            .join("comments")
            .join(format!("{id}.json"));
        let meta = Self::read_json(&path)?.ok_or_else(|| ForgeError::NotFound {
            what: format!("comment {id} of issue #{number}"),
            needs: "an existing comment".to_owned(),
            resource: None,
        })?;
        Ok((path, meta))
    }

    fn change_dir(&self, number: u64) -> PathBuf {
        self.root
            .join("changes")
            .join(number.to_string())
            .join("comments")
    }

    fn read_comment(&self, dir: &Path, meta: CommentMeta) -> ForgeResult<Comment> {
        let text = dir.join(format!("{}.md", meta.id));
        Ok(Comment {
            id: meta.id,
            body: Self::read_text(&text)?,
            author_is_bot: meta.author == self.login,
            author: meta.author,
            created_at: meta.created_at,
            updated_at: meta.updated_at,
            system: false,
            url: Some(text.display().to_string()),
        })
    }

    /// The comments kept in `dir`, oldest first.
    fn list_comments(&self, dir: &Path) -> ForgeResult<Vec<Comment>> {
        let mut comments = Vec::new();
        for id in Self::numbers(dir)? {
            let path = dir.join(format!("{id}.json"));
            let meta: CommentMeta =
                Self::read_json(&path)?.ok_or_else(|| ForgeError::NotFound {
                    what: format!("comment {id}"),
                    needs: "an existing comment".to_owned(),
                    resource: None,
                })?;
            comments.push(self.read_comment(dir, meta)?);
        }
        Ok(comments)
    }

    /// A new comment in `dir` by the acting login (the caller holds the lock).
    fn add_comment(&self, dir: &Path, body: &str) -> ForgeResult<Comment> {
        let id = Self::numbers(dir)?.last().copied().unwrap_or(0) + 1;
        let when = now();
        Self::write(&dir.join(format!("{id}.md")), body.as_bytes())?;
        let meta = CommentMeta {
            id,
            author: self.login.clone(),
            created_at: when,
            updated_at: when,
            reactions: Vec::new(),
        };
        Self::write_json(&dir.join(format!("{id}.json")), &meta)?;
        self.read_comment(dir, meta)
    }

    fn deployments_file(&self) -> PathBuf {
        self.root.join("deployments.json")
    }
}

impl Forge for LocalForge {
    fn kind(&self) -> ForgeKind {
        ForgeKind::Local
    }

    async fn own_login(&self) -> ForgeResult<String> {
        Ok(self.login.clone())
    }

    async fn find_open_issues(&self, marker: &str) -> ForgeResult<Vec<Issue>> {
        let mut found = Vec::new();
        for number in Self::numbers(&self.root.join("issues"))? {
            let issue = self.load_issue(number)?;
            if issue.state == IssueState::Open && issue.body.contains(marker) {
                found.push(issue);
            }
        }
        Ok(found)
    }

    async fn issue(&self, number: u64) -> ForgeResult<Issue> {
        self.load_issue(number)
    }

    async fn create_issue(&self, new: &NewIssue) -> ForgeResult<Issue> {
        let _lock = Lock::take(&self.root)?;
        let number = Self::numbers(&self.root.join("issues"))?
            .last()
            .copied()
            .unwrap_or(0)
            + 1;
        let dir = self.issue_dir(number);
        Self::write(&dir.join("body.md"), new.body.as_bytes())?;
        Self::write_json(
            &dir.join("issue.json"),
            &IssueMeta {
                number,
                title: new.title.clone(),
                state: IssueState::Open,
                author: self.login.clone(),
                labels: new.labels.clone(),
                assignees: new.assignees.clone(),
            },
        )?;
        self.load_issue(number)
    }

    async fn update_issue_body(&self, number: u64, body: &str) -> ForgeResult<Issue> {
        let _lock = Lock::take(&self.root)?;
        self.load_issue(number)?;
        Self::write(&self.issue_dir(number).join("body.md"), body.as_bytes())?;
        self.load_issue(number)
    }

    async fn close_issue(&self, number: u64) -> ForgeResult<()> {
        let _lock = Lock::take(&self.root)?;
        let path = self.issue_dir(number).join("issue.json");
        let mut meta: IssueMeta = Self::read_json(&path)?.ok_or_else(|| ForgeError::NotFound {
            what: format!("issue #{number}"),
            needs: format!("an issue in {}", self.root.display()),
            resource: None,
        })?;
        meta.state = IssueState::Closed;
        Self::write_json(&path, &meta)
    }

    async fn comments(&self, number: u64) -> ForgeResult<Vec<Comment>> {
        self.list_comments(&self.issue_dir(number).join("comments"))
    }

    async fn create_comment(&self, number: u64, body: &str) -> ForgeResult<Comment> {
        let _lock = Lock::take(&self.root)?;
        self.load_issue(number)?;
        self.add_comment(&self.issue_dir(number).join("comments"), body)
    }

    async fn change_comments(&self, number: u64) -> ForgeResult<Vec<Comment>> {
        self.list_comments(&self.change_dir(number))
    }

    async fn comment_on_change(&self, number: u64, body: &str) -> ForgeResult<Comment> {
        let _lock = Lock::take(&self.root)?;
        self.add_comment(&self.change_dir(number), body)
    }

    /// Only the acting login's own comments may be edited, as on the forges.
    async fn edit_change_comment(
        &self,
        number: u64,
        comment_id: u64,
        body: &str,
    ) -> ForgeResult<Comment> {
        let _lock = Lock::take(&self.root)?;
        let dir = self.change_dir(number);
        let path = dir.join(format!("{comment_id}.json"));
        let mut meta: CommentMeta =
            Self::read_json(&path)?.ok_or_else(|| ForgeError::NotFound {
                what: format!("comment {comment_id} of change #{number}"),
                needs: "an existing comment".to_owned(),
                resource: None,
            })?;
        if meta.author != self.login {
            return Err(ForgeError::Unauthorized {
                what: format!("editing comment {comment_id} of change #{number}"),
                status: 403,
                needs: format!("to be its author ({})", meta.author),
            });
        }
        meta.updated_at = now();
        Self::write(&dir.join(format!("{comment_id}.md")), body.as_bytes())?;
        Self::write_json(&path, &meta)?;
        self.read_comment(&dir, meta)
    }

    async fn add_reaction(
        &self,
        number: u64,
        comment_id: u64,
        reaction: Reaction,
    ) -> ForgeResult<bool> {
        let _lock = Lock::take(&self.root)?;
        let (path, mut meta) = self.comment_meta(number, comment_id)?;
        let entry = (self.login.clone(), reaction);
        if meta.reactions.contains(&entry) {
            return Ok(false);
        }
        meta.reactions.push(entry);
        Self::write_json(&path, &meta)?;
        Ok(true)
    }

    async fn reactions_by(
        &self,
        number: u64,
        comment_id: u64,
        login: &str,
    ) -> ForgeResult<Vec<Reaction>> {
        let (_, meta) = self.comment_meta(number, comment_id)?;
        Ok(meta
            .reactions
            .into_iter()
            .filter(|(who, _)| who == login)
            .map(|(_, reaction)| reaction)
            .collect())
    }

    async fn permission(&self, login: &str) -> ForgeResult<Permission> {
        let listed: Option<BTreeMap<String, Permission>> =
            Self::read_json(&self.root.join("permissions.json"))?;
        Ok(match listed.and_then(|m| m.get(login).copied()) {
            Some(permission) => permission,
            None if login == self.login => Permission::Admin,
            None => Permission::None,
        })
    }

    /// `teams.json` lists each team's logins (compared without case); no file, or a team not
    /// listed, is `false`.
    async fn team_member(&self, team: &str, login: &str) -> ForgeResult<bool> {
        group_path(team)?;
        let teams: Option<BTreeMap<String, Vec<String>>> =
            Self::read_json(&self.root.join("teams.json"))?;
        Ok(teams
            .as_ref()
            .and_then(|t| t.get(team))
            .is_some_and(|members| members.iter().any(|m| m.eq_ignore_ascii_case(login))))
    }

    /// Every deployment `query` selects, in one page, newest first.
    async fn deployment_page(
        &self,
        query: &DeploymentQuery,
        _cursor: Option<&str>,
    ) -> ForgeResult<DeploymentPage> {
        let all: Vec<Deployment> = Self::read_json(&self.deployments_file())?.unwrap_or_default();
        Ok(DeploymentPage {
            items: all.into_iter().rev().filter(|d| query.matches(d)).collect(),
            next: None,
        })
    }

    /// The local forge runs no CI.
    async fn commit_checks(&self, _git_ref: &str, _sha: &str) -> ForgeResult<Vec<CiCheck>> {
        Ok(Vec::new())
    }

    /// The local forge protects no branch.
    async fn required_check_names(&self) -> ForgeResult<Option<Vec<String>>> {
        Ok(None)
    }

    /// The file holds each deployment with its state.
    async fn with_state(&self, deployment: Deployment) -> ForgeResult<Deployment> {
        Ok(deployment)
    }

    /// `tags.json` maps each tag to its commit; a tag not listed there is read from the git
    /// repository given by [`LocalForge::with_repo`]; else `None`.
    async fn tag_commit(&self, tag: &str) -> ForgeResult<Option<String>> {
        let tags: Option<BTreeMap<String, String>> = Self::read_json(&self.root.join("tags.json"))?;
        if let Some(sha) = tags.and_then(|mut t| t.remove(tag)) {
            return Ok(Some(sha));
        }
        let Some(repo) = &self.repo else {
            return Ok(None);
        };
        let repo = crate::git::Repo::discover(repo).map_err(|e| local_error(repo, e))?;
        let target = repo
            .tag_target(tag)
            .map_err(|e| local_error(repo.root(), e))?;
        Ok(target.map(|oid| oid.to_string()))
    }

    async fn create_deployment(&self, new: &NewDeployment) -> ForgeResult<Deployment> {
        let _lock = Lock::take(&self.root)?;
        let path = self.deployments_file();
        let mut all: Vec<Deployment> = Self::read_json(&path)?.unwrap_or_default();
        let deployment = Deployment {
            id: all.iter().map(|d| d.id).max().unwrap_or(0) + 1,
            environment: new.environment.clone(),
            git_ref: new.git_ref.clone(),
            sha: new.sha.clone(),
            state: None,
            creator: self.login.clone(),
            created_at: now(),
            ci_run: Some(new.ci_run.clone()),
            ci_job: None,
            state_url: None,
            state_at: None,
            state_by: None,
        };
        all.push(deployment.clone());
        Self::write_json(&path, &all)?;
        Ok(deployment)
    }

    async fn set_deployment_state(
        &self,
        deployment: &Deployment,
        state: DeploymentState,
        url: Option<&str>,
    ) -> ForgeResult<()> {
        let _lock = Lock::take(&self.root)?;
        let path = self.deployments_file();
        let mut all: Vec<Deployment> = Self::read_json(&path)?.unwrap_or_default();
        let Some(stored) = all.iter_mut().find(|d| d.id == deployment.id) else {
            return Err(ForgeError::NotFound {
                what: format!("deployment {}", deployment.id),
                needs: format!("a deployment in {}", path.display()),
                resource: None,
            });
        };
        stored.state = Some(state);
        stored.state_url = url.map(str::to_owned);
        stored.state_at = Some(now());
        stored.state_by = Some(self.login.clone());
        Self::write_json(&path, &all)
    }

    async fn freeze_periods(&self) -> ForgeResult<Vec<FreezePeriod>> {
        Ok(Vec::new())
    }

    async fn start_pipeline(
        &self,
        workflow: &str,
        git_ref: &str,
        inputs: &[(String, String)],
    ) -> ForgeResult<()> {
        let _lock = Lock::take(&self.root)?;
        let path = self.root.join("pipelines.jsonl");
        let line = serde_json::json!({ "workflow": workflow, "ref": git_ref, "inputs": inputs, "at": now() });
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.push_str(&line.to_string());
        text.push('\n');
        Self::write(&path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn forge() -> (tempfile::TempDir, LocalForge) {
        let dir = tempfile::tempdir().unwrap();
        let forge = LocalForge::new(dir.path().join("forge"), "ada");
        (dir, forge)
    }

    fn new_issue(body: &str) -> NewIssue {
        NewIssue {
            title: "Deploy v1.0.0".into(),
            body: body.into(),
            labels: vec!["deploy".into()],
            assignees: vec![],
        }
    }

    #[test]
    fn issues_are_numbered_found_by_marker_updated_and_closed() {
        let (_dir, forge) = forge();
        block(async {
            let first = forge
                .create_issue(&new_issue("<!-- m1 --> hello"))
                .await
                .unwrap();
            let second = forge.create_issue(&new_issue("<!-- m2 -->")).await.unwrap();
            assert_eq!((first.number, second.number), (1, 2));
            assert_eq!(first.author, "ada");
            let found = forge.find_open_issues("<!-- m1 -->").await.unwrap();
            assert_eq!(found.iter().map(|i| i.number).collect::<Vec<_>>(), [1]);
            let updated = forge
                .update_issue_body(1, "<!-- m1 --> changed")
                .await
                .unwrap();
            assert_eq!(updated.body, "<!-- m1 --> changed");
            forge.close_issue(1).await.unwrap();
            assert!(
                forge
                    .find_open_issues("<!-- m1 -->")
                    .await
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(forge.issue(1).await.unwrap().state, IssueState::Closed);
            assert!(matches!(
                forge.issue(9).await,
                Err(ForgeError::NotFound { .. })
            ));
        });
    }

    #[test]
    fn comments_and_idempotent_reactions() {
        let (_dir, forge) = forge();
        block(async {
            forge.create_issue(&new_issue("x")).await.unwrap();
            let comment = forge
                .create_comment(1, "/promote production")
                .await
                .unwrap();
            forge
                .add_reaction(1, comment.id, Reaction::Eyes)
                .await
                .unwrap();
            forge
                .add_reaction(1, comment.id, Reaction::Eyes)
                .await
                .unwrap();
            forge
                .add_reaction(1, comment.id, Reaction::Rocket)
                .await
                .unwrap();
            assert_eq!(
                forge.reactions_by(1, comment.id, "ada").await.unwrap(),
                [Reaction::Eyes, Reaction::Rocket]
            );
            assert!(
                forge
                    .reactions_by(1, comment.id, "bob")
                    .await
                    .unwrap()
                    .is_empty()
            );
            let comments = forge.comments(1).await.unwrap();
            assert_eq!(comments.len(), 1);
            assert_eq!(comments[0].body, "/promote production");
        });
    }

    #[test]
    fn change_comments_are_kept_apart_and_only_the_author_edits() {
        let (dir, forge) = forge();
        block(async {
            let mine = forge.comment_on_change(7, "preview").await.unwrap();
            assert_eq!((mine.id, mine.author.as_str()), (1, "ada"));
            assert!(forge.change_comments(8).await.unwrap().is_empty());
            let edited = forge
                .edit_change_comment(7, mine.id, "preview, again")
                .await
                .unwrap();
            assert_eq!(edited.body, "preview, again");
            let listed = forge.change_comments(7).await.unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(listed[0].body, "preview, again");
            assert!(listed[0].url.as_deref().unwrap().ends_with("1.md"));

            let bob = LocalForge::new(dir.path().join("forge"), "bob");
            let err = bob
                .edit_change_comment(7, mine.id, "mine now")
                .await
                .unwrap_err();
            assert!(matches!(err, ForgeError::Unauthorized { .. }), "{err}");
            assert!(matches!(
                forge.edit_change_comment(7, 9, "x").await,
                Err(ForgeError::NotFound { .. })
            ));
        });
    }

    #[test]
    fn permissions_default_to_admin_for_the_acting_user_and_none_for_others() {
        let (dir, forge) = forge();
        block(async {
            assert_eq!(forge.permission("ada").await.unwrap(), Permission::Admin);
            assert_eq!(forge.permission("bob").await.unwrap(), Permission::None);
            std::fs::create_dir_all(dir.path().join("forge")).unwrap();
            std::fs::write(
                dir.path().join("forge/permissions.json"),
                r#"{"bob": "maintain", "ada": "write"}"#,
            )
            .unwrap();
            assert_eq!(forge.permission("bob").await.unwrap(), Permission::Maintain);
            assert_eq!(forge.permission("ada").await.unwrap(), Permission::Write);
        });
    }

    #[test]
    fn teams_and_tags_come_from_their_files() {
        let (dir, forge) = forge();
        block(async {
            assert!(!forge.team_member("acme/release", "ada").await.unwrap());
            assert_eq!(forge.tag_commit("v1.2.0").await.unwrap(), None);
            std::fs::create_dir_all(dir.path().join("forge")).unwrap();
            std::fs::write(
                dir.path().join("forge/teams.json"),
                r#"{"acme/release": ["Ada", "bob"], "acme/ops/oncall": ["cy"]}"#,
            )
            .unwrap();
            std::fs::write(
                dir.path().join("forge/tags.json"),
                r#"{"v1.2.0": "4f0c2a1e", "v1.1.0": "77aa01bc"}"#,
            )
            .unwrap();
            assert!(forge.team_member("acme/release", "ada").await.unwrap());
            assert!(forge.team_member("acme/ops/oncall", "cy").await.unwrap());
            assert!(!forge.team_member("acme/release", "cy").await.unwrap());
            assert!(!forge.team_member("acme/other", "ada").await.unwrap());
            let err = forge.team_member("release", "ada").await.unwrap_err();
            assert!(matches!(err, ForgeError::Invalid { .. }), "{err}");
            assert_eq!(
                forge.tag_commit("v1.2.0").await.unwrap().as_deref(),
                Some("4f0c2a1e")
            );
            assert_eq!(forge.tag_commit("v9.9.9").await.unwrap(), None);
            std::fs::write(dir.path().join("forge/tags.json"), "[1]").unwrap();
            let err = forge.tag_commit("v1.2.0").await.unwrap_err();
            assert!(err.to_string().contains("tags.json"), "{err}");
        });
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let (dir, _) = forge();
        let root = dir.path().join("forge");
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let forge = LocalForge::new(&root, format!("w{w}"));
                std::thread::spawn(move || {
                    block(async {
                        for i in 0..15 {
                            let new = NewDeployment {
                                environment: "stage".into(),
                                git_ref: "v1.0.0".into(),
                                sha: "abc".into(),
                                ci_run: format!("{w}-{i}"),
                                description: String::new(),
                            };
                            let d = forge.create_deployment(&new).await.unwrap();
                            forge
                                .set_deployment_state(&d, DeploymentState::Success, None)
                                .await
                                .unwrap();
                        }
                    })
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let forge = LocalForge::new(&root, "ada");
        let all = block(forge.deployments("stage")).unwrap();
        assert_eq!(all.len(), 60);
        let mut ids: Vec<u64> = all.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 60, "ids are unique");
        assert!(
            all.iter()
                .all(|d| d.state == Some(DeploymentState::Success))
        );
        assert!(!root.join(".lock").exists());
    }

    #[test]
    fn a_corrupt_file_is_an_error_naming_it() {
        let (dir, forge) = forge();
        std::fs::create_dir_all(dir.path().join("forge")).unwrap();
        std::fs::write(dir.path().join("forge/deployments.json"), "{not json").unwrap();
        let err = block(forge.deployments("stage")).unwrap_err();
        assert!(err.to_string().contains("deployments.json"), "{err}");
    }
}
