//! The seeded data set: deterministic for a seed and a size.

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::{Duration, TimeZone, Utc};
use gitlab_jobs_schema::{
    ArtifactFileFormat, ArtifactFileType, EnvironmentTier, FailureReason, JobArtifact, JobStatus,
    PipelineSource, RunnerType, UserState,
};

use crate::artifacts::{Content, Entry, archive_len};
use crate::config::Config;
use crate::store::Log;
use crate::store::{
    Agent, Commit, Credential, Job, Kind, Pipeline, Project, Role, Runner, RunnerManager, Store,
    Time, TokenScope, User,
};

/// IDs of the seeded users.
pub mod users {
    pub const ROOT: i64 = 1;
    pub const MAINTAINER: i64 = 2;
    pub const DEVELOPER: i64 = 3;
    pub const REPORTER: i64 = 4;
    pub const GUEST: i64 = 5;
}

/// IDs of the seeded projects.
pub mod projects {
    /// `acme/platform/api`: private, namespaced, with the configured number of jobs.
    pub const API: i64 = 1;
    /// `acme/website`: public; downstream pipelines of the API's trigger jobs run here.
    pub const WEBSITE: i64 = 2;
    /// `devon/scratch`: private, Devon's own; the other users are not members.
    pub const SCRATCH: i64 = 3;
}

const TITLES: [&str; 6] = [
    "Add the job log follower",
    "Fix flaky keyset pagination spec",
    "Bump gitlab-runner to 16.11",
    "Refactor the artifact uploader",
    "Document the retry policy",
    "Speed up the rspec suite",
];
const FAILURES: [FailureReason; 5] = [
    FailureReason::ScriptFailure,
    FailureReason::RunnerSystemFailure,
    FailureReason::StuckOrTimeoutFailure,
    FailureReason::JobExecutionTimeout,
    FailureReason::ScriptFailure,
];

/// Builds in the API project's live pipeline.
const LIVE_BUILDS: usize = 8;

fn base_time() -> Time {
    Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0)
        .unwrap()
        .fixed_offset()
}

/// Builds the data set for `config`.
pub fn seed(config: &Config) -> Store {
    let mut seeder = Seeder {
        store: Store::default(),
        rng: fastrand::Rng::with_seed(config.seed),
        next_pipeline_id: 1,
        next_job_id: 1,
        iids: BTreeMap::new(),
    };
    seeder.people(config);
    seeder.projects();
    seeder.runners();
    // The live pipeline adds its builds to the API project's job list; history makes up the rest.
    seeder.api_history(config.jobs.saturating_sub(LIVE_BUILDS));
    seeder.website();
    seeder.scratch();
    if config.pipeline_jobs > 0 {
        seeder.big_pipeline(config.pipeline_jobs);
    }
    seeder.live_pipeline();
    seeder.store.agents.push(Agent {
        id: 1,
        config_project_id: projects::API,
        authorized_project_ids: vec![projects::API, projects::WEBSITE],
        configuration: serde_json::json!({"default_namespace": "production"})
            .as_object()
            .cloned()
            .expect("an object"),
    });
    if config.future_values {
        seeder.future_values();
    }
    if config.artifact_mib > 0 {
        seeder.large_artifact(config.artifact_mib << 20);
    }
    seeder.store.refresh_all_pipelines();
    seeder.store
}

/// The values `Config::future_values` serves, one of each open enum GitLab adds to most: none of
/// them is a value GitLab sends today, and each names itself as the sandbox's.
pub mod future {
    /// A job status, on the newest finished build of `acme/platform/api`.
    pub const STATUS: &str = "sandbox_future_status";
    /// A failure reason, on the newest failed build of `acme/platform/api`.
    pub const FAILURE_REASON: &str = "sandbox_future_failure_reason";
    /// An artifact file type, added to the newest build with artifacts.
    pub const FILE_TYPE: &str = "sandbox_future_report";
    /// A pipeline source, on the newest pipeline of `acme/platform/api`.
    pub const PIPELINE_SOURCE: &str = "sandbox_future_source";
    /// A runner type, of the project runner `api-docker-runner`.
    pub const RUNNER_TYPE: &str = "sandbox_future_runner_type";
}

struct Seeder {
    store: Store,
    rng: fastrand::Rng,
    next_pipeline_id: i64,
    next_job_id: i64,
    iids: BTreeMap<i64, i64>,
}

