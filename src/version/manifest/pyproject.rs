//! pyproject.toml: `[project] version` (PEP 621) or `[tool.poetry] version`.
use std::path::Path;

use semver::Version;
use toml_edit::Item;

use super::error::ManifestError;
use super::text::Located;
use super::toml_doc::{parse, table_at, version_string};

/// Find the version of a pyproject.toml: `[project] version`, else `[tool.poetry] version`.
/// When `[project]` lists `version` in `dynamic` and Poetry holds no version either, the
/// error is [`ManifestError::DynamicVersion`]: the real version lives in another file.
pub fn read_pyproject(path: &Path, text: &str) -> Result<Located, ManifestError> {
    let doc = parse(path, text)?;
    let root = doc.as_table();
    let project = table_at(root, &["project"]);
    if let Some(item) = project.and_then(|p| p.get("version")) {
        return version_string(path, text, item, "[project] version");
    }
    if let Some(item) = table_at(root, &["tool", "poetry"]).and_then(|p| p.get("version")) {
        return version_string(path, text, item, "[tool.poetry] version");
    }
    let dynamic = project
        .and_then(|p| p.get("dynamic"))
        .and_then(Item::as_array)
        .is_some_and(|names| names.iter().any(|name| name.as_str() == Some("version")));
    if dynamic {
        return Err(ManifestError::DynamicVersion {
            path: path.to_path_buf(),
        });
    }
    Err(ManifestError::NoVersion {
        path: path.to_path_buf(),
        detail: "no version in [project] nor in [tool.poetry]".to_owned(),
        fix: "add `version = \"0.1.0\"` under [project]".to_owned(),
    })
}

/// A pyproject.toml with its version set to `new`.
pub fn bump_pyproject(path: &Path, text: &str, new: &Version) -> Result<String, ManifestError> {
    Ok(read_pyproject(path, text)?.replace(text, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn pep621_version_replaced_byte_for_byte() {
        let text = "[build-system]\r\nrequires = [\"hatchling\"]\r\n\r\n[project]\r\nname = \"tool\"\r\nversion = \"0.9.1\"  # release version\r\ndependencies = [\"requests>=2.0\"]\r\n\r\n[tool.other]\r\nversion = \"0.9.1\"";
        let path = Path::new("pyproject.toml");
        assert_eq!(read_pyproject(path, text).unwrap().version, v("0.9.1"));
        let after = bump_pyproject(path, text, &v("0.10.0")).unwrap();
        assert_eq!(after, text.replacen("\"0.9.1\"", "\"0.10.0\"", 1));
        assert!(after.ends_with("[tool.other]\r\nversion = \"0.9.1\""));
    }

    #[test]
    fn poetry_version() {
        let text = "[tool.poetry]\nname = \"app\"\nversion = '1.0.0'\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\n";
        let after = bump_pyproject(Path::new("pyproject.toml"), text, &v("1.0.1")).unwrap();
        assert_eq!(after, text.replacen("'1.0.0'", "'1.0.1'", 1));
    }

    #[test]
    fn dynamic_version_with_poetry_version_edits_poetry() {
        // Poetry 2 reads the version from [tool.poetry] when [project] declares it dynamic.
        let text = "[project]\nname = \"app\"\ndynamic = [\"version\"]\n\n[tool.poetry]\nversion = \"2.1.0\"\n";
        let after = bump_pyproject(Path::new("pyproject.toml"), text, &v("2.2.0")).unwrap();
        assert_eq!(after, text.replacen("2.1.0", "2.2.0", 1));
    }

    #[test]
    fn dynamic_version_is_its_own_error() {
        let text = "[project]\nname = \"app\"\ndynamic = [\"readme\", \"version\"]\n\n[tool.setuptools.dynamic]\nversion = {attr = \"app.__version__\"}\n";
        let err = read_pyproject(Path::new("py/pyproject.toml"), text).unwrap_err();
        assert!(matches!(err, ManifestError::DynamicVersion { .. }));
        let msg = err.to_string();
        assert!(
            msg.starts_with("py/pyproject.toml: the version is dynamic"),
            "{msg}"
        );
        assert!(msg.contains("pattern"), "{msg}");
    }

    #[test]
    fn no_version_and_bad_versions() {
        let path = Path::new("pyproject.toml");
        let err = read_pyproject(path, "[tool.ruff]\nline-length = 100\n").unwrap_err();
        assert!(matches!(err, ManifestError::NoVersion { .. }));
        // PEP 440 versions that are not semver are refused with file, position and value.
        let err = read_pyproject(path, "[project]\nversion = \"1.0.0.dev1\"\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("pyproject.toml:2:12: `1.0.0.dev1` is not a semantic version"),
            "{err}"
        );
    }
}
