//! Naming a job: by ID, or by name within a pipeline or on a ref, as people do in GitLab's UI.

use futures_util::{StreamExt, TryStreamExt};
use gitlab_jobs_client::Client;
use gitlab_jobs_client::models::{Job, ProjectId};

use crate::args::JobArgs;
use crate::fail::Failure;

/// A job named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub id: i64,
    /// Its pipeline, where the command line named it or the lookup went through it.
    pub pipeline: Option<i64>,
}

/// The job `args` names. A name is looked up among the jobs of `--pipeline`, or of the newest
/// pipeline on `--ref` that has a job of that name; in both, the latest attempt of each job
/// counts.
pub async fn job(client: &Client, project: &ProjectId, args: &JobArgs) -> Result<Found, Failure> {
    if !args.job.is_empty() && args.job.bytes().all(|byte| byte.is_ascii_digit()) {
        let id = args
            .job
            .parse()
            .map_err(|_| Failure::usage(format!("job ID {} is too large", args.job)))?;
        return Ok(Found {
            id,
            pipeline: args.pipeline,
        });
    }
    let name = Name::new(&args.job);
    let pipeline = match (args.pipeline, ref_of(args)) {
        (Some(pipeline), _) => pipeline,
        (None, Some(r#ref)) => newest_pipeline_with(client, project, &r#ref, &name).await?,
        (None, None) => {
            return Err(Failure::usage(format!(
                "{:?} is not a job ID; to look a job up by name, name its pipeline \
                 (--pipeline ID) or its branch or tag (--ref NAME), or run inside a checkout \
                 of a branch",
                args.job
            )));
        }
    };
    let jobs: Vec<Job> = client
        .pipeline_jobs(project.clone(), pipeline)
        .stream()
        .try_collect()
        .await
        .map_err(|err| Failure::call(&format!("listing pipeline {pipeline}"), err))?;
    let found = name.pick(&jobs);
    match found.as_slice() {
        [job] => Ok(Found {
            id: job.id,
            pipeline: Some(pipeline),
        }),
        [] => {
            let mut names: Vec<&str> = jobs.iter().map(|job| job.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let shown = names.len().min(10);
            let more = if names.len() > shown { ", ..." } else { "" };
            Err(Failure::error(format!(
                "no job named {:?} in pipeline {pipeline}; its jobs: {}{more}",
                args.job,
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names[..shown].join(", ")
                },
            )))
        }
        many => Err(Failure::error(format!(
            "{:?} names {} jobs in pipeline {pipeline}: {}; name one by its ID",
            args.job,
            many.len(),
            many.iter()
                .map(|job| format!("{} {:?} ({})", job.id, job.name, job.status))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The branch or tag a job's name is looked up on: `--ref`, or without `--pipeline` the branch
/// checked out where the command runs, as glab does.
pub fn ref_of(args: &JobArgs) -> Option<String> {
    if args.r#ref.is_some() || args.pipeline.is_some() {
        return args.r#ref.clone();
    }
    let dir = std::env::current_dir().ok()?;
    crate::checkout::branch(&dir)
}

/// The newest pipeline on `ref` with a job that `name` names.
async fn newest_pipeline_with(
    client: &Client,
    project: &ProjectId,
    r#ref: &str,
    name: &Name,
) -> Result<i64, Failure> {
    let mut pipelines = pipelines_on(client, project, r#ref, None);
    while let Some((job, pipeline)) = pipelines.try_next().await? {
        if name.matches(&job.name) {
            return Ok(pipeline);
        }
    }
    Err(Failure::error(format!(
        "no job named {:?} on {ref:?} in project {project}",
        name.text
    )))
}

/// The newest pipeline on `ref` that has jobs: the highest pipeline ID among the newest
/// hundred jobs of the ref. A job retried later in an older pipeline does not hide a newer
/// pipeline, whose jobs are among those hundred too.
pub async fn newest_pipeline(
    client: &Client,
    project: &ProjectId,
    r#ref: &str,
) -> Result<i64, Failure> {
    const LOOK_AT: usize = 100;
    let newest = pipelines_on(client, project, r#ref, Some(LOOK_AT as u64))
        .take(LOOK_AT)
        .try_fold(None, |newest, (_, pipeline)| async move {
            Ok(newest.max(Some(pipeline)))
        })
        .await?;
    newest.ok_or_else(|| {
        Failure::error(format!(
            "no pipeline with jobs on {ref:?} in project {project}"
        ))
    })
}

/// The project's jobs on `ref`, newest first, each with its pipeline (`per_page` at a time, or
/// GitLab's default). A job whose ref differs
/// is skipped, in case a server ignores the filter.
fn pipelines_on<'a>(
    client: &Client,
    project: &'a ProjectId,
    r#ref: &'a str,
    per_page: Option<u64>,
) -> impl futures_util::Stream<Item = Result<(Job, i64), Failure>> + Unpin + 'a {
    let mut jobs = client.project_jobs(project.clone()).ref_(r#ref);
    if let Some(per_page) = per_page {
        jobs = jobs.per_page(per_page);
    }
    jobs.stream()
        .map_err(move |err| Failure::call(&format!("listing the jobs of {ref}"), err))
        .try_filter_map(move |job| {
            let pipeline = job.pipeline.as_ref().map(|pipeline| pipeline.id);
            let on_ref = job.r#ref == r#ref;
            futures_util::future::ready(Ok(pipeline
                .filter(|_| on_ref)
                .map(|pipeline| (job, pipeline))))
        })
}

/// A job's name as given: the exact name, or else a pattern (`rspec*`). Names such as
/// `rspec: [3.2, pg]` hold pattern characters, so an exact match is tried first.
struct Name {
    text: String,
    pattern: Option<glob::Pattern>,
}

impl Name {
    fn new(text: &str) -> Self {
        Name {
            text: text.to_owned(),
            pattern: glob::Pattern::new(text).ok(),
        }
    }

    fn matches(&self, name: &str) -> bool {
        name == self.text
            || self
                .pattern
                .as_ref()
                .is_some_and(|pattern| pattern.matches(name))
    }

    /// The jobs named exactly so, or else those the pattern matches.
    fn pick<'a>(&self, jobs: &'a [Job]) -> Vec<&'a Job> {
        let exact: Vec<&Job> = jobs.iter().filter(|job| job.name == self.text).collect();
        if !exact.is_empty() {
            return exact;
        }
        jobs.iter()
            .filter(|job| {
                self.pattern
                    .as_ref()
                    .is_some_and(|pattern| pattern.matches(&job.name))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(names: &[&str]) -> Vec<Job> {
        names
            .iter()
            .enumerate()
            .map(|(id, name)| {
                let mut job: Job = serde_json::from_str(include_str!(
                    "../../gitlab-jobs-schema/src/examples/get_job.json"
                ))
                .unwrap();
                job.id = id as i64;
                job.name = (*name).into();
                job
            })
            .collect()
    }

    fn picked(name: &str, among: &[&str]) -> Vec<i64> {
        let jobs = jobs(among);
        Name::new(name)
            .pick(&jobs)
            .iter()
            .map(|job| job.id)
            .collect()
    }

    #[test]
    fn exact_names_come_before_patterns() {
        let names = [
            "rspec 1/2",
            "rspec 2/2",
            "rspec: [3.2, pg]",
            "rspec",
            "lint",
        ];
        assert_eq!(picked("rspec", &names), [3]);
        assert_eq!(picked("rspec: [3.2, pg]", &names), [2]);
        assert_eq!(picked("rspec *", &names), [0, 1]);
        assert_eq!(picked("rspec*", &names), [0, 1, 2, 3]);
        assert_eq!(picked("deploy", &names), Vec::<i64>::new());
        // Not a valid pattern: only the exact name.
        assert_eq!(picked("[", &["[", "a"]), [0]);
    }
}
