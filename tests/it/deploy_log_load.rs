//! `shipgate-log append` under load: 32 jobs, each in its own clone, append at the same moment,
//! against a remote on a local path and against a real receive-pack (git daemon on loopback);
//! first creating the log branch, then adding to it while some jobs of the first round run
//! again. Every job that exits 0 has its row on the remote exactly once, and any other exits 3
//! with nothing written.
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use shipgate::deploy_log::{Row, parse_csv};

use crate::fixture::TestRepo;
use crate::git_daemon::GitDaemon;

/// Jobs appending at once.
const WRITERS: usize = 32;
/// Jobs of the first round run again (same CI run) in the second.
const RERUNS: usize = 4;
/// Longer than an append's own 60 s, so only a hang stops a job.
const JOB_LIMIT: Duration = Duration::from_secs(120);

/// The remote, the clones of the jobs, and the daemon serving it (if any).
struct Fleet {
    repo: TestRepo,
    clones: Vec<PathBuf>,
    _daemon: Option<GitDaemon>,
}

/// One job: who it logs as (unique per deployment), its run, and how it ended.
struct Job {
    who: String,
    run: String,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

fn fleet(through_daemon: bool) -> Fleet {
    let repo = TestRepo::new();
    repo.write("shipgate.yml", "log:\n  project: Acme\n");
    repo.git(&["add", "shipgate.yml"]);
    repo.git(&["commit", "-q", "-m", "feat: config"]);
    repo.git(&["tag", "v1.0.0"]);
    repo.git(&["push", "-q", "origin", "main", "--tags"]);
    let daemon = through_daemon.then(|| GitDaemon::start(repo.root()));
    let url = match &daemon {
        Some(daemon) => daemon.url("remote.git"),
        None => repo.remote().display().to_string(),
    };
    let first = repo.root().join("clones/0");
    let remote = repo.remote();
    repo.git(&[
        "clone",
        "-q",
        remote.to_str().unwrap(),
        first.to_str().unwrap(),
    ]);
    repo.git(&[
        "-C",
        first.to_str().unwrap(),
        "remote",
        "set-url",
        "origin",
        &url,
    ]);
    let mut clones = vec![first.clone()];
    for n in 1..WRITERS {
        let clone = repo.root().join(format!("clones/{n}"));
        crate::fixture::copy_dir(&first, &clone);
        clones.push(clone);
    }
    Fleet {
        repo,
        clones,
        _daemon: daemon,
    }
}

/// Start every job of `jobs` (who, run) at once, one per clone, and wait for all of them.
fn run_at_once(fleet: &Fleet, round: usize, jobs: &[(String, String)]) -> Vec<Job> {
    let out = fleet.repo.root().join(format!("out/{round}"));
    std::fs::create_dir_all(&out).unwrap();
    let children: Vec<(Child, PathBuf)> = jobs
        .iter()
        .zip(&fleet.clones)
        .enumerate()
        .map(|(n, ((who, run), clone))| {
            let files = out.join(n.to_string());
            let child = fleet
                .repo
                .process("shipgate-log")
                .current_dir(clone)
                .args(["append", "--env", "production", "--version", "1.0.0"])
                .args(["--who", who, "--run", run, "--format", "json"])
                .stdout(File::create(files.with_extension("out")).unwrap())
                .stderr(File::create(files.with_extension("err")).unwrap())
                .spawn()
                .unwrap();
            (child, files)
        })
        .collect();
    let deadline = Instant::now() + JOB_LIMIT;
    children
        .into_iter()
        .zip(jobs)
        .map(|((mut child, files), (who, run))| {
            let status = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break status;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("job {who} still running after {JOB_LIMIT:?}");
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            let read = |ext| std::fs::read_to_string(files.with_extension(ext)).unwrap();
            Job {
                who: who.clone(),
                run: run.clone(),
                status,
                stdout: read("out"),
                stderr: read("err"),
            }
        })
        .collect()
}

fn remote_rows(fleet: &Fleet) -> Vec<Row> {
    let csv = fleet
        .repo
        .remote_git(&["show", "shipgate-log:deployments/acme.csv"]);
    parse_csv(csv.as_bytes()).unwrap().rows
}

/// Exit 0: the job's deployment is on the remote exactly once; anything else: exit 3 and not there.
fn assert_each_job_logged_once_or_not_at_all(jobs: &[Job], rows: &[Row]) {
    for job in jobs {
        let count = rows
            .iter()
            .filter(|r| r.who == job.who && r.run == job.run)
            .count();
        match job.status.code() {
            Some(0) => assert_eq!(
                count, 1,
                "{} exited 0 but its row is there {count} times\n{}{}",
                job.who, job.stdout, job.stderr
            ),
            Some(3) => assert_eq!(count, 0, "{} failed but its row is there", job.who),
            other => panic!("{} exited {other:?}\n{}", job.who, job.stderr),
        }
    }
}

fn assert_all_succeeded(jobs: &[Job]) {
    let failed: Vec<String> = jobs
        .iter()
        .filter(|j| !j.status.success())
        .map(|j| format!("{}: {}", j.who, j.stderr.trim()))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} failed:\n{}",
        failed.len(),
        jobs.len(),
        failed.join("\n")
    );
}

fn thirty_two_jobs_append_at_once(through_daemon: bool) {
    let fleet = fleet(through_daemon);

    // Round 1: the branch does not exist yet; every job may be the one to create it.
    let first: Vec<(String, String)> = (0..WRITERS)
        .map(|n| (format!("job{n}-r1"), format!("{}", 1000 + n)))
        .collect();
    let jobs = run_at_once(&fleet, 1, &first);
    let rows = remote_rows(&fleet);
    assert_each_job_logged_once_or_not_at_all(&jobs, &rows);
    assert_all_succeeded(&jobs);
    assert_eq!(rows.len(), WRITERS);

    // Round 2: the branch exists; a few jobs of round 1 are re-run (same CI run) among new ones.
    let second: Vec<(String, String)> = (0..WRITERS)
        .map(|n| match n {
            n if n < RERUNS => first[n].clone(),
            n => (format!("job{n}-r2"), format!("{}", 2000 + n)),
        })
        .collect();
    let jobs = run_at_once(&fleet, 2, &second);
    let rows = remote_rows(&fleet);
    assert_each_job_logged_once_or_not_at_all(&jobs, &rows);
    assert_all_succeeded(&jobs);
    assert_eq!(rows.len(), 2 * WRITERS - RERUNS);
    for job in &jobs[..RERUNS] {
        let json: serde_json::Value = serde_json::from_str(&job.stdout).unwrap();
        assert_eq!(json["written"], false, "{} re-run: {}", job.who, job.stdout);
    }
    assert_eq!(
        fleet
            .repo
            .remote_git(&["rev-list", "--count", "shipgate-log"]),
        (2 * WRITERS - RERUNS).to_string(),
        "one commit per row"
    );
}

#[test]
fn thirty_two_jobs_append_at_once_to_a_remote_on_a_local_path() {
    thirty_two_jobs_append_at_once(false);
}

#[test]
fn thirty_two_jobs_append_at_once_through_git_daemon() {
    thirty_two_jobs_append_at_once(true);
}
