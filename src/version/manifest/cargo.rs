//! Cargo.toml and its companion Cargo.lock.
use std::path::Path;

use semver::Version;
use toml_edit::Item;

use super::error::ManifestError;
use super::text::{Located, replace_spans, string_content};
use super::toml_doc::{parse, table_at, version_string};

/// Which table of a Cargo.toml holds the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CargoScope {
    /// `[package] version`: one crate.
    Package,
    /// `[workspace.package] version`: every member that inherits it.
    Workspace,
}

/// The version a Cargo.toml declares, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CargoVersion {
    /// Where the version is written.
    pub located: Located,
    /// Which table holds it.
    pub scope: CargoScope,
    /// `[package] name`, when there is one.
    pub name: Option<String>,
}

/// Find the version of a Cargo.toml: `[package] version`, or `[workspace.package] version`
/// when the package inherits it (`version.workspace = true`) or has none.
pub fn read_cargo_toml(path: &Path, text: &str) -> Result<CargoVersion, ManifestError> {
    let doc = parse(path, text)?;
    let root = doc.as_table();
    let package = table_at(root, &["package"]);
    let name = package
        .and_then(|p| p.get("name"))
        .and_then(Item::as_str)
        .map(str::to_owned);
    let own = package.and_then(|p| p.get("version"));
    let inherited = own.is_some_and(Item::is_table_like);
    if let Some(item) = own.filter(|_| !inherited) {
        return Ok(CargoVersion {
            located: version_string(path, text, item, "[package] version")?,
            scope: CargoScope::Package,
            name,
        });
    }
    if let Some(item) = table_at(root, &["workspace", "package"]).and_then(|w| w.get("version")) {
        return Ok(CargoVersion {
            located: version_string(path, text, item, "[workspace.package] version")?,
            scope: CargoScope::Workspace,
            name,
        });
    }
    let (detail, fix) = if inherited {
        (
            "the version is inherited (`version.workspace = true`) and this file has no [workspace.package] version",
            "list the workspace root Cargo.toml in version.manifests instead",
        )
    } else {
        (
            "no version in [package] nor in [workspace.package]",
            "add `version = \"0.1.0\"` under [package] (or [workspace.package])",
        )
    };
    Err(ManifestError::NoVersion {
        path: path.to_path_buf(),
        detail: detail.to_owned(),
        fix: fix.to_owned(),
    })
}

/// A Cargo.toml with its version set to `new`.
pub fn bump_cargo_toml(path: &Path, text: &str, new: &Version) -> Result<String, ManifestError> {
    Ok(read_cargo_toml(path, text)?.located.replace(text, new))
}

