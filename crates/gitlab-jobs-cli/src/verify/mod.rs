//! `verify`: holds a GitLab to the contract built into this binary. It calls only read
//! operations, over a sample of a project's jobs (every status present, each failure reason,
//! their pipelines and trigger jobs, a log whole and by range, an artifacts archive's
//! entries), checks every answer, and reports deviations and news, redacted.

mod contract;
mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use gitlab_jobs_client::RawAnswer;
use reqwest::header::{ACCEPT, ETAG, HeaderMap, HeaderName, HeaderValue, LINK};
use serde_json::Value;

use self::contract::{Answer, Contract};
use self::report::{Instance, Report};
use crate::args::{Output, VerifyArgs};
use crate::commands::Context;
use crate::exit;
use crate::fail::Failure;
use crate::output::{Progress, clean};

/// The most of a JSON answer read: far more than a page of 100 jobs.
const JSON_LIMIT: usize = 16 << 20;
/// The most of a log read: enough to see its head and media type.
const LOG_LIMIT: usize = 1 << 20;
/// Jobs of each status, and of each failure reason, that are read one by one.
const PER_STATUS: usize = 2;
/// Pipelines whose job and trigger job lists are read.
const PIPELINES: usize = 3;
/// Logs read whole.
const LOGS: usize = 3;

pub async fn run(context: &Context, args: VerifyArgs) -> Result<u8, Failure> {
    let contract = Contract::embedded().map_err(Failure::error)?;
    let project = context.project.to_string();
    let mut verifier = Verifier {
        context,
        report: Report::new(contract.version(), &project, args.show_values),
        contract,
        project: encoded(&project),
        progress: Progress::new(),
    };
    verifier.walk(&args).await?;
    verifier.progress.clear();
    let report = verifier.report.finish();
    let text = match context.output {
        Output::Table => report.text(),
        Output::Json => serde_json::to_string_pretty(&report).expect("JSON") + "\n",
        Output::Ndjson => serde_json::to_string(&report).expect("JSON") + "\n",
    };
    match &args.report {
        Some(file) => {
            write_whole(file, text.as_bytes()).map_err(|err| {
                Failure::error(format!("writing the report to {}: {err}", file.display()))
            })?;
            eprintln!(
                "gitlab-jobs: {} deviations and {} news in {} answers; the report is in {}",
                report.deviations.len(),
                report.news.len(),
                report.answers,
                clean(&file.display().to_string())
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(err) if !Failure::is_broken_pipe(&err) => {
                    return Err(Failure::error(format!("writing to stdout: {err}")));
                }
                _ => {}
            }
        }
    }
    Ok(if report.deviations.is_empty() {
        exit::SUCCESS
    } else {
        exit::DEVIATIONS
    })
}

struct Verifier<'a> {
    context: &'a Context,
    contract: Contract,
    report: Report,
    /// The project as a path segment.
    project: String,
    progress: Progress,
}

/// A job of a list, as far as choosing the sample needs it.
struct Listed {
    id: i64,
    status: String,
    failure_reason: Option<String>,
    pipeline: Option<i64>,
    r#ref: Option<String>,
    /// Whether it has an artifacts archive (`artifacts_file`).
    archive: bool,
}

