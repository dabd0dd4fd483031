//! GitLab's Jobs API documentation, as carried in `fixtures/seeds`: its operations, parameter
//! tables and JSON examples.

use std::fs;

use serde_json::Value;

use crate::fixtures_dir;
use crate::spec::{self, Operation};

/// One version of the documentation.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The version label, the file's number (`000` to `004`).
    pub version: String,
    pub file: String,
    pub text: String,
}

/// The versions whose examples are the newest documentation: the rendered pages (001, 003) and
/// the newest markdown (004), which show the same payloads.
pub const NEWEST_VERSIONS: &[&str] = &["001", "003", "004"];

/// The version holding the newest markdown, whose parameter tables the tests read.
pub const NEWEST_MARKDOWN: &str = "004";

/// Every carried version, in order.
pub fn seeds() -> Vec<Seed> {
    let dir = fixtures_dir().join("seeds");
    let mut seeds: Vec<Seed> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("reading {}: {err}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
            Seed {
                version: file[..3].to_owned(),
                file,
                text,
            }
        })
        .collect();
    seeds.sort_by(|a, b| a.file.cmp(&b.file));
    seeds
}

/// An endpoint line of the documentation (`GET /projects/:id/jobs`), with its path written as
/// an OpenAPI template (`/projects/{id}/jobs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub method: String,
    pub path: String,
    /// Byte offset of the line in the text.
    pub at: usize,
}

/// The endpoint lines of a version, in order.
pub fn endpoints(text: &str) -> Vec<Endpoint> {
    let mut found = Vec::new();
    for method in ["GET", "POST"] {
        let needle = format!("{method} /");
        let mut from = 0;
        while let Some(offset) = text[from..].find(&needle) {
            let at = from + offset;
            let start = at + method.len() + 1;
            let end = text[start..]
                .find(|c: char| !(c.is_ascii_lowercase() || matches!(c, '_' | '/' | ':')))
                .map_or(text.len(), |n| start + n);
            found.push(Endpoint {
                method: method.to_owned(),
                path: template(&text[start..end]),
                at,
            });
            from = end;
        }
    }
    found.sort_by_key(|endpoint| endpoint.at);
    found
}

/// `/projects/:id/jobs/:job_id` as `/projects/{id}/jobs/{job_id}`.
fn template(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether an example is a response body or a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    Response,
    Request,
}

/// A JSON example of the documentation, under the endpoint it belongs to.
#[derive(Debug, Clone)]
pub struct DocExample {
    pub method: String,
    pub path: String,
    pub kind: ExampleKind,
    pub value: Value,
}

/// Every JSON example of a version: every non-empty JSON object or array in the text, after the
/// blame view's commit dates are taken out from between the lines.
pub fn examples(text: &str) -> Vec<DocExample> {
    let text: String = text
        .split_inclusive('\n')
        .filter(|line| !is_blame_date(line.trim_end()))
        .collect();
    let endpoints = endpoints(&text);
    let mut found = Vec::new();
    let mut position = 0;
    let mut previous_end = 0;
    while let Some(offset) = text[position..].find(['{', '[']) {
        let start = position + offset;
        let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) if is_example(&value) => {
                let end = start + stream.byte_offset();
                let endpoint = endpoints
                    .iter()
                    .rev()
                    .find(|endpoint| endpoint.at < start)
                    .unwrap_or_else(|| panic!("an example before any endpoint: {value}"));
                let before = &text[previous_end.max(endpoint.at)..start];
                let kind = if before.contains("is structured like") {
                    ExampleKind::Request
                } else {
                    ExampleKind::Response
                };
                found.push(DocExample {
                    method: endpoint.method.clone(),
                    path: endpoint.path.clone(),
                    kind,
                    value,
                });
                previous_end = end;
                position = end;
            }
            _ => position = start + 1,
        }
    }
    found
}

fn is_example(value: &Value) -> bool {
    match value {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    }
}

/// A line like `2018-07-18 21:46:56 +00:00`, which the blame view puts between lines.
fn is_blame_date(line: &str) -> bool {
    const SHAPE: &[u8] = b"dddd-dd-dd dd:dd:dd +dd:dd";
    line.len() == SHAPE.len()
        && line.bytes().zip(SHAPE).all(|(byte, shape)| match shape {
            b'd' => byte.is_ascii_digit(),
            b'+' => byte == b'+' || byte == b'-',
            other => byte == *other,
        })
}

/// A row of a parameter table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocParam {
    pub name: String,
    /// The type as written, lower-cased, without markdown emphasis: `integer/string`,
    /// `string or array of strings`, ...
    pub doc_type: String,
    pub required: bool,
}

/// An operation of the documentation with the rows of its parameter tables.
#[derive(Debug, Clone)]
pub struct DocOperation {
    pub method: String,
    pub path: String,
    pub params: Vec<DocParam>,
}

