//! Every file a run writes, decided before any is written: a file that exists and differs is
//! overwritten only with `--force`, and then nothing at all is written without it.
use std::path::{Path, PathBuf};

use super::ci::{GITLAB_CI, GitlabCi, github_workflows, gitlab_ci, gitlab_ci_new};
use super::detect::{Detected, Forge};
use super::files::{Action, Plan, PlannedFile};
use super::{InitError, render};

/// Plan `shipgate.yml` and the starter CI for `detected` in the work tree at `root`. Fails,
/// naming every such file, when one exists and differs and `force` is not given.
pub fn plan(root: &Path, detected: &Detected, force: bool) -> Result<Plan, InitError> {
    let mut wanted = vec![(
        PathBuf::from("shipgate.yml"),
        render::shipgate_yml(detected),
    )];
    if detected.forge == Forge::Github {
        wanted.extend(github_workflows());
    }
    let mut files = Vec::new();
    let mut existing_files = Vec::new();
    for (path, text) in wanted {
        let action = match read(root, &path)? {
            None => Action::Create,
            Some(old) if old == text.as_bytes() => Action::Unchanged,
            Some(_) if force => Action::Overwrite,
            Some(_) => {
                existing_files.push(path.display().to_string());
                continue;
            }
        };
        files.push(PlannedFile { path, action, text });
    }
    let mut reasons = Vec::new();
    if !existing_files.is_empty() {
        let (verb, them) = match existing_files.len() {
            1 => ("exists and differs", "it"),
            _ => ("exist and differ", "them"),
        };
        let files = existing_files.join(", ");
        reasons.push(format!("{files} {verb}: pass --force to overwrite {them}"));
    }
    if detected.forge == Forge::Gitlab {
        files.push(gitlab_file(root, force, &mut reasons)?);
    }
    match reasons.is_empty() {
        true => Ok(Plan { files }),
        false => Err(InitError::Exists { reasons }),
    }
}

/// `.gitlab-ci.yml`: new, left as it is, appended to, or (with `force`) replaced; when it can
/// be none of these, why goes to `reasons`.
fn gitlab_file(
    root: &Path,
    force: bool,
    reasons: &mut Vec<String>,
) -> Result<PlannedFile, InitError> {
    let path = PathBuf::from(GITLAB_CI);
    let old = read(root, &path)?.map(|b| String::from_utf8_lossy(&b).into_owned());
    let (action, text) = match gitlab_ci(old.as_deref()) {
        GitlabCi::New(text) => (Action::Create, text),
        GitlabCi::Included => (Action::Unchanged, String::new()),
        GitlabCi::Append(text) => (Action::Append, text),
        GitlabCi::Conflict(_) if force => (Action::Overwrite, gitlab_ci_new()),
        GitlabCi::Conflict(why) => {
            reasons.push(format!(
                "{GITLAB_CI} {why}: add shipgate's include to it by hand (README, \
                 \"Quick start: GitLab\"), or pass --force to replace the file"
            ));
            (Action::Unchanged, String::new())
        }
    };
    Ok(PlannedFile { path, action, text })
}

/// The bytes of `path` under `root`; `None` when there is no such file.
fn read(root: &Path, path: &Path) -> Result<Option<Vec<u8>>, InitError> {
    match std::fs::read(root.join(path)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(cause) => Err(InitError::Io {
            path: path.to_path_buf(),
            cause,
        }),
    }
}
