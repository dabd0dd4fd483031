//! `watch`: a pipeline's jobs as they change, until the pipeline stops. On a terminal the
//! jobs are redrawn in place; elsewhere each change is a line.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::time::Instant;

use futures_util::TryStreamExt;
use gitlab_jobs_client::models::{Bridge, Job, JobBasic, JobStatus, Manual};

use crate::args::{Output, WatchArgs};
use crate::checkout;
use crate::commands::{Context, Stdout, gave_up, not_stopped, within, written};
use crate::exit;
use crate::fail::Failure;
use crate::lookup;
use crate::output::{clean, color_stdout, duration, line, status_color, width};

/// Runs `watch`, and answers the exit code of the pipeline's outcome.
pub async fn run(context: &Context, args: WatchArgs) -> Result<u8, Failure> {
    // --timeout bounds the whole watch, as it does a wait: every call ends by then.
    let (context, limit) = &within(context, args.timeout);
    let limit = *limit;
    let id = pipeline_of(context, &args)
        .await
        .map_err(|failure| gave_up("watching", limit, failure))?;
    let bridges = !args.no_trigger_jobs && !context.job_token;
    let live = context.output == Output::Table
        && io::stdout().is_terminal()
        && std::env::var_os("TERM").is_none_or(|term| term != "dumb");
    let mut view = if live {
        View::Live(Live::default())
    } else {
        View::Changes(Changes::default())
    };
    let mut out = io::stdout().lock();
    loop {
        let pipeline = read(context, id, bridges)
            .await
            .map_err(|failure| gave_up("watching", limit, failure))?;
        let shown = match &mut view {
            View::Live(live) => live.show(&mut out, &pipeline, color_stdout()),
            View::Changes(changes) => changes.show(&mut out, &pipeline, context.output),
        };
        if let Stdout::Closed = written(shown)? {
            return Ok(exit::SUCCESS);
        }
        if let Some(code) = pipeline.outcome() {
            return Ok(code);
        }
        let pause = match limit {
            Some((deadline, _)) => args
                .polling
                .interval
                .min(deadline.saturating_duration_since(Instant::now())),
            None => args.polling.interval,
        };
        tokio::time::sleep(pause).await;
        if let Some((deadline, timeout)) = limit
            && Instant::now() >= deadline
        {
            return Err(not_stopped(
                &format!("pipeline {id}"),
                timeout,
                pipeline.status,
            ));
        }
    }
}