/// The entries of `job`'s artifacts archive, made from its ID, name and stage alone: a small
/// text file for every build, coverage and test reports for the `test` stage, and for one
/// build in fifty a binary of 1 to 8 MiB; the build [`Store::large_artifact`] names gets its
/// large file too.
pub fn archive_entries(store: &Store, job: &Job) -> Vec<Entry> {
    let slug = job.name.replace([' ', '/', ':'], "-");
    let mut entries = vec![
        Entry::directory("build"),
        Entry::file(
            format!("build/{slug}.txt"),
            Content::Text(Bytes::from(
                format!("job {} ({}) of stage {}\n", job.id, job.name, job.stage).repeat(40),
            )),
        ),
    ];
    if job.stage == "test" {
        entries.push(Entry::directory("coverage"));
        entries.push(Entry::file(
            "coverage/index.html",
            Content::Text(Bytes::from(format!(
                "<html><body><h1>Coverage of {}</h1></body></html>\n",
                job.name
            ))),
        ));
        entries.push(Entry::directory("coverage/reports"));
        entries.push(Entry::file(
            "coverage/reports/summary.json",
            Content::Text(Bytes::from(format!(
                "{{\"job\":{},\"lines\":{}}}\n",
                job.id,
                job.id % 1000
            ))),
        ));
        entries.push(Entry::file(
            "junit.xml",
            Content::Text(Bytes::from(format!(
                "<testsuite name=\"{}\" tests=\"8\" failures=\"0\"/>\n",
                job.name
            ))),
        ));
    }
    let mut binaries = Vec::new();
    if job.id % 50 == 0 {
        binaries.push((((job.id % 8 + 1) as u64) << 20, format!("dist/{slug}.bin")));
    }
    if let Some((id, len)) = store.large_artifact
        && id == job.id
    {
        binaries.push((len, "dist/large.bin".to_owned()));
    }
    if !binaries.is_empty() {
        entries.push(Entry::directory("dist"));
    }
    for (len, path) in binaries {
        entries.push(Entry::file(
            path,
            Content::Pattern {
                seed: job.id as u64,
                len,
            },
        ));
    }
    entries
}

impl Seeder {
    /// Gives the newest successful build of `acme/platform/api` with an archive a file of
    /// `len` bytes more in it.
    fn large_artifact(&mut self, len: u64) {
        let store = &mut self.store;
        let Some(id) = store
            .jobs
            .values()
            .rev()
            .find(|job| {
                job.project_id == projects::API
                    && job.is_build()
                    && job.status == JobStatus::Success
                    && job
                        .artifacts
                        .iter()
                        .any(|a| a.file_type == ArtifactFileType::Archive)
            })
            .map(|job| job.id)
        else {
            return;
        };
        store.large_artifact = Some((id, len));
        let size = archive_len(&archive_entries(store, &store.jobs[&id])) as i64;
        if let Some(archive) = store.jobs.get_mut(&id).and_then(|job| {
            job.artifacts
                .iter_mut()
                .find(|a| a.file_type == ArtifactFileType::Archive)
        }) {
            archive.size = size;
        }
    }

    /// Puts each of [`future`]'s values on a record of `acme/platform/api`.
    fn future_values(&mut self) {
        let store = &mut self.store;
        let newest = |store: &Store, wanted: &dyn Fn(&Job) -> bool| {
            store
                .jobs
                .values()
                .rev()
                .find(|job| job.project_id == projects::API && job.is_build() && wanted(job))
                .map(|job| job.id)
        };
        if let Some(id) = newest(store, &|job| job.status == JobStatus::Success) {
            store.jobs.get_mut(&id).expect("found").status = future::STATUS.into();
        }
        if let Some(id) = newest(store, &|job| job.status == JobStatus::Failed) {
            store.jobs.get_mut(&id).expect("found").failure_reason =
                Some(future::FAILURE_REASON.into());
        }
        if let Some(id) = newest(store, &|job| !job.artifacts.is_empty()) {
            store
                .jobs
                .get_mut(&id)
                .expect("found")
                .artifacts
                .push(JobArtifact {
                    file_type: future::FILE_TYPE.into(),
                    size: 2048,
                    filename: "report.json".into(),
                    file_format: ArtifactFileFormat::Raw,
                });
        }
        if let Some(pipeline) = store
            .pipelines
            .values_mut()
            .rev()
            .find(|pipeline| pipeline.project_id == projects::API)
        {
            pipeline.source = future::PIPELINE_SOURCE.into();
        }
        if let Some(runner) = store.runners.get_mut(&2) {
            runner.runner_type = future::RUNNER_TYPE.into();
        }
    }

