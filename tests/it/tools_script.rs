//! `scripts/tools.sh --system` on machines set up in different ways: a PATH of stub commands
//! (`apt-get` records what it is asked to install and installs a stub of the tool), so each test
//! sees exactly what the script would install, and what it tells a user it cannot.
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// Every system tool the script looks for, as the command it runs.
const ALL_TOOLS: [&str; 8] = [
    "git",
    "ssh-keygen",
    "openssl",
    "rsync",
    "prometheus",
    "docker-registry",
    "npm",
    "node",
];

/// The coreutils the script and the apt-get stub run.
const COREUTILS: [&str; 6] = ["dirname", "id", "cat", "cmp", "env", "chmod"];

/// A machine: a directory of commands that is the whole PATH, and a log of apt-get's calls.
struct Machine {
    dir: TempDir,
}

impl Machine {
    /// A machine with `tools` (and python3 able to make a venv) and apt-get.
    fn with(tools: &[&str]) -> Self {
        let machine = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::create_dir(machine.bin()).unwrap();
        for util in COREUTILS {
            let real = which(util);
            std::os::unix::fs::symlink(real, machine.bin().join(util)).unwrap();
        }
        for tool in tools {
            machine.stub(tool, "exit 0");
        }
        machine.stub("python3", "exit 0");
        machine.stub(
            "apt-get",
            // Installing a package puts its command on PATH, as the real one would.
            r#"echo "apt-get $*" >> "$APT_LOG"
               [ "$1" = install ] || exit 0
               for last; do :; done
               [ -n "$APT_FAIL" ] && [ "$last" = "$APT_FAIL" ] && { echo "E: Unable to locate package $last" >&2; exit 100; }
               case "$last" in openssh-client) cmd=ssh-keygen ;; python3-venv) cmd=python3 ;; *) cmd=$last ;; esac
               printf '#!/bin/sh\nexit 0\n' > "$(dirname "$0")/$cmd"; chmod +x "$(dirname "$0")/$cmd""#,
        );
        machine
    }

    fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    /// A command that runs `script` (sh).
    fn stub(&self, name: &str, script: &str) {
        let path = self.bin().join(name);
        fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn remove(&self, name: &str) {
        fs::remove_file(self.bin().join(name)).unwrap();
    }

    /// `scripts/tools.sh --system` with this machine's PATH; pinned tools are due (empty tools dir).
    fn run(&self, apt_fail: &str) -> Output {
        Command::new("/bin/bash")
            .arg(root().join("scripts/tools.sh"))
            .arg("--system")
            .env_clear()
            .env("PATH", self.bin())
            .env("APT_LOG", self.log_path())
            .env("APT_FAIL", apt_fail)
            .env("SHIPGATE_TOOLS_DIR", self.dir.path().join("tools"))
            .output()
            .unwrap()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("apt.log")
    }

    /// What apt-get was asked, one line a call.
    fn apt_calls(&self) -> Vec<String> {
        fs::read_to_string(self.log_path())
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The packages apt-get was asked to install, in order.
    fn installed(&self) -> Vec<String> {
        self.apt_calls()
            .iter()
            .filter(|call| call.starts_with("apt-get install"))
            .map(|call| call.rsplit(' ').next().unwrap().to_owned())
            .collect()
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn which(name: &str) -> PathBuf {
    ["/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("{name} is not in /usr/bin or /bin"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn without(tools: &[&str]) -> Vec<&'static str> {
    ALL_TOOLS
        .into_iter()
        .filter(|tool| !tools.contains(tool))
        .collect()
}

#[test]
fn node_from_elsewhere_and_no_rsync_installs_rsync_alone() {
    let machine = Machine::with(&without(&["rsync"]));
    let output = machine.run("");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(machine.installed(), ["rsync"]);
    assert_eq!(machine.apt_calls().first().unwrap(), "apt-get update -qq");
}

#[test]
fn rsync_without_node_or_npm_installs_debian_npm() {
    let machine = Machine::with(&without(&["npm", "node"]));
    let output = machine.run("");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(machine.installed(), ["npm"]);
}

#[test]
fn node_without_npm_is_never_given_debian_npm() {
    let machine = Machine::with(&without(&["npm", "rsync"]));
    let output = machine.run("");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(machine.installed(), ["rsync"], "npm must not be installed");
    let err = stderr(&output);
    assert!(
        err.contains("npm is needed but cannot be installed here"),
        "{err}"
    );
    assert!(
        err.contains("Install npm from where that node came from"),
        "{err}"
    );
}

#[test]
fn a_complete_machine_installs_nothing() {
    let machine = Machine::with(&ALL_TOOLS);
    let output = machine.run("");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(machine.apt_calls().is_empty(), "{:?}", machine.apt_calls());
}

#[test]
fn every_missing_tool_is_installed_one_package_at_a_time() {
    let machine = Machine::with(&["node", "npm"]);
    machine.stub("python3", "exit 1");
    let output = machine.run("");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        machine.installed(),
        [
            "git",
            "openssh-client",
            "openssl",
            "rsync",
            "prometheus",
            "docker-registry",
            "python3-venv"
        ]
    );
    let updates = machine
        .apt_calls()
        .iter()
        .filter(|c| c.contains("update"))
        .count();
    assert_eq!(updates, 1, "apt-get update runs once");
}

#[test]
fn a_package_that_fails_does_not_stop_the_others_and_is_named_with_its_fix() {
    let machine = Machine::with(&without(&["rsync", "openssl"]));
    let output = machine.run("openssl");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(machine.installed(), ["openssl", "rsync"]);
    let err = stderr(&output);
    assert!(
        err.contains("could not install openssl") && err.contains("Fix: 'apt-get install openssl'"),
        "{err}"
    );
    assert!(err.contains("stopping before the tests"), "{err}");
    assert!(!err.contains("could not install rsync"), "{err}");
}

#[test]
fn without_apt_get_the_missing_tools_are_listed_for_homebrew() {
    let machine = Machine::with(&without(&["rsync", "prometheus"]));
    machine.remove("apt-get");
    machine.stub("brew", "echo brew must not run >&2; exit 9");
    let output = machine.run("");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("install them with: brew install rsync prometheus"),
        "{err}"
    );
    assert!(!err.contains("brew must not run"), "{err}");
}
