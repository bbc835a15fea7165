//! The YAML users copy — `actions/*/action.yml`, `ci-templates/github/*.yml`,
//! `ci-templates/gitlab/shipgate.yml` — and shipgate's own pipelines (`.github/workflows/*.yml`,
//! `.gitlab-ci.yml`), checked by the linters others wrote (check-jsonschema with
//! its vendored schemas, actionlint with shellcheck, zizmor, yamllint; pinned, installed by
//! `scripts/tools.sh`), and by our own rules: no `${{ }}` in a script, every GitLab input
//! declared and used, every action input and output documented.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml::Value;

const ACTIONS: [&str; 10] = [
    "version", "schema", "issue", "promote", "window", "verify", "notify", "log", "deploy", "image",
];
const WORKFLOWS: [&str; 4] = ["release", "deploy", "promote", "preview"];
/// shipgate's own workflows, in `.github/workflows`.
const OWN_WORKFLOWS: [&str; 2] = ["release", "promote"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A tool of `.tools/venv/bin`; missing tools fail with the fix named.
fn tool(name: &str) -> Command {
    let path = root().join(".tools/venv/bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run scripts/tools.sh (scripts/test.sh does)",
        path.display()
    );
    let mut command = Command::new(path);
    // actionlint finds shellcheck on PATH.
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![root().join(".tools/venv/bin")];
    paths.extend(std::env::split_paths(&path_var));
    command.env("PATH", std::env::join_paths(paths).unwrap());
    command.current_dir(root());
    command
}

fn passes(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn action_files() -> Vec<PathBuf> {
    ACTIONS
        .iter()
        .map(|a| root().join(format!("actions/{a}/action.yml")))
        .collect()
}

fn workflow_files() -> Vec<PathBuf> {
    WORKFLOWS
        .iter()
        .map(|w| root().join(format!("ci-templates/github/{w}.yml")))
        .collect()
}

fn own_workflow_files() -> Vec<PathBuf> {
    OWN_WORKFLOWS
        .iter()
        .map(|w| root().join(format!(".github/workflows/{w}.yml")))
        .collect()
}

/// The actions of shipgate's own workflows, in `.github/actions`.
fn own_action_files() -> Vec<PathBuf> {
    vec![root().join(".github/actions/shipgate-from-source/action.yml")]
}

fn gitlab_template() -> String {
    std::fs::read_to_string(root().join("ci-templates/gitlab/shipgate.yml")).unwrap()
}

/// The template's `spec` header and its jobs, the two YAML documents GitLab reads.
fn gitlab_documents() -> (String, String) {
    let text = gitlab_template();
    let (spec, jobs) = text.split_once("\n---\n").expect("a spec header, then ---");
    (format!("{spec}\n"), jobs.to_owned())
}

fn yaml(path: &Path) -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn workflows_and_actions_match_the_vendored_schemas() {
    passes(
        tool("check-jsonschema")
            .args(["--builtin-schema", "vendor.github-workflows"])
            .args(workflow_files())
            .args(own_workflow_files()),
    );
    passes(
        tool("check-jsonschema")
            .args(["--builtin-schema", "vendor.github-actions"])
            .args(action_files())
            .args(own_action_files()),
    );
}

#[test]
fn the_gitlab_template_matches_the_vendored_schema_as_two_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (spec, jobs) = gitlab_documents();
    let spec_file = dir.path().join("spec.yml");
    let jobs_file = dir.path().join("jobs.yml");
    std::fs::write(&spec_file, spec).unwrap();
    std::fs::write(&jobs_file, jobs).unwrap();
    passes(
        tool("check-jsonschema")
            .args(["--builtin-schema", "vendor.gitlab-ci"])
            .args(["--data-transform", "gitlab-ci"])
            .arg(&spec_file)
            .arg(&jobs_file),
    );
    passes(
        tool("check-jsonschema")
            .args(["--builtin-schema", "vendor.gitlab-ci"])
            .args(["--data-transform", "gitlab-ci"])
            .arg(root().join(".gitlab-ci.yml")),
    );
    // The check can fail: a job with an unknown key does not pass.
    std::fs::write(&jobs_file, "broken:\n  script: [true]\n  stagee: test\n").unwrap();
    let output = tool("check-jsonschema")
        .args(["--builtin-schema", "vendor.gitlab-ci"])
        .args(["--data-transform", "gitlab-ci"])
        .arg(&jobs_file)
        .output()
        .unwrap();
    assert!(!output.status.success());
}

#[test]
fn actionlint_and_shellcheck_pass_the_workflows() {
    passes(tool("actionlint").args(workflow_files()));
    passes(tool("actionlint").args(own_workflow_files()));
    passes(tool("shellcheck").arg("actions/lib/install.sh"));
}

#[test]
fn the_project_scripts_pass_shellcheck() {
    let mut scripts: Vec<PathBuf> = ["scripts", "benches"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root().join(dir)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sh"))
        .collect();
    scripts.push(root().join(".ci/run"));
    scripts.push(root().join(".github/actions/shipgate-from-source/build.sh"));
    passes(tool("shellcheck").arg("--external-sources").args(&scripts));
}

#[test]
fn the_actions_scripts_pass_shellcheck() {
    let dir = tempfile::tempdir().unwrap();
    for file in action_files() {
        let action = yaml(&file);
        for (i, step) in action["runs"]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .enumerate()
        {
            let Some(script) = step["run"].as_str() else {
                continue;
            };
            let path = dir.path().join(format!(
                "{}-{i}.sh",
                file.parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
            ));
            std::fs::write(
                &path,
                format!("#!/usr/bin/env bash\nset -euo pipefail\n{script}\n"),
            )
            .unwrap();
            passes(tool("shellcheck").arg(&path));
        }
    }
}

#[test]
fn zizmor_finds_nothing_at_its_default_persona() {
    passes(
        tool("zizmor")
            .args(["--offline", "--config", "ci-templates/zizmor.yml"])
            .args(workflow_files())
            .args(action_files()),
    );
    // shipgate's own workflows run this checkout's actions (./actions/…); everything else is
    // pinned by commit hash.
    passes(
        tool("zizmor")
            .args(["--offline", "--config", ".github/zizmor.yml"])
            .args(own_workflow_files())
            .args(own_action_files()),
    );
}

#[test]
fn yamllint_passes_every_template() {
    passes(tool("yamllint").args([
        "--strict",
        "-c",
        ".yamllint.yml",
        "actions",
        "ci-templates",
        ".github",
        ".gitlab-ci.yml",
        "shipgate.yml",
    ]));
}

/// What `shipgate-init` writes for GitLab (the workflows are the templates above): the
/// templates' yamllint rules pass `shipgate.yml` and `.gitlab-ci.yml`, new and appended to, and
/// GitLab's schema passes `.gitlab-ci.yml`.
#[test]
fn the_files_shipgate_init_writes_pass_yamllint_and_the_gitlab_schema() {
    for existing in [None, Some("build:\n  script: make\n")] {
        let repo = crate::fixture::TestRepo::new();
        repo.git(&[
            "remote",
            "set-url",
            "origin",
            "https://gitlab.com/acme/api.git",
        ]);
        repo.write("db/migrate/20260101000000_a.rb", "class A; end\n");
        repo.write("db/structure.sql", "CREATE TABLE a (id int);\n");
        repo.write("web/package.json", "{ \"version\": \"1.0.0\" }\n");
        if let Some(text) = existing {
            repo.write(".gitlab-ci.yml", text);
        }
        repo.binary("shipgate-init").assert().success();
        let (config, gitlab) = (
            repo.path().join("shipgate.yml"),
            repo.path().join(".gitlab-ci.yml"),
        );
        passes(
            tool("yamllint")
                .args(["--strict", "-c", ".yamllint.yml"])
                .arg(&config)
                .arg(&gitlab),
        );
        passes(
            tool("check-jsonschema")
                .args(["--builtin-schema", "vendor.gitlab-ci"])
                .args(["--data-transform", "gitlab-ci"])
                .arg(&gitlab),
        );
    }
}

/// Every `run:` script in a workflow or an action, with where it is.
fn scripts(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let key = key.as_str().unwrap_or("?");
                if key == "run" {
                    if let Some(script) = child.as_str() {
                        out.push((at.to_owned(), script.to_owned()));
                    }
                }
                scripts(child, &format!("{at}.{key}"), out);
            }
        }
        Value::Sequence(items) => {
            for (i, child) in items.iter().enumerate() {
                scripts(child, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_script_interpolates_an_expression() {
    let mut all = Vec::new();
    for file in action_files()
        .into_iter()
        .chain(workflow_files())
        .chain(own_workflow_files())
    {
        scripts(&yaml(&file), &file.display().to_string(), &mut all);
    }
    assert!(all.len() > 10, "found the scripts: {}", all.len());
    for (at, script) in all {
        assert!(
            !script.contains("${{"),
            "{at}: pass values through env:, not ${{{{ }}}} inside the script"
        );
    }
    // GitLab: untrusted text (titles, branch names, comments) is never written into a script.
    for forbidden in [
        "CI_COMMIT_TITLE",
        "CI_COMMIT_MESSAGE",
        "CI_MERGE_REQUEST_TITLE",
    ] {
        let (_, jobs) = gitlab_documents();
        let own = std::fs::read_to_string(root().join(".gitlab-ci.yml")).unwrap();
        for text in [jobs, own] {
            let in_scripts = text
                .lines()
                .filter(|l| l.trim_start().starts_with("- "))
                .any(|l| l.contains(forbidden) || l.contains("CI_COMMIT_TAG_MESSAGE"));
            assert!(!in_scripts, "{forbidden} in a GitLab script line");
        }
    }
}

#[test]
fn every_gitlab_input_is_declared_and_used() {
    let (spec, jobs) = gitlab_documents();
    let spec: Value = serde_yaml::from_str(&spec).unwrap();
    let declared: BTreeSet<String> = spec["spec"]["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    let used: BTreeSet<String> = regex::Regex::new(r"\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]")
        .unwrap()
        .captures_iter(&jobs)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(
        declared.difference(&used).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "declared, never used"
    );
    assert_eq!(
        used.difference(&declared).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "used, never declared (GitLab rejects the include)"
    );
    for (name, input) in spec["spec"]["inputs"].as_mapping().unwrap() {
        assert!(
            input["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{name:?} has no description"
        );
    }
}

#[test]
fn every_action_input_reaches_its_script_and_every_output_is_documented() {
    for name in ACTIONS {
        let action = yaml(&root().join(format!("actions/{name}/action.yml")));
        let readme =
            std::fs::read_to_string(root().join(format!("actions/{name}/README.md"))).unwrap();
        let text =
            std::fs::read_to_string(root().join(format!("actions/{name}/action.yml"))).unwrap();
        for (input, _) in action["inputs"].as_mapping().unwrap() {
            let input = input.as_str().unwrap();
            assert!(
                text.contains(&format!("${{{{ inputs.{input} }}}}")),
                "{name}: input {input} is never used"
            );
            assert!(
                readme.contains(&format!("| `{input}` |")),
                "{name}: {input} undocumented"
            );
        }
        for (output, spec) in action["outputs"].as_mapping().unwrap() {
            let output = output.as_str().unwrap();
            assert_eq!(
                spec["value"].as_str().unwrap(),
                format!("${{{{ steps.run.outputs.{output} }}}}"),
                "{name}: output {output}"
            );
            assert!(
                readme.contains(&format!("| `{output}` |")),
                "{name}: {output} undocumented"
            );
        }
        assert!(readme.contains("## Permissions"), "{name}");
    }
}
