//! Choosing and connecting the forge from flags, CI variables and the configuration.
use std::path::Path;

use clap::{Args, ValueEnum};
use secrecy::SecretString;

use crate::ci::{CiEnv, Platform};
use crate::config::Config;
use crate::forge::AnyForge;
use crate::forge::github::GithubForge;
use crate::forge::gitlab::GitlabForge;
use crate::forge::local::LocalForge;

use super::Failure;

/// Which forge, on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ForgeArg {
    /// GitHub or GitHub Enterprise.
    Github,
    /// GitLab.
    Gitlab,
    /// A local directory (`forge.local_dir`), to try the flow with no server.
    Local,
}

impl From<ForgeArg> for crate::forge::ForgeKind {
    fn from(arg: ForgeArg) -> Self {
        match arg {
            ForgeArg::Github => Self::Github,
            ForgeArg::Gitlab => Self::Gitlab,
            ForgeArg::Local => Self::Local,
        }
    }
}

/// The flags that choose and reach a forge (all unset: the CI's forge).
#[derive(Debug, Clone, Default, Args)]
pub struct ForgeArgs {
    /// The forge [default: github in GitHub Actions, gitlab in GitLab CI, local elsewhere]
    #[arg(long, value_enum, global = true)]
    pub forge: Option<ForgeArg>,

    /// Forge API base [default: GITHUB_API_URL, else https://api.github.com; on GitLab
    /// CI_API_V4_URL, else https://gitlab.com/api/v4]
    #[arg(long, value_name = "URL", global = true)]
    pub api_url: Option<String>,

    /// The repository: owner/name on GitHub [default: GITHUB_REPOSITORY]; the project id or path
    /// on GitLab [default: CI_PROJECT_ID]
    #[arg(long, value_name = "NAME", global = true)]
    pub repository: Option<String>,
}

/// What a binary's token must allow, on each forge (shown when the token is missing).
#[derive(Debug, Clone, Copy)]
pub struct TokenNeeds<'a> {
    /// GitHub permissions, e.g. `issues: write`.
    pub github: &'a str,
    /// GitLab role, e.g. `Developer`.
    pub gitlab: &'a str,
}

impl<'a> TokenNeeds<'a> {
    /// What a GitHub-only command's token must allow on GitHub.
    pub const fn github_only(github: &'a str) -> Self {
        Self {
            github,
            gitlab: "nothing: the command is GitHub's only",
        }
    }
}

/// A connected forge, and where its release tags are shown on the web (when known).
pub struct Connected {
    /// The forge.
    pub forge: AnyForge,
    /// Base address of a tag's web page (the tag name is appended).
    pub tag_base: Option<String>,
}

impl ForgeArgs {
    /// The forge these flags name, else the CI's, else the local one.
    pub fn kind(&self, ci: &CiEnv) -> ForgeArg {
        self.forge.unwrap_or(match ci.platform {
            Platform::GitHubActions => ForgeArg::Github,
            Platform::GitLabCi => ForgeArg::Gitlab,
            Platform::Local => ForgeArg::Local,
        })
    }

    /// Whether the token of the forge these flags name is set (the local forge needs none).
    pub fn has_token(&self, ci: &CiEnv) -> bool {
        match self.kind(ci) {
            ForgeArg::Local => true,
            ForgeArg::Github => token("GITHUB_TOKEN", "").is_ok(),
            ForgeArg::Gitlab => token("GITLAB_TOKEN", "").is_ok(),
        }
    }

    /// Connect to the forge. `needs` says what the token must allow on GitHub and on GitLab,
    /// for the error shown when it is missing.
    pub fn connect(
        &self,
        ci: &CiEnv,
        config: &Config,
        repo: &Path,
        needs: TokenNeeds<'_>,
    ) -> Result<Connected, Failure> {
        let login = Some(config.forge.login.clone()).filter(|l| !l.is_empty());
        match self.kind(ci) {
            ForgeArg::Local => {
                let root = crate::git::Repo::discover(repo)
                    .map(|r| r.root().to_path_buf())
                    .unwrap_or_else(|_| repo.to_path_buf());
                // The local forge acts as the person at the keyboard, never as a CI actor.
                let login = login
                    .or_else(|| ci.user.clone())
                    .unwrap_or_else(|| "shipgate".to_owned());
                let forge =
                    LocalForge::new(root.join(&config.forge.local_dir), login).with_repo(&root);
                Ok(Connected {
                    forge: AnyForge::Local(forge),
                    tag_base: None,
                })
            }
            ForgeArg::Github => {
                let token = token(
                    "GITHUB_TOKEN",
                    &format!("give the job a token with {}", needs.github),
                )?;
                let repository = self
                    .repository
                    .clone()
                    .or_else(|| ci.github_repository.clone())
                    .ok_or_else(|| {
                        Failure::usage(anyhow::anyhow!(
                            "no repository: pass --repository OWNER/NAME or set GITHUB_REPOSITORY"
                        ))
                    })?;
                let api = self
                    .api_url
                    .clone()
                    .or_else(|| ci.github_api_url.clone())
                    .unwrap_or_else(|| "https://api.github.com".to_owned());
                let forge =
                    GithubForge::new(&api, &repository, token, login).map_err(Failure::usage)?;
                let server = ci
                    .github_server_url
                    .clone()
                    .unwrap_or_else(|| "https://github.com".to_owned());
                Ok(Connected {
                    forge: AnyForge::Github(Box::new(forge)),
                    tag_base: Some(format!(
                        "{}/{repository}/releases/tag/",
                        server.trim_end_matches('/')
                    )),
                })
            }
            ForgeArg::Gitlab => {
                let token = token(
                    "GITLAB_TOKEN",
                    &format!(
                        "give the job a project access token with the api scope ({})",
                        needs.gitlab
                    ),
                )?;
                let project = self
                    .repository
                    .clone()
                    .or_else(|| ci.gitlab_project_id.clone())
                    .ok_or_else(|| {
                        Failure::usage(anyhow::anyhow!(
                            "no project: pass --repository ID-OR-PATH or set CI_PROJECT_ID"
                        ))
                    })?;
                let server = ci
                    .gitlab_server_url
                    .clone()
                    .unwrap_or_else(|| "https://gitlab.com".to_owned());
                let server = server.trim_end_matches('/');
                let api = self
                    .api_url
                    .clone()
                    .or_else(|| ci.gitlab_api_url.clone())
                    .unwrap_or_else(|| format!("{server}/api/v4"));
                let forge =
                    GitlabForge::new(&api, &project, token, login).map_err(Failure::usage)?;
                // Tags link by project path; a numeric id gives no link.
                let tag_base = project
                    .contains('/')
                    .then(|| format!("{server}/{}/-/tags/", project.trim_matches('/')));
                Ok(Connected {
                    forge: AnyForge::Gitlab(Box::new(forge)),
                    tag_base,
                })
            }
        }
    }
}

/// The token in `variable`, held as a secret; missing or empty is a usage error with `fix`.
fn token(variable: &str, fix: &str) -> Result<SecretString, Failure> {
    std::env::var(variable)
        .ok()
        .filter(|t| !t.is_empty())
        .map(SecretString::from)
        .ok_or_else(|| Failure::usage(anyhow::anyhow!("{variable} is not set: {fix}")))
}
