//! `shipgate-schema --format json` over 1,000 realistic SQL migrations: files per second in one
//! process, and start-up time; squawk (PyPI `squawk-cli`) beside it when it is on PATH.
//!
//! Run: `cargo bench --bench schema_files` (pinned to one core when `taskset` exists).
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]
use std::path::{Path, PathBuf};
use std::process::Command;

mod timing;
use timing::{median, ms, pinned, time};

const FILES: usize = 1_000;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-migrations");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for n in 0..FILES {
        std::fs::write(dir.join(format!("V{n}__change_{n}.sql")), migration(n)).unwrap();
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_shipgate-schema"));
    println!(
        "{FILES} PostgreSQL migrations of 6-9 statements each (medians; pinned to one core: {})",
        pinned()
    );
    let startup = median(30, || time(&binary, &dir, &["--version"], 0));
    println!(
        "startup: shipgate-schema --version          {:>9.2} ms",
        ms(startup)
    );
    let ours = median(7, || {
        time(
            &binary,
            &dir,
            &["--format", "json", dir.to_str().unwrap()],
            1,
        )
    });
    println!(
        "shipgate-schema --format json, {FILES} files  {:>9.2} ms  = {:>8.0} files/s",
        ms(ours),
        FILES as f64 / ours.as_secs_f64()
    );
    if Command::new("squawk")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let files: Vec<String> = (0..FILES)
            .map(|n| format!("V{n}__change_{n}.sql"))
            .collect();
        let mut args = vec!["--reporter", "json"];
        args.extend(files.iter().map(String::as_str));
        let theirs = median(7, || time(Path::new("squawk"), &dir, &args, 1));
        println!(
            "squawk --reporter json, {FILES} files         {:>9.2} ms  = {:>8.0} files/s",
            ms(theirs),
            FILES as f64 / theirs.as_secs_f64()
        );
    } else {
        println!("squawk: not on PATH (pip install squawk-cli to compare)");
    }
}

fn migration(n: usize) -> String {
    format!(
        "-- migration {n}\nBEGIN;\nCREATE TABLE t{n} (id bigserial PRIMARY KEY, name varchar(100) NOT NULL, created_at timestamptz DEFAULT now());\n\
         ALTER TABLE accounts ADD COLUMN c{n} integer;\nCREATE INDEX CONCURRENTLY idx_{n} ON accounts (c{n});\n\
         ALTER TABLE accounts ADD CONSTRAINT chk_{n} CHECK (c{n} > 0) NOT VALID;\nALTER TABLE accounts VALIDATE CONSTRAINT chk_{n};\n\
         UPDATE accounts SET c{n} = 1 WHERE id < {n};\nCOMMENT ON COLUMN accounts.c{n} IS 'counter {n}; see ''docs''';\nCOMMIT;\n"
    )
}