    fn people(&mut self, config: &Config) {
        let people = [
            (users::ROOT, "root", "Administrator", true),
            (users::MAINTAINER, "maria", "Maria Maintainer", false),
            (users::DEVELOPER, "devon", "Devon Developer", false),
            (users::REPORTER, "rita", "Rita Reporter", false),
            (users::GUEST, "gus", "Gus Guest", false),
        ];
        for (id, username, name, admin) in people {
            self.store.users.insert(
                id,
                User {
                    id,
                    username: username.into(),
                    name: name.into(),
                    admin,
                    state: UserState::Active,
                    created_at: base_time() - Duration::days(400 - id),
                },
            );
        }
        let tokens = &config.tokens;
        for (token, user_id, scope) in [
            (&tokens.root, users::ROOT, TokenScope::Api),
            (&tokens.maintainer, users::MAINTAINER, TokenScope::Api),
            (&tokens.developer, users::DEVELOPER, TokenScope::Api),
            (&tokens.reporter, users::REPORTER, TokenScope::Api),
            (&tokens.guest, users::GUEST, TokenScope::Api),
            (&tokens.read_only, users::ROOT, TokenScope::ReadApi),
            (&tokens.oauth, users::ROOT, TokenScope::Api),
        ] {
            self.store
                .credentials
                .insert(token.clone(), Credential { user_id, scope });
        }
    }

    fn projects(&mut self) {
        let team = BTreeMap::from([
            (users::MAINTAINER, Role::Maintainer),
            (users::DEVELOPER, Role::Developer),
            (users::REPORTER, Role::Reporter),
            (users::GUEST, Role::Guest),
        ]);
        let mut website_team = team.clone();
        website_team.remove(&users::GUEST);
        let projects = [
            (
                projects::API,
                "API",
                "acme/platform/api",
                "Acme / Platform / API",
                false,
                team,
                vec![11, 10],
            ),
            (
                projects::WEBSITE,
                "Website",
                "acme/website",
                "Acme / Website",
                true,
                website_team,
                vec![10],
            ),
            (
                projects::SCRATCH,
                "Scratch",
                "devon/scratch",
                "Devon Developer / Scratch",
                false,
                BTreeMap::from([(users::DEVELOPER, Role::Owner)]),
                vec![],
            ),
        ];
        for (id, name, path_with_namespace, name_with_namespace, public, members, group_ids) in
            projects
        {
            self.store.projects.insert(
                id,
                Project {
                    id,
                    name: name.into(),
                    path: path_with_namespace.rsplit('/').next().unwrap().into(),
                    path_with_namespace: path_with_namespace.into(),
                    name_with_namespace: name_with_namespace.into(),
                    description: (id == projects::API).then(|| "The Acme API".into()),
                    created_at: base_time() - Duration::days(300 - id),
                    public,
                    members,
                    job_token_scope_enabled: id == projects::API,
                    group_ids,
                },
            );
        }
    }

    fn runners(&mut self) {
        let created = base_time() - Duration::days(200);
        self.store.runners.insert(
            1,
            Runner {
                id: 1,
                description: "shared-runner-1".into(),
                name: None,
                runner_type: RunnerType::InstanceType,
                paused: false,
                created_at: created,
                created_by: Some(users::ROOT),
            },
        );
        self.store.runners.insert(
            2,
            Runner {
                id: 2,
                description: "api-docker-runner".into(),
                name: Some("api-docker".into()),
                runner_type: RunnerType::ProjectType,
                paused: false,
                created_at: created + Duration::days(3),
                created_by: None,
            },
        );
        for (id, runner_id, system_id) in [
            (1, 1, "s_89e5e9956577"),
            (2, 1, "s_1f0e0c6a2b3d"),
            (3, 2, "r_a8b4e21c77f0"),
        ] {
            self.store.runner_managers.insert(
                id,
                RunnerManager {
                    id,
                    runner_id,
                    system_id: system_id.into(),
                    version: "16.11.1".into(),
                    revision: "535ced5f".into(),
                    platform: "linux".into(),
                    architecture: "amd64".into(),
                    ip_address: format!("10.0.0.{}", 10 + id),
                    created_at: created + Duration::days(id),
                    contacted_at: base_time() + Duration::days(30),
                },
            );
        }
    }