/// The operations of a markdown version and their parameter tables: every table row whose
/// first cell is a backticked name, under the endpoint it follows.
pub fn operations(markdown: &str) -> Vec<DocOperation> {
    let endpoints = endpoints(markdown);
    endpoints
        .iter()
        .enumerate()
        .map(|(index, endpoint)| {
            let end = endpoints
                .get(index + 1)
                .map_or(markdown.len(), |next| next.at);
            let params = markdown[endpoint.at..end]
                .lines()
                .filter_map(parameter_row)
                .collect();
            DocOperation {
                method: endpoint.method.clone(),
                path: endpoint.path.clone(),
                params,
            }
        })
        .collect()
}

fn parameter_row(line: &str) -> Option<DocParam> {
    let cells: Vec<&str> = line
        .trim()
        .strip_prefix('|')?
        .split('|')
        .map(str::trim)
        .collect();
    let name = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
    let doc_type = cells.get(1)?.replace("**", "").to_lowercase();
    let required = cells.get(2)?.to_lowercase();
    Some(DocParam {
        name: name.to_owned(),
        doc_type: doc_type.split_whitespace().collect::<Vec<_>>().join(" "),
        required: required.contains("yes"),
    })
}

/// An example fixture: one documented example, as a file in `fixtures/examples`.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub file: String,
    pub version: String,
    pub operation_id: String,
    pub kind: ExampleKind,
    pub value: Value,
}

/// The fixtures the carried documentation gives, named `<version>-<operationId>[-request].json`
/// after the operation of the document with the example's method and path.
pub fn fixtures_from_seeds(operations: &[Operation]) -> Vec<Fixture> {
    let mut fixtures: Vec<Fixture> = Vec::new();
    let mut taken = std::collections::BTreeMap::<String, usize>::new();
    for seed in seeds() {
        for example in examples(&seed.text) {
            let operation = spec::operation(operations, &example.method, &example.path)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: an example of {} {}, which the contract has no operation for",
                        seed.file, example.method, example.path
                    )
                });
            let suffix = match example.kind {
                ExampleKind::Response => "",
                ExampleKind::Request => "-request",
            };
            let base = format!("{}-{}{suffix}", seed.version, operation.operation_id);
            let count = taken.entry(base.clone()).or_default();
            *count += 1;
            let file = match *count {
                1 => format!("{base}.json"),
                n => format!("{base}-{n}.json"),
            };
            fixtures.push(Fixture {
                file,
                version: seed.version.clone(),
                operation_id: operation.operation_id.clone(),
                kind: example.kind,
                value: example.value,
            });
        }
    }
    fixtures
}

/// The text a fixture file holds.
pub fn fixture_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON serializes");
    text.push('\n');
    text
}

/// The committed example fixtures, in file name order.
pub fn fixtures() -> Vec<Fixture> {
    let dir = fixtures_dir().join("examples");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("reading {}: {err}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = file.trim_end_matches(".json");
            let (version, rest) = stem.split_once('-').expect("<version>-<operation>.json");
            let (operation_id, kind) = match rest.strip_suffix("-request") {
                Some(operation_id) => (operation_id, ExampleKind::Request),
                None => (rest, ExampleKind::Response),
            };
            let text = fs::read_to_string(&path).expect("a readable fixture");
            let value = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{file} is not JSON: {err}"));
            Fixture {
                file: file.clone(),
                version: version.to_owned(),
                operation_id: operation_id.to_owned(),
                kind,
                value,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_paths_become_templates() {
        let text =
            "```plaintext\nGET /projects/:id/jobs/:job_id/trace\n```\ncurl --request POST --header";
        assert_eq!(
            endpoints(text),
            vec![Endpoint {
                method: "GET".into(),
                path: "/projects/{id}/jobs/{job_id}/trace".into(),
                at: 13
            }]
        );
    }

    #[test]
    fn examples_skip_markup_and_blame_dates() {
        let text = "GET /job\n| `{check-circle}` |\ncurl \"$URL?scope[]=a\"\n{\n2018-07-18 21:46:56 +00:00\n\"id\": 1}\n";
        let found = examples(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, serde_json::json!({"id": 1}));
        assert_eq!(found[0].kind, ExampleKind::Response);
    }

    #[test]
    fn a_request_body_is_told_by_the_text_before_it() {
        let text = "POST /projects/:id/jobs/:job_id/play\n@variables.json is structured like:\n{\"job_variables_attributes\": []}\nExample response:\n{\"id\": 1}";
        let kinds: Vec<_> = examples(text).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![ExampleKind::Request, ExampleKind::Response]);
    }

    #[test]
    fn parameter_rows_need_a_backticked_name() {
        let row = "| `scope`   | string **or** array of strings | **{dotted-circle}** No | Scope |";
        assert_eq!(
            parameter_row(row),
            Some(DocParam {
                name: "scope".into(),
                doc_type: "string or array of strings".into(),
                required: false
            })
        );
        assert_eq!(parameter_row("| 200       | Serves the log file |"), None);
        assert_eq!(parameter_row("|-----------|----|"), None);
    }
}