impl Verifier<'_> {
    async fn walk(&mut self, args: &VerifyArgs) -> Result<(), Failure> {
        let version = self.version().await?;
        let p = self.project.clone();
        let mut pipelines: Vec<i64> = Vec::new();
        let mut jobs = if let Some(pipeline) = args.pipeline {
            let path = format!(
                "/projects/{p}/pipelines/{pipeline}/jobs?per_page=100&include_retried=true"
            );
            let answer = self.checked("list_pipeline_jobs", &path, &[]).await?;
            refused(&answer, "the pipeline's job list")?;
            pipelines.push(pipeline);
            listed(&answer)
        } else {
            let path = format!("/projects/{p}/jobs?per_page=100");
            let answer = self.checked("list_project_jobs", &path, &[]).await?;
            refused(&answer, "the project's job list")?;
            let by_offset = listed(&answer);
            let by_keyset = self.keyset(args.max_jobs).await?;
            if by_keyset.is_empty() {
                by_offset
            } else {
                by_keyset
            }
        };
        jobs.truncate(args.max_jobs.max(1));
        let sample = sample(&jobs);
        for job in &sample {
            if let Some(pipeline) = job.pipeline
                && !pipelines.contains(&pipeline)
                && pipelines.len() < PIPELINES
            {
                pipelines.push(pipeline);
            }
        }
        if let Some(r#ref) = jobs.iter().find_map(|job| job.r#ref.clone()) {
            self.ref_filter(&r#ref).await?;
        }
        if self.context.job_token {
            self.report
                .not_checked
                .push("single jobs and logs: GitLab does not take a CI job token for them".into());
            self.checked("get_job_by_token", "/job", &[]).await?;
            self.checked("get_allowed_agents", "/job/allowed_agents", &[])
                .await?;
        } else {
            for job in &sample {
                let path = format!("/projects/{p}/jobs/{}", job.id);
                self.checked("get_job", &path, &[]).await?;
            }
            self.checked("get_job", &format!("/projects/{p}/jobs/0"), &[])
                .await?;
            self.logs(&sample).await?;
        }
        self.artifacts_browser(&jobs, version).await?;
        let mut trigger_jobs = 0;
        let mut route = None;
        for pipeline in pipelines {
            if args.pipeline != Some(pipeline) {
                let path = format!("/projects/{p}/pipelines/{pipeline}/jobs?per_page=100");
                self.checked("list_pipeline_jobs", &path, &[]).await?;
            }
            if self.context.job_token {
                continue;
            }
            let path = format!("/projects/{p}/pipelines/{pipeline}/bridges?per_page=100");
            let answer = self.checked("list_pipeline_bridges", &path, &[]).await?;
            if answer.status.is_success() {
                trigger_jobs += listed(&answer).len();
            }
            route = Some(self.trigger_jobs_route(pipeline, version).await?);
        }
        if let Some(route) = route {
            self.report
                .behaviour("the trigger_jobs route (GitLab 19.2)", route);
        }
        let statuses: BTreeSet<&str> = jobs.iter().map(|job| job.status.as_str()).collect();
        let reasons: BTreeSet<&str> = jobs
            .iter()
            .filter_map(|job| job.failure_reason.as_deref())
            .collect();
        let sampled = format!(
            "{} jobs listed, {} read one by one; statuses {}; failure reasons {}; trigger jobs \
             in their pipelines: {trigger_jobs}",
            jobs.len(),
            sample.len(),
            words(&statuses),
            words(&reasons),
        );
        self.report.behaviour("sample", sampled);
        self.report.behaviour(
            "job inputs",
            "not seen: only a retry or a play shows whether GitLab takes them, and verify only \
             reads",
        );
        Ok(())
    }

    /// GitLab's `/version`, where the token may read it.
    async fn version(&mut self) -> Result<Option<(u32, u32)>, Failure> {
        let answer = self.read("get_version", "/version", &[]).await?;
        if !answer.status.is_success() {
            self.report.not_checked.push(format!(
                "GitLab's version: /version answered {} to this token",
                answer.status.as_u16()
            ));
            return Ok(None);
        }
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        let Some(version) = body["version"].as_str() else {
            return Ok(None);
        };
        self.report.gitlab = Some(Instance {
            version: version.to_owned(),
            revision: body["revision"].as_str().map(str::to_owned),
        });
        let mut numbers = version
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|part| part.parse().ok());
        Ok(numbers.next().zip(numbers.next()))
    }

    /// The project's jobs by keyset, following each page's `Link` until `max` are listed.
    async fn keyset(&mut self, max: usize) -> Result<Vec<Listed>, Failure> {
        let p = &self.project;
        let mut next = Some(format!(
            "/projects/{p}/jobs?pagination=keyset&per_page=100&order_by=id&sort=desc"
        ));
        let (mut jobs, mut pages) = (Vec::new(), 0);
        while let Some(path) = next.take()
            && jobs.len() < max
        {
            let answer = self.checked("list_project_jobs", &path, &[]).await?;
            if !answer.status.is_success() {
                self.report.behaviour(
                    "keyset pagination",
                    format!("not served: {}", answer.status.as_u16()),
                );
                return Ok(jobs);
            }
            pages += 1;
            jobs.extend(listed(&answer));
            let link = next_link(&answer.headers);
            next = link
                .as_deref()
                .and_then(|url| self.context.client.path_under_api(url));
            if link.is_some() && next.is_none() {
                self.report
                    .not_checked
                    .push("keyset pages: a next page's link leaves the API's address".into());
            }
        }
        self.report.behaviour(
            "keyset pagination",
            format!("served; {pages} pages followed by their Link header"),
        );
        Ok(jobs)
    }

    /// The job list's `ref` filter: whether every job it gives is of that ref.
    async fn ref_filter(&mut self, r#ref: &str) -> Result<(), Failure> {
        let path = format!(
            "/projects/{}/jobs?per_page=20&ref={}",
            self.project,
            encoded(r#ref)
        );
        let answer = self.checked("list_project_jobs", &path, &[]).await?;
        let jobs = listed(&answer);
        let honoured = jobs.iter().all(|job| job.r#ref.as_deref() == Some(r#ref));
        let seen = match (answer.status.is_success(), honoured) {
            (false, _) => format!("answered {}", answer.status.as_u16()),
            (true, true) => "honoured".to_owned(),
            (true, false) => "ignored: jobs of other refs came (GitLab before the filter)".into(),
        };
        self.report.behaviour("the job list's ref filter", seen);
        Ok(())
    }

    /// Logs: a few whole, and one by range, and again by its `ETag`.
    async fn logs(&mut self, sample: &[Listed]) -> Result<(), Failure> {
        let finished = ["success", "failed", "canceled"];
        let mut read: Vec<&Listed> = sample
            .iter()
            .filter(|job| finished.contains(&job.status.as_str()))
            .take(LOGS)
            .collect();
        read.extend(sample.iter().find(|job| job.status == "running"));
        let mut ranged = None;
        for job in read {
            let path = format!("/projects/{}/jobs/{}/trace", self.project, job.id);
            let answer = self
                .checked("get_job_log", &path, &[("accept", "text/plain")])
                .await?;
            if ranged.is_none()
                && answer.status.is_success()
                && !answer.body.is_empty()
                && job.status != "running"
            {
                ranged = Some(path);
            }
        }
        let Some(path) = ranged else {
            self.report
                .not_checked
                .push("ranged logs: no finished job with a log in the sample".into());
            return Ok(());
        };
        let answer = self
            .checked(
                "get_job_log",
                &path,
                &[("accept", "text/plain"), ("range", "bytes=0-99")],
            )
            .await?;
        let seen = match answer.status.as_u16() {
            206 => "served: 206 with Content-Range (Workhorse serves archived logs)".to_owned(),
            200 => "not served: the whole log came (200), which the contract allows".to_owned(),
            other => format!("answered {other}"),
        };
        self.report.behaviour("ranged logs", seen);
        let Some(etag) = answer
            .headers
            .get(ETAG)
            .and_then(|etag| etag.to_str().ok())
            .map(str::to_owned)
        else {
            self.report
                .behaviour("log revalidation (If-None-Match)", "no ETag came");
            return Ok(());
        };
        let again = self
            .checked(
                "get_job_log",
                &path,
                &[("accept", "text/plain"), ("if-none-match", &etag)],
            )
            .await?;
        let seen = match again.status.as_u16() {
            304 => "served: 304 for an unchanged log".to_owned(),
            other => format!("not served: {other}"),
        };
        self.report
            .behaviour("log revalidation (If-None-Match)", seen);
        Ok(())
    }

    /// The artifacts browser (GitLab 18.8) of the newest listed job with an archive, whole.
    async fn artifacts_browser(
        &mut self,
        jobs: &[Listed],
        version: Option<(u32, u32)>,
    ) -> Result<(), Failure> {
        const WHAT: &str = "the artifacts browser (GitLab 18.8)";
        if let Some(version) = version.filter(|version| *version < (18, 8)) {
            let seen = format!("not asked: GitLab {}.{}", version.0, version.1);
            self.report.behaviour(WHAT, seen);
            return Ok(());
        }
        let Some(job) = jobs.iter().find(|job| job.archive) else {
            self.report
                .behaviour(WHAT, "not asked: no listed job has an artifacts archive");
            return Ok(());
        };
        let path = format!(
            "/projects/{}/jobs/{}/artifacts/tree?recursive=true&per_page=100",
            self.project, job.id
        );
        let answer = self
            .checked("list_job_artifact_entries", &path, &[])
            .await?;
        let seen = match answer.status.as_u16() {
            200 => format!("served: {} entries of one archive", listed_len(&answer)),
            other => format!("answered {other}"),
        };
        self.report.behaviour(WHAT, seen);
        Ok(())
    }

    /// The `trigger_jobs` route, new in GitLab 19.2: not asked of an older GitLab, and a 404
    /// from GitLab's router, where the version is unknown, is the route missing. Answers what
    /// the route showed.
    async fn trigger_jobs_route(
        &mut self,
        pipeline: i64,
        version: Option<(u32, u32)>,
    ) -> Result<String, Failure> {
        if let Some(version) = version.filter(|version| *version < (19, 2)) {
            return Ok(format!(
                "not asked: GitLab {}.{} has only the bridges route",
                version.0, version.1
            ));
        }
        let path = format!(
            "/projects/{}/pipelines/{pipeline}/trigger_jobs?per_page=100",
            self.project
        );
        let answer = self.read("list_pipeline_trigger_jobs", &path, &[]).await?;
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        if version.is_none() && answer.status.as_u16() == 404 && body.get("error").is_some() {
            return Ok("missing: GitLab's router does not know it (GitLab before 19.2)".into());
        }
        self.check("list_pipeline_trigger_jobs", &answer);
        Ok(format!("served ({})", answer.status.as_u16()))
    }

    /// Reads `path` for `operation` and checks the answer.
    async fn checked(
        &mut self,
        operation: &'static str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<RawAnswer, Failure> {
        let answer = self.read(operation, path, headers).await?;
        self.check(operation, &answer);
        Ok(answer)
    }

    fn check(&mut self, operation: &'static str, answer: &RawAnswer) {
        let status = answer.status.as_u16();
        if answer.status.is_server_error() {
            // Not the contract's to say: the server was away.
            self.report
                .not_checked
                .push(format!("{operation}: GitLab answered {status}"));
            return;
        }
        let checked = self.contract.check(&Answer {
            operation,
            status,
            headers: &answer.headers,
            body: &answer.body,
            complete: answer.complete,
        });
        self.report.add(operation, status, checked);
        let checked = self.report.answers;
        self.progress
            .draw(|_| format!("verifying: {checked} answers checked"));
    }

    /// Reads `path`, JSON unless `headers` ask otherwise.
    async fn read(
        &mut self,
        operation: &'static str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<RawAnswer, Failure> {
        debug_assert!(operation == "get_version" || self.contract.knows(operation));
        let mut map = HeaderMap::new();
        map.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).expect("a header name");
            let value = HeaderValue::from_str(value)
                .map_err(|_| Failure::error(format!("{name}: not a header value")))?;
            map.insert(name, value);
        }
        let limit = if operation == "get_job_log" {
            LOG_LIMIT
        } else {
            JSON_LIMIT
        };
        self.context
            .client
            .read_raw(operation, path, map, limit)
            .await
            .map_err(|err| {
                self.progress.clear();
                Failure::call(&format!("verifying {operation}"), err)
            })
    }
}

