//! The operations and parameter tables of the newest documentation against the contract.

use std::collections::BTreeSet;

use contract_tests::docs::{self, NEWEST_MARKDOWN};
use contract_tests::spec::{self, Operation, resolve};
use serde_json::Value;

const PAGINATION: &str = "offset pagination; GitLab documents it once, on its REST API \
    pagination page, which this page links to";
const KEYSET: &str = "keyset pagination; GitLab documents it on its REST API pagination page, \
    which this page links to";

/// Parameters the contract has that the newest documentation page does not list, and why.
const UNDOCUMENTED: &[(&str, &str, &str)] = &[
    (
        "get_job_log",
        "Range",
        "an HTTP header of archived logs since GitLab 19.4, after the newest page carried \
         (GitLab merge requests 255994 and 258487)",
    ),
    (
        "get_job_log",
        "If-None-Match",
        "the same, for the archived log's `ETag`",
    ),
    (
        "get_job_log",
        "byte_offset",
        "in GitLab's own openapi_v3.yaml (19.5), behind a beta flag, after the newest page",
    ),
    ("get_job_log", "byte_limit", "the same as `byte_offset`"),
    (
        "retry_job",
        "inputs",
        "in GitLab's source (lib/api/ci/jobs.rb), behind the `ci_job_inputs` feature flag",
    ),
    (
        "play_job",
        "job_inputs",
        "GitLab 19.3, after the newest page carried (client-go 2.59.0's `JobInputs`)",
    ),
    (
        "list_project_jobs",
        "ref",
        "a filter in GitLab's source (lib/api/ci/jobs.rb) that the page does not list",
    ),
    ("list_project_jobs", "page", PAGINATION),
    ("list_project_jobs", "per_page", PAGINATION),
    ("list_project_jobs", "pagination", KEYSET),
    ("list_project_jobs", "order_by", KEYSET),
    ("list_project_jobs", "sort", KEYSET),
    ("list_project_jobs", "cursor", KEYSET),
    ("list_pipeline_jobs", "page", PAGINATION),
    ("list_pipeline_jobs", "per_page", PAGINATION),
    ("list_pipeline_bridges", "page", PAGINATION),
    ("list_pipeline_bridges", "per_page", PAGINATION),
    (
        "cancel_job",
        "force",
        "in GitLab's source (lib/api/ci/jobs.rb) and newer documentation",
    ),
];

/// Documented parameters the contract names differently. GitLab reads `scope` and `scope[]`
/// alike, but only the bracketed name carries several values: a repeated bare `scope=` keeps
/// only the last, so the contract uses `scope[]`, as the documentation's own curl examples do.
const RENAMED: &[(&str, &str)] = &[("scope", "scope[]")];

/// Documented types the contract narrows: a single `scope[]` value is an array of one, so the
/// contract offers only the array; a project's ID goes into the URL path as text like its full
/// path, so the contract says `string` (digits are read as an ID), which every language's
/// generator maps to its plain string type.
const NARROWED: &[(&str, &str, &str)] = &[
    ("scope[]", "string or array of strings", "array of strings"),
    ("id", "integer/string", "string"),
];

/// Rows of a parameter table that name a credential, not a parameter: the contract says it
/// with the operation's security schemes.
const CREDENTIALS: &[(&str, &str, &str)] = &[("get_allowed_agents", "CI_JOB_TOKEN", "job_token")];

/// The operations of the newest markdown.
fn documented() -> Vec<docs::DocOperation> {
    let seed = docs::seeds()
        .into_iter()
        .find(|seed| seed.version == NEWEST_MARKDOWN)
        .expect("the newest markdown is carried");
    docs::operations(&seed.text)
}

/// Operations the contract has that GitLab added after the newest documentation carried, and
/// why they are in.
const NEWER_THAN_THE_DOCS: &[(&str, &str, &str)] = &[(
    "GET",
    "/projects/{id}/pipelines/{pipeline_id}/trigger_jobs",
    "GitLab 19.2 (client-go merge request 3134; GitLab's openapi_v3.yaml, 19.5)",
)];

