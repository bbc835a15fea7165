//! `file` gates: a file (a backup) exists, is large enough, and its sha256 is recorded.
use std::io::Read;

use sha2::{Digest, Sha256};

use super::model::{FileCheck, Measured, Outcome, Verdict};

/// Check the file; reading it is blocking I/O, so it runs off the async thread.
pub(crate) async fn evaluate(check: &FileCheck) -> Outcome {
    let owned = check.clone();
    match tokio::task::spawn_blocking(move || inspect(&owned)).await {
        Ok(outcome) => outcome,
        Err(e) => Outcome::new(
            Verdict::Fail,
            format!("checking {} failed: {e}", check.shown),
            vec![],
        ),
    }
}

fn inspect(check: &FileCheck) -> Outcome {
    let shown = &check.shown;
    let fail = |summary: String, measured| Outcome::new(Verdict::Fail, summary, measured);
    let metadata = match std::fs::metadata(&check.path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return fail(format!("{shown} does not exist"), vec![]);
        }
        Err(e) => return fail(format!("{shown} cannot be read: {e}"), vec![]),
    };
    if !metadata.is_file() {
        return fail(format!("{shown} is not a regular file"), vec![]);
    }
    let size = metadata.len();
    let mut measured = vec![Measured::new("size", size)];
    if size < check.min_size {
        let what = if size == 0 {
            "is empty".to_owned()
        } else {
            format!("has {size} bytes, fewer than {}", check.min_size)
        };
        return fail(format!("{shown} {what}"), measured);
    }
    match sha256(check) {
        Ok(hex) => {
            measured.push(Measured::new("sha256", &hex));
            Outcome::new(
                Verdict::Pass,
                format!("{shown}: {size} bytes, sha256 {hex}"),
                measured,
            )
        }
        Err(e) => fail(format!("{shown} cannot be read: {e}"), measured),
    }
}

fn sha256(check: &FileCheck) -> std::io::Result<String> {
    let mut file = std::fs::File::open(&check.path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(dir: &std::path::Path, name: &str) -> FileCheck {
        FileCheck {
            path: dir.join(name),
            shown: name.to_owned(),
            min_size: 1,
        }
    }

    #[test]
    fn missing_empty_and_present_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("empty.dump"), "").unwrap();
        std::fs::write(dir.path().join("db.dump"), "abc").unwrap();
        let missing = inspect(&check(dir.path(), "none.dump"));
        assert_eq!(
            (missing.verdict, missing.summary.as_str()),
            (Verdict::Fail, "none.dump does not exist")
        );
        let empty = inspect(&check(dir.path(), "empty.dump"));
        assert_eq!(
            (empty.verdict, empty.summary.as_str()),
            (Verdict::Fail, "empty.dump is empty")
        );
        let present = inspect(&check(dir.path(), "db.dump"));
        assert_eq!(present.verdict, Verdict::Pass);
        assert_eq!(
            present.measured,
            [
                Measured::new("size", 3),
                Measured::new(
                    "sha256",
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                )
            ]
        );
        let mut big = check(dir.path(), "db.dump");
        big.min_size = 10;
        assert_eq!(inspect(&big).summary, "db.dump has 3 bytes, fewer than 10");
        assert_eq!(
            inspect(&check(dir.path(), "")).summary,
            " is not a regular file"
        );
    }
}