/// The jobs of a list answer, as far as the sample needs them; none from an answer that is
/// not a list.
fn listed(answer: &RawAnswer) -> Vec<Listed> {
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&answer.body) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|job| {
            Some(Listed {
                id: job["id"].as_i64()?,
                status: job["status"].as_str().unwrap_or_default().to_owned(),
                failure_reason: job["failure_reason"].as_str().map(str::to_owned),
                pipeline: job["pipeline"]["id"].as_i64(),
                r#ref: job["ref"].as_str().map(str::to_owned),
                archive: job["artifacts_file"].is_object(),
            })
        })
        .collect()
}

/// How many items a list answer holds.
fn listed_len(answer: &RawAnswer) -> usize {
    match serde_json::from_slice::<Value>(&answer.body) {
        Ok(Value::Array(items)) => items.len(),
        _ => 0,
    }
}

/// The jobs read one by one: the first few of each status and of each failure reason, so that
/// every status present and every reason is seen, in the list's order.
fn sample(jobs: &[Listed]) -> Vec<Listed> {
    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut chosen = Vec::new();
    for job in jobs {
        let of_status = statuses.entry(&job.status).or_default();
        let of_reason = job
            .failure_reason
            .as_deref()
            .map(|reason| reasons.entry(reason).or_default());
        let new_reason = of_reason.as_ref().is_some_and(|count| **count < 1);
        if *of_status < PER_STATUS || new_reason {
            *of_status += 1;
            if let Some(count) = of_reason {
                *count += 1;
            }
            chosen.push(Listed {
                id: job.id,
                status: job.status.clone(),
                failure_reason: job.failure_reason.clone(),
                pipeline: job.pipeline,
                r#ref: job.r#ref.clone(),
                archive: job.archive,
            });
        }
    }
    chosen
}

