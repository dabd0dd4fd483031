//! What each command does, on top of the client: its retries, streams and token hygiene.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::{Duration, Instant};

use futures_util::{FutureExt, TryStreamExt};
use gitlab_jobs_client::models::{
    Bridge, CancelJobRequest, Job, JobInputValue, JobOrBridge, JobScope, JobStatus,
    JobVariableAttributes, MAX_PER_PAGE, Manual, PlayJobRequest, ProjectId, RetryJobRequest,
};
use gitlab_jobs_client::{Call, CallError, CallErrorKind, Client};
use tokio::io::AsyncWriteExt;

use crate::args::{Command, JobArgs, ListArgs, Output, Polling};
use crate::exit;
use crate::fail::Failure;
use crate::lookup;
use crate::output::{Facts, Printer, Progress, color_stdout, duration};

/// What every command works with.
#[derive(Clone)]
pub struct Context {
    pub client: Client,
    pub project: ProjectId,
    pub output: Output,
    pub verbose: bool,
    /// The credentials are CI_JOB_TOKEN, which GitLab takes for job lists but not for a job.
    pub job_token: bool,
    /// The credentials, whose token a log printed is kept free of.
    pub auth: gitlab_jobs_client::Auth,
}

impl Context {
    fn printer(&self) -> Printer<BufWriter<io::StdoutLock<'static>>> {
        Printer::new(
            BufWriter::new(io::stdout().lock()),
            self.output,
            color_stdout(),
        )
    }

    /// Prints a job on its own, after `headline` in a table.
    pub fn show(&self, job: &Job, headline: Option<&str>) -> Result<u8, Failure> {
        print(self.printer().single(job, Facts::of_job(job), headline))
    }

    /// The job `args` names, said on stderr with `--verbose` when it was a name.
    async fn job(&self, args: &JobArgs) -> Result<lookup::Found, Failure> {
        let found = lookup::job(&self.client, &self.project, args).await?;
        if self.verbose && found.id.to_string() != args.job {
            let on = match (&args.r#ref, args.pipeline, lookup::ref_of(args)) {
                (None, None, Some(branch)) => {
                    format!(
                        " (on {:?}, the checkout's branch)",
                        crate::output::clean(&branch)
                    )
                }
                _ => String::new(),
            };
            eprintln!("gitlab-jobs: {:?} is job {}{on}", args.job, found.id);
        }
        Ok(found)
    }

    /// The ID of the job `args` names.
    pub async fn job_id(&self, args: &JobArgs) -> Result<i64, Failure> {
        Ok(self.job(args).await?.id)
    }
}

/// Runs `command`, and answers its exit code.
pub async fn run(context: &Context, command: Command) -> Result<u8, Failure> {
    match command {
        Command::List(args) => list(context, args).await,
        Command::Get(args) => {
            let job = read(context, context.job(&args).await?).await?;
            context.show(&job, None)
        }
        Command::Log {
            job,
            follow,
            polling,
        } => log(context, &job, follow, polling).await,
        Command::Cancel { job, force } => {
            let id = context.job_id(&job).await?;
            let body = CancelJobRequest {
                force: force.then_some(true),
            };
            let request = context.client.cancel_job().id(context.project.clone());
            let job = act(request.job_id(id).body(body).call(), id).await?;
            let headline = format!("asked GitLab to cancel job {id}");
            context.show(&job, Some(&headline))
        }
        Command::Retry { job, inputs } => {
            let id = context.job_id(&job).await?;
            let mut request = context
                .client
                .retry_job()
                .id(context.project.clone())
                .job_id(id);
            if !inputs.is_empty() {
                request = request.body(RetryJobRequest {
                    inputs: inputs
                        .into_iter()
                        .map(|(key, value)| (key, input_value(&value)))
                        .collect(),
                });
            }
            let job = act(request.call(), id).await?;
            let headline = format!("job {id} retried as job {}", job.id);
            context.show(&job, Some(&headline))
        }
        Command::Erase(job) => {
            let id = context.job_id(&job).await?;
            let request = context.client.erase_job().id(context.project.clone());
            let job = act(request.job_id(id).call(), id).await?;
            let headline = format!("job {id} erased: its log and artifacts are gone");
            context.show(&job, Some(&headline))
        }
        Command::Play { job, vars, inputs } => {
            let id = context.job_id(&job).await?;
            let body = PlayJobRequest {
                job_variables_attributes: vars
                    .into_iter()
                    .map(|(key, value)| JobVariableAttributes::new(key, value))
                    .collect(),
                job_inputs: inputs
                    .into_iter()
                    .map(|(key, value)| (key, input_value(&value)))
                    .collect::<BTreeMap<_, _>>(),
            };
            let request = context.client.play_job().id(context.project.clone());
            let played = act(request.job_id(id).body(body).call(), id).await?;
            let headline = format!("job {id} started");
            match &played {
                JobOrBridge::Job(job) => context.show(job, Some(&headline)),
                JobOrBridge::Bridge(bridge) => print(context.printer().single(
                    bridge,
                    Facts::of_bridge(bridge),
                    Some(&headline),
                )),
            }
        }
        Command::Wait {
            job,
            follow,
            timeout,
            polling,
        } => wait(context, &job, follow, timeout, polling).await,
        Command::Artifacts { .. } => unreachable!("main runs artifacts::run"),
        Command::Watch(_) => unreachable!("main runs watch::run"),
        Command::Verify(_) => unreachable!("main runs verify::run"),
        Command::Completions { .. } => unreachable!("answered before any configuration"),
    }
}

