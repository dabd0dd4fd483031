//! What a verification found, gathered over its answers, redacted, and written for a person
//! (Markdown-friendly text) or a machine (JSON).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use super::contract::{Checked, json_type};
use crate::output::clean;

/// Keys whose text values are GitLab's own words (statuses, reasons, kinds), never a person's
/// or a project's: the only text an example shows unless values are asked for.
const GITLABS_WORDS: &[&str] = &[
    "status",
    "failure_reason",
    "source",
    "runner_type",
    "file_type",
    "file_format",
    "variable_type",
    "when",
    "type",
    "tier",
];

/// The report: what the contract and GitLab are, and where they part.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The contract's version, as built into this binary.
    pub contract: String,
    /// GitLab's `/version`, where the token may read it.
    pub gitlab: Option<Instance>,
    /// The project: its path or ID with `--show-values`, else redacted.
    pub project: String,
    /// Answers checked.
    pub answers: usize,
    /// Each operation called, by status, with how many answers it gave.
    pub calls: Vec<Call>,
    /// What the contract forbids.
    pub deviations: Vec<Finding>,
    /// What the contract allows but does not know.
    pub news: Vec<Finding>,
    /// Behaviours that depend on GitLab's version or feature flags, as this GitLab showed them.
    pub behaviour: Vec<Behaviour>,
    /// Answers that were not checked, and why (a server error, a route this version lacks).
    pub not_checked: Vec<String>,
    #[serde(skip)]
    show_values: bool,
    #[serde(skip)]
    found: BTreeMap<(bool, String, u16, String, String), Finding>,
    #[serde(skip)]
    counted: BTreeMap<(String, u16), usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Instance {
    pub version: String,
    pub revision: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub operation: String,
    pub status: u16,
    pub answers: usize,
}

/// A deviation or a piece of news: where, what, how often, and one redacted example.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub operation: String,
    pub status: u16,
    /// A JSON pointer into the body (array indexes as `*`), or `header NAME`, or empty for
    /// the answer as a whole.
    pub at: String,
    pub what: String,
    /// How many answers showed it.
    pub answers: usize,
    /// The object the value is in, its text redacted unless `--show-values`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Behaviour {
    pub name: String,
    pub seen: String,
}

impl Report {
    pub fn new(contract: &str, project: &str, show_values: bool) -> Report {
        Report {
            contract: contract.to_owned(),
            gitlab: None,
            project: if show_values {
                clean(project)
            } else {
                "[redacted]".to_owned()
            },
            answers: 0,
            calls: Vec::new(),
            deviations: Vec::new(),
            news: Vec::new(),
            behaviour: Vec::new(),
            not_checked: Vec::new(),
            show_values,
            found: BTreeMap::new(),
            counted: BTreeMap::new(),
        }
    }

    /// Adds what one answer of `operation` with `status` showed; each finding counts once per
    /// answer.
    pub fn add(&mut self, operation: &str, status: u16, checked: Checked) {
        self.answers += 1;
        *self
            .counted
            .entry((operation.to_owned(), status))
            .or_default() += 1;
        let mut this_answer = std::collections::BTreeSet::new();
        let sorts = [(true, checked.deviations), (false, checked.news)];
        for (deviation, seen) in sorts {
            for seen in seen {
                let at = grouped(&seen.at);
                let key = (
                    deviation,
                    operation.to_owned(),
                    status,
                    at.clone(),
                    seen.what.clone(),
                );
                if !this_answer.insert(key.clone()) {
                    continue;
                }
                let example = match (&checked.body, &seen.example_at) {
                    (Some(body), Some(pointer)) => body
                        .pointer(pointer)
                        .map(|value| redacted(value, self.show_values)),
                    _ => None,
                };
                let finding = self.found.entry(key).or_insert(Finding {
                    operation: operation.to_owned(),
                    status,
                    at,
                    what: seen.what,
                    answers: 0,
                    example: None,
                });
                finding.answers += 1;
                if finding.example.is_none() {
                    finding.example = example;
                }
            }
        }
    }

    pub fn behaviour(&mut self, name: &str, seen: impl Into<String>) {
        self.behaviour.push(Behaviour {
            name: name.to_owned(),
            seen: seen.into(),
        });
    }

    /// Ends the gathering: the findings and calls in a stable order.
    pub fn finish(mut self) -> Report {
        for ((deviation, ..), finding) in std::mem::take(&mut self.found) {
            if deviation {
                self.deviations.push(finding);
            } else {
                self.news.push(finding);
            }
        }
        self.calls = std::mem::take(&mut self.counted)
            .into_iter()
            .map(|((operation, status), answers)| Call {
                operation,
                status,
                answers,
            })
            .collect();
        self
    }