/// The `next` URL of a `Link` header: `<https://…>; rel="next"`.
fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get(LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let next = params
            .split(';')
            .any(|param| matches!(param.trim(), "rel=\"next\"" | "rel=next"));
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        next.then(|| url.to_owned())
    })
}

/// An answer GitLab refused: the verification cannot go on without the list.
fn refused(answer: &RawAnswer, what: &str) -> Result<(), Failure> {
    if answer.status.is_success() {
        return Ok(());
    }
    Err(Failure {
        status: Some(answer.status.as_u16()),
        ..Failure::error(format!(
            "GitLab answered {} to {what}: check the project and the token (read_api scope)",
            answer.status
        ))
    })
}

fn words(set: &BTreeSet<&str>) -> String {
    if set.is_empty() {
        return "none".to_owned();
    }
    set.iter()
        .map(|word| clean(word))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` as one path segment or query value: all but unreserved characters percent-encoded.
fn encoded(text: &str) -> String {
    const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, RESERVED).to_string()
}

/// Writes `bytes` to `file` whole or not at all: beside it under another name, then renamed.
fn write_whole(file: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = file
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let mut partial = name.to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = file.with_file_name(partial);
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: i64, status: &str, reason: Option<&str>) -> Listed {
        Listed {
            id,
            status: status.into(),
            failure_reason: reason.map(str::to_owned),
            pipeline: Some(id / 10),
            r#ref: Some("main".into()),
            archive: false,
        }
    }

    #[test]
    fn the_sample_has_every_status_and_reason() {
        let jobs = vec![
            job(1, "success", None),
            job(2, "success", None),
            job(3, "success", None),
            job(4, "failed", Some("script_failure")),
            job(5, "failed", Some("script_failure")),
            job(6, "failed", Some("script_failure")),
            job(7, "failed", Some("runner_system_failure")),
            job(8, "sandbox_future_status", None),
        ];
        let ids: Vec<i64> = sample(&jobs).iter().map(|job| job.id).collect();
        assert_eq!(ids, [1, 2, 4, 5, 7, 8]);
    }

    #[test]
    fn the_next_link_is_found() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                "<https://g.example/api/v4/projects/1/jobs?cursor=a%3D>; rel=\"next\", <https://g.example/api/v4/projects/1/jobs>; rel=\"first\"",
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://g.example/api/v4/projects/1/jobs?cursor=a%3D")
        );
        headers.insert(LINK, HeaderValue::from_static("<https://x>; rel=\"first\""));
        assert_eq!(next_link(&headers), None);
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encoded("group/sub project"), "group%2Fsub%20project");
        assert_eq!(encoded("feature/ä"), "feature%2F%C3%A4");
    }
}
