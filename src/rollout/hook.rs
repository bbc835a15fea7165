//! Running a hook of the user's: a command from `shipgate.yml`, with shipgate's arguments passed
//! as positional parameters (never pasted into the command text) and the step in the environment.
use std::path::Path;
use std::process::{Command, Stdio};

use super::RolloutError;

/// One call of a hook: the command as configured, the arguments shipgate adds, and the
/// variables that tell the hook where the rollout stands.
#[derive(Debug, Clone)]
pub struct HookCall<'a> {
    /// What the call is for, in messages (`deploy`, `switch`, `maintenance on`).
    pub purpose: &'a str,
    /// The command from `shipgate.yml`, run by `sh -c` in the repository's root.
    pub command: &'a str,
    /// Arguments added after the command (`production --color green`).
    pub args: Vec<String>,
    /// `SHIPGATE_*` variables set for the hook.
    pub env: Vec<(String, String)>,
}

impl HookCall<'_> {
    /// The call as a person would type it, for logs and reports.
    pub fn shown(&self) -> String {
        std::iter::once(self.command.to_owned())
            .chain(self.args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Runs hooks in a directory; what they print goes to stderr (stdout is shipgate's results).
pub trait Hooks {
    /// Run `call`; an exit other than 0 is an error naming the call.
    fn run(&self, call: &HookCall<'_>) -> Result<(), RolloutError>;
    /// Run `call` and return what it printed on stdout, trimmed.
    fn read(&self, call: &HookCall<'_>) -> Result<String, RolloutError>;
}

/// Hooks run by `sh` in `root`.
#[derive(Debug, Clone)]
pub struct ShellHooks<'a> {
    /// The repository's root: hooks' paths are relative to it.
    pub root: &'a Path,
}

impl ShellHooks<'_> {
    fn command(&self, call: &HookCall<'_>) -> Command {
        let mut command = Command::new("sh");
        // `$0` is the hook's purpose; "$@" carries shipgate's arguments as words of their own.
        command
            .arg("-c")
            .arg(format!("{} \"$@\"", call.command))
            .arg(format!("shipgate-{}", call.purpose.replace(' ', "-")))
            .args(&call.args)
            .envs(call.env.iter().map(|(k, v)| (k, v)))
            .current_dir(self.root)
            .stdin(Stdio::null());
        command
    }
}

impl Hooks for ShellHooks<'_> {
    fn run(&self, call: &HookCall<'_>) -> Result<(), RolloutError> {
        tracing::info!("{}: {}", call.purpose, call.shown());
        // The hook's own output is shown as it comes, on stderr.
        let status = self
            .command(call)
            .stdout(std::io::stderr())
            .status()
            .map_err(|e| RolloutError::hook_start(call, e))?;
        if status.success() {
            Ok(())
        } else {
            Err(RolloutError::hook_failed(call, status.code()))
        }
    }

    fn read(&self, call: &HookCall<'_>) -> Result<String, RolloutError> {
        tracing::info!("{}: {}", call.purpose, call.shown());
        let output = self
            .command(call)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| RolloutError::hook_start(call, e))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        } else {
            Err(RolloutError::hook_failed(call, output.status.code()))
        }
    }
}