/// The operations of GitLab's Job Artifacts API, which its own page documents, and where each
/// is read from. Every other operation is on the jobs page.
const ON_THE_ARTIFACTS_PAGE: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/projects/{id}/jobs/{job_id}/artifacts",
        "lib/api/ci/job_artifacts.rb",
    ),
    (
        "GET",
        "/projects/{id}/jobs/artifacts/{ref_name}/download",
        "lib/api/ci/job_artifacts.rb",
    ),
    (
        "HEAD",
        "/projects/{id}/jobs/{job_id}/artifacts",
        "Grape answers HEAD on every GET route; present_carrierwave_file! signs a HEAD URL",
    ),
    (
        "HEAD",
        "/projects/{id}/jobs/artifacts/{ref_name}/download",
        "the same",
    ),
    (
        "GET",
        "/projects/{id}/jobs/{job_id}/artifacts/tree",
        "lib/api/ci/job_artifacts.rb, GitLab 18.8",
    ),
    (
        "GET",
        "/projects/{id}/jobs/{job_id}/artifacts/{artifact_path}",
        "lib/api/ci/job_artifacts.rb",
    ),
    (
        "GET",
        "/projects/{id}/jobs/artifacts/{ref_name}/raw/{artifact_path}",
        "lib/api/ci/job_artifacts.rb",
    ),
    (
        "POST",
        "/projects/{id}/jobs/{job_id}/artifacts/keep",
        "lib/api/ci/job_artifacts.rb",
    ),
    (
        "DELETE",
        "/projects/{id}/jobs/{job_id}/artifacts",
        "lib/api/ci/job_artifacts.rb",
    ),
    (
        "DELETE",
        "/projects/{id}/artifacts",
        "lib/api/ci/job_artifacts.rb",
    ),
];

#[test]
fn the_artifacts_operations_are_exactly_gitlabs_and_tagged_so() {
    let listed: BTreeSet<(String, String)> = ON_THE_ARTIFACTS_PAGE
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    let tagged: BTreeSet<(String, String)> = spec::operations(&spec::openapi_31())
        .into_iter()
        .filter(|operation| operation.object["tags"][0] == "job_artifacts")
        .map(|operation| (operation.method, operation.path))
        .collect();
    assert_eq!(tagged, listed);
}

#[test]
fn the_contract_has_exactly_the_documented_operations() {
    let documented: BTreeSet<(String, String)> = documented()
        .into_iter()
        .map(|operation| (operation.method, operation.path))
        .collect();
    let newer: BTreeSet<(String, String)> = NEWER_THAN_THE_DOCS
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    let contract: BTreeSet<(String, String)> = spec::operations(&spec::openapi_31())
        .into_iter()
        .filter(|operation| operation.object["tags"][0] == "jobs")
        .map(|operation| (operation.method, operation.path))
        .collect();
    assert_eq!(
        documented.len(),
        11,
        "the newest page documents eleven operations"
    );
    assert!(
        documented.is_disjoint(&newer),
        "a newer operation is documented now"
    );
    let expected: BTreeSet<(String, String)> = documented.union(&newer).cloned().collect();
    assert_eq!(contract, expected);
}

/// A parameter of the contract: a path or query parameter, or a property of the JSON body.
#[derive(Debug)]
struct ContractParam {
    name: String,
    required: bool,
    doc_type: String,
}

fn contract_params(doc: &Value, operation: &Operation) -> Vec<ContractParam> {
    let mut params: Vec<ContractParam> = operation.object["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|parameter| ContractParam {
            name: parameter["name"].as_str().unwrap().to_owned(),
            required: parameter["required"].as_bool().unwrap_or(false),
            doc_type: doc_type(doc, &parameter["schema"]),
        })
        .collect();
    if let Some(body) = operation.request_schema() {
        let (_, body) = resolve(doc, body["$ref"].as_str().expect("bodies are components"));
        let required: Vec<&str> = body["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, schema) in body["properties"].as_object().unwrap() {
            params.push(ContractParam {
                name: name.clone(),
                required: required.contains(&name.as_str()),
                doc_type: doc_type(doc, schema),
            });
        }
    }
    params
}

/// A schema in the words of GitLab's parameter tables.
fn doc_type(doc: &Value, schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return doc_type(doc, resolve(doc, reference).1);
    }
    if let Some(alternatives) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        // An open enum (`anyOf: [KnownX, UnlistedValue]`) is one type, `string`, twice.
        let mut types: Vec<String> = alternatives
            .iter()
            .map(|alternative| doc_type(doc, alternative))
            .collect();
        types.dedup();
        return types.join("/");
    }
    // A nullable parameter (`type: [T, "null"]`) is documented as its `T`.
    let base = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        other => other.as_str(),
    };
    match base {
        Some("array") => match doc_type(doc, &schema["items"]).as_str() {
            "object" => "array of hashes".to_owned(),
            item => format!("array of {item}s"),
        },
        Some(other) => other.to_owned(),
        None => panic!("no documentation type for {schema}"),
    }
}

