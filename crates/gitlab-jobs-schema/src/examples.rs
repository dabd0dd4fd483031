//! Examples for the schemas and operations of the contract.
//!
//! Each comes from a payload in GitLab's Jobs API documentation (`src/examples/*.json`), completed
//! with the keys GitLab's source always sends and the documentation leaves out, so that every
//! example validates against its own schema. The contract tests check that each operation's
//! example still contains the documented payload.

use serde_json::Value;

fn parse(file: &str, text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("src/examples/{file}: {err}"))
}

fn at(value: Value, pointer: &str) -> Value {
    value
        .pointer(pointer)
        .cloned()
        .unwrap_or_else(|| panic!("example has nothing at {pointer}"))
}

macro_rules! example_files {
    ($($name:ident),+ $(,)?) => {
        $(
            #[doc = concat!("The example in `src/examples/", stringify!($name), ".json`.")]
            pub fn $name() -> Value {
                parse(
                    concat!(stringify!($name), ".json"),
                    include_str!(concat!("examples/", stringify!($name), ".json")),
                )
            }
        )+

        /// The files in `src/examples/`, each read by the function of its name.
        #[cfg(test)]
        const FILES: &[&str] = &[$(concat!(stringify!($name), ".json")),+];
    };
}

example_files!(
    list_project_jobs,
    list_pipeline_jobs,
    list_pipeline_bridges,
    get_job_by_token,
    get_allowed_agents,
    get_job,
    cancel_job,
    retry_job,
    erase_job,
    play_job,
    play_job_request,
    runner,
    runner_manager,
    list_job_artifact_entries,
);

pub fn job() -> Value {
    get_job()
}
pub fn bridge() -> Value {
    at(list_pipeline_bridges(), "/0")
}
pub fn commit() -> Value {
    at(get_job(), "/commit")
}
pub fn pipeline_basic() -> Value {
    at(get_job(), "/pipeline")
}
pub fn user() -> Value {
    at(get_job(), "/user")
}
pub fn user_basic() -> Value {
    at(runner(), "/created_by")
}
pub fn job_project() -> Value {
    at(get_job(), "/project")
}
pub fn job_artifact() -> Value {
    at(list_project_jobs(), "/0/artifacts/0")
}
pub fn job_artifacts_file() -> Value {
    at(list_project_jobs(), "/0/artifacts_file")
}
pub fn artifact_entry() -> Value {
    at(list_job_artifact_entries(), "/0")
}
pub fn allowed_agent() -> Value {
    at(get_allowed_agents(), "/allowed_agents/0")
}
pub fn agent_config_project() -> Value {
    at(get_allowed_agents(), "/allowed_agents/0/config_project")
}
pub fn allowed_agents_job() -> Value {
    at(get_allowed_agents(), "/job")
}
pub fn allowed_agents_pipeline() -> Value {
    at(get_allowed_agents(), "/pipeline")
}
pub fn allowed_agents_project() -> Value {
    at(get_allowed_agents(), "/project")
}
pub fn allowed_agents_group() -> Value {
    at(get_allowed_agents(), "/project/groups/0")
}
pub fn allowed_agents_user() -> Value {
    at(get_allowed_agents(), "/user")
}
pub fn allowed_agents_environment() -> Value {
    at(get_allowed_agents(), "/environment")
}
pub fn job_variable_attributes() -> Value {
    at(play_job_request(), "/job_variables_attributes/0")
}
pub fn cancel_job_request() -> Value {
    serde_json::json!({ "force": true })
}
pub fn retry_job_request() -> Value {
    serde_json::json!({ "inputs": { "deploy_to": "production", "dry_run": false } })
}

#[cfg(test)]
mod tests {
    /// A new example file is read only once it is named in `example_files!`.
    #[test]
    fn every_example_file_is_read() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/src/examples");
        let mut found: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        found.sort();
        let mut listed: Vec<&str> = super::FILES.to_vec();
        listed.sort();
        assert_eq!(
            found, listed,
            "every file in src/examples/ needs its name in `example_files!` in \
             crates/gitlab-jobs-schema/src/examples.rs"
        );
    }
}
