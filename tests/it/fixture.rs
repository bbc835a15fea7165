//! Deterministic git fixtures: a work repository with fixed identities and dates, and a bare remote.
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use tempfile::TempDir;

/// The first commit's time; each later commit is one minute after the previous one.
const EPOCH: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z

/// Variables of the outer environment that would change what a binary does.
const LEAKY_VARS: &[&str] = &[
    "GITHUB_ACTIONS",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_TOKEN",
    "GITHUB_REF_NAME",
    "GITHUB_REF_TYPE",
    "GITHUB_SERVER_URL",
    "GITHUB_API_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_BASE_REF",
    "GITHUB_REF",
    "GITHUB_EVENT_PATH",
    "CI_MERGE_REQUEST_IID",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_MERGE_REQUEST_PROJECT_URL",
    "GITLAB_CI",
    "GITLAB_TOKEN",
    "CI_COMMIT_BRANCH",
    "CI_SERVER_HOST",
    "CI_SERVER_URL",
    "CI_API_V4_URL",
    "CI_PROJECT_ID",
    "CI",
    "CI_REGISTRY",
    "CI_REGISTRY_USER",
    "CI_REGISTRY_PASSWORD",
    "SHIPGATE_REGISTRY_USER",
    "SHIPGATE_REGISTRY_PASSWORD",
    "DOCKER_CONFIG",
    "SHIPGATE_LOG",
    "GIT_DIR",
    "GIT_WORK_TREE",
];

/// A work repository on `main` with a bare `origin`, both in one temp dir.
pub struct TestRepo {
    dir: TempDir,
    tick: Cell<u64>,
}

impl TestRepo {
    /// A repository with one commit (`chore: init`) pushed to `origin/main`.
    pub fn new() -> Self {
        let repo = Self::empty();
        repo.commit("chore: init");
        repo.git(&["push", "-q", "origin", "main"]);
        repo
    }

    /// A repository with no commit, and its bare remote.
    pub fn empty() -> Self {
        let repo = Self {
            dir: tempfile::tempdir().expect("temp dir"),
            tick: Cell::new(0),
        };
        std::fs::create_dir_all(repo.home()).unwrap();
        repo.run_git(
            repo.dir.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        repo.run_git(repo.dir.path(), &["init", "-q", "-b", "main", "work"]);
        repo.git(&["remote", "add", "origin", repo.remote().to_str().unwrap()]);
        repo
    }

    /// The work tree.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// The bare remote.
    pub fn remote(&self) -> PathBuf {
        self.dir.path().join("remote.git")
    }

    /// A HOME with no git config of the developer's.
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The temp dir holding everything.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    fn next_date(&self) -> String {
        let t = self.tick.get();
        self.tick.set(t + 1);
        format!("{} +0000", EPOCH + 60 * t)
    }

    fn isolate(&self, command: &mut Command) {
        for var in LEAKY_VARS {
            command.env_remove(var);
        }
        command
            .env("HOME", self.home())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada Author")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Cy Committer")
            .env("GIT_COMMITTER_EMAIL", "cy@example.com")
            .env("NO_COLOR", "1");
    }

    fn run_git(&self, dir: &Path, args: &[&str]) -> String {
        let mut command = Command::new("git");
        self.isolate(&mut command);
        let date = self.next_date();
        let output = command
            .current_dir(dir)
            .args(args)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// Run git in the work tree; returns trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        self.run_git(&self.path(), args)
    }

    /// Run git in the bare remote.
    pub fn remote_git(&self, args: &[&str]) -> String {
        self.run_git(&self.remote(), args)
    }

    /// Write a file in the work tree (directories created).
    pub fn write(&self, path: &str, content: &str) {
        let path = self.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Read a file of the work tree.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).unwrap()
    }

    /// Commit a new file `changes/N.txt` (and every other change) with `message`; returns the id.
    /// Each commit touches its own file, so branches merge without conflicts.
    pub fn commit(&self, message: &str) -> String {
        let change = format!("changes/{}.txt", self.tick.get());
        self.write(&change, message.lines().next().unwrap_or_default());
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--cleanup=verbatim", "-m", message]);
        self.head()
    }

    /// The commit HEAD points at.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// `shipgate-version` in the work tree, isolated from the outer environment, with a fixed clock.
    pub fn version(&self) -> assert_cmd::Command {
        self.binary("shipgate-version")
    }

    /// `shipgate-schema` in the work tree, isolated from the outer environment.
    pub fn schema(&self) -> assert_cmd::Command {
        self.binary("shipgate-schema")
    }

    /// A shipgate binary in the work tree, isolated from the outer environment, with a fixed clock.
    pub fn binary(&self, name: &str) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.process(name))
    }

    /// Any program in the work tree, isolated like the binaries, with a fixed clock for git.
    pub fn program(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        self.isolate(&mut command);
        let date = self.next_date();
        command
            .current_dir(self.path())
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        command
    }

    /// The one file on `branch` of the bare remote (asserted to be alone there), read whole.
    pub fn only_file_on_remote_branch(&self, branch: &str) -> String {
        let remote = self.remote();
        let remote = remote.to_str().unwrap();
        let files = self.git(&["--git-dir", remote, "ls-tree", "-r", "--name-only", branch]);
        assert_eq!(files.lines().count(), 1, "{files}");
        self.git(&["--git-dir", remote, "show", &format!("{branch}:{files}")])
    }

    /// The trimmed lines of the file `name` beside the work tree (empty when it is missing):
    /// where test hooks log what they were called with.
    pub fn root_file_lines(&self, name: &str) -> Vec<String> {
        std::fs::read_to_string(self.root().join(name))
            .unwrap_or_default()
            .lines()
            .map(|l| l.trim().to_owned())
            .collect()
    }

    /// The same as a plain process, for tests that run several at once.
    pub fn process(&self, name: &str) -> Command {
        let mut command = Command::cargo_bin(name).expect("binary built");
        self.isolate(&mut command);
        let date = self.next_date();
        command
            .current_dir(self.path())
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        command
    }
}

/// The body `shipgate-issue open` writes for release `version` at commit `sha` (no notes, no
/// images): the marker, the sections, the hidden state block.
pub fn deploy_issue_body(version: &str, sha: &str) -> String {
    use shipgate::deploy_issue::{DeployIssue, Release, render};
    render(&DeployIssue::new(Release {
        version: semver::Version::parse(version).unwrap(),
        previous: None,
        tag: format!("v{version}"),
        commit: sha.to_owned(),
        images: Vec::new(),
        notes: String::new(),
        url: None,
    }))
}

/// Seal `version` on GitLab issue `iid` as `author` (shipgate's user), as `shipgate-issue open`
/// does: the note promotions read the release from.
pub fn seal_release_on_gitlab(
    fake: &crate::fake_gitlab::FakeGitlab,
    iid: u64,
    version: &str,
    author: &str,
    seal: &shipgate::seal::Seal,
) {
    let claim = shipgate::issue::Claim {
        version: semver::Version::parse(version).unwrap(),
        images: Vec::new(),
    };
    fake.seed_note(
        iid,
        &shipgate::issue::claim_comment(seal, iid, &claim),
        author,
        false,
    );
}

/// Whether `body` is the comment that seals the release an issue tracks (not a reply).
pub fn is_release_claim(body: &str) -> bool {
    body.starts_with("<!-- shipgate:tracks ")
}

/// Make the file at `path` executable (`rwxr-xr-x`), as a hook or a helper script must be.
pub fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Copy the directory `from` with everything below it to `to` (created).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
