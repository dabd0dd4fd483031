//! What the commands print: tables and summaries for people, the API's JSON for scripts, and a
//! progress line on a terminal.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use gitlab_jobs_client::models::{Bridge, Job, JobBasic, JobStatus};
use serde::Serialize;

use crate::args::Output;

/// Where jobs go, in the chosen form. JSON and NDJSON are written job by job. A table's rows
/// are held until [`Printer::flush`], which a list calls whenever it would wait for GitLab: the
/// columns fit the rows in hand, and widen for later rows that need it.
pub struct Printer<W: Write> {
    out: W,
    form: Output,
    color: bool,
    rows: Vec<([String; 7], JobStatus)>,
    /// The columns' widths so far, once the header is written.
    widths: Option<[usize; 7]>,
    printed: usize,
}

const HEADER: [&str; 7] = [
    "ID",
    "STATUS",
    "STAGE",
    "NAME",
    "REF",
    "DURATION",
    "FAILURE REASON",
];

impl<W: Write> Printer<W> {
    pub fn new(out: W, form: Output, color: bool) -> Self {
        Printer {
            out,
            form,
            color,
            rows: Vec::new(),
            widths: None,
            printed: 0,
        }
    }

    /// Adds a job to a list.
    pub fn job(&mut self, job: &Job) -> io::Result<()> {
        self.item(job, Facts::of_job(job))
    }

    /// Adds a trigger job to a list: a row like a job's, or the API's JSON of a bridge.
    pub fn bridge(&mut self, bridge: &Bridge) -> io::Result<()> {
        self.item(bridge, Facts::of_bridge(bridge))
    }

    fn item<T: Serialize>(&mut self, job: &T, facts: Facts) -> io::Result<()> {
        match self.form {
            Output::Table => {
                let status = facts.basic.status.clone();
                self.rows.push((row(&facts), status));
            }
            Output::Json => {
                self.out
                    .write_all(if self.printed == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, job)?;
            }
            Output::Ndjson => {
                serde_json::to_writer(&mut self.out, job)?;
                self.out.write_all(b"\n")?;
            }
        }
        self.printed += 1;
        Ok(())
    }

    /// Whether table rows are held, to be written by [`Printer::flush`].
    pub fn holds_rows(&self) -> bool {
        !self.rows.is_empty()
    }

    /// Writes what is held: a table's rows, under its header the first time.
    pub fn flush(&mut self) -> io::Result<()> {
        if self.form == Output::Table && !self.rows.is_empty() {
            let first = self.widths.is_none();
            let mut widths = self.widths.unwrap_or(HEADER.map(width));
            for (row, _) in &self.rows {
                for (width, cell) in widths.iter_mut().zip(row) {
                    *width = (*width).max(self::width(cell));
                }
            }
            self.widths = Some(widths);
            if first {
                let header = HEADER.map(str::to_owned);
                self.out
                    .write_all(line(&header, &widths, None, self.color).as_bytes())?;
            }
            for (row, status) in self.rows.drain(..) {
                let color = self.color.then(|| status_color(&status));
                self.out
                    .write_all(line(&row, &widths, color, false).as_bytes())?;
            }
        }
        self.out.flush()
    }

    /// Ends a list: writes the rest of the table, or closes the JSON array.
    pub fn finish(mut self) -> io::Result<()> {
        match self.form {
            Output::Json if self.printed == 0 => self.out.write_all(b"[]\n")?,
            Output::Json => self.out.write_all(b"\n]\n")?,
            Output::Table | Output::Ndjson => {}
        }
        self.flush()
    }

    /// Writes one job on its own: what `get` and the actions print. `job` is a job or a
    /// trigger job, as the API sent it, and `facts` what a person is shown of it.
    pub fn single<T: Serialize>(
        mut self,
        job: &T,
        facts: Facts,
        headline: Option<&str>,
    ) -> io::Result<()> {
        match self.form {
            Output::Table => {
                let mut text = String::new();
                if let Some(headline) = headline {
                    text.push_str(&clean(headline));
                    text.push('\n');
                }
                text.push_str(&summary(&facts, self.color));
                self.out.write_all(text.as_bytes())?;
            }
            Output::Json => {
                serde_json::to_writer_pretty(&mut self.out, job)?;
                self.out.write_all(b"\n")?;
            }
            Output::Ndjson => {
                serde_json::to_writer(&mut self.out, job)?;
                self.out.write_all(b"\n")?;
            }
        }
        self.out.flush()
    }
}

