//! Where the workspace and the files `cargo xtask` reads and writes are.

use std::path::{Path, PathBuf};

/// The 3.1 document: the contract other teams consume.
pub const SPEC_31: &str = "openapi/openapi.yaml";
/// The 3.0.3 rendition, for progenitor and other 3.0-only tools.
pub const SPEC_30: &str = "openapi/openapi-3.0.yaml";
/// The folder of the per-model JSON Schemas.
pub const SCHEMAS_DIR: &str = "openapi/schemas";
/// The generated client, beside the hand-written code of `gitlab-jobs-client`.
pub const CLIENT: &str = "crates/gitlab-jobs-client/src/generated.rs";
/// The generated httpmock helpers of `gitlab-jobs-mock`.
pub const MOCK: &str = "crates/gitlab-jobs-mock/src/generated.rs";

/// The workspace root, one level above this crate.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// Cargo's target folder: `CARGO_TARGET_DIR` when it is set (relative to the current folder,
/// as Cargo reads it), else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            std::path::absolute(&dir).unwrap_or_else(|_| PathBuf::from(dir))
        }
        _ => workspace_root().join("target"),
    }
}