async fn list(context: &Context, args: ListArgs) -> Result<u8, Failure> {
    let scopes: Vec<JobScope> = args
        .scope
        .iter()
        .map(|scope| scope.as_str().into())
        .collect();
    // A person at a terminal sees the newest screenful at once, and is told how to see more.
    let limit = match (args.limit, args.all) {
        (Some(limit), _) => Some(limit),
        (None, false) if io::stdout().is_terminal() => Some(SCREENFUL),
        (None, _) => None,
    };
    let screenful = args.limit.is_none() && limit.is_some();
    // Without a name filter, a small limit needs only one small page; one more job tells
    // whether there are more.
    let per_page = match (limit, &args.name) {
        (Some(limit), None) => (limit as u64).saturating_add(1).clamp(1, MAX_PER_PAGE),
        _ => MAX_PER_PAGE,
    };
    // A pipeline's trigger jobs are few: they are read first, then placed among its jobs by
    // ID, newest first, as GitLab's pipeline page shows them.
    let mut bridges: std::collections::VecDeque<Bridge> = match args.pipeline {
        Some(pipeline) if !args.no_trigger_jobs && !context.job_token => context
            .client
            .pipeline_bridges(context.project.clone(), pipeline)
            .scope(scopes.clone())
            .stream()
            .try_collect()
            .await
            .map_err(|err| {
                Failure::call(
                    &format!("listing the trigger jobs of pipeline {pipeline}"),
                    err,
                )
            })?,
        _ => Default::default(),
    };
    let (mut jobs, what) = match args.pipeline {
        Some(pipeline) => (
            context
                .client
                .pipeline_jobs(context.project.clone(), pipeline)
                .scope(scopes)
                .per_page(per_page)
                .stream(),
            format!("listing the jobs of pipeline {pipeline}"),
        ),
        None => {
            let mut jobs = context
                .client
                .project_jobs(context.project.clone())
                .scope(scopes)
                .per_page(per_page);
            if let Some(r#ref) = &args.r#ref {
                jobs = jobs.ref_(r#ref);
            }
            (
                jobs.stream(),
                format!("listing the jobs of project {}", context.project),
            )
        }
    };
    let mut printer = context.printer();
    let mut progress = Progress::new();
    let (mut listed, mut printed, mut ended) = (0, 0, false);
    let limit = limit.unwrap_or(usize::MAX);
    let wanted = |name: &str| {
        args.name
            .as_ref()
            .is_none_or(|pattern| pattern.matches(name))
    };
    while printed < limit {
        // Rows in hand are written before waiting for more.
        let next = match jobs.try_next().now_or_never() {
            Some(next) => next,
            None => {
                if printer.holds_rows() {
                    progress.clear();
                }
                if let Stdout::Closed = written(printer.flush())? {
                    return Ok(exit::SUCCESS);
                }
                jobs.try_next().await
            }
        };
        let job = next.map_err(|err| {
            progress.clear();
            Failure::call(&what, err)
        })?;
        // The trigger jobs newer than this job (all that are left, after the last job).
        let newer = |bridge: &Bridge| job.as_ref().is_none_or(|job| bridge.id > job.id);
        while printed < limit
            && let Some(bridge) = bridges
                .front()
                .is_some_and(newer)
                .then(|| bridges.pop_front())
                .flatten()
        {
            if wanted(&bridge.name) {
                if let Stdout::Closed = written(printer.bridge(&bridge))? {
                    progress.clear();
                    return Ok(exit::SUCCESS);
                }
                printed += 1;
            }
        }
        let Some(job) = job else {
            ended = true;
            break;
        };
        listed += 1;
        progress.update(listed);
        if printed < limit && wanted(&job.name) {
            if let Stdout::Closed = written(printer.job(&job))? {
                progress.clear();
                return Ok(exit::SUCCESS);
            }
            printed += 1;
        }
    }
    progress.clear();
    if printed == 0 && context.output == Output::Table && io::stdout().is_terminal() {
        eprintln!("no jobs to show");
    }
    let outcome = print(printer.finish());
    // Whether more would have come: unless the list is seen to end here (the page in hand
    // holds one job more than the limit), a full screen says how to see more.
    let more =
        !bridges.is_empty() || !ended && !matches!(jobs.try_next().now_or_never(), Some(Ok(None)));
    if screenful && printed == limit && more {
        eprintln!("gitlab-jobs: the newest {limit}; --all lists every one, --limit N as many as N");
    }
    outcome
}

/// How many jobs `list` prints on a terminal unless told.
const SCREENFUL: usize = 30;

/// The job as GitLab sends it now. With CI_JOB_TOKEN, which GitLab takes for job lists but
/// not for a single job, it is read from its pipeline's list where the pipeline is known.
async fn read(context: &Context, job: lookup::Found) -> Result<Job, Failure> {
    let (id, pipeline) = match (context.job_token, job.pipeline) {
        (true, Some(pipeline)) => (job.id, pipeline),
        _ => {
            let request = context.client.get_job().id(context.project.clone());
            return act(request.job_id(job.id).call(), job.id).await;
        }
    };
    let mut jobs = context
        .client
        .pipeline_jobs(context.project.clone(), pipeline)
        .include_retried(true)
        .stream();
    let context_of = || format!("job {id}: listing pipeline {pipeline}");
    while let Some(listed) = jobs
        .try_next()
        .await
        .map_err(|err| Failure::call(&context_of(), err))?
    {
        if listed.id == id {
            return Ok(listed);
        }
    }
    Err(Failure::error(format!(
        "job {id} is not in pipeline {pipeline}"
    )))
}

async fn log(
    context: &Context,
    job: &JobArgs,
    follow: bool,
    polling: Polling,
) -> Result<u8, Failure> {
    let id = context.job_id(job).await?;
    // A job or a server may echo the token into the log: it is printed as [REDACTED].
    let mut out = context.auth.redacting(tokio::io::stdout());
    // A log is printed as long as it keeps coming: --request-timeout bounds its pauses, and
    // --call-timeout, meant for calls that answer at once, does not cut it off.
    let client = without_call_limit(&context.client);
    let outcome = if follow {
        client
            .follow_log(context.project.clone(), id)
            .poll_interval(polling.interval)
            .write_to(&mut out)
            .await
            .map(drop)
    } else {
        client
            .write_log(context.project.clone(), id, &mut out)
            .await
            .map(drop)
    };
    // What was held back in case it began the token goes out now.
    let ended = out.shutdown().await;
    match outcome {
        Ok(()) => match ended {
            Err(err) if !Failure::is_broken_pipe(&err) => {
                Err(Failure::error(format!("writing to stdout: {err}")))
            }
            _ => Ok(exit::SUCCESS),
        },
        Err(err) if is_closed_stdout(&err) => Ok(exit::SUCCESS),
        Err(err) => Err(Failure::call(&format!("job {id}"), err)),
    }
}

async fn wait(
    context: &Context,
    job: &JobArgs,
    follow: bool,
    timeout: Option<Duration>,
    polling: Polling,
) -> Result<u8, Failure> {
    // --timeout bounds the whole wait, the job's lookup and every call included: each ends by
    // then, whatever GitLab does.
    let (context, limit) = &within(context, timeout);
    let outcome = waited(context, job, follow, *limit, polling).await;
    let job = match outcome {
        Ok(job) => job,
        Err(Waited::Out(id, timeout, status)) => {
            return Err(not_stopped(&format!("job {id}"), timeout, status));
        }
        Err(Waited::Failed(failure)) => return Err(gave_up("waiting", *limit, failure)),
    };
    let id = job.id;
    let outcome = format!(
        "job {id} ({}) {}{}",
        crate::output::clean(&job.name),
        crate::output::clean(job.status.as_str()),
        job.failure_reason
            .as_ref()
            .map(|reason| format!(": {}", crate::output::clean(reason.as_str())))
            .unwrap_or_default()
    );
    if follow || context.output == Output::Table {
        // With --follow, stdout is the log's.
        let line = match job.duration {
            Some(seconds) => format!("{outcome} after {}", duration(seconds)),
            None => outcome,
        };
        if follow {
            eprintln!("{line}");
        } else {
            written(writeln!(io::stdout().lock(), "{line}"))?;
        }
    } else {
        context.show(&job, None)?;
    }
    Ok(exit::for_stopped(&job))
}

/// How a wait ended without its job stopping.
enum Waited {
    /// Its deadline came first: the job, the timeout, and its status when it was last read.
    Out(String, Duration, Option<JobStatus>),
    /// Something else went wrong, a call that gave up included.
    Failed(Failure),
}

impl From<Failure> for Waited {
    fn from(failure: Failure) -> Self {
        Waited::Failed(failure)
    }
}

/// Waits for the job `job` names to stop, following its log with `follow`, until `limit`'s
/// deadline, which comes its timeout after the wait began.
async fn waited(
    context: &Context,
    job: &JobArgs,
    follow: bool,
    limit: Option<(Instant, Duration)>,
    polling: Polling,
) -> Result<Job, Waited> {
    let found = context.job(job).await?;
    let id = found.id;
    if !follow {
        return poll_until_stopped(context, found, limit, polling).await;
    }
    let deadline = limit.map(|(deadline, _)| deadline);
    let mut follower = context
        .client
        .follow_log(context.project.clone(), id)
        .poll_interval(polling.interval);
    if let Some(deadline) = deadline {
        follower = follower.timeout(deadline.saturating_duration_since(Instant::now()));
    }
    let mut out = context.auth.redacting(tokio::io::stdout());
    let followed = follower.write_to(&mut out).await;
    let _ = out.shutdown().await;
    match followed {
        Ok(job) => Ok(job),
        Err(err) if deadline.is_some_and(|deadline| Instant::now() >= deadline) => {
            let status = match err.kind() {
                CallErrorKind::TimedOut { job_status, .. } => job_status.clone(),
                _ => None,
            };
            let timeout = limit.map_or(Duration::ZERO, |(_, timeout)| timeout);
            Err(Waited::Out(id.to_string(), timeout, status))
        }
        // Nobody reads the log any more; the wait goes on without it.
        Err(err) if is_closed_stdout(&err) => {
            poll_until_stopped(context, found, limit, polling).await
        }
        Err(err) => Err(Failure::call(&format!("job {id}"), err).into()),
    }
}

/// Polls the job until it stops, or `limit`'s deadline passes; a read that could not end by
/// the deadline is not started.
async fn poll_until_stopped(
    context: &Context,
    found: lookup::Found,
    limit: Option<(Instant, Duration)>,
    polling: Polling,
) -> Result<Job, Waited> {
    let deadline = limit.map(|(deadline, _)| deadline);
    loop {
        let job = read(context, found).await?;
        if job.has_stopped(Manual::Stops) {
            return Ok(job);
        }
        let pause = match deadline {
            Some(deadline) => polling
                .interval
                .min(deadline.saturating_duration_since(Instant::now())),
            None => polling.interval,
        };
        tokio::time::sleep(pause).await;
        if let Some((deadline, timeout)) = limit
            && Instant::now() >= deadline
        {
            return Err(Waited::Out(found.id.to_string(), timeout, Some(job.status)));
        }
    }
}

/// `context` with `timeout` over all it does from now: a client whose every call ends by the
/// deadline, which comes with the timeout.
pub fn within(
    context: &Context,
    timeout: Option<Duration>,
) -> (Context, Option<(Instant, Duration)>) {
    let limit = timeout.and_then(|timeout| {
        Instant::now()
            .checked_add(timeout)
            .map(|deadline| (deadline, timeout))
    });
    let context = match limit {
        Some((deadline, _)) => Context {
            client: without_call_limit(&context.client).with_deadline(deadline),
            ..context.clone()
        },
        None => context.clone(),
    };
    (context, limit)
}

/// `what` (`job 12`, `pipeline 48`) had not stopped within `timeout`: exit code 7, saying
/// where it was.
pub fn not_stopped(what: &str, timeout: Duration, status: Option<JobStatus>) -> Failure {
    let was = status
        .map(|status| format!(" (it was {})", crate::output::clean(status.as_str())))
        .unwrap_or_default();
    Failure {
        code: exit::TIMED_OUT,
        ..Failure::error(format!(
            "{what} had not stopped within {}{was}",
            humantime::format_duration(timeout)
        ))
    }
}

/// `failure`, and if a call gave up at `limit`'s deadline, said as `doing` (`waiting`) having
/// run out of its timeout.
pub fn gave_up(doing: &str, limit: Option<(Instant, Duration)>, failure: Failure) -> Failure {
    match limit {
        Some((_, timeout)) if failure.code == exit::TIMED_OUT => Failure {
            message: format!(
                "gave up {doing} after {}: {}",
                humantime::format_duration(timeout),
                failure.message
            ),
            ..failure
        },
        _ => failure,
    }
}

/// `client` without a whole-call time limit, for calls that last as long as a log does.
pub fn without_call_limit(client: &Client) -> Client {
    let mut timeouts = client.timeouts();
    timeouts.call = None;
    client.clone().with_timeouts(timeouts)
}

/// A call on job `id`, whose failure names the job.
async fn act<T>(
    call: impl Future<Output = Result<gitlab_jobs_client::ResponseValue<T>, CallError>>,
    id: i64,
) -> Result<T, Failure> {
    call.await
        .map(gitlab_jobs_client::ResponseValue::into_inner)
        .map_err(|err| Failure::call(&format!("job {id}"), err))
}

/// An input's value: JSON where it reads as a number, a boolean, an array or a quoted string,
/// text otherwise. `--input 'x="true"'` sends the string "true".
fn input_value(text: &str) -> JobInputValue {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Number(number)) => JobInputValue::Number(number),
        Ok(serde_json::Value::Bool(value)) => JobInputValue::Boolean(value),
        Ok(serde_json::Value::Array(values)) => JobInputValue::Array(values),
        Ok(serde_json::Value::String(text)) => JobInputValue::String(text),
        _ => JobInputValue::String(text.to_owned()),
    }
}