fn row(facts: &Facts) -> [String; 7] {
    let job = &facts.basic;
    [
        job.id.to_string(),
        clean(job.status.as_str()),
        clean(&job.stage),
        clean(&job.name),
        clean(&job.r#ref),
        job.duration.map(duration).unwrap_or_default(),
        job.failure_reason
            .as_ref()
            .map(|reason| clean(reason.as_str()))
            .unwrap_or_default(),
    ]
}

/// What a person is shown of a job or a trigger job: the keys the two share, and the
/// pipeline a trigger job started.
pub struct Facts {
    basic: JobBasic,
    downstream_pipeline: Option<i64>,
}

impl Facts {
    pub fn of_job(job: &Job) -> Facts {
        Facts {
            basic: job.basic(),
            downstream_pipeline: None,
        }
    }

    pub fn of_bridge(bridge: &Bridge) -> Facts {
        Facts {
            basic: bridge.basic(),
            downstream_pipeline: bridge
                .downstream_pipeline
                .as_ref()
                .map(|pipeline| pipeline.id),
        }
    }
}

/// One table line, its status in the second column; the last column is not padded. Only the
/// status cell is colored.
pub fn line(cells: &[String], widths: &[usize], status: Option<&str>, bold: bool) -> String {
    let mut text = String::new();
    for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if index > 0 {
            text.push_str("  ");
        }
        let padding = if index + 1 == cells.len() {
            0
        } else {
            width - self::width(cell)
        };
        match (index, status) {
            (1, Some(color)) => write!(text, "\x1b[{color}m{cell}\x1b[0m").expect("a string"),
            _ if bold => write!(text, "\x1b[1m{cell}\x1b[0m").expect("a string"),
            _ => text.push_str(cell),
        }
        text.extend(std::iter::repeat_n(' ', padding));
    }
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    text.push('\n');
    text
}

/// The SGR color of a status, as GitLab's UI colors it.
pub fn status_color(status: &JobStatus) -> &'static str {
    match status {
        JobStatus::Success => "32",
        JobStatus::Failed => "31",
        JobStatus::Running | JobStatus::Canceling => "34",
        JobStatus::Pending | JobStatus::Preparing | JobStatus::WaitingForResource => "33",
        JobStatus::Canceled | JobStatus::Skipped => "2",
        _ => "0",
    }
}

/// A job for a person: the table's facts, one per line, with the times and the link.
fn summary(facts: &Facts, color: bool) -> String {
    let job = &facts.basic;
    let mut fields: Vec<(&str, String)> = vec![
        ("job", job.id.to_string()),
        ("name", clean(&job.name)),
        ("status", clean(job.status.as_str())),
        ("stage", clean(&job.stage)),
        ("ref", clean(&job.r#ref)),
    ];
    if let Some(pipeline) = job.pipeline.as_ref() {
        fields.push(("pipeline", pipeline.id.to_string()));
    }
    if let Some(pipeline) = facts.downstream_pipeline {
        fields.push(("downstream pipeline", pipeline.to_string()));
    }
    if let Some(reason) = job.failure_reason.as_ref() {
        fields.push(("failure reason", clean(reason.as_str())));
    }
    if job.allow_failure {
        fields.push(("allowed to fail", "yes".into()));
    }
    fields.push(("created", job.created_at.to_string()));
    if let Some(started) = &job.started_at {
        fields.push(("started", started.to_string()));
    }
    if let Some(finished) = &job.finished_at {
        fields.push(("finished", finished.to_string()));
    }
    if let Some(seconds) = job.duration {
        fields.push(("duration", duration(seconds)));
    }
    if let Some(user) = &job.user {
        fields.push(("user", clean(&user.username)));
    }
    fields.push(("web", clean(&job.web_url)));
    let width = fields.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for (name, value) in fields {
        let value = match (name, color) {
            ("status", true) => format!("\x1b[{}m{value}\x1b[0m", status_color(&job.status)),
            _ => value,
        };
        writeln!(text, "{name:width$}  {value}").expect("a string");
    }
    text
}

/// Seconds as a person reads them: `42s`, `3m 07s`, `1h 02m`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return String::new();
    }
    let seconds = seconds.round() as u64;
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m {:02}s", seconds / 60, seconds % 60),
        3600..172_800 => format!("{}h {:02}m", seconds / 3600, seconds % 3600 / 60),
        _ => format!("{}d {:02}h", seconds / 86_400, seconds % 86_400 / 3600),
    }
}

