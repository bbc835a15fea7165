//! Docker credential helpers (`docker-credential-NAME get`), as `credHelpers` and `credsStore`
//! in the Docker configuration name them: the server's address on stdin, a JSON object with
//! `Username` and `Secret` on stdout.
use std::io::Write as _;
use std::process::{Command, Stdio};

use serde::Deserialize;

use super::auth::Credentials;

/// What a helper answers to `get`.
#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "Username")]
    username: String,
    #[serde(rename = "Secret")]
    secret: String,
}

/// The user name a helper gives for an identity token (an OAuth refresh token), which only the
/// Docker engine's own token exchange can use.
const IDENTITY_TOKEN: &str = "<token>";

/// The credentials helper `name` holds for `server`; `Ok(None)` when it holds none. `program`
/// is the helper's executable (`docker-credential-NAME`, found on PATH).
pub fn get(name: &str, program: &str, server: &str) -> Result<Option<Credentials>, String> {
    let mut child = Command::new(program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("credential helper {program} could not start: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading is judged by its answer below.
        let _ = stdin.write_all(server.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("credential helper {program}: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr);
        // The helpers' own wording for "nothing stored for this server".
        if said.to_ascii_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        return Err(format!(
            "credential helper {program} failed for {server}: {}",
            said.trim()
        ));
    }
    let answer: Answer = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("credential helper {program} answered no Username/Secret: {e}"))?;
    if answer.username == IDENTITY_TOKEN {
        return Err(format!(
            "credential helper {program} holds an identity token for {server}, which \
             shipgate-image cannot use; set SHIPGATE_REGISTRY_USER and SHIPGATE_REGISTRY_PASSWORD"
        ));
    }
    if answer.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(Credentials {
        user: answer.username,
        password: answer.secret.into(),
        source: format!("docker credential helper {name}"),
    }))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use secrecy::ExposeSecret as _;

    use super::*;

    fn helper(dir: &std::path::Path, script: &str) -> String {
        let path = dir.join("docker-credential-test");
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    }

    #[test]
    fn a_helper_answers_by_server_and_says_when_it_holds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let program = helper(
            dir.path(),
            "[ \"$1\" = get ] || exit 9\nread -r server\n\
             case \"$server\" in\n\
               registry.test:5000) echo '{\"ServerURL\":\"registry.test:5000\",\"Username\":\"robot\",\"Secret\":\"s3cret\"}' ;;\n\
               token.test) echo '{\"Username\":\"<token>\",\"Secret\":\"refresh\"}' ;;\n\
               *) echo 'credentials not found in native keychain'; exit 1 ;;\n\
             esac",
        );
        let found = get("test", &program, "registry.test:5000")
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.user.as_str(), found.password.expose_secret()),
            ("robot", "s3cret")
        );
        assert_eq!(found.source, "docker credential helper test");
        assert!(get("test", &program, "other.test").unwrap().is_none());
        let token = get("test", &program, "token.test").unwrap_err();
        assert!(token.contains("identity token"), "{token}");
        assert!(!token.contains("refresh"), "{token}");
        let missing = get("test", "/nonexistent/docker-credential-x", "r.test").unwrap_err();
        assert!(missing.contains("could not start"), "{missing}");
    }
}