    fn commit(&mut self, project_id: i64, at: Time) -> String {
        let sha: String = (0..40)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.usize(..16)]))
            .collect();
        let title = TITLES[self.rng.usize(..TITLES.len())];
        let offset = chrono::FixedOffset::east_opt(2 * 3600).unwrap();
        self.store.commits.insert(
            sha.clone(),
            Commit {
                sha: sha.clone(),
                title: title.into(),
                message: format!(
                    "{title}\n\nSee the {} project's issue tracker.\n",
                    project_id
                ),
                author_name: "Devon Developer".into(),
                author_email: "devon@example.com".into(),
                created_at: (at - Duration::minutes(3)).with_timezone(&offset),
                parent_ids: vec![format!("{:040x}", self.rng.u64(..))[..40].to_owned()],
            },
        );
        sha
    }

    fn pipeline(&mut self, project_id: i64, r#ref: &str, at: Time, source: PipelineSource) -> i64 {
        let id = self.next_pipeline_id;
        self.next_pipeline_id += 1;
        let iid = self.iids.entry(project_id).or_insert(0);
        *iid += 1;
        let iid = *iid;
        let sha = self.commit(project_id, at);
        self.store.pipelines.insert(
            id,
            Pipeline {
                id,
                iid,
                project_id,
                sha,
                r#ref: r#ref.into(),
                tag: r#ref.starts_with('v'),
                status: JobStatus::Created,
                source,
                created_at: at,
                updated_at: at,
                // Most pipelines are Devon's, every third Maria's: a Developer may erase only
                // their own jobs.
                user_id: if id % 3 == 0 {
                    users::MAINTAINER
                } else {
                    users::DEVELOPER
                },
            },
        );
        id
    }

    /// A job of `pipeline_id` that is `status`; timestamps and artifacts follow from it.
    fn job(
        &mut self,
        pipeline_id: i64,
        name: &str,
        stage: &str,
        status: JobStatus,
        offset_minutes: i64,
    ) -> Job {
        let pipeline = &self.store.pipelines[&pipeline_id];
        let created = pipeline.created_at + Duration::minutes(offset_minutes);
        let queued = matches!(
            status,
            JobStatus::Pending
                | JobStatus::Running
                | JobStatus::Canceling
                | JobStatus::Success
                | JobStatus::Failed
                | JobStatus::Canceled
        );
        let started = matches!(
            status,
            JobStatus::Running | JobStatus::Canceling | JobStatus::Success | JobStatus::Failed
        );
        let finished = matches!(
            status,
            JobStatus::Success | JobStatus::Failed | JobStatus::Canceled | JobStatus::Skipped
        );
        let queue_ms = 200 + self.rng.i64(0..2_000);
        let run_ms = 5_000 + self.rng.i64(0..600_000);
        let started_at = started.then(|| created + Duration::milliseconds(queue_ms));
        let finished_at =
            finished.then(|| started_at.unwrap_or(created) + Duration::milliseconds(run_ms));
        let id = self.next_job_id;
        self.next_job_id += 1;
        let runner_manager_id = started.then(|| 1 + self.rng.i64(0..3));
        let runner_id =
            runner_manager_id.map(|manager| self.store.runner_managers[&manager].runner_id);
        let failure_reason = (status == JobStatus::Failed)
            .then(|| FAILURES[self.rng.usize(..FAILURES.len())].clone());
        let log = if started {
            Log::from(log_for(name, &status, failure_reason.as_ref()))
        } else {
            Log::default()
        };
        let mut artifacts = Vec::new();
        if status == JobStatus::Success {
            // The archive's size is its entries' (`archive_entries`), set once the job is
            // made; the draw stays, so that the rest of the seeded data is as it was.
            artifacts.push(artifact(
                ArtifactFileType::Archive,
                1_000 + self.rng.i64(0..5_000_000),
                "artifacts.zip",
                ArtifactFileFormat::Zip,
            ));
            artifacts.push(artifact(
                ArtifactFileType::Metadata,
                150 + self.rng.i64(0..300),
                "metadata.gz",
                ArtifactFileFormat::Gzip,
            ));
            if stage == "test" {
                artifacts.push(artifact(
                    ArtifactFileType::Junit,
                    700 + self.rng.i64(0..2_000),
                    "junit.xml.gz",
                    ArtifactFileFormat::Gzip,
                ));
            }
        }
        if started {
            artifacts.push(artifact(
                ArtifactFileType::Trace,
                log.len() as i64,
                "job.log",
                ArtifactFileFormat::Raw,
            ));
        }
        let project_id = pipeline.project_id;
        let mut job = Job {
            id,
            project_id,
            pipeline_id,
            kind: Kind::Build,
            name: name.into(),
            stage: stage.into(),
            status,
            coverage: (stage == "test" && finished)
                .then(|| f64::from(self.rng.u32(600..1000)) / 10.0),
            allow_failure: name == "lint:optional",
            created_at: created,
            queued_at: queued.then_some(created),
            started_at,
            finished_at,
            erased_at: None,
            user_id: Some(pipeline.user_id),
            failure_reason,
            artifacts_expire_at: (!artifacts.is_empty())
                .then(|| created + Duration::days(30 * 365)),
            artifacts,
            runner_id,
            runner_manager_id,
            tag_list: if name.starts_with("rspec") {
                vec!["docker".into(), "linux".into()]
            } else {
                vec!["docker".into()]
            },
            archived: false,
            retried: false,
            log,
            variables: Vec::new(),
            environment: (stage == "deploy")
                .then(|| (EnvironmentTier::Production, "production".to_owned())),
        };
        let size = archive_len(&archive_entries(&self.store, &job)) as i64;
        if let Some(archive) = job
            .artifacts
            .iter_mut()
            .find(|artifact| artifact.file_type == ArtifactFileType::Archive)
        {
            archive.size = size;
        }
        job
    }

    fn push(&mut self, job: Job) -> i64 {
        let id = job.id;
        self.store.insert_job(job);
        id
    }

    /// The API project's past: finished pipelines until it has `jobs` builds (trigger jobs,
    /// which the project job list leaves out, come on top).
    fn api_history(&mut self, jobs: usize) {
        let mut created = 0;
        let mut index = 0i64;
        while created < jobs {
            let at = base_time() + Duration::minutes(10 * index);
            let r#ref = if index % 7 == 6 { "v1.0.0" } else { "main" };
            let pipeline = self.pipeline(projects::API, r#ref, at, PipelineSource::Push);
            let roll = self.rng.u32(..100);
            let test_status = if roll < 15 {
                JobStatus::Failed
            } else {
                JobStatus::Success
            };
            let plan: Vec<(&str, &str, JobStatus)> = vec![
                ("compile", "build", JobStatus::Success),
                ("rspec 1/2", "test", test_status.clone()),
                ("rspec 2/2", "test", JobStatus::Success),
                (
                    "lint:optional",
                    "test",
                    if roll.is_multiple_of(5) {
                        JobStatus::Failed
                    } else {
                        JobStatus::Success
                    },
                ),
                (
                    "deploy:production",
                    "deploy",
                    if test_status == JobStatus::Failed {
                        JobStatus::Skipped
                    } else {
                        JobStatus::Manual
                    },
                ),
            ];
            for (offset, (name, stage, status)) in plan.into_iter().enumerate() {
                if created >= jobs {
                    break;
                }
                let mut job = self.job(pipeline, name, stage, status.clone(), offset as i64);
                // The oldest pipelines are archived: their jobs can no longer be retried,
                // played or erased.
                job.archived = index < 2;
                if status == JobStatus::Failed
                    && name.starts_with("rspec")
                    && roll.is_multiple_of(2)
                    && created + 1 < jobs
                {
                    // Retried: the failed job stays, marked retried, and a new one succeeded.
                    job.retried = true;
                    let stage_name = job.stage.clone();
                    self.push(job);
                    let retry = self.job(
                        pipeline,
                        name,
                        &stage_name,
                        JobStatus::Success,
                        offset as i64 + 5,
                    );
                    self.push(retry);
                    created += 2;
                } else {
                    self.push(job);
                    created += 1;
                }
            }
            if index % 5 == 4 && created < jobs {
                self.bridge(pipeline, created);
            }
            index += 1;
        }
    }

    /// A finished pipeline of `jobs` builds that all succeeded, in one stage.
    fn big_pipeline(&mut self, jobs: usize) {
        let at = base_time() + Duration::days(59);
        let pipeline = self.pipeline(projects::API, "main", at, PipelineSource::Push);
        for index in 0..jobs {
            let job = self.job(
                pipeline,
                &format!("shard {}/{jobs}", index + 1),
                "test",
                JobStatus::Success,
                0,
            );
            self.push(job);
        }
    }

    /// A trigger job of `pipeline_id` that started a pipeline in the website project.
    fn bridge(&mut self, pipeline_id: i64, salt: usize) {
        let at = self.store.pipelines[&pipeline_id].created_at + Duration::minutes(6);
        let downstream = self.pipeline(projects::WEBSITE, "main", at, PipelineSource::Pipeline);
        let website_job = self.job(downstream, "publish", "deploy", JobStatus::Success, 1);
        self.push(website_job);
        let mut bridge = self.job(
            pipeline_id,
            "trigger:website",
            "deploy",
            JobStatus::Success,
            6,
        );
        bridge.kind = Kind::Bridge {
            downstream_pipeline_id: Some(downstream),
        };
        bridge.artifacts.clear();
        bridge.artifacts_expire_at = None;
        bridge.runner_id = None;
        bridge.runner_manager_id = None;
        bridge.tag_list.clear();
        bridge.log = Log::default();
        bridge.coverage = None;
        bridge.environment = None;
        bridge.allow_failure = salt.is_multiple_of(2);
        self.push(bridge);
    }

    fn website(&mut self) {
        let at = base_time() + Duration::days(2);
        let pipeline = self.pipeline(projects::WEBSITE, "main", at, PipelineSource::Web);
        for (offset, (name, status)) in
            [("build", JobStatus::Success), ("links", JobStatus::Failed)]
                .into_iter()
                .enumerate()
        {
            let job = self.job(pipeline, name, "build", status, offset as i64);
            self.push(job);
        }
    }

    fn scratch(&mut self) {
        let at = base_time() + Duration::days(3);
        let pipeline = self.pipeline(projects::SCRATCH, "main", at, PipelineSource::Api);
        let job = self.job(pipeline, "experiment", "test", JobStatus::Success, 0);
        self.push(job);
    }

    /// The API project's newest pipeline, still going: running jobs (with job tokens), a job
    /// being canceled, pending, created, manual and scheduled jobs, and a manual trigger job.
    fn live_pipeline(&mut self) {
        let at = base_time() + Duration::days(60);
        let pipeline = self.pipeline(projects::API, "main", at, PipelineSource::Push);
        let plan = [
            ("compile", "build", JobStatus::Success),
            ("rspec 1/2", "test", JobStatus::Running),
            ("rspec 2/2", "test", JobStatus::Running),
            ("rubocop", "test", JobStatus::Canceling),
            ("audit", "test", JobStatus::Pending),
            ("package", "deploy", JobStatus::Created),
            ("deploy:staging", "deploy", JobStatus::Manual),
            ("cleanup", "deploy", JobStatus::Scheduled),
        ];
        for (offset, (name, stage, status)) in plan.into_iter().enumerate() {
            let job = self.job(pipeline, name, stage, status, offset as i64);
            self.push(job);
        }
        let mut bridge = self.job(pipeline, "trigger:website", "deploy", JobStatus::Manual, 9);
        bridge.kind = Kind::Bridge {
            downstream_pipeline_id: None,
        };
        bridge.tag_list.clear();
        bridge.environment = None;
        self.push(bridge);
    }
}