#[test]
fn parameter_tables_match_the_contract() {
    let doc = spec::openapi_31();
    let operations = spec::operations(&doc);
    let mut failures = Vec::new();
    let mut used_undocumented = BTreeSet::new();
    for documented in documented() {
        let operation = spec::operation(&operations, &documented.method, &documented.path).unwrap();
        let id = operation.operation_id.as_str();
        let contract = contract_params(&doc, operation);
        for row in &documented.params {
            if let Some((_, _, scheme)) = CREDENTIALS
                .iter()
                .find(|(op, name, _)| *op == id && *name == row.name)
            {
                if !operation.security_schemes().iter().any(|s| s == scheme) {
                    failures.push(format!(
                        "{id}: documents {}, but does not accept {scheme}",
                        row.name
                    ));
                }
                continue;
            }
            let name = RENAMED
                .iter()
                .find(|(doc, _)| *doc == row.name)
                .map_or(row.name.as_str(), |(_, spec)| spec);
            let Some(param) = contract.iter().find(|param| param.name == name) else {
                failures.push(format!(
                    "{id}: the documented `{}` is not in the contract",
                    row.name
                ));
                continue;
            };
            if param.required != row.required {
                failures.push(format!(
                    "{id}.{name}: required {} in the docs, {} in the contract",
                    row.required, param.required
                ));
            }
            let narrowed = NARROWED.iter().any(|(n, documented, contract)| {
                *n == name && *documented == row.doc_type && *contract == param.doc_type
            });
            if param.doc_type != row.doc_type && !narrowed {
                failures.push(format!(
                    "{id}.{name}: `{}` in the docs, `{}` in the contract",
                    row.doc_type, param.doc_type
                ));
            }
        }
        for param in &contract {
            let documented_name = RENAMED
                .iter()
                .find(|(_, spec)| *spec == param.name)
                .map_or(param.name.as_str(), |(doc, _)| doc);
            if documented
                .params
                .iter()
                .any(|row| row.name == documented_name)
            {
                continue;
            }
            match UNDOCUMENTED.iter().find(|(op, name, _)| *op == id && *name == param.name) {
                Some(_) => {
                    used_undocumented.insert((id.to_owned(), param.name.clone()));
                }
                None => failures.push(format!(
                    "{id}: `{}` is not in the documentation; list it in UNDOCUMENTED with the reason",
                    param.name
                )),
            }
        }
    }
    for (op, name, _) in UNDOCUMENTED {
        if !used_undocumented.contains(&(op.to_string(), name.to_string())) {
            failures.push(format!(
                "UNDOCUMENTED lists {op}.{name}, which is documented or gone"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "parameter tables and contract disagree:\n{}",
        failures.join("\n")
    );
}

/// `Introduced … in GitLab X.Y` in `text`: the version.
fn introduced_in(text: &str) -> Option<String> {
    let at = text.find("Introduced")?;
    let rest = &text[at..];
    let (_, version) = rest.split_once(" GitLab ")?;
    let version: String = version
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    Some(version.trim_end_matches('.').to_owned())
}

/// Each "Introduced in GitLab X.Y" note of the newest markdown is in the contract as the
/// `x-gitlab-since` of what it introduced: the operation whose section it opens, or the
/// parameter whose table row carries it.
#[test]
fn what_the_docs_say_was_introduced_later_says_since_when() {
    let seed = docs::seeds()
        .into_iter()
        .find(|seed| seed.version == NEWEST_MARKDOWN)
        .unwrap();
    let doc = spec::openapi_31();
    let operations = spec::operations(&doc);
    let lines: Vec<&str> = seed.text.lines().collect();
    let endpoint = |line: &str| {
        let (method, path) = line.trim().split_once(' ')?;
        matches!(method, "GET" | "POST").then(|| {
            let path = path
                .split('/')
                .map(|part| match part.strip_prefix(':') {
                    Some(name) => format!("{{{name}}}"),
                    None => part.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("/");
            (method.to_owned(), path)
        })
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(version) = introduced_in(line) else {
            continue;
        };
        let since = |value: &Value| value["x-gitlab-since"].as_str().map(str::to_owned);
        if line.trim_start().starts_with('>') {
            // A section's note: the operation of the next endpoint block.
            let Some((method, path)) = lines[index..].iter().find_map(|line| endpoint(line)) else {
                continue;
            };
            let operation = spec::operation(&operations, &method, &path).unwrap();
            if since(&operation.object).as_deref() != Some(version.as_str()) {
                failures.push(format!(
                    "{} should say since GitLab {version}",
                    operation.operation_id
                ));
            }
            checked += 1;
        } else if let Some(name) = line
            .trim()
            .strip_prefix("| `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name)
        {
            // A parameter's row: the operation of the endpoint block before it.
            let Some((method, path)) = lines[..index].iter().rev().find_map(|line| endpoint(line))
            else {
                continue;
            };
            let operation = spec::operation(&operations, &method, &path).unwrap();
            let parameter = operation.object["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|parameter| parameter["name"] == name)
                .cloned()
                .or_else(|| {
                    let body = operation.request_schema()?;
                    let (_, schema) = resolve(&doc, body["$ref"].as_str()?);
                    Some(schema["properties"][name].clone())
                });
            match parameter {
                Some(parameter) if since(&parameter).as_deref() == Some(version.as_str()) => {}
                _ => failures.push(format!(
                    "{} `{name}` should say since GitLab {version}",
                    operation.operation_id
                )),
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} notes found");
    assert!(
        failures.is_empty(),
        "write \"Since GitLab X.Y.\" in the description:\n{}",
        failures.join("\n")
    );
}