/// The pipeline to watch: `--pipeline`, or the newest of `--ref` or of the checkout's branch.
async fn pipeline_of(context: &Context, args: &WatchArgs) -> Result<i64, Failure> {
    if let Some(id) = args.pipeline {
        return Ok(id);
    }
    let (r#ref, from) = match &args.r#ref {
        Some(r#ref) => (r#ref.clone(), "--ref"),
        None => {
            let branch = std::env::current_dir()
                .ok()
                .and_then(|dir| checkout::branch(&dir));
            let Some(branch) = branch else {
                return Err(Failure::usage(
                    "no branch is checked out here to watch the newest pipeline of; name the \
                     pipeline (--pipeline ID) or its branch or tag (--ref NAME)",
                ));
            };
            (branch, "the checkout's branch")
        }
    };
    let id = lookup::newest_pipeline(&context.client, &context.project, &r#ref).await?;
    if context.verbose {
        eprintln!(
            "gitlab-jobs: pipeline {id} is the newest of {:?} (from {from})",
            clean(&r#ref)
        );
    }
    Ok(id)
}

/// One of a pipeline's jobs: what a person is shown, and what GitLab sent, for JSON.
struct Listed {
    basic: JobBasic,
    sent: Sent,
}

enum Sent {
    Job(Box<Job>),
    Bridge(Box<Bridge>),
}

/// A pipeline as one poll saw it.
struct Pipeline {
    id: i64,
    /// Its status and ref as its jobs carry them; none while it has no jobs.
    status: Option<JobStatus>,
    r#ref: Option<String>,
    /// Stage by stage, each stage where its first job is, and by ID within a stage.
    jobs: Vec<Listed>,
}

impl Pipeline {
    /// The exit code, once the pipeline has stopped: its status is final, or it is blocked
    /// on a manual job, or it has a status this version does not know and all its jobs have
    /// stopped.
    fn outcome(&self) -> Option<u8> {
        let status = self.status.as_ref()?;
        if status.is_terminal() || *status == JobStatus::Manual {
            return Some(exit::for_status(status));
        }
        let stopped = self
            .jobs
            .iter()
            .all(|job| job.basic.has_stopped(Manual::Stops));
        (!status.is_known() && stopped).then_some(exit::UNKNOWN_STATUS)
    }

    fn headline(&self, color: bool) -> String {
        let mut text = format!("pipeline {}", self.id);
        if let Some(r#ref) = &self.r#ref {
            write!(text, " ({})", clean(r#ref)).expect("a string");
        }
        match &self.status {
            Some(status) if color => write!(
                text,
                " \x1b[{}m{}\x1b[0m",
                status_color(status),
                clean(status.as_str())
            ),
            Some(status) => write!(text, " {}", clean(status.as_str())),
            None => write!(text, ": no jobs yet"),
        }
        .expect("a string");
        let finished = self
            .jobs
            .iter()
            .filter(|job| job.basic.status.is_terminal())
            .count();
        if !self.jobs.is_empty() {
            write!(text, ", {finished} of {} jobs finished", self.jobs.len()).expect("a string");
        }
        text
    }
}

/// The pipeline's jobs now, and its trigger jobs with `bridges`.
async fn read(context: &Context, id: i64, bridges: bool) -> Result<Pipeline, Failure> {
    let jobs: Vec<Job> = context
        .client
        .pipeline_jobs(context.project.clone(), id)
        .stream()
        .try_collect()
        .await
        .map_err(|err| Failure::call(&format!("listing the jobs of pipeline {id}"), err))?;
    let bridges: Vec<Bridge> = if bridges {
        context
            .client
            .pipeline_bridges(context.project.clone(), id)
            .stream()
            .try_collect()
            .await
            .map_err(|err| {
                Failure::call(&format!("listing the trigger jobs of pipeline {id}"), err)
            })?
    } else {
        Vec::new()
    };
    let mut jobs: Vec<Listed> = jobs
        .into_iter()
        .map(|job| Listed {
            basic: job.basic(),
            sent: Sent::Job(Box::new(job)),
        })
        .chain(bridges.into_iter().map(|bridge| Listed {
            basic: bridge.basic(),
            sent: Sent::Bridge(Box::new(bridge)),
        }))
        .collect();
    // GitLab's job entity has no stage index; a pipeline creates its jobs stage by stage, so
    // a stage's lowest job ID orders it.
    let mut stages: HashMap<String, i64> = HashMap::new();
    for job in &jobs {
        let first = stages
            .entry(job.basic.stage.clone())
            .or_insert(job.basic.id);
        *first = (*first).min(job.basic.id);
    }
    jobs.sort_by_key(|job| (stages[&job.basic.stage], job.basic.id));
    let pipeline = jobs.iter().find_map(|job| job.basic.pipeline.as_ref());
    Ok(Pipeline {
        id,
        status: pipeline.map(|pipeline| pipeline.status.clone()),
        r#ref: pipeline.map(|pipeline| pipeline.r#ref.clone()),
        jobs,
    })
}

enum View {
    Live(Live),
    Changes(Changes),
}

/// The jobs drawn on a terminal, and redrawn over the last drawing.
#[derive(Default)]
struct Live {
    /// Lines of the last drawing, to go back up over.
    drawn: usize,
    /// Notices said on stderr before the last drawing (a wait for a rate limit): those said
    /// since stand below it, and are gone over too.
    notices: usize,
}

impl Live {
    fn show(&mut self, out: &mut impl Write, pipeline: &Pipeline, color: bool) -> io::Result<()> {
        let size = terminal_size::terminal_size()
            .map(|(width, height)| (usize::from(width.0), usize::from(height.0)))
            .filter(|&(width, height)| width > 0 && height > 0);
        self.draw(out, &frame(pipeline, color, size), crate::output::notices())
    }

    /// Draws `lines` over the last drawing and the `notices` said since.
    fn draw(&mut self, out: &mut impl Write, lines: &[String], notices: usize) -> io::Result<()> {
        let mut text = String::new();
        let up = self.drawn + notices.saturating_sub(self.notices);
        self.notices = notices;
        if self.drawn > 0 && up > 0 {
            write!(text, "\r\x1b[{up}A\x1b[J").expect("a string");
        }
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        self.drawn = lines.len();
        out.write_all(text.as_bytes())?;
        out.flush()
    }
}

const HEADER: [&str; 6] = [
    "ID",
    "STATUS",
    "STAGE",
    "NAME",
    "DURATION",
    "FAILURE REASON",
];

/// The lines of a drawing, each within the terminal's `size` (columns, lines) where it is
/// known: a headline, and the jobs as a table. Where they do not all fit, the successful ones
/// are left out first, and a last line says how many are not shown.
fn frame(pipeline: &Pipeline, color: bool, size: Option<(usize, usize)>) -> Vec<String> {
    let (columns, lines) = size.unwrap_or((usize::MAX, usize::MAX));
    // The last line stays free for the cursor; the headline and the table's header are kept.
    let room = lines.saturating_sub(3).max(1);
    let mut shown: Vec<&Listed> = pipeline.jobs.iter().collect();
    let mut hidden = 0;
    if shown.len() > room {
        let mut excess = shown.len() - (room - 1).max(1);
        shown.retain(|job| {
            let leave_out = excess > 0 && job.basic.status == JobStatus::Success;
            if leave_out {
                excess -= 1;
                hidden += 1;
            }
            !leave_out
        });
        let fits = (room - 1).max(1);
        if shown.len() > fits {
            hidden += shown.len() - fits;
            shown.truncate(fits);
        }
    }
    let rows: Vec<([String; 6], &JobStatus)> = shown
        .iter()
        .map(|job| {
            let job = &job.basic;
            let row = [
                job.id.to_string(),
                clean(job.status.as_str()),
                clean(&job.stage),
                clean(&job.name),
                job.duration.map(duration).unwrap_or_default(),
                job.failure_reason
                    .as_ref()
                    .map(|reason| clean(reason.as_str()))
                    .unwrap_or_default(),
            ];
            (row, &job.status)
        })
        .collect();
    let mut widths = HEADER.map(width);
    for (row, _) in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(self::width(cell));
        }
    }
    let mut drawn = vec![pipeline.headline(color)];
    if !rows.is_empty() {
        drawn.push(line(&HEADER.map(str::to_owned), &widths, None, color));
    }
    for (row, status) in &rows {
        drawn.push(line(
            row,
            &widths,
            color.then(|| status_color(status)),
            false,
        ));
    }
    if hidden > 0 {
        drawn.push(format!(
            "{hidden} more not shown: a taller terminal shows them, and so does a pipe"
        ));
    }
    drawn
        .into_iter()
        .map(|line| fit(line.trim_end_matches('\n'), columns))
        .collect()
}

/// `text` cut to `columns` visible characters; escape sequences take none, and a cut one's
/// color is ended. The last column stays free, where some terminals wrap at once.
fn fit(text: &str, columns: usize) -> String {
    let room = columns.saturating_sub(1).max(1);
    let mut fitted = String::new();
    let (mut visible, mut escaped) = (0, false);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // `clean` leaves no escape in a server's text: these are the SGR sequences
            // drawn here, `ESC [ ... m`.
            fitted.push(c);
            for c in chars.by_ref() {
                fitted.push(c);
                if c == 'm' {
                    break;
                }
            }
            escaped = true;
            continue;
        }
        if visible == room {
            if escaped {
                fitted.push_str("\x1b[0m");
            }
            return fitted;
        }
        fitted.push(c);
        visible += 1;
    }
    fitted
}

/// The changes since the last poll, a line each: for scripts and logs.
#[derive(Default)]
struct Changes {
    jobs: HashMap<i64, JobStatus>,
    pipeline: Option<JobStatus>,
}

impl Changes {
    fn show(&mut self, out: &mut impl Write, pipeline: &Pipeline, form: Output) -> io::Result<()> {
        for job in &pipeline.jobs {
            let basic = &job.basic;
            if self.jobs.get(&basic.id) == Some(&basic.status) {
                continue;
            }
            self.jobs.insert(basic.id, basic.status.clone());
            if form == Output::Table {
                out.write_all(said(basic).as_bytes())?;
            } else {
                match &job.sent {
                    Sent::Job(job) => serde_json::to_writer(&mut *out, job)?,
                    Sent::Bridge(bridge) => serde_json::to_writer(&mut *out, bridge)?,
                }
                out.write_all(b"\n")?;
            }
        }
        if form == Output::Table && self.pipeline != pipeline.status {
            self.pipeline = pipeline.status.clone();
            writeln!(out, "{}", pipeline.headline(false))?;
        }
        out.flush()
    }
}

/// A job's status as a line: `job 12 (rspec 1/2, stage test) failed: script_failure after 1m
/// 02s`.
fn said(job: &JobBasic) -> String {
    let mut text = format!(
        "job {} ({}, stage {}) {}",
        job.id,
        clean(&job.name),
        clean(&job.stage),
        clean(job.status.as_str())
    );
    if let Some(reason) = job.failure_reason.as_ref() {
        write!(text, ": {}", clean(reason.as_str())).expect("a string");
    }
    if job.has_stopped(Manual::GoesOn)
        && let Some(seconds) = job.duration
    {
        write!(text, " after {}", duration(seconds)).expect("a string");
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_cut_to_the_terminal_and_its_color_ended() {
        assert_eq!(fit("abcdef", 4), "abc");
        assert_eq!(fit("abc", 80), "abc");
        assert_eq!(fit("ab\x1b[32mcdef\x1b[0m", 5), "ab\x1b[32mcd\x1b[0m");
        assert_eq!(fit("ab\x1b[32mc\x1b[0m", 80), "ab\x1b[32mc\x1b[0m");
        assert_eq!(fit("héllo wörld", 6), "héllo");
        assert_eq!(fit("abc", 0), "a");
    }

    fn pipeline(statuses: &[JobStatus], status: JobStatus) -> Pipeline {
        let example: Job = serde_json::from_str(include_str!(
            "../../gitlab-jobs-schema/src/examples/get_job.json"
        ))
        .unwrap();
        let jobs = statuses
            .iter()
            .enumerate()
            .map(|(index, job_status)| {
                let mut job = example.clone();
                job.id = index as i64 + 1;
                job.name = format!("job {index}");
                job.status = job_status.clone();
                if let Some(pipeline) = job.pipeline.as_mut() {
                    pipeline.status = status.clone();
                }
                Listed {
                    basic: job.basic(),
                    sent: Sent::Job(Box::new(job)),
                }
            })
            .collect();
        Pipeline {
            id: 7,
            status: Some(status),
            r#ref: Some("main".into()),
            jobs,
        }
    }

    /// A pipeline stops as GitLab's statuses say, blocked on a manual job included; one with
    /// a status this version does not know stops when its jobs have.
    #[test]
    fn a_pipeline_stops_when_its_status_says_so() {
        let done = [JobStatus::Success, JobStatus::Failed];
        for (status, outcome) in [
            (JobStatus::Success, Some(exit::SUCCESS)),
            (JobStatus::Failed, Some(exit::FAILED)),
            (JobStatus::Canceled, Some(exit::CANCELED)),
            (JobStatus::Skipped, Some(exit::SKIPPED)),
            (JobStatus::Manual, Some(exit::MANUAL)),
            (JobStatus::Running, None),
            (JobStatus::Scheduled, None),
            (JobStatus::Created, None),
            (
                JobStatus::from("sandbox_future"),
                Some(exit::UNKNOWN_STATUS),
            ),
        ] {
            assert_eq!(
                pipeline(&done, status.clone()).outcome(),
                outcome,
                "{status}"
            );
        }
        let going = [JobStatus::Success, JobStatus::Running];
        assert_eq!(
            pipeline(&going, JobStatus::from("sandbox_future")).outcome(),
            None
        );
        let none = Pipeline {
            status: None,
            ..pipeline(&[], JobStatus::Running)
        };
        assert_eq!(none.outcome(), None, "no jobs yet");
    }

    /// What does not fit the terminal leaves out successful jobs first, and says so.
    #[test]
    fn a_frame_fits_the_terminal() {
        let mut statuses = vec![JobStatus::Success; 10];
        statuses.push(JobStatus::Failed);
        statuses.push(JobStatus::Running);
        let pipeline = pipeline(&statuses, JobStatus::Running);
        let all = frame(&pipeline, false, None);
        assert_eq!(all.len(), 14, "{all:#?}");
        assert!(all[0].starts_with("pipeline 7 (main) running, 11 of 12 jobs finished"));
        let small = frame(&pipeline, false, Some((30, 8)));
        assert!(small.len() < 8, "{small:#?}");
        assert!(
            small.iter().all(|line| line.chars().count() < 30),
            "{small:#?}"
        );
        let text = small.join("\n");
        assert!(
            text.contains("failed") && text.contains("running"),
            "{text}"
        );
        assert!(
            small.last().unwrap().starts_with("8 more not shown"),
            "{text}"
        );
        let colored = frame(&pipeline, true, Some((30, 8)));
        assert!(colored.iter().any(|line| line.contains("\x1b[31mfailed")));
    }

    /// A redrawing goes up over the last drawing and over the notices said below it since.
    #[test]
    fn a_redrawing_goes_up_over_notices_too() {
        let lines = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let mut live = Live::default();
        let mut out = Vec::new();
        live.draw(&mut out, &lines, 5).unwrap();
        assert_eq!(out, b"a\nb\nc\n");
        out.clear();
        live.draw(&mut out, &lines, 5).unwrap();
        assert!(out.starts_with(b"\r\x1b[3A\x1b[J"), "{out:?}");
        out.clear();
        live.draw(&mut out, &lines, 7).unwrap();
        assert!(out.starts_with(b"\r\x1b[5A\x1b[J"), "two notices: {out:?}");
    }

    #[test]
    fn a_change_is_one_line() {
        let mut changes = Changes::default();
        let mut out = Vec::new();
        let first = pipeline(
            &[JobStatus::Success, JobStatus::Running],
            JobStatus::Running,
        );
        changes.show(&mut out, &first, Output::Table).unwrap();
        let again = pipeline(
            &[JobStatus::Success, JobStatus::Running],
            JobStatus::Running,
        );
        changes.show(&mut out, &again, Output::Table).unwrap();
        let last = pipeline(&[JobStatus::Success, JobStatus::Failed], JobStatus::Failed);
        changes.show(&mut out, &last, Output::Table).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("job 1 (job 0, stage "), "{text}");
        assert!(lines[1].contains(") running"), "{text}");
        assert_eq!(lines[2], "pipeline 7 (main) running, 1 of 2 jobs finished");
        assert!(
            lines[3].starts_with("job 2 ") && lines[3].contains("failed"),
            "{text}"
        );
        assert_eq!(lines[4], "pipeline 7 (main) failed, 2 of 2 jobs finished");
    }
}