fn artifact(
    file_type: ArtifactFileType,
    size: i64,
    filename: &str,
    file_format: ArtifactFileFormat,
) -> JobArtifact {
    JobArtifact {
        file_type,
        size,
        filename: filename.into(),
        file_format,
    }
}

/// A log as a runner writes it: ANSI colors, section markers, the script's output.
fn log_for(name: &str, status: &JobStatus, failure: Option<&FailureReason>) -> Bytes {
    let mut log = String::new();
    log.push_str("\x1b[0KRunning with gitlab-runner 16.11.1 (535ced5f)\n");
    log.push_str("\x1b[0K  on shared-runner-1 s_89e5e995, system ID: s_89e5e9956577\n");
    log.push_str("section_start:1714550400:prepare_script\r\x1b[0K\x1b[0K\x1b[36;1mPreparing environment\x1b[0;m\n");
    log.push_str("section_end:1714550401:prepare_script\r\x1b[0K\n");
    log.push_str(&format!(
        "\x1b[32;1m$ ./ci/{}.sh\x1b[0;m\n",
        name.replace([' ', '/', ':'], "-")
    ));
    for line in 1..=8 {
        log.push_str(&format!("{name}: step {line} of 8 done\n"));
    }
    match (status, failure) {
        (JobStatus::Success, _) => log.push_str("\x1b[32;1mJob succeeded\x1b[0;m\n"),
        (JobStatus::Failed, Some(reason)) => {
            log.push_str(&format!("\x1b[31;1mERROR: Job failed: {reason}\x1b[0;m\n"));
        }
        _ => {}
    }
    Bytes::from(log)
}
