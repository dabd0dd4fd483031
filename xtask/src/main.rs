//! Project tasks: `cargo xtask <task>`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod client;
mod compat;
mod docs;
mod downconvert;
mod generate;
mod workspace;
mod yaml;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Tasks of the gitlab-jobs workspace")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Generate openapi/openapi.yaml (OpenAPI 3.1), its 3.0.3 rendition and the per-model JSON
    /// Schemas from the schema crate.
    Gen {
        /// Write nothing; print a diff of every stale file and exit with 2 if there is one.
        #[arg(long)]
        check: bool,
    },
    /// Compare the contract generated from the working tree with the blessed one at a
    /// revision, and judge the change against openapi/CHANGELOG.md and the contract's version.
    ///
    /// Exit codes: 0 compatible, 3 incompatible (raise the major), 4 needs review, 1 could not
    /// run.
    Compat {
        /// The revision whose committed contract is blessed; by default the merge base with
        /// main, or on main the newest tag contract-v*.
        #[arg(long)]
        against: Option<String>,
    },
    /// Run the client's benchmarks and a consumer's cold build against one on the `gitlab`
    /// crate, and write the table, with the machine, into README.md; needs crates.io, and
    /// takes some minutes.
    Bench,
    /// Write one self-contained HTML reference of the contract (Redoc's standalone bundle and
    /// the contract, inlined) to target/openapi-docs/reference.html (in CARGO_TARGET_DIR when
    /// set); needs npm, and fetches the pinned Redoc under target/ on first use.
    Docs {
        /// Where to write the page instead.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Gen { check } => generate::run(check),
        Task::Compat { against } => compat::run(against),
        Task::Docs { out } => docs::run(out).map(|()| ExitCode::SUCCESS),
        Task::Bench => bench::run(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