/// A Cargo.lock with the entries of the packages that `manifest` versions set to `new`:
/// local entries (no `source`) at the old version, named as the package for
/// [`CargoScope::Package`], any name for [`CargoScope::Workspace`]. References to them
/// in `dependencies` written as `"name old"` follow. Registry and git entries of the
/// same name are left alone.
pub fn bump_cargo_lock(
    path: &Path,
    text: &str,
    manifest: &CargoVersion,
    new: &Version,
) -> Result<String, ManifestError> {
    let doc = parse(path, text)?;
    let old = &manifest.located.version;
    let Some(packages) = doc
        .as_table()
        .get("package")
        .and_then(Item::as_array_of_tables)
    else {
        return Ok(text.to_owned());
    };
    let mut edits = Vec::new();
    let mut bumped: Vec<&str> = Vec::new();
    for entry in packages.iter() {
        let (Some(name), Some(item)) = (
            entry.get("name").and_then(Item::as_str),
            entry.get("version"),
        ) else {
            continue;
        };
        let ours = match manifest.scope {
            CargoScope::Package => manifest.name.as_deref() == Some(name),
            CargoScope::Workspace => true,
        };
        let at_old = item.as_str().and_then(|v| Version::parse(v).ok()).as_ref() == Some(old);
        if ours && at_old && !entry.contains_key("source") {
            let located = version_string(path, text, item, "`version`")?;
            edits.push((located.span, new.to_string()));
            bumped.push(name);
        }
    }
    let old = old.to_string();
    for dependencies in packages
        .iter()
        .filter_map(|entry| entry.get("dependencies").and_then(Item::as_array))
    {
        for dependency in dependencies.iter() {
            let (Some(value), Some(span)) = (dependency.as_str(), dependency.span()) else {
                continue;
            };
            let Some((name, version)) = value.split_once(' ') else {
                continue;
            };
            if version == old && bumped.contains(&name) {
                let content = string_content(path, text, span, value, "a dependency")?;
                let start = content.start + name.len() + 1;
                edits.push((start..content.end, new.to_string()));
            }
        }
    }
    Ok(replace_spans(text, edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    const PACKAGE: &str = "# The app.\r\n[package]\r\nname = \"app\"   # keep\r\nversion   =  '1.2.3'  # the version\r\nedition = \"2024\"\r\n\r\n[dependencies]\r\nserde = { version = \"1.0.0\" }\r\n\r\n[workspace.package]\r\nversion = \"9.9.9\"";

    #[test]
    fn package_version_replaced_byte_for_byte() {
        let path = Path::new("Cargo.toml");
        let read = read_cargo_toml(path, PACKAGE).unwrap();
        assert_eq!(read.scope, CargoScope::Package);
        assert_eq!(read.name.as_deref(), Some("app"));
        assert_eq!(read.located.version, v("1.2.3"));
        let after = bump_cargo_toml(path, PACKAGE, &v("1.3.0")).unwrap();
        assert_eq!(after, PACKAGE.replacen("'1.2.3'", "'1.3.0'", 1));
        assert!(after.contains("serde = { version = \"1.0.0\" }"));
        assert!(after.ends_with("\"9.9.9\""));
    }

    const WORKSPACE_ROOT: &str = "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\n# shared by all members\nversion = \"0.4.0-rc.1\" # bumped by shipgate\nedition = \"2024\"\n\n[package]\nname = \"root\"\nversion.workspace = true\n\n[workspace.dependencies]\nfoo = { path = \"crates/foo\", version = \"0.4.0-rc.1\" }\n";

    #[test]
    fn inherited_version_edits_workspace_package() {
        let path = Path::new("Cargo.toml");
        let read = read_cargo_toml(path, WORKSPACE_ROOT).unwrap();
        assert_eq!(read.scope, CargoScope::Workspace);
        let after = bump_cargo_toml(path, WORKSPACE_ROOT, &v("0.4.0")).unwrap();
        assert_eq!(
            after,
            WORKSPACE_ROOT.replacen("\"0.4.0-rc.1\"", "\"0.4.0\"", 1)
        );
        // The dependency requirement (second occurrence) is untouched.
        assert_eq!(after.matches("0.4.0-rc.1").count(), 1);
    }

    #[test]
    fn virtual_workspace_and_inline_inheritance() {
        let path = Path::new("Cargo.toml");
        let text = "[workspace.package]\nversion = \"2.0.0\"\n";
        assert_eq!(
            read_cargo_toml(path, text).unwrap().scope,
            CargoScope::Workspace
        );
        let text = "[package]\nname = \"m\"\nversion = { workspace = true }\n[workspace.package]\nversion = \"2.0.0\"\n";
        assert_eq!(
            read_cargo_toml(path, text).unwrap().scope,
            CargoScope::Workspace
        );
    }

    #[test]
    fn member_inheriting_without_workspace_table_is_an_error() {
        let text = "[package]\nname = \"m\"\nversion.workspace = true\n";
        let err = read_cargo_toml(Path::new("crates/m/Cargo.toml"), text).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ManifestError::NoVersion { .. }));
        assert!(
            msg.starts_with("crates/m/Cargo.toml: the version is inherited"),
            "{msg}"
        );
        assert!(msg.contains("workspace root Cargo.toml"), "{msg}");
    }

    #[test]
    fn missing_version_is_an_error() {
        let err =
            read_cargo_toml(Path::new("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap_err();
        assert!(
            err.to_string().contains("add `version = \"0.1.0\"`"),
            "{err}"
        );
    }

    #[test]
    fn errors_carry_line_and_column() {
        let err = read_cargo_toml(Path::new("Cargo.toml"), "[package]\nversion = 3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Cargo.toml:2:11: expected a string for [package] version; write the version as a TOML string, e.g. version = \"1.2.3\""
        );
        let err =
            read_cargo_toml(Path::new("Cargo.toml"), "[package]\nversion = \"1.2\"\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Cargo.toml:2:12: `1.2` is not a semantic version"),
            "{err}"
        );
        let err = read_cargo_toml(Path::new("Cargo.toml"), "[package\nversion = \"1.2.3\"\n")
            .unwrap_err();
        assert!(matches!(err, ManifestError::Syntax { .. }));
        assert!(err.to_string().starts_with("Cargo.toml:1:"), "{err}");
    }

    const LOCK: &str = "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = \"app\"\nversion = \"1.2.3\"\ndependencies = [\n \"app 1.2.3 (registry+https://github.com/rust-lang/crates.io-index)\",\n \"helper\",\n]\n\n[[package]]\nname = \"app\"\nversion = \"1.2.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"abc\"\n\n[[package]]\nname = \"helper\"\nversion = \"1.2.3\"\n\n[[package]]\nname = \"user\"\nversion = \"0.1.0\"\ndependencies = [\n \"app 1.2.3\",\n \"app 1.2.3 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n";

    fn manifest(scope: CargoScope, name: Option<&str>) -> CargoVersion {
        CargoVersion {
            located: Located {
                span: 0..0,
                version: v("1.2.3"),
            },
            scope,
            name: name.map(str::to_owned),
        }
    }

    #[test]
    fn lock_edits_only_the_local_package_of_that_name() {
        let path = Path::new("Cargo.lock");
        let after = bump_cargo_lock(
            path,
            LOCK,
            &manifest(CargoScope::Package, Some("app")),
            &v("1.3.0"),
        )
        .unwrap();
        let expected = LOCK
            .replacen(
                "name = \"app\"\nversion = \"1.2.3\"",
                "name = \"app\"\nversion = \"1.3.0\"",
                1,
            )
            .replacen(" \"app 1.2.3\",", " \"app 1.3.0\",", 1);
        assert_eq!(after, expected);
        // The registry `app 1.2.3` entry, its references and `helper` keep 1.2.3.
        assert_eq!(after.matches("1.2.3").count(), 4);
    }

    #[test]
    fn lock_for_workspace_edits_every_local_package_at_old_version() {
        let path = Path::new("Cargo.lock");
        let after = bump_cargo_lock(
            path,
            LOCK,
            &manifest(CargoScope::Workspace, None),
            &v("1.3.0"),
        )
        .unwrap();
        let expected = LOCK
            .replacen(
                "name = \"app\"\nversion = \"1.2.3\"",
                "name = \"app\"\nversion = \"1.3.0\"",
                1,
            )
            .replacen(
                "name = \"helper\"\nversion = \"1.2.3\"",
                "name = \"helper\"\nversion = \"1.3.0\"",
                1,
            )
            .replacen(" \"app 1.2.3\",", " \"app 1.3.0\",", 1);
        assert_eq!(after, expected);
        assert!(after.contains("name = \"user\"\nversion = \"0.1.0\""));
    }

    #[test]
    fn lock_without_our_package_is_unchanged() {
        let path = Path::new("Cargo.lock");
        let after = bump_cargo_lock(
            path,
            LOCK,
            &manifest(CargoScope::Package, Some("other")),
            &v("1.3.0"),
        )
        .unwrap();
        assert_eq!(after, LOCK);
    }
}