pub fn is_closed_stdout(err: &CallError) -> bool {
    matches!(err.kind(), CallErrorKind::Write(err) if Failure::is_broken_pipe(err))
}

/// Whether stdout still has a reader.
pub enum Stdout {
    Open,
    Closed,
}

/// What writing to stdout came to: a reader that went away (`gitlab-jobs list | head`) ends
/// the command quietly, as if it had finished.
pub fn written(outcome: io::Result<()>) -> Result<Stdout, Failure> {
    match outcome {
        Ok(()) => Ok(Stdout::Open),
        Err(err) if Failure::is_broken_pipe(&err) => Ok(Stdout::Closed),
        Err(err) => Err(Failure::error(format!("writing to stdout: {err}"))),
    }
}

pub fn print(outcome: io::Result<()>) -> Result<u8, Failure> {
    written(outcome).map(|_| exit::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_json_where_they_read_as_json() {
        assert_eq!(input_value("3"), JobInputValue::Number(3.into()));
        assert_eq!(input_value("true"), JobInputValue::Boolean(true));
        assert_eq!(
            input_value("[1, \"a\"]"),
            JobInputValue::Array(vec![1.into(), "a".into()])
        );
        assert_eq!(
            input_value("\"true\""),
            JobInputValue::String("true".into())
        );
        assert_eq!(
            input_value("staging"),
            JobInputValue::String("staging".into())
        );
        assert_eq!(
            input_value("{\"a\": 1}"),
            JobInputValue::String("{\"a\": 1}".into())
        );
        assert_eq!(input_value(""), JobInputValue::String(String::new()));
    }
}
