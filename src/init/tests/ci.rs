//! The starter CI follows the README and the templates, and `.gitlab-ci.yml` is appended to
//! only when that keeps it valid.
use serde_yaml::Value;

use crate::config::doc_examples::fenced_blocks;
use crate::init::ci::{
    GITLAB_INCLUDE, GitlabCi, TEMPLATE_REF, at_this_release, github_workflows, gitlab_ci,
};

const README: &str = include_str!("../../../README.md");

#[test]
fn the_gitlab_include_is_the_readme_quick_start() {
    let block = fenced_blocks(README, "yaml")
        .into_iter()
        .find(|b| b.text.starts_with("# .gitlab-ci.yml\n"))
        .expect("the README's GitLab quick start");
    assert_eq!(block.text, format!("# .gitlab-ci.yml\n{GITLAB_INCLUDE}"));
    assert!(GITLAB_INCLUDE.contains(&format!("    ref: {TEMPLATE_REF}\n")));
}

#[test]
fn the_workflows_name_the_same_release_as_the_include() {
    let workflows = github_workflows();
    assert_eq!(workflows.len(), 4);
    for (path, text) in workflows {
        assert!(path.starts_with(".github/workflows"), "{}", path.display());
        for line in text
            .lines()
            .filter(|l| l.contains("uses: shipgate/shipgate/"))
        {
            assert!(line.ends_with(&format!("@{TEMPLATE_REF}")), "{line}");
        }
    }
}

#[test]
fn the_actions_are_named_at_this_release() {
    let text = "      - uses: shipgate/shipgate/actions/issue@v0.0.9\n\
                \x20     - uses: shipgate/shipgate/actions/image@v1.2.3-rc.1  # pinned\n\
                \x20     - uses: actions/checkout@v4\n";
    assert_eq!(
        at_this_release(text),
        format!(
            "      - uses: shipgate/shipgate/actions/issue@{TEMPLATE_REF}\n\
             \x20     - uses: shipgate/shipgate/actions/image@{TEMPLATE_REF}  # pinned\n\
             \x20     - uses: actions/checkout@v4\n"
        )
    );
}

fn appended(existing: &str) -> String {
    match gitlab_ci(Some(existing)) {
        GitlabCi::Append(text) => format!("{existing}{text}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_gitlab_ci_without_the_keys_gets_the_include_appended() {
    for existing in [
        "build:\n  script: make\n",
        "build:\n  script: make",
        "",
        "# empty\n",
    ] {
        let whole = appended(existing);
        let yaml: Value = serde_yaml::from_str(&whole).unwrap();
        assert_eq!(
            yaml["include"][0]["file"],
            "ci-templates/gitlab/shipgate.yml"
        );
        let stages: Vec<&str> = (yaml["stages"].as_sequence().unwrap().iter())
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(
            stages,
            [
                "build",
                "release",
                "test",
                "deploy-stage",
                "deploy-production",
                "deploy"
            ]
        );
        if !existing.is_empty() && !existing.starts_with('#') {
            assert_eq!(yaml["build"]["script"], "make");
        }
    }
    assert!(appended("build:\n  script: make\n").contains("make\n\n# shipgate"));
}

#[test]
fn a_gitlab_ci_that_cannot_take_it_is_a_conflict() {
    let new = gitlab_ci(None);
    assert!(matches!(&new, GitlabCi::New(text) if text.ends_with(GITLAB_INCLUDE)));
    let included =
        "include:\n  - project: shipgate/shipgate\n    file: ci-templates/gitlab/shipgate.yml\n";
    assert_eq!(gitlab_ci(Some(included)), GitlabCi::Included);
    assert_eq!(
        gitlab_ci(Some(
            "stages: [build]\ninclude: [{local: a.yml}]\nbuild: {script: make}\n"
        )),
        GitlabCi::Conflict("already has stages, include".into())
    );
    assert_eq!(
        gitlab_ci(Some(".deploy: {script: x}\n")),
        GitlabCi::Conflict("already has .deploy".into())
    );
    assert!(matches!(gitlab_ci(Some("build: [")), GitlabCi::Conflict(why) if why.contains("YAML")));
    assert!(matches!(gitlab_ci(Some("- a\n")), GitlabCi::Conflict(_)));
}
