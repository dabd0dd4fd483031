//! Project tasks: `cargo xtask <task>`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod client;
mod downconvert;
mod generate;
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Gen { check } => generate::run(check),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
