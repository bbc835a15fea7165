//! The plan in a real directory: nothing is overwritten without `--force`, nothing is written
//! when one file is refused, and a second run changes nothing.
use std::path::{Path, PathBuf};

use super::detected;
use crate::init::{Action, Forge, InitError, Plan, plan};

fn actions(plan: &Plan) -> Vec<(String, Action)> {
    (plan.files.iter())
        .map(|f| (f.path.display().to_string(), f.action))
        .collect()
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn github_writes_the_config_and_four_workflows_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = detected(Forge::Github, &[], &[], &[]);
    let first = plan(dir.path(), &d, false).unwrap();
    let names: Vec<(String, Action)> = [
        "shipgate.yml",
        ".github/workflows/release.yml",
        ".github/workflows/deploy.yml",
        ".github/workflows/promote.yml",
        ".github/workflows/preview.yml",
    ]
    .iter()
    .map(|p| (p.to_string(), Action::Create))
    .collect();
    assert_eq!(actions(&first), names);
    first.write(dir.path()).unwrap();
    let again = plan(dir.path(), &d, false).unwrap();
    assert!(again.files.iter().all(|f| f.action == Action::Unchanged));
}

#[test]
fn an_existing_file_is_refused_without_force_and_overwritten_with_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shipgate.yml", "environments: [qa]\n");
    write(dir.path(), ".github/workflows/deploy.yml", "name: mine\n");
    let d = detected(Forge::Github, &[], &[], &[]);
    let Err(InitError::Exists { reasons }) = plan(dir.path(), &d, false) else {
        panic!("not refused");
    };
    assert_eq!(
        reasons,
        [
            "shipgate.yml, .github/workflows/deploy.yml exist and differ: pass --force to overwrite them"
        ]
    );
    let forced = plan(dir.path(), &d, true).unwrap();
    assert_eq!(forced.files[0].action, Action::Overwrite);
    assert_eq!(forced.files[2].action, Action::Overwrite);
    assert_eq!(forced.files[1].action, Action::Create);
}

#[test]
fn gitlab_appends_to_a_pipeline_or_refuses_one_it_cannot_extend() {
    let dir = tempfile::tempdir().unwrap();
    let d = detected(Forge::Gitlab, &[], &[], &[]);
    write(dir.path(), ".gitlab-ci.yml", "build:\n  script: make\n");
    let appending = plan(dir.path(), &d, false).unwrap();
    let gitlab = PathBuf::from(".gitlab-ci.yml");
    assert_eq!(appending.files.len(), 2);
    assert_eq!(
        (&appending.files[1].path, appending.files[1].action),
        (&gitlab, Action::Append)
    );
    appending.write(dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join(&gitlab)).unwrap();
    assert!(
        text.starts_with("build:\n  script: make\n\n# shipgate"),
        "{text}"
    );
    assert_eq!(
        plan(dir.path(), &d, false).unwrap().files[1].action,
        Action::Unchanged
    );

    write(dir.path(), ".gitlab-ci.yml", "stages: [build]\n");
    std::fs::remove_file(dir.path().join("shipgate.yml")).unwrap();
    let Err(InitError::Exists { reasons }) = plan(dir.path(), &d, false) else {
        panic!("not refused");
    };
    assert_eq!(reasons.len(), 1);
    assert!(reasons[0].starts_with(".gitlab-ci.yml already has stages: add shipgate's include"));
    let forced = plan(dir.path(), &d, true).unwrap();
    assert_eq!(forced.files[1].action, Action::Overwrite);
    assert!(
        forced.files[1]
            .text
            .contains("stages: [release, test, deploy-stage")
    );
}
