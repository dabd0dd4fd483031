//! Every JSON example of every carried version of GitLab's documentation against the models and
//! the contract.

use std::collections::BTreeSet;

use contract_tests::docs::{self, ExampleKind, Fixture, NEWEST_VERSIONS};
use contract_tests::known_gaps::{GONE_KEYS, OMITTED_BY_NEWEST_DOCS, is_gone};
use contract_tests::spec::{self, Operation};
use contract_tests::walk::walk;
use gitlab_jobs_schema::{AllowedAgents, Bridge, Job, JobOrBridge, PlayJobRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::support::{differences, errors, not_contained, validator, without_gone_keys};

/// Parses a body into its model and writes it back.
type RoundTrip = fn(&str) -> Result<Value, String>;

/// The Rust model each operation's example is read into, and the schema the contract gives
/// the same body, so that the table cannot drift from the contract.
fn model_for(operation_id: &str, kind: ExampleKind) -> (&'static str, RoundTrip) {
    match (operation_id, kind) {
        ("list_project_jobs" | "list_pipeline_jobs", ExampleKind::Response) => {
            ("[Job]", round_trip::<Vec<Job>>)
        }
        ("list_pipeline_bridges", ExampleKind::Response) => ("[Bridge]", round_trip::<Vec<Bridge>>),
        (
            "get_job_by_token" | "get_job" | "cancel_job" | "retry_job" | "erase_job",
            ExampleKind::Response,
        ) => ("Job", round_trip::<Job>),
        ("play_job", ExampleKind::Response) => ("JobOrBridge", round_trip::<JobOrBridge>),
        ("play_job", ExampleKind::Request) => ("PlayJobRequest", round_trip::<PlayJobRequest>),
        ("get_allowed_agents", ExampleKind::Response) => {
            ("AllowedAgents", round_trip::<AllowedAgents>)
        }
        other => panic!("no model for {other:?}: add the operation to model_for"),
    }
}

/// Parses `text` into `T` and serializes it again.
fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, String> {
    let model: T = serde_json::from_str(text).map_err(|err| err.to_string())?;
    serde_json::to_value(&model).map_err(|err| err.to_string())
}

/// `[Job]` for an array of `$ref Job`, `Job` for a `$ref`.
fn schema_label(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().unwrap().to_owned();
    }
    match schema.get("items") {
        Some(items) => format!("[{}]", schema_label(items)),
        None => panic!("no label for {schema}"),
    }
}

fn body_schema(operation: &Operation, kind: ExampleKind) -> &Value {
    match kind {
        ExampleKind::Response => operation.success_schema(),
        ExampleKind::Request => operation.request_schema(),
    }
    .unwrap_or_else(|| panic!("{} has no {kind:?} body schema", operation.operation_id))
}

struct Context {
    doc: Value,
    operations: Vec<Operation>,
    fixtures: Vec<Fixture>,
}

fn context() -> Context {
    let doc = spec::openapi_31();
    let operations = spec::operations(&doc);
    Context {
        doc,
        operations,
        fixtures: docs::fixtures(),
    }
}

impl Context {
    fn operation(&self, fixture: &Fixture) -> &Operation {
        self.operations
            .iter()
            .find(|operation| operation.operation_id == fixture.operation_id)
            .unwrap_or_else(|| panic!("{}: no operation {}", fixture.file, fixture.operation_id))
    }
}

#[test]
fn fixtures_are_exactly_the_documented_examples() {
    let ctx = context();
    let expected = docs::fixtures_from_seeds(&ctx.operations);
    let expected_names: Vec<&str> = expected.iter().map(|f| f.file.as_str()).collect();
    let actual_names: Vec<&str> = ctx.fixtures.iter().map(|f| f.file.as_str()).collect();
    let mut expected_sorted = expected_names.clone();
    expected_sorted.sort();
    assert_eq!(
        actual_names, expected_sorted,
        "fixtures/examples does not hold one file per documented example; run `cargo run -p \
         contract-tests --bin import-docs`"
    );
    for fixture in &expected {
        let path = contract_tests::fixtures_dir()
            .join("examples")
            .join(&fixture.file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            docs::fixture_text(&fixture.value),
            "{} differs from the example in the seeds; run `cargo run -p contract-tests --bin \
             import-docs`",
            fixture.file
        );
    }
    // Every version, every operation with an example: 10 or 11 examples each, 002 fewer.
    assert_eq!(ctx.fixtures.len(), 51);
}

#[test]
fn every_documented_example_deserializes_into_the_models() {
    let ctx = context();
    let mut failures = Vec::new();
    for fixture in &ctx.fixtures {
        let operation = ctx.operation(fixture);
        let (label, parse) = model_for(&fixture.operation_id, fixture.kind);
        assert_eq!(
            label,
            schema_label(body_schema(operation, fixture.kind)),
            "{}: the model table disagrees with the contract",
            fixture.file
        );
        if let Err(err) = parse(&docs::fixture_text(&fixture.value)) {
            failures.push(format!("{}: {err}", fixture.file));
        }
    }
    assert!(
        failures.is_empty(),
        "examples the models reject:\n{}",
        failures.join("\n")
    );
}

