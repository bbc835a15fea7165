//! The parts of `shipgate.yml` that depend on what was found: the manifests and the migrations.
use super::detect::FoundManifest;
use crate::config::SchemaConfig;
use crate::schema::folders::{MigrationFolder, Survey};
use crate::schema::report::framework_name;

const NO_MIGRATION: &str = "  \
  # No migration found. Without paths, migrations are found by their usual layouts: Rails
  # db/migrate, Django */migrations, Alembic */versions, and versioned .sql files under a
  # migrations, migrate, db, sql or flyway directory. List other folders here:
  # paths: [database/changes]
";

/// `version.manifests`: listed only when some are not at the root, where they are found anyway.
pub(super) fn manifests(found: &[FoundManifest]) -> String {
    let shown = |m: &FoundManifest| format!("{} ({})", m.path.display(), m.version);
    if found.is_empty() {
        return "  # No manifest holding a version was found (Cargo.toml, package.json, \
                pyproject.toml,\n  # VERSION): the version lives in the tags alone. Any text \
                file can be listed:\n  # manifests:\n  #   - { path: chart/Chart.yaml, \
                pattern: 'appVersion: \"(?P<version>[^\"]+)\"' }\n"
            .to_owned();
    }
    if found.iter().all(FoundManifest::at_root) {
        let names: Vec<String> = found.iter().map(shown).collect();
        return format!(
            "  # Rewritten without being listed, as they are at the root: {}.\n  \
             # A manifests: list here would replace them.\n",
            names.join(", ")
        );
    }
    let items: Vec<(String, String)> = found
        .iter()
        .map(|m| (scalar(&m.path.to_string_lossy()), m.version.clone()))
        .collect();
    format!(
        "  # Listed, as some are not at the root (only the root's are found without a list).\n  \
         # Keep those that carry the release's version.\n  manifests:\n{}",
        aligned(&items)
    )
}

/// `schema.paths`: listed only when the usual layouts would also read files that are no
/// migrations; otherwise the folders found are named in a comment.
pub(super) fn migrations(survey: &Survey) -> String {
    let post = SchemaConfig::default().post_deploy_paths;
    let is_post = |f: &MigrationFolder| post.iter().any(|p| f.path.starts_with(p));
    let about = |f: &MigrationFolder| {
        let (n, s) = (f.files, if f.files == 1 { "" } else { "s" });
        let when = if is_post(f) { ", after the code" } else { "" };
        format!("{}, {n} migration{s}{when}", framework_name(f.framework))
    };
    let pre: Vec<&MigrationFolder> = survey.folders.iter().filter(|f| !is_post(f)).collect();
    let post_line = format!(
        "  post_deploy_paths: [{}]  # migrations that always run after the code\n",
        post.join(", ")
    );
    if survey.folders.is_empty() {
        return format!("{NO_MIGRATION}{post_line}");
    }
    if survey.strays.is_empty() || pre.is_empty() {
        let mut out =
            String::from("  # Found by their usual layouts, so read without being listed:\n");
        for folder in &survey.folders {
            out.push_str(&format!(
                "  #   {}: {}\n",
                folder.path.display(),
                about(folder)
            ));
        }
        if !pre.is_empty() {
            let names: Vec<String> = pre
                .iter()
                .map(|f| scalar(&f.path.to_string_lossy()))
                .collect();
            out.push_str(&format!(
                "  # List folders here to read only those (and every .sql, .rb or .py file in them):\n  \
                 # paths: [{}]\n",
                names.join(", ")
            ));
        }
        return out + &post_line;
    }
    let strays: Vec<String> = survey
        .strays
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let items: Vec<(String, String)> = pre
        .iter()
        .map(|f| (scalar(&f.path.to_string_lossy()), about(f)))
        .collect();
    format!(
        "  # Listed, so that only these folders are read: without a list, shipgate-schema would\n  \
         # also take these files for migrations: {}\n  paths:\n{}{post_line}",
        strays.join(", "),
        aligned(&items)
    )
}

/// `    - ITEM  # COMMENT` lines, the comments aligned.
fn aligned(items: &[(String, String)]) -> String {
    let width = items
        .iter()
        .map(|(i, _)| i.chars().count())
        .max()
        .unwrap_or(0);
    items
        .iter()
        .map(|(item, comment)| format!("    - {item:<width$}  # {comment}\n"))
        .collect()
}

/// `text` as a YAML scalar: plain when YAML reads it back as that string, else double-quoted.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
        && !text.starts_with('-')
        && serde_yaml::from_str::<serde_yaml::Value>(text).ok()
            == Some(serde_yaml::Value::String(text.to_owned()));
    match plain {
        true => text.to_owned(),
        false => serde_json::to_string(text).unwrap_or_default(),
    }
}
