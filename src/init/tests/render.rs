//! The rendered `shipgate.yml`: what it lists for each kind of repository, and that shipgate's
//! loader and its JSON Schema both accept it.
use std::path::PathBuf;

use super::detected;
use crate::config::json_schema_tests::{schema_errors, validator};
use crate::config::{Config, parse};
use crate::init::{Detected, Forge, shipgate_yml};
use crate::schema::model::Framework;

/// The file for `d`, checked by the loader and the schema.
fn loaded(d: &Detected) -> (String, Config) {
    let text = shipgate_yml(d);
    let config = parse(&text, "shipgate.yml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let errors = schema_errors(&validator(), &text);
    assert!(errors.is_empty(), "schema rejects it: {errors:#?}\n{text}");
    (text, config)
}

#[test]
fn an_empty_github_repository_gets_the_defaults_and_the_dispatch() {
    let (text, config) = loaded(&detected(Forge::Github, &[], &[], &[]));
    assert_eq!(config.version, Config::default().version);
    assert_eq!(config.schema, Config::default().schema);
    assert_eq!(config.environments, ["stage", "production"]);
    assert_eq!(config.promote.dispatch, "deploy.yml");
    assert!(text.starts_with("# yaml-language-server: $schema="));
    assert!(text.contains("No manifest holding a version was found"));
    assert!(text.contains("No migration found."));
}

#[test]
fn gitlab_gets_no_dispatch() {
    let (text, config) = loaded(&detected(Forge::Gitlab, &[], &[], &[]));
    assert_eq!(config.promote.dispatch, "");
    assert_eq!(config.promote.gitlab.access_level.value(), 40);
    assert!(text.contains("access_level: 40"));
}

#[test]
fn root_manifests_are_named_not_listed() {
    let d = detected(
        Forge::Github,
        &[("Cargo.toml", "1.2.3"), ("package.json", "1.2.3")],
        &[],
        &[],
    );
    let (text, config) = loaded(&d);
    assert_eq!(config.version.manifests, None);
    assert!(text.contains("as they are at the root: Cargo.toml (1.2.3), package.json (1.2.3)."));
}

#[test]
fn nested_manifests_are_listed_with_the_root_ones() {
    use crate::config::version::ManifestEntry;
    let d = detected(
        Forge::Github,
        &[
            ("VERSION", "2.0.0"),
            ("web/package.json", "2.0.0"),
            ("a b/Cargo.toml", "1.0.0"),
        ],
        &[],
        &[],
    );
    let (text, config) = loaded(&d);
    let listed: Vec<ManifestEntry> = ["VERSION", "web/package.json", "a b/Cargo.toml"]
        .iter()
        .map(|p| ManifestEntry::Path(PathBuf::from(p)))
        .collect();
    assert_eq!(config.version.manifests, Some(listed));
    assert!(text.contains("    - web/package.json  # 2.0.0\n"), "{text}");
    assert!(
        text.contains("    - \"a b/Cargo.toml\"  # 1.0.0\n"),
        "{text}"
    );
}

#[test]
fn migrations_found_by_their_layouts_are_named_not_listed() {
    let d = detected(
        Forge::Github,
        &[],
        &[
            ("alembic/versions", Framework::Alembic),
            ("shop/migrations", Framework::Django),
        ],
        &[],
    );
    let (text, config) = loaded(&d);
    assert!(config.schema.paths.is_empty());
    assert!(
        text.contains("  #   alembic/versions: alembic, 2 migrations\n"),
        "{text}"
    );
    assert!(
        text.contains("  #   shop/migrations: django, 2 migrations\n"),
        "{text}"
    );
    assert!(
        text.contains("  # paths: [alembic/versions, shop/migrations]\n"),
        "{text}"
    );
}

#[test]
fn migrations_are_listed_when_the_layouts_would_also_read_a_schema_dump() {
    let d = detected(
        Forge::Gitlab,
        &[],
        &[
            ("db/migrate", Framework::Rails),
            ("db/post_migrate", Framework::Rails),
        ],
        &["db/structure.sql"],
    );
    let (text, config) = loaded(&d);
    assert_eq!(config.schema.paths, ["db/migrate"]);
    assert_eq!(config.schema.post_deploy_paths, ["db/post_migrate"]);
    assert!(
        text.contains("also take these files for migrations: db/structure.sql\n"),
        "{text}"
    );
    assert!(
        text.contains("    - db/migrate  # rails, 2 migrations\n"),
        "{text}"
    );
}

#[test]
fn a_post_deploy_folder_alone_is_named_with_its_moment() {
    let d = detected(
        Forge::Github,
        &[],
        &[("db/post_migrate", Framework::Rails)],
        &[],
    );
    let (text, config) = loaded(&d);
    assert!(config.schema.paths.is_empty());
    assert!(
        text.contains("db/post_migrate: rails, 2 migrations, after the code"),
        "{text}"
    );
    assert!(!text.contains("# paths: []"), "{text}");
}
