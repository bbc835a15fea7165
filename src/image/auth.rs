//! Registry credentials: `SHIPGATE_REGISTRY_USER`/`SHIPGATE_REGISTRY_PASSWORD`, GitLab's
//! `CI_REGISTRY_USER`/`CI_REGISTRY_PASSWORD` for `CI_REGISTRY`, else the Docker configuration
//! (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`) as docker reads it: the registry's
//! `credHelpers` helper, else the `credsStore` helper, else its `auths` entry. Passwords are
//! held as secrets and never printed.
use std::path::PathBuf;

use base64::Engine as _;
use secrecy::{ExposeSecret as _, SecretString};

use super::error::{ImageError, ImageResult};

/// A user name and password for one registry.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user name.
    pub user: String,
    /// The password or token.
    pub password: SecretString,
    /// Where they came from, for the logs (never the values).
    pub source: String,
}

impl Credentials {
    /// The client's form of them.
    pub fn to_auth(this: Option<&Self>) -> oci_client::secrets::RegistryAuth {
        match this {
            Some(c) => oci_client::secrets::RegistryAuth::Basic(
                c.user.clone(),
                c.password.expose_secret().to_owned(),
            ),
            None => oci_client::secrets::RegistryAuth::Anonymous,
        }
    }
}

/// The credentials for `registry` (host and port, as in the reference), looked up with `var`
/// (environment variables); `None`: anonymous.
pub fn lookup(
    registry: &str,
    var: &dyn Fn(&str) -> Option<String>,
) -> ImageResult<Option<Credentials>> {
    let set = |key: &str| var(key).filter(|v| !v.is_empty());
    if let (Some(user), Some(password)) = (
        set("SHIPGATE_REGISTRY_USER"),
        set("SHIPGATE_REGISTRY_PASSWORD"),
    ) {
        return Ok(Some(Credentials {
            user,
            password: password.into(),
            source: "SHIPGATE_REGISTRY_USER".into(),
        }));
    }
    let gitlab_registry = set("CI_REGISTRY");
    if gitlab_registry.is_none() || gitlab_registry.as_deref() == Some(registry) {
        if let (Some(user), Some(password)) = (set("CI_REGISTRY_USER"), set("CI_REGISTRY_PASSWORD"))
        {
            return Ok(Some(Credentials {
                user,
                password: password.into(),
                source: "CI_REGISTRY_USER".into(),
            }));
        }
    }
    let path = match (set("DOCKER_CONFIG"), set("HOME")) {
        (Some(dir), _) => PathBuf::from(dir).join("config.json"),
        (None, Some(home)) => PathBuf::from(home).join(".docker/config.json"),
        (None, None) => return Ok(None),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ImageError::DockerConfig {
                path,
                reason: e.to_string(),
            });
        }
    };
    let found = match from_docker_config(registry, &text) {
        Ok(Found::Helper(name)) => {
            let program = format!("docker-credential-{name}");
            super::cred_helper::get(&name, &program, &helper_server(registry))
        }
        Ok(Found::Credentials(credentials)) => Ok(Some(credentials)),
        Ok(Found::Nothing) => Ok(None),
        Err(reason) => Err(reason),
    };
    found.map_err(|reason| ImageError::DockerConfig { path, reason })
}

/// What the Docker configuration says for a registry.
enum Found {
    /// Ask this credential helper (`docker-credential-NAME`).
    Helper(String),
    /// Its `auths` entry.
    Credentials(Credentials),
    /// Nothing: anonymous.
    Nothing,
}

/// The server address docker gives a helper: Docker Hub's legacy URL, else the host.
fn helper_server(registry: &str) -> String {
    match docker_hub_key(registry) {
        "index.docker.io" => "https://index.docker.io/v1/".to_owned(),
        other => other.to_owned(),
    }
}

/// The name Docker Hub is stored under, for any of its aliases; other registries as given.
fn docker_hub_key(registry: &str) -> &str {
    match registry {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "index.docker.io",
        other => other,
    }
}

