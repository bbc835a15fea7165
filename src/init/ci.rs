//! The starter CI: GitHub's workflows as `ci-templates/github` holds them, or the include of
//! the GitLab template as the README's GitLab quick start writes it.
use std::path::PathBuf;

/// The shipgate release the starter CI names, this binary's own: the actions' `@` and the
/// template's `ref:`.
pub const TEMPLATE_REF: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// Where GitHub reads workflows.
const WORKFLOWS_DIR: &str = ".github/workflows";

/// The GitLab CI file.
pub(super) const GITLAB_CI: &str = ".gitlab-ci.yml";

/// The starter workflows as `ci-templates/github` holds them: file name and content.
const GITHUB_WORKFLOWS: [(&str, &str); 4] = [
    (
        "release.yml",
        include_str!("../../ci-templates/github/release.yml"),
    ),
    (
        "deploy.yml",
        include_str!("../../ci-templates/github/deploy.yml"),
    ),
    (
        "promote.yml",
        include_str!("../../ci-templates/github/promote.yml"),
    ),
    (
        "preview.yml",
        include_str!("../../ci-templates/github/preview.yml"),
    ),
];

/// The workflows to write: path in the repository and content, shipgate's actions named at
/// [`TEMPLATE_REF`] (the templates in the repository keep the tag of the last release).
pub(super) fn github_workflows() -> Vec<(PathBuf, String)> {
    GITHUB_WORKFLOWS
        .iter()
        .map(|(name, text)| {
            (
                PathBuf::from(WORKFLOWS_DIR).join(name),
                at_this_release(text),
            )
        })
        .collect()
}

/// `text` with every `shipgate/shipgate/actions/NAME@vX.Y.Z` naming [`TEMPLATE_REF`] instead.
pub(super) fn at_this_release(text: &str) -> String {
    let action = regex::Regex::new(r"(shipgate/shipgate/actions/[a-z]+)@v[0-9][^\s]*")
        .expect("a valid pattern");
    action
        .replace_all(text, format!("${{1}}@{TEMPLATE_REF}"))
        .into_owned()
}

/// The README's `.gitlab-ci.yml`, its comment line left out.
pub(super) const GITLAB_INCLUDE: &str = r#"stages: [release, test, deploy-stage, deploy-production]
include:
  - project: shipgate/shipgate
    ref: v0.1.0
    file: ci-templates/gitlab/shipgate.yml
    inputs:
      deploy-job: .deploy
      migrate-job: .migrate
.deploy:
  script: ./deploy/deploy.sh "$SHIPGATE_TARGET"
.migrate:
  script: ./deploy/migrate.sh "$SHIPGATE_TARGET" $SHIPGATE_MIGRATIONS
"#;

const GITLAB_HEADER: &str = "\
# shipgate, written by shipgate-init: its template runs the release, the deployment issue, stage
# and production (every input is described in the template's spec: header). Your hidden jobs
# .deploy and .migrate deploy and migrate $SHIPGATE_TARGET: replace their scripts with your own.
";

/// The top-level keys the include adds; a file holding one already cannot take it appended.
const GITLAB_KEYS: [&str; 4] = ["stages", "include", ".deploy", ".migrate"];

/// What becomes of `.gitlab-ci.yml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum GitlabCi {
    /// A new file with this content.
    New(String),
    /// It includes shipgate's template already.
    Included,
    /// This text appended to it.
    Append(String),
    /// It cannot take the include appended, for this reason.
    Conflict(String),
}

/// A new `.gitlab-ci.yml`.
pub(super) fn gitlab_ci_new() -> String {
    format!("{GITLAB_HEADER}{GITLAB_INCLUDE}")
}

/// What to do with `.gitlab-ci.yml` holding `existing` (`None`: there is none).
pub(super) fn gitlab_ci(existing: Option<&str>) -> GitlabCi {
    let Some(existing) = existing else {
        return GitlabCi::New(gitlab_ci_new());
    };
    if existing.contains("ci-templates/gitlab/shipgate.yml") {
        return GitlabCi::Included;
    }
    let keys: Vec<&str> = match serde_yaml::from_str::<serde_yaml::Value>(existing) {
        Ok(serde_yaml::Value::Mapping(map)) => GITLAB_KEYS
            .into_iter()
            .filter(|key| map.contains_key(*key))
            .collect(),
        Ok(serde_yaml::Value::Null) => Vec::new(),
        _ => return GitlabCi::Conflict("is not a YAML mapping shipgate-init can read".into()),
    };
    if !keys.is_empty() {
        return GitlabCi::Conflict(format!("already has {}", keys.join(", ")));
    }
    // GitLab's default stages stay, for the jobs already there.
    let stages = "stages: [build, release, test, deploy-stage, deploy-production, deploy]\n";
    let body = GITLAB_INCLUDE.replacen(
        "stages: [release, test, deploy-stage, deploy-production]\n",
        stages,
        1,
    );
    let gap = match existing.is_empty() || existing.ends_with("\n\n") {
        true => "",
        false if existing.ends_with('\n') => "\n",
        false => "\n\n",
    };
    GitlabCi::Append(format!(
        "{gap}{GITLAB_HEADER}# GitLab's default stages (build, test, deploy) are kept for the jobs above.\n{body}"
    ))
}
