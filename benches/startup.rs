//! Start-up time of every shipgate binary (`--version`), median of 50 runs on one core.
//!
//! Run: `cargo bench --bench startup`. Each binary should start in under 5 ms.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]
use std::path::Path;

mod timing;
use timing::{median, ms, pinned, time};

fn main() {
    let binaries = [
        env!("CARGO_BIN_EXE_shipgate-version"),
        env!("CARGO_BIN_EXE_shipgate-schema"),
        env!("CARGO_BIN_EXE_shipgate-issue"),
        env!("CARGO_BIN_EXE_shipgate-window"),
        env!("CARGO_BIN_EXE_shipgate-promote"),
        env!("CARGO_BIN_EXE_shipgate-verify"),
        env!("CARGO_BIN_EXE_shipgate-notify"),
        env!("CARGO_BIN_EXE_shipgate-log"),
        env!("CARGO_BIN_EXE_shipgate-image"),
        env!("CARGO_BIN_EXE_shipgate-init"),
    ];
    let dir = std::env::temp_dir();
    println!(
        "start-up, median of 50 runs (pinned to one core: {})",
        pinned()
    );
    for binary in binaries {
        let path = Path::new(binary);
        let startup = median(50, || time(path, &dir, &["--version"], 0));
        let name = path.file_name().unwrap().to_string_lossy();
        println!("{name:<18} {:>6.2} ms", ms(startup));
    }
}
