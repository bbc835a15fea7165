//! The credentials of an HTTPS push, from the CI's token.
use secrecy::SecretString;

use crate::ci::{CiEnv, Platform};
use crate::git::PushAuth;

/// The forge token for HTTPS pushes (`GITHUB_TOKEN` or `GITLAB_TOKEN`), and the only host it
/// may be sent to. Outside CI, GitHub's token when it is set, else GitLab's.
pub fn push_auth(ci: &CiEnv) -> PushAuth {
    let secret = |key: &str| {
        std::env::var(key)
            .ok()
            .filter(|v| !v.is_empty())
            .map(SecretString::from)
    };
    let gitlab = ci.platform == Platform::GitLabCi
        || (ci.platform == Platform::Local && secret("GITHUB_TOKEN").is_none());
    if gitlab {
        PushAuth {
            token: secret("GITLAB_TOKEN"),
            username: "oauth2".to_owned(),
            host: ci.gitlab_host(),
        }
    } else {
        PushAuth {
            token: secret("GITHUB_TOKEN"),
            username: "x-access-token".to_owned(),
            host: ci.github_host(),
        }
    }
}
