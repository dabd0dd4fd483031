//! Support for the contract tests: the carried documentation, its examples, the published
//! OpenAPI document, and a walker that reads a payload through the document's schemas.

pub mod docs;
pub mod known_gaps;
pub mod spec;
pub mod strict30;
pub mod walk;

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package sits inside the workspace")
        .to_path_buf()
}

/// The fixtures folder of this package.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}
