//! `shipgate-init`'s library: the rendered `shipgate.yml`, the starter CI and the plan.
use std::path::PathBuf;

use super::*;
use crate::schema::folders::{MigrationFolder, Survey};
use crate::schema::model::Framework;

mod ci;
mod plan;
mod render;

/// What a repository holds: its forge, manifests (path, version), migration folders and strays.
pub(super) fn detected(
    forge: Forge,
    manifests: &[(&str, &str)],
    folders: &[(&str, Framework)],
    strays: &[&str],
) -> Detected {
    Detected {
        forge,
        source: ForgeSource::Flag,
        manifests: (manifests.iter())
            .map(|(path, version)| FoundManifest {
                path: PathBuf::from(path),
                version: (*version).to_owned(),
            })
            .collect(),
        migrations: Survey {
            folders: (folders.iter())
                .map(|(path, framework)| MigrationFolder {
                    path: PathBuf::from(path),
                    framework: *framework,
                    files: 2,
                })
                .collect(),
            strays: strays.iter().map(PathBuf::from).collect(),
        },
        branch: Some("main".to_owned()),
    }
}

#[test]
fn forges_are_told_by_their_host() {
    assert_eq!(Forge::of_host("github.com"), Some(Forge::Github));
    assert_eq!(Forge::of_host("github.acme.corp"), Some(Forge::Github));
    assert_eq!(Forge::of_host("gitlab.com"), Some(Forge::Gitlab));
    assert_eq!(Forge::of_host("code.gitlab.example"), Some(Forge::Gitlab));
    assert_eq!(Forge::of_host("bitbucket.org"), None);
    assert_eq!(Forge::of_host("gitlab-mirror-of-github.example"), None);
}

#[test]
fn the_json_report_follows_its_published_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/init-output.schema.json")).unwrap();
    crate::schema_checks::assert_closed_and_described(&schema);
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for dry_run in [true, false] {
        let mut d = detected(Forge::Gitlab, &[("Cargo.toml", "1.0.0")], &[], &[]);
        d.migrations.folders.push(MigrationFolder {
            path: PathBuf::from("db/migrate"),
            framework: Framework::Rails,
            files: 3,
        });
        d.source = ForgeSource::Remote("git@gitlab.com:g/p.git".into());
        let outcome = InitOutcome {
            plan: plan(dir.path(), &d, false).unwrap(),
            detected: d,
            dry_run,
        };
        let json = outcome.json();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{json:#}: {errors:#?}");
        assert_eq!(json["files"][1]["text"].is_string(), dry_run, "{json:#}");
    }
}
