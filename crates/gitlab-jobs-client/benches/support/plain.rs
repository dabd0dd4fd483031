//! The benchmark's baseline: a job with plain types, decoded beside the models to show what
//! the models' open enums and tri-states cost. Every struct refuses a key it does not have, and
//! a test of the client (`tests/client/bench_baseline.rs`) reads a job with every key of the
//! contract's `Job` into it: a key added to `Job` fails there until it is added here, so the
//! comparison never goes stale silently.

use serde::Deserialize;

/// A job with plain types: strings for enums and timestamps, no open enums, no tri-states.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainJob {
    id: i64,
    status: String,
    stage: String,
    name: String,
    r#ref: String,
    tag: bool,
    coverage: Option<f64>,
    allow_failure: bool,
    created_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
    erased_at: Option<String>,
    duration: Option<f64>,
    queued_duration: Option<f64>,
    user: Option<PlainUser>,
    commit: Option<PlainCommit>,
    pipeline: PlainPipeline,
    failure_reason: Option<String>,
    web_url: String,
    project: PlainProject,
    artifacts_file: Option<PlainFile>,
    artifacts: Vec<PlainArtifact>,
    runner: Option<PlainRunner>,
    runner_manager: Option<PlainRunnerManager>,
    artifacts_expire_at: Option<String>,
    archived: bool,
    tag_list: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainUser {
    id: i64,
    username: String,
    public_email: Option<String>,
    name: String,
    state: String,
    locked: bool,
    avatar_url: Option<String>,
    web_url: String,
    created_at: Option<String>,
    bio: Option<String>,
    location: Option<String>,
    linkedin: String,
    twitter: String,
    discord: String,
    website_url: String,
    github: String,
    job_title: String,
    pronouns: Option<String>,
    organization: Option<String>,
    bot: bool,
    work_information: Option<String>,
    local_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainCommit {
    id: String,
    short_id: String,
    created_at: String,
    parent_ids: Vec<String>,
    title: String,
    message: String,
    author_name: String,
    author_email: String,
    authored_date: String,
    committer_name: String,
    committer_email: String,
    committed_date: String,
    trailers: std::collections::BTreeMap<String, String>,
    extended_trailers: std::collections::BTreeMap<String, Vec<String>>,
    web_url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainPipeline {
    id: i64,
    iid: i64,
    project_id: i64,
    sha: String,
    r#ref: String,
    status: String,
    source: Option<String>,
    created_at: String,
    updated_at: String,
    web_url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainProject {
    ci_job_token_scope_enabled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainFile {
    filename: String,
    size: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainArtifact {
    file_type: String,
    size: i64,
    filename: String,
    file_format: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainRunner {
    id: i64,
    description: Option<String>,
    ip_address: Option<String>,
    active: bool,
    paused: bool,
    is_shared: bool,
    runner_type: String,
    name: Option<String>,
    online: bool,
    created_by: Option<serde_json::Value>,
    created_at: String,
    status: String,
    job_execution_status: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PlainRunnerManager {
    id: i64,
    system_id: String,
    version: Option<String>,
    revision: Option<String>,
    platform: Option<String>,
    architecture: Option<String>,
    created_at: Option<String>,
    contacted_at: Option<String>,
    ip_address: Option<String>,
    status: String,
    job_execution_status: String,
}