/// A server's text made safe for a terminal: control characters, escape sequences included,
/// are shown escaped instead of acting on the terminal.
pub fn clean(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Columns a cell takes; every character counts as one, which holds for the names and refs
/// GitLab allows in all but East Asian wide scripts.
pub fn width(text: &str) -> usize {
    text.chars().count()
}

/// Whether to color what goes to stdout: a terminal, and neither NO_COLOR nor TERM=dumb.
pub fn color_stdout() -> bool {
    io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
}

/// Says on stderr that a call waits before trying again: on a terminal whenever GitLab's rate
/// limit asked for the wait, which would otherwise look like a hang, and with `--verbose` for
/// every retry. On a terminal it first clears a progress line.
pub fn say_retry(wait: &gitlab_jobs_client::RetryWait, verbose: bool) {
    let throttled = wait.status.is_some_and(|status| status.as_u16() == 429);
    let terminal = io::stderr().is_terminal();
    if !(verbose || throttled && terminal) {
        return;
    }
    let why = match wait.status {
        Some(status) if status.as_u16() == 429 => "GitLab's rate limit (429)".to_owned(),
        Some(status) => status.to_string(),
        None => "no answer".to_owned(),
    };
    let again = format!(
        "gitlab-jobs: {why}: trying {} again in {}",
        wait.operation,
        rounded(wait.wait)
    );
    let clear = if terminal { "\r\x1b[2K" } else { "" };
    let _ = writeln!(io::stderr(), "{clear}{again}");
    NOTICES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Lines said on stderr by [`say_retry`] so far: a drawing redrawn in place (`watch`) goes up
/// over them too.
static NOTICES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many lines [`say_retry`] has said.
pub fn notices() -> usize {
    NOTICES.load(std::sync::atomic::Ordering::Relaxed)
}

/// A wait as a person reads it: whole seconds from a second on, else milliseconds.
fn rounded(wait: Duration) -> String {
    if wait >= Duration::from_secs(1) {
        let seconds = Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_millis() >= 500));
        humantime::format_duration(seconds).to_string()
    } else {
        format!("{}ms", wait.as_millis())
    }
}

/// A progress line, redrawn in place on stderr, only when stderr is a terminal: the count of a
/// listing long enough to wonder about, or a download's bytes.
pub struct Progress {
    shown: bool,
    enabled: bool,
    started: Instant,
    drawn: Instant,
    /// How long before the line first shows.
    after: Duration,
    /// How long at least between two drawings.
    every: Duration,
}

impl Progress {
    /// A listing's: after 250 ms, redrawn every 100 ms.
    pub fn new() -> Self {
        Self::drawn(true, Duration::from_millis(250), Duration::from_millis(100))
    }

    /// A download's: at once, redrawn every 200 ms; none when `enabled` is false (the bytes
    /// go to the terminal themselves).
    pub fn of_download(enabled: bool) -> Self {
        Self::drawn(enabled, Duration::ZERO, Duration::from_millis(200))
    }

    fn drawn(enabled: bool, after: Duration, every: Duration) -> Self {
        let now = Instant::now();
        Progress {
            shown: false,
            enabled: enabled && io::stderr().is_terminal(),
            started: now,
            drawn: now,
            after,
            every,
        }
    }

    /// Shows the count of jobs listed so far.
    pub fn update(&mut self, listed: usize) {
        self.draw(|_| format!("listing jobs: {listed}"));
    }