/// What a Docker configuration gives `registry`, in docker's order: a `credHelpers` entry
/// (keyed by host, possibly with a scheme and a path), else `credsStore`, else the `auths` entry
/// (same keys; `auth` is base64 of `user:password`; `https://index.docker.io/v1/` for Docker Hub).
fn from_docker_config(registry: &str, text: &str) -> Result<Found, String> {
    let config: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let wanted = docker_hub_key(registry);
    let host = |key: &str| {
        let key = key.split_once("://").map_or(key, |(_, rest)| rest);
        key.split('/').next().unwrap_or(key).to_owned()
    };
    let named = |value: &serde_json::Value| {
        value
            .as_str()
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
    };
    if let Some(name) = config
        .get("credHelpers")
        .and_then(|h| h.as_object())
        .and_then(|helpers| helpers.iter().find(|(key, _)| host(key) == wanted))
        .and_then(|(_, name)| named(name))
    {
        return Ok(Found::Helper(name));
    }
    if let Some(name) = config.get("credsStore").and_then(named) {
        return Ok(Found::Helper(name));
    }
    let Some(auths) = config.get("auths").and_then(|a| a.as_object()) else {
        return Ok(Found::Nothing);
    };
    let Some((key, entry)) = auths.iter().find(|(key, _)| host(key) == wanted) else {
        return Ok(Found::Nothing);
    };
    let Some(encoded) = entry
        .get("auth")
        .and_then(|a| a.as_str())
        .filter(|a| !a.is_empty())
    else {
        return Ok(Found::Nothing);
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| format!("auths.{key}.auth is not base64 of user:password"))?;
    let (user, password) = decoded
        .split_once(':')
        .ok_or_else(|| format!("auths.{key}.auth is not base64 of user:password"))?;
    Ok(Found::Credentials(Credentials {
        user: user.to_owned(),
        password: password.to_owned().into(),
        source: format!("docker config auths.{key}"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn shipgate_variables_come_first_then_gitlab_for_its_own_registry() {
        let vars = [
            ("SHIPGATE_REGISTRY_USER", "ci"),
            ("SHIPGATE_REGISTRY_PASSWORD", "s3cret"),
            ("CI_REGISTRY_USER", "gitlab-ci-token"),
            ("CI_REGISTRY_PASSWORD", "job-token"),
            ("CI_REGISTRY", "registry.gitlab.example"),
        ];
        let c = lookup("registry.gitlab.example", &env(&vars))
            .unwrap()
            .unwrap();
        assert_eq!(
            (c.user.as_str(), c.password.expose_secret()),
            ("ci", "s3cret")
        );
        let c = lookup("registry.gitlab.example", &env(&vars[2..]))
            .unwrap()
            .unwrap();
        assert_eq!(
            (c.user.as_str(), c.password.expose_secret()),
            ("gitlab-ci-token", "job-token")
        );
        assert!(lookup("other.example", &env(&vars[2..])).unwrap().is_none());
        assert!(
            !format!("{c:?}").contains("job-token"),
            "the password is never printed"
        );
    }

    #[test]
    fn docker_config_auths_match_the_host_with_or_without_scheme() {
        let auth = base64::engine::general_purpose::STANDARD.encode("robot:pa:ss");
        let text = format!(
            r#"{{"auths": {{"https://index.docker.io/v1/": {{"auth": "{auth}"}}, "127.0.0.1:5000": {{"auth": "{auth}"}}, "empty.example": {{}}}}}}"#
        );
        for registry in ["docker.io", "127.0.0.1:5000"] {
            let Ok(Found::Credentials(c)) = from_docker_config(registry, &text) else {
                panic!("no credentials for {registry}");
            };
            assert_eq!(
                (c.user.as_str(), c.password.expose_secret()),
                ("robot", "pa:ss")
            );
        }
        for registry in ["empty.example", "127.0.0.1:5001"] {
            assert!(matches!(
                from_docker_config(registry, &text),
                Ok(Found::Nothing)
            ));
        }
        let bad = from_docker_config("x.example", r#"{"auths": {"x.example": {"auth": "!!"}}}"#);
        assert_eq!(
            bad.err().unwrap(),
            "auths.x.example.auth is not base64 of user:password"
        );
    }

    #[test]
    fn helpers_come_before_auths_as_docker_reads_them() {
        let auth = base64::engine::general_purpose::STANDARD.encode("u:p");
        let text = format!(
            r#"{{"credHelpers": {{"ecr.example": "ecr-login"}}, "credsStore": "desktop", "auths": {{"ecr.example": {{"auth": "{auth}"}}, "other.example": {{"auth": "{auth}"}}}}}}"#
        );
        let helper = |registry: &str| match from_docker_config(registry, &text) {
            Ok(Found::Helper(name)) => name,
            _ => panic!("no helper for {registry}"),
        };
        assert_eq!(helper("ecr.example"), "ecr-login");
        assert_eq!(helper("other.example"), "desktop");
        let no_store = format!(r#"{{"auths": {{"other.example": {{"auth": "{auth}"}}}}}}"#);
        assert!(matches!(
            from_docker_config("other.example", &no_store),
            Ok(Found::Credentials(_))
        ));
        assert_eq!(helper_server("docker.io"), "https://index.docker.io/v1/");
        assert_eq!(helper_server("127.0.0.1:5000"), "127.0.0.1:5000");
    }

    #[test]
    fn the_docker_config_is_found_through_docker_config_or_home() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("u:p");
        std::fs::create_dir_all(dir.path().join(".docker")).unwrap();
        std::fs::write(
            dir.path().join(".docker/config.json"),
            format!(r#"{{"auths": {{"r.example": {{"auth": "{auth}"}}}}}}"#),
        )
        .unwrap();
        let home = dir.path().to_str().unwrap();
        let c = lookup("r.example", &env(&[("HOME", home)]))
            .unwrap()
            .unwrap();
        assert_eq!(c.user, "u");
        let docker = dir.path().join(".docker");
        let vars = [("DOCKER_CONFIG", docker.to_str().unwrap())];
        assert_eq!(lookup("r.example", &env(&vars)).unwrap().unwrap().user, "u");
        std::fs::write(docker.join("config.json"), "{").unwrap();
        let err = lookup("r.example", &env(&vars)).unwrap_err().to_string();
        assert!(
            err.contains("config.json: cannot read the Docker credentials: not JSON"),
            "{err}"
        );
    }
}