    /// The report for a person: plain text that reads as Markdown in an issue.
    pub fn text(&self) -> String {
        let mut text = String::new();
        let gitlab = match &self.gitlab {
            Some(instance) => format!(
                "GitLab {}{}",
                clean(&instance.version),
                instance
                    .revision
                    .as_ref()
                    .map(|revision| format!(" (revision {})", clean(revision)))
                    .unwrap_or_default()
            ),
            None => "GitLab of a version it does not tell this token".to_owned(),
        };
        let _ = writeln!(
            text,
            "# {gitlab} against the Jobs API contract {}\n",
            self.contract
        );
        let _ = writeln!(
            text,
            "{} answers checked, from project {}: {} deviations, {} news.\n",
            self.answers,
            self.project,
            self.deviations.len(),
            self.news.len()
        );
        let sections = [
            ("Deviations: what the contract forbids", &self.deviations),
            (
                "News: what the contract allows but does not know",
                &self.news,
            ),
        ];
        for (title, findings) in sections {
            let _ = writeln!(text, "## {title}\n");
            if findings.is_empty() {
                let _ = writeln!(text, "None.\n");
                continue;
            }
            for finding in findings {
                let at = if finding.at.is_empty() {
                    "the answer".to_owned()
                } else {
                    format!("`{}`", finding.at)
                };
                let _ = writeln!(
                    text,
                    "- {} {}, {at}: {} ({} {})",
                    finding.operation,
                    finding.status,
                    finding.what,
                    finding.answers,
                    if finding.answers == 1 {
                        "answer"
                    } else {
                        "answers"
                    }
                );
                if let Some(example) = &finding.example {
                    let _ = writeln!(text, "  - for example: `{example}`");
                }
            }
            text.push('\n');
        }
        let _ = writeln!(text, "## What this GitLab showed\n");
        for behaviour in &self.behaviour {
            let _ = writeln!(text, "- {}: {}", behaviour.name, behaviour.seen);
        }
        for reason in &self.not_checked {
            let _ = writeln!(text, "- not checked: {reason}");
        }
        let _ = writeln!(text, "\n## Calls\n");
        for call in &self.calls {
            let _ = writeln!(
                text,
                "- {} {}: {}",
                call.operation, call.status, call.answers
            );
        }
        text
    }
}

/// A pointer with array indexes as `*`, so that one key of every job in a list is one finding.
fn grouped(at: &str) -> String {
    if !at.starts_with('/') {
        return at.to_owned();
    }
    at.split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit()) {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `value` as an example: an object's keys with their scalars, its nested objects and arrays
/// said by size. Text is `[redacted]` unless `show` or GitLab's own word (a status); numbers,
/// booleans and nulls stay, since a deviation is often about them.
pub fn redacted(value: &Value, show: bool) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| (clean(key), scalar(key, value, show)))
                .collect::<Map<_, _>>(),
        ),
        other => scalar("", other, show),
    }
}

fn scalar(key: &str, value: &Value, show: bool) -> Value {
    match value {
        Value::String(text) if show || GITLABS_WORDS.contains(&key) => {
            Value::String(clean(&text.chars().take(80).collect::<String>()))
        }
        Value::String(_) => Value::String("[redacted]".into()),
        Value::Object(object) => Value::String(format!("[object of {} keys]", object.len())),
        Value::Array(items) => Value::String(format!("[array of {} items]", items.len())),
        other => {
            debug_assert!(matches!(
                json_type(other),
                "null" | "boolean" | "integer" | "number"
            ));
            other.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::contract::Seen;
    use super::*;

    fn checked(at: &str, example_at: &str, body: Value) -> Checked {
        Checked {
            deviations: vec![Seen {
                at: at.into(),
                what: "null, where the contract allows no null".into(),
                example_at: Some(example_at.into()),
            }],
            news: vec![],
            body: Some(body),
        }
    }

    /// One key of every job in a list is one finding, counted once per answer, with one
    /// example whose text is redacted.
    #[test]
    fn findings_group_count_and_redact() {
        let body = json!([
            {"id": 1, "name": null, "status": "failed", "web_url": "https://gitlab.example.com/a/b/-/jobs/1",
             "user": {"username": "alice"}, "tag_list": ["x"], "allow_failure": false},
            {"id": 2, "name": null, "status": "failed", "web_url": "https://x"}
        ]);
        let mut report = Report::new("1.4.0", "acme/secret", false);
        let mut first = checked("/0/name", "/0", body.clone());
        first.deviations.push(Seen {
            at: "/1/name".into(),
            what: "null, where the contract allows no null".into(),
            example_at: Some("/1".into()),
        });
        report.add("list_project_jobs", 200, first);
        report.add("list_project_jobs", 200, checked("/1/name", "/1", body));
        let report = report.finish();
        assert_eq!(report.deviations.len(), 1, "{report:#?}");
        let finding = &report.deviations[0];
        assert_eq!(finding.at, "/*/name");
        assert_eq!(finding.answers, 2);
        let example = finding.example.as_ref().unwrap();
        assert_eq!(example["id"], 1);
        assert_eq!(example["status"], "failed");
        assert_eq!(example["web_url"], "[redacted]");
        assert_eq!(example["user"], "[object of 1 keys]");
        assert_eq!(example["allow_failure"], false);
        let text = report.text();
        let json = serde_json::to_string(&report).unwrap();
        for said in [&text, &json] {
            assert!(!said.contains("acme/secret") && !said.contains("gitlab.example.com"));
            assert!(!said.contains("alice"));
        }
        assert!(
            text.contains("list_project_jobs 200, `/*/name`: null"),
            "{text}"
        );
    }

    #[test]
    fn values_show_when_asked() {
        let mut report = Report::new("1.4.0", "acme/open", true);
        report.add(
            "get_job",
            200,
            checked("/name", "", json!({"name": null, "ref": "main"})),
        );
        let report = report.finish();
        assert_eq!(report.project, "acme/open");
        assert_eq!(
            report.deviations[0].example.as_ref().unwrap()["ref"],
            "main"
        );
    }
}