    /// Draws the line `line` makes of the time since the start, when it is due.
    pub fn draw(&mut self, line: impl FnOnce(Duration) -> String) {
        if !self.enabled || self.started.elapsed() < self.after {
            return;
        }
        if self.shown && self.drawn.elapsed() < self.every {
            return;
        }
        // A progress line that cannot be drawn is no reason to stop the work.
        let _ = write!(io::stderr(), "\r\x1b[2K{}", line(self.started.elapsed()));
        self.shown = true;
        self.drawn = Instant::now();
    }

    /// Erases the progress line, if it was drawn.
    pub fn clear(&mut self) {
        if self.shown {
            let _ = write!(io::stderr(), "\r\x1b[2K");
            self.shown = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        serde_json::from_str(include_str!(
            "../../gitlab-jobs-schema/src/examples/get_job.json"
        ))
        .unwrap()
    }

    #[test]
    fn durations_read_like_gitlabs() {
        assert_eq!(duration(0.4), "0s");
        assert_eq!(duration(42.0), "42s");
        assert_eq!(duration(187.2), "3m 07s");
        assert_eq!(duration(3720.0), "1h 02m");
        assert_eq!(duration(47.0 * 3600.0), "47h 00m");
        assert_eq!(duration(75_700_000.0), "876d 03h");
        assert_eq!(duration(f64::NAN), "");
        assert_eq!(duration(-1.0), "");
    }

    #[test]
    fn control_characters_do_not_reach_the_terminal() {
        assert_eq!(clean("rspec 1/2"), "rspec 1/2");
        assert_eq!(clean("a\x1b[2Jb\nc"), "a\\u{1b}[2Jb\\nc");
    }

    #[test]
    fn a_table_aligns_its_columns_and_colors_only_on_request() {
        let mut first = job();
        first.name = "a job with a long name".into();
        let second = job();
        let mut out = Vec::new();
        let mut printer = Printer::new(&mut out, Output::Table, false);
        printer.job(&first).unwrap();
        printer.job(&second).unwrap();
        printer.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("ID "), "{text}");
        let column = |line: &str| line.find(&second.r#ref.to_string()).unwrap();
        assert_eq!(column(lines[1]), column(lines[2]), "{text}");
        assert!(!text.contains('\x1b'));
        assert!(lines.iter().all(|line| line.trim_end() == *line));

        let mut out = Vec::new();
        let mut printer = Printer::new(&mut out, Output::Table, true);
        printer.job(&second).unwrap();
        printer.finish().unwrap();
        assert!(String::from_utf8(out).unwrap().contains("\x1b["));
    }

    /// Rows written before a wait are on the screen at once; later ones widen the columns
    /// where they need to, and the header is written once.
    #[test]
    fn a_table_is_written_as_its_rows_come() {
        let first = job();
        let mut second = job();
        second.name = "a job with a much longer name than the first".into();
        let mut out = Vec::new();
        let mut printer = Printer::new(&mut out, Output::Table, false);
        printer.job(&first).unwrap();
        printer.flush().unwrap();
        let early = String::from_utf8(printer.out.clone()).unwrap();
        assert_eq!(early.lines().count(), 2, "{early}");
        printer.job(&second).unwrap();
        printer.job(&first).unwrap();
        printer.flush().unwrap();
        printer.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(text.starts_with(&early), "{text}");
        assert_eq!(text.matches("FAILURE REASON").count(), 1, "{text}");
        let column = |line: &str| line.find(&first.r#ref.to_string()).unwrap();
        assert_eq!(column(lines[2]), column(lines[3]), "{text}");
        assert!(column(lines[1]) < column(lines[2]), "{text}");
    }

    #[test]
    fn json_lists_are_arrays_and_ndjson_one_job_a_line() {
        for (form, count) in [(Output::Json, 0), (Output::Json, 2), (Output::Ndjson, 2)] {
            let mut out = Vec::new();
            let mut printer = Printer::new(&mut out, form, false);
            for _ in 0..count {
                printer.job(&job()).unwrap();
            }
            printer.finish().unwrap();
            let text = String::from_utf8(out).unwrap();
            if form == Output::Json {
                let jobs: Vec<Job> = serde_json::from_str(&text).unwrap();
                assert_eq!(jobs.len(), count);
            } else {
                for line in text.lines() {
                    assert_eq!(serde_json::from_str::<Job>(line).unwrap(), job());
                }
                assert_eq!(text.lines().count(), count);
            }
        }
    }
}