#[test]
fn round_trips_keep_every_modelled_key() {
    let ctx = context();
    let mut failures = Vec::new();
    for fixture in &ctx.fixtures {
        let schema = body_schema(ctx.operation(fixture), fixture.kind);
        let (_, parse) = model_for(&fixture.operation_id, fixture.kind);
        let written = parse(&docs::fixture_text(&fixture.value)).expect("checked by another test");
        let expected = without_gone_keys(&ctx.doc, schema, &fixture.value);
        for difference in differences(&expected, &written, "") {
            failures.push(format!("{}: {difference}", fixture.file));
        }
    }
    assert!(
        failures.is_empty(),
        "a round trip changed these (documented <-> written):\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_documented_key_is_modelled_or_known_to_be_gone() {
    let ctx = context();
    let mut unknown = BTreeSet::new();
    let mut used = BTreeSet::new();
    for fixture in &ctx.fixtures {
        let schema = body_schema(ctx.operation(fixture), fixture.kind);
        walk(&ctx.doc, schema, &fixture.value, &mut |visit| {
            for key in visit.undeclared() {
                if is_gone(visit.schema_name, key) {
                    used.insert(visit.label(key));
                } else {
                    unknown.insert(format!(
                        "{} ({}{})",
                        visit.label(key),
                        fixture.file,
                        visit.pointer
                    ));
                }
            }
        });
    }
    assert!(
        unknown.is_empty(),
        "keys the documentation shows that the models do not have; model them, or list them in \
         known_gaps::GONE_KEYS with the reason GitLab no longer sends them:\n{}",
        unknown.into_iter().collect::<Vec<_>>().join("\n")
    );
    let listed: BTreeSet<String> = GONE_KEYS
        .iter()
        .map(|gone| format!("{}.{}", gone.schema, gone.key))
        .collect();
    let stale: Vec<_> = listed.difference(&used).collect();
    assert!(
        stale.is_empty(),
        "GONE_KEYS entries no example needs any more: {stale:?}"
    );
}

/// The contract with the keys in `OMITTED_BY_NEWEST_DOCS` taken out of `required`.
fn relaxed(doc: &Value) -> Value {
    let mut doc = doc.clone();
    for omitted in OMITTED_BY_NEWEST_DOCS {
        let required = doc
            .pointer_mut(&format!("/components/schemas/{}/required", omitted.schema))
            .and_then(Value::as_array_mut)
            .unwrap_or_else(|| panic!("{} has no required list", omitted.schema));
        let before = required.len();
        required.retain(|key| key != omitted.key);
        assert_eq!(
            before,
            required.len() + 1,
            "{}.{} is not required",
            omitted.schema,
            omitted.key
        );
    }
    doc
}

#[test]
fn newest_examples_lack_only_the_keys_known_to_be_omitted() {
    let ctx = context();
    let mut missing = BTreeSet::new();
    for fixture in ctx
        .fixtures
        .iter()
        .filter(|f| NEWEST_VERSIONS.contains(&f.version.as_str()))
    {
        let schema = body_schema(ctx.operation(fixture), fixture.kind);
        walk(&ctx.doc, schema, &fixture.value, &mut |visit| {
            for key in visit.missing_required() {
                missing.insert(visit.label(key));
            }
        });
    }
    let listed: BTreeSet<String> = OMITTED_BY_NEWEST_DOCS
        .iter()
        .map(|omitted| format!("{}.{}", omitted.schema, omitted.key))
        .collect();
    let unexplained: Vec<_> = missing.difference(&listed).collect();
    assert!(
        unexplained.is_empty(),
        "the newest examples lack keys the contract requires; if GitLab does send them, list \
         them in known_gaps::OMITTED_BY_NEWEST_DOCS with the reason: {unexplained:?}"
    );
    let stale: Vec<_> = listed.difference(&missing).collect();
    assert!(
        stale.is_empty(),
        "OMITTED_BY_NEWEST_DOCS entries no example needs any more: {stale:?}"
    );
}

#[test]
fn newest_examples_validate_against_the_published_contract() {
    let ctx = context();
    let relaxed = relaxed(&ctx.doc);
    let mut failures = Vec::new();
    for fixture in ctx
        .fixtures
        .iter()
        .filter(|f| NEWEST_VERSIONS.contains(&f.version.as_str()))
    {
        let schema = body_schema(ctx.operation(fixture), fixture.kind);
        let validator = validator(&relaxed, schema);
        for error in errors(&validator, &fixture.value) {
            failures.push(format!("{}: {error}", fixture.file));
        }
    }
    assert!(
        failures.is_empty(),
        "newest examples the contract rejects:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_contracts_examples_contain_the_newest_documented_payloads() {
    let ctx = context();
    let mut failures = Vec::new();
    let newest = ctx
        .fixtures
        .iter()
        .filter(|f| f.version == docs::NEWEST_MARKDOWN);
    for fixture in newest {
        let operation = ctx.operation(fixture);
        let example = match fixture.kind {
            ExampleKind::Response => {
                let responses = operation.object["responses"].as_object().unwrap();
                let (_, success) = responses
                    .iter()
                    .find(|(status, _)| status.starts_with('2'))
                    .unwrap();
                &success["content"]["application/json"]["example"]
            }
            ExampleKind::Request => {
                &operation.object["requestBody"]["content"]["application/json"]["example"]
            }
        };
        let schema = body_schema(operation, fixture.kind);
        let documented = without_gone_keys(&ctx.doc, schema, &fixture.value);
        for problem in not_contained(&documented, example, "") {
            failures.push(format!(
                "{} vs the example of {}: {problem}",
                fixture.file, operation.operation_id
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the contract's examples must be the documented payloads, completed:\n{}",
        failures.join("\n")
    );
}
