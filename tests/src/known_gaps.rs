//! Where GitLab's documentation and GitLab disagree, and why the contract follows GitLab.

/// A key a documented example shows that GitLab no longer sends. The models leave it out, so a
/// round trip drops it; any other unmodelled key fails the tests.
#[derive(Debug)]
pub struct GoneKey {
    pub schema: &'static str,
    pub key: &'static str,
    pub reason: &'static str,
}

const USER_SKYPE: &str = "removed from API::Entities::User when GitLab dropped the Skype \
    profile field; absent from GitLab's 19.5 OpenAPI document";
const DOWNLOAD_URL: &str = "no entity exposes it; only the erase example shows it";
const AGENTS_USER: &str = "the allowed-agents route builds `user` from id, username and \
    roles_in_project only; the documentation still shows the user entity";
const AGENTS_OLD: &str = "the allowed-agents route of GitLab 13.11 sent whole objects; newer \
    GitLab sends only the ID (version 000 of the documentation shows the old shape)";

pub const GONE_KEYS: &[GoneKey] = &[
    GoneKey {
        schema: "User",
        key: "skype",
        reason: USER_SKYPE,
    },
    GoneKey {
        schema: "Job",
        key: "download_url",
        reason: DOWNLOAD_URL,
    },
    GoneKey {
        schema: "AllowedAgentsUser",
        key: "name",
        reason: AGENTS_USER,
    },
    GoneKey {
        schema: "AllowedAgentsUser",
        key: "state",
        reason: AGENTS_USER,
    },
    GoneKey {
        schema: "AllowedAgentsUser",
        key: "avatar_url",
        reason: AGENTS_USER,
    },
    GoneKey {
        schema: "AllowedAgentsUser",
        key: "web_url",
        reason: AGENTS_USER,
    },
    GoneKey {
        schema: "AllowedAgentsJob",
        key: "name",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsJob",
        key: "stage",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsJob",
        key: "project_id",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsJob",
        key: "project_name",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsPipeline",
        key: "project_id",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsPipeline",
        key: "sha",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsPipeline",
        key: "ref",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsPipeline",
        key: "status",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsPipeline",
        key: "created_at",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsPipeline",
        key: "updated_at",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsPipeline",
        key: "web_url",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsProject",
        key: "description",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsProject",
        key: "name",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsProject",
        key: "name_with_namespace",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsProject",
        key: "path",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsProject",
        key: "path_with_namespace",
        reason: AGENTS_OLD,
    },
    GoneKey {
        schema: "AllowedAgentsProject",
        key: "created_at",
        reason: AGENTS_OLD,
    },
];

/// Whether `key` of an object read as `schema` is a key GitLab no longer sends.
pub fn is_gone(schema: Option<&str>, key: &str) -> bool {
    GONE_KEYS
        .iter()
        .any(|gone| Some(gone.schema) == schema && gone.key == key)
}

/// A key GitLab always sends, so the contract requires it, that the newest documentation's
/// examples leave out. GitLab's source wins; the examples are checked against the contract
/// with exactly these keys not required, and every entry must still be needed.
#[derive(Debug)]
pub struct OmittedKey {
    pub schema: &'static str,
    pub key: &'static str,
    pub reason: &'static str,
}

const JOB_ACTIONS: &str = "API::Entities::Ci::Job always exposes it; the documentation's \
    cancel, retry, erase and play examples leave it out";
const JOB_ALWAYS: &str = "API::Entities::Ci::Job always exposes it (`archived?`, the sorted \
    tag names, the expiry); some or all examples leave it out";
const COMMIT: &str = "API::Entities::Commit has fifteen keys; the examples show seven";
const PIPELINE: &str = "API::Entities::Ci::PipelineBasic has ten keys; the job examples show \
    five and the bridge example's downstream pipeline lacks project_id";
const USER: &str = "API::Entities::User exposes it for every user; the examples predate it";
const AGENTS: &str = "the allowed-agents route always sends it; the documentation's example \
    predates it";

pub const OMITTED_BY_NEWEST_DOCS: &[OmittedKey] = &[
    OmittedKey {
        schema: "Job",
        key: "pipeline",
        reason: JOB_ACTIONS,
    },
    OmittedKey {
        schema: "Job",
        key: "artifacts_expire_at",
        reason: JOB_ALWAYS,
    },
    OmittedKey {
        schema: "Job",
        key: "archived",
        reason: JOB_ALWAYS,
    },
    OmittedKey {
        schema: "Job",
        key: "tag_list",
        reason: JOB_ALWAYS,
    },
    OmittedKey {
        schema: "Commit",
        key: "parent_ids",
        reason: COMMIT,
    },
    OmittedKey {
        schema: "Commit",
        key: "authored_date",
        reason: COMMIT,
    },
    OmittedKey {
        schema: "Commit",
        key: "committer_name",
        reason: COMMIT,
    },
    OmittedKey {
        schema: "Commit",
        key: "committer_email",
        reason: COMMIT,
    },
    OmittedKey {
        schema: "Commit",
        key: "committed_date",
        reason: COMMIT,
    },
    OmittedKey {
        schema: "Commit",
        key: "trailers",
        reason: COMMIT,
    },
    OmittedKey {
        schema: "Commit",
        key: "extended_trailers",
        reason: COMMIT,
    },
    OmittedKey {
        schema: "Commit",
        key: "web_url",
        reason: COMMIT,
    },
    OmittedKey {
        schema: "PipelineBasic",
        key: "iid",
        reason: PIPELINE,
    },
    OmittedKey {
        schema: "PipelineBasic",
        key: "project_id",
        reason: PIPELINE,
    },
    OmittedKey {
        schema: "PipelineBasic",
        key: "source",
        reason: PIPELINE,
    },
    OmittedKey {
        schema: "PipelineBasic",
        key: "created_at",
        reason: PIPELINE,
    },
    OmittedKey {
        schema: "PipelineBasic",
        key: "updated_at",
        reason: PIPELINE,
    },
    OmittedKey {
        schema: "PipelineBasic",
        key: "web_url",
        reason: PIPELINE,
    },
    OmittedKey {
        schema: "User",
        key: "locked",
        reason: USER,
    },
    OmittedKey {
        schema: "User",
        key: "discord",
        reason: USER,
    },
    OmittedKey {
        schema: "User",
        key: "github",
        reason: USER,
    },
    OmittedKey {
        schema: "User",
        key: "job_title",
        reason: USER,
    },
    OmittedKey {
        schema: "User",
        key: "pronouns",
        reason: USER,
    },
    OmittedKey {
        schema: "User",
        key: "bot",
        reason: USER,
    },
    OmittedKey {
        schema: "User",
        key: "work_information",
        reason: USER,
    },
    OmittedKey {
        schema: "User",
        key: "local_time",
        reason: USER,
    },
    OmittedKey {
        schema: "AllowedAgent",
        key: "configuration",
        reason: AGENTS,
    },
    OmittedKey {
        schema: "AllowedAgentsUser",
        key: "roles_in_project",
        reason: AGENTS,
    },
];
