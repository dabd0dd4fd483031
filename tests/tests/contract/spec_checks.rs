//! The published documents on their own: structure, references, descriptions, examples, and the
//! agreement of the OpenAPI components with the per-model JSON Schemas.

use std::collections::BTreeMap;

use contract_tests::spec::{self, resolve};
use contract_tests::{fixtures_dir, workspace_root};
use serde_json::{Map, Value, json};

use super::support::{components, errors, validator};

/// Every `$ref` in `value`, with where it is.
fn references(value: &Value, at: String, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, item) in object {
                if key == "$ref" {
                    if let Some(target) = item.as_str() {
                        found.push((at.clone(), target.to_owned()));
                    }
                } else {
                    references(item, format!("{at}/{key}"), found);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                references(item, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    for (name, doc) in [
        ("openapi.yaml", spec::openapi_31()),
        ("openapi-3.0.yaml", spec::openapi_30()),
    ] {
        let mut found = Vec::new();
        references(&doc, String::new(), &mut found);
        assert!(found.len() > 100, "{name}: expected many references");
        let dangling: Vec<_> = found
            .iter()
            .filter(|(_, target)| {
                target
                    .strip_prefix('#')
                    .and_then(|pointer| doc.pointer(pointer))
                    .is_none()
            })
            .collect();
        assert!(
            dangling.is_empty(),
            "{name}: dangling references: {dangling:?}"
        );
    }
}

fn oas_schema(file: &str) -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join("oas").join(file)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_31_document_validates_against_the_openapi_31_schema() {
    let validator = jsonschema::validator_for(&oas_schema("openapi-3.1.schema.json")).unwrap();
    let doc = spec::openapi_31();
    assert_eq!(doc["openapi"], "3.1.0");
    let problems = errors(&validator, &doc);
    assert!(
        problems.is_empty(),
        "openapi.yaml is not valid OpenAPI 3.1:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_30_rendition_validates_against_the_openapi_30_schema() {
    let validator = jsonschema::validator_for(&oas_schema("openapi-3.0.schema.json")).unwrap();
    let doc = spec::openapi_30();
    assert_eq!(doc["openapi"], "3.0.3");
    let problems = errors(&validator, &doc);
    assert!(
        problems.is_empty(),
        "openapi-3.0.yaml is not valid OpenAPI 3.0:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_component_schema_is_a_valid_json_schema() {
    let doc = spec::openapi_31();
    for (name, schema) in components(&doc) {
        let mut schema = schema.clone();
        schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        if let Err(err) = jsonschema::meta::validate(&schema) {
            panic!("components.schemas.{name} is not a valid JSON Schema: {err}");
        }
    }
    for (file, schema) in json_schema_files() {
        if let Err(err) = jsonschema::meta::validate(&schema) {
            panic!("{file} is not a valid JSON Schema: {err}");
        }
    }
}

/// Whether a property schema has a description, beside a `$ref` or inside a nullable one.
fn is_described(schema: &Value) -> bool {
    schema.get("description").is_some()
        || schema["oneOf"].as_array().is_some_and(|alternatives| {
            alternatives
                .iter()
                .any(|alternative| alternative.get("description").is_some())
        })
}

#[test]
fn every_operation_parameter_schema_and_property_is_described() {
    let doc = spec::openapi_31();
    let mut missing = Vec::new();
    for operation in spec::operations(&doc) {
        let id = &operation.operation_id;
        for key in [
            "operationId",
            "summary",
            "description",
            "tags",
            "security",
            "responses",
        ] {
            if operation.object.get(key).is_none() {
                missing.push(format!("{id}: no {key}"));
            }
        }
        for parameter in operation.object["parameters"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if parameter.get("description").is_none() {
                missing.push(format!(
                    "{id}: parameter {} has no description",
                    parameter["name"]
                ));
            }
        }
        for (status, response) in operation.object["responses"].as_object().unwrap() {
            let response = spec::response(&doc, response);
            if response.get("description").is_none() {
                missing.push(format!("{id} {status}: no description"));
            }
            // A 204, a redirect, a 304 and any answer to HEAD have no body to give an example
            // of; raw bytes (a download) have none worth showing.
            let examples: Vec<&Value> = response["content"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(_, media)| media)
                .filter(|media| media["schema"].get("contentMediaType").is_none())
                .collect();
            let bodyless =
                ["204", "302", "304"].contains(&status.as_str()) || operation.method == "HEAD";
            let raw_only = examples.is_empty() && response.get("content").is_some();
            if (bodyless && response.get("content").is_none()) || raw_only {
                continue;
            }
            if examples.is_empty() || examples.iter().any(|media| media.get("example").is_none()) {
                missing.push(format!("{id} {status}: no example"));
            }
        }
    }
    for (name, schema) in components(&doc) {
        for key in ["description", "examples"] {
            if schema.get(key).is_none()
                && !(key == "examples"
                    && schema.get("oneOf").is_some()
                    && schema.get("description").is_some())
            {
                missing.push(format!("{name}: no {key}"));
            }
        }
        for (property, property_schema) in schema["properties"].as_object().into_iter().flatten() {
            if !is_described(property_schema) {
                missing.push(format!("{name}.{property}: no description"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented parts of the contract:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_example_validates_against_its_own_schema() {
    let doc = spec::openapi_31();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, schema) in components(&doc) {
        let validator = validator(
            &doc,
            &json!({"$ref": format!("#/components/schemas/{name}")}),
        );
        for example in schema["examples"].as_array().into_iter().flatten() {
            checked += 1;
            failures.extend(
                errors(&validator, example)
                    .into_iter()
                    .map(|e| format!("{name}: {e}")),
            );
        }
    }
    for operation in spec::operations(&doc) {
        let id = &operation.operation_id;
        let mut media = Vec::new();
        if let Some(body) = operation.object.get("requestBody") {
            media.push(("request body".to_owned(), &body["content"]));
        }
        for (status, response) in operation.object["responses"].as_object().unwrap() {
            media.push((status.clone(), &spec::response(&doc, response)["content"]));
        }
        for (label, content) in media {
            for (media_type, entry) in content.as_object().into_iter().flatten() {
                let Some(example) = entry.get("example") else {
                    continue;
                };
                checked += 1;
                let validator = validator(&doc, &entry["schema"]);
                failures.extend(
                    errors(&validator, example)
                        .into_iter()
                        .map(|e| format!("{id} {label} {media_type}: {e}")),
                );
            }
        }
    }
    assert!(checked > 80, "only {checked} examples found");
    assert!(
        failures.is_empty(),
        "examples their own schemas reject:\n{}",
        failures.join("\n")
    );
}

/// Every example of the 3.0.3 rendition, read with the strict semantics of 3.0.3 (where
/// `nullable` counts only beside `type`), validates against its schema: a strict 3.0 consumer
/// accepts what GitLab sends, `null`s included.
#[test]
fn every_example_of_the_30_rendition_validates_under_strict_30_semantics() {
    let doc = spec::openapi_30();
    let check = |schema: &Value, example: &Value| -> Vec<String> {
        let schema = contract_tests::strict30::json_schema(&doc, schema);
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|err| panic!("not a valid schema: {err}"));
        errors(&validator, example)
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, schema) in components(&doc) {
        if let Some(example) = schema.get("example") {
            checked += 1;
            let reference = json!({"$ref": format!("#/components/schemas/{name}")});
            failures.extend(
                check(&reference, example)
                    .into_iter()
                    .map(|e| format!("{name}: {e}")),
            );
        }
    }
    for operation in spec::operations(&doc) {
        let id = &operation.operation_id;
        let mut media = Vec::new();
        if let Some(body) = operation.object.get("requestBody") {
            media.push(("request body".to_owned(), &body["content"]));
        }
        for (status, response) in operation.object["responses"].as_object().unwrap() {
            media.push((status.clone(), &spec::response(&doc, response)["content"]));
        }
        for (label, content) in media {
            for (media_type, entry) in content.as_object().into_iter().flatten() {
                let Some(example) = entry.get("example") else {
                    continue;
                };
                checked += 1;
                failures.extend(
                    check(&entry["schema"], example)
                        .into_iter()
                        .map(|e| format!("{id} {label} {media_type}: {e}")),
                );
            }
        }
    }
    assert!(checked > 80, "only {checked} examples found");
    assert!(
        failures.is_empty(),
        "examples a strict OAS 3.0 reader rejects:\n{}",
        failures.join("\n")
    );
}

/// Each of GitLab's error bodies matches exactly one alternative of `ApiError`, so that a
/// generated client that tries them in turn, or a validator of `oneOf`, finds the right one.
#[test]
fn every_error_body_is_exactly_one_api_error() {
    let doc = spec::openapi_31();
    let alternatives: Vec<Value> = components(&doc)["ApiError"]["oneOf"]
        .as_array()
        .expect("ApiError is a oneOf")
        .clone();
    let validators: Vec<_> = alternatives.iter().map(|a| validator(&doc, a)).collect();
    let mut bodies = Vec::new();
    for operation in spec::operations(&doc) {
        for (status, response) in operation.object["responses"].as_object().unwrap() {
            let response = spec::response(&doc, response);
            if let Some(example) = response.pointer("/content/application~1json/example")
                && !status.starts_with('2')
            {
                bodies.push((
                    format!("{} {status}", operation.operation_id),
                    example.clone(),
                ));
            }
        }
    }
    bodies.push((
        "an OAuth error".into(),
        json!({"error": "invalid_token", "error_description": "Token is expired."}),
    ));
    assert!(bodies.len() > 40, "only {} error bodies", bodies.len());
    for (label, body) in bodies {
        let matches: Vec<&Value> = alternatives
            .iter()
            .zip(&validators)
            .filter(|(_, validator)| validator.is_valid(&body))
            .map(|(alternative, _)| alternative)
            .collect();
        assert_eq!(matches.len(), 1, "{label}: {body} matches {matches:?}");
    }
}

/// The contract's text speaks to every reader: no remark about the Rust types leaks into it.
#[test]
fn descriptions_speak_to_every_reader() {
    fn walk(value: &Value, at: &str, found: &mut Vec<String>) {
        const RUST_ONLY: &[&str] = &[
            "Rust",
            "crate",
            "serde",
            "Option<",
            "Some(",
            "None",
            "Vec<",
            "optional here",
            "in the contract",
            "`Other`",
        ];
        match value {
            Value::Object(object) => {
                for (key, item) in object {
                    // `If-None-Match` is HTTP's, not Rust's `None`.
                    let text = item.as_str().map(|text| text.replace("If-None-Match", ""));
                    if key == "description"
                        && let Some(text) = text
                        && let Some(word) = RUST_ONLY.iter().find(|word| text.contains(*word))
                    {
                        found.push(format!("{at}: {word:?} in {text:?}"));
                    }
                    walk(item, &format!("{at}/{key}"), found);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{index}"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(&spec::openapi_31(), "", &mut found);
    assert!(
        found.is_empty(),
        "Rust-only remarks in the contract:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_30_rendition_keeps_every_description_and_example() {
    fn collect(value: &Value, descriptions: &mut Vec<String>, examples: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                for (key, item) in object {
                    match (key.as_str(), item) {
                        ("description", Value::String(text)) => descriptions.push(text.clone()),
                        ("example", example) => examples.push(example.to_string()),
                        ("examples", Value::Array(list)) if !list.is_empty() => {
                            examples.push(list[0].to_string())
                        }
                        _ => collect(item, descriptions, examples),
                    }
                }
            }
            Value::Array(items) => items
                .iter()
                .for_each(|item| collect(item, descriptions, examples)),
            _ => {}
        }
    }
    let (mut d31, mut e31, mut d30, mut e30) = (vec![], vec![], vec![], vec![]);
    collect(&spec::openapi_31(), &mut d31, &mut e31);
    collect(&spec::openapi_30(), &mut d30, &mut e30);
    for list in [&mut d31, &mut e31, &mut d30, &mut e30] {
        list.sort();
    }
    assert_eq!(d30, d31, "the 3.0.3 rendition lost or changed descriptions");
    assert_eq!(e30, e31, "the 3.0.3 rendition lost or changed examples");
}

/// The per-model JSON Schemas, by file name.
fn json_schema_files() -> BTreeMap<String, Value> {
    let dir = workspace_root().join("openapi/schemas");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            )
        })
        .collect()
}

/// What a schema says about the data, in one form for utoipa's and schemars' ways of saying
/// it: references by name, nullability as a flag, and no descriptions, examples or defaults.
fn shape(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return json!({"ref": reference.rsplit('/').next().unwrap()});
    }
    let mut out = Map::new();
    let mut nullable = false;
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = object.get(key).and_then(Value::as_array) {
            let non_null: Vec<&Value> = alternatives
                .iter()
                .filter(|a| a.get("type") != Some(&json!("null")))
                .collect();
            nullable |= non_null.len() < alternatives.len();
            if let [single] = non_null.as_slice() {
                out.extend(shape(single).as_object().unwrap().clone());
            } else {
                out.insert(
                    "alternatives".into(),
                    non_null.iter().map(|a| shape(a)).collect(),
                );
            }
        }
    }
    match object.get("type") {
        Some(Value::Array(types)) => {
            nullable |= types.contains(&json!("null"));
            let rest: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
            out.insert(
                "type".into(),
                if rest.len() == 1 {
                    rest[0].clone()
                } else {
                    json!(rest)
                },
            );
        }
        Some(single) => {
            out.insert("type".into(), single.clone());
        }
        None => {}
    }
    for key in ["format", "enum"] {
        if let Some(value) = object.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    for key in ["items", "additionalProperties"] {
        match object.get(key) {
            Some(Value::Object(sub)) if sub.is_empty() => {
                out.insert(key.into(), json!(true));
            }
            Some(sub) => {
                out.insert(key.into(), shape(sub));
            }
            None => {}
        }
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        let shaped: Map<String, Value> = properties
            .iter()
            .map(|(name, sub)| (name.clone(), shape(sub)))
            .collect();
        out.insert("properties".into(), Value::Object(shaped));
        let mut required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        required.sort();
        out.insert("required".into(), json!(required));
    }
    if nullable {
        out.insert("nullable".into(), json!(true));
    }
    Value::Object(out)
}

/// `value` with every `#/$defs/` reference pointing at `#/components/schemas/` instead.
fn as_component(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, sub)| match (key.as_str(), sub.as_str()) {
                    ("$ref", Some(target)) => (
                        key.clone(),
                        json!(target.replacen("#/$defs/", "#/components/schemas/", 1)),
                    ),
                    _ => (key.clone(), as_component(sub)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(as_component).collect()),
        other => other.clone(),
    }
}

/// Both come from one schemars generator, so they must be equal, not merely alike: any
/// difference means one of them is stale or was built from another source.
#[test]
fn json_schemas_are_the_openapi_components() {
    let doc = spec::openapi_31();
    let components = components(&doc);
    let mut compared = 0;
    let mut failures = Vec::new();
    for (file, mut schema) in json_schema_files() {
        let name = file.trim_end_matches(".json").to_owned();
        let object = schema.as_object_mut().unwrap();
        let definitions = object.remove("$defs").unwrap_or_else(|| json!({}));
        for header in ["$comment", "$schema", "title"] {
            object.remove(header);
        }
        let mut definitions: Vec<(String, Value)> = definitions
            .as_object()
            .unwrap()
            .iter()
            .map(|(def, sub)| (def.clone(), sub.clone()))
            .collect();
        definitions.push((name, schema));
        for (def, sub) in definitions {
            let Some(component) = components.get(&def) else {
                failures.push(format!("{file}: {def} is not an OpenAPI component"));
                continue;
            };
            compared += 1;
            let ours = as_component(&sub);
            if &ours != component {
                failures.push(format!(
                    "{file}: {def} differs\n  JSON Schema: {ours}\n  OpenAPI:     {component}"
                ));
            }
        }
    }
    assert!(compared > 50, "only {compared} schemas compared");
    assert!(
        failures.is_empty(),
        "the JSON Schemas and the OpenAPI components differ; run `cargo xtask gen`:\n{}",
        failures.join("\n")
    );
}

#[test]
fn operation_table() {
    let doc = spec::openapi_31();
    let rows: Vec<String> = spec::operations(&doc)
        .iter()
        .map(|operation| {
            let statuses: Vec<&String> = operation.object["responses"]
                .as_object()
                .unwrap()
                .keys()
                .collect();
            format!(
                "{} {} {} -> {} [{}]",
                operation.method,
                operation.path,
                operation.operation_id,
                statuses
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                operation.security_schemes().join(" "),
            )
        })
        .collect();
    without_module_prefix(|| insta::assert_snapshot!("operation_table", rows.join("\n")));
}

/// One line per property: its type, whether it may be null, and whether GitLab always sends it.
fn summary(doc: &Value, schema: &Value) -> Value {
    fn describe(doc: &Value, schema: &Value) -> String {
        let shape = shape(schema);
        let mut text = if let Some(name) = shape["ref"].as_str() {
            let (_, target) = resolve(doc, &format!("#/components/schemas/{name}"));
            match (target["enum"].as_array(), open_enum_values(doc, target)) {
                (Some(_), _) => format!("{name} (enum)"),
                (None, Some(_)) => format!("{name} (open enum)"),
                (None, None) => name.to_owned(),
            }
        } else if shape["type"] == "array" {
            format!("[{}]", describe(doc, &schema["items"]))
        } else if let Some(alternatives) = shape["alternatives"].as_array() {
            alternatives
                .iter()
                .map(|a| {
                    a["type"]
                        .as_str()
                        .or(a["ref"].as_str())
                        .unwrap_or("?")
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join(" | ")
        } else {
            let base = shape["type"].as_str().unwrap_or("any").to_owned();
            match shape["format"].as_str() {
                Some(format) => format!("{base}({format})"),
                None if shape.get("additionalProperties").is_some() => {
                    format!("map of {}", shape["additionalProperties"])
                }
                None => base,
            }
        };
        if shape["nullable"] == true {
            text.push_str(" | null");
        }
        text
    }
    if let Some(values) = schema["enum"].as_array() {
        return json!(values);
    }
    if let Some(values) = open_enum_values(doc, schema) {
        return json!({"known": values, "or": "any other string"});
    }
    if let Some(alternatives) = schema["oneOf"].as_array() {
        return json!(
            alternatives
                .iter()
                .map(|a| describe(doc, a))
                .collect::<Vec<_>>()
        );
    }
    let Some(properties) = schema["properties"].as_object() else {
        // A plain value, such as `ProjectId` or `UnlistedValue`.
        return json!(describe(doc, schema));
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    Value::Object(
        properties
            .iter()
            .map(|(name, property)| {
                let presence = if required.contains(&name.as_str()) {
                    "always"
                } else {
                    "sometimes"
                };
                (
                    name.clone(),
                    json!(format!("{}, {presence}", describe(doc, property))),
                )
            })
            .collect(),
    )
}

/// The known values of an open enum (`anyOf: [KnownX, UnlistedValue]`).
fn open_enum_values<'a>(doc: &'a Value, schema: &Value) -> Option<&'a Vec<Value>> {
    let alternatives = schema["anyOf"].as_array()?;
    let [known, unlisted] = alternatives.as_slice() else {
        return None;
    };
    if unlisted["$ref"] != "#/components/schemas/UnlistedValue" {
        return None;
    }
    resolve(doc, known["$ref"].as_str()?).1["enum"].as_array()
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn model_schemas() {
    let doc = spec::openapi_31();
    without_module_prefix(|| {
        for (name, schema) in components(&doc) {
            insta::assert_yaml_snapshot!(
                format!("{}_schema", snake_case(name)),
                summary(&doc, schema)
            );
        }
    });
}

/// Names snapshot files by the snapshot's own name (`job_schema.snap`).
fn without_module_prefix(run: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(run);
}

#[test]
fn the_readme_shows_the_client_example_as_it_compiles() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let example =
        std::fs::read_to_string(root.join("crates/gitlab-jobs-client/examples/failed_jobs.rs"))
            .unwrap();
    assert!(
        readme.contains(&format!("```rust\n{example}```")),
        "README.md's client example differs from crates/gitlab-jobs-client/examples/failed_jobs.rs; copy the file into the README"
    );
}

/// The README's TypeScript program is `examples/typescript/failed-jobs.ts`, and its Java
/// method is the one `.ci/consumers/Check.java` calls: CI compiles and runs both.
#[test]
fn the_readme_shows_the_consumer_examples_as_ci_runs_them() {
    let root = workspace_root();
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
    };
    let readme = read("README.md");
    let program = read("examples/typescript/failed-jobs.ts");
    assert!(
        readme.contains(&format!("```ts\n{program}```")),
        "README.md's TypeScript program differs from examples/typescript/failed-jobs.ts; copy the file into the README"
    );
    let java = readme
        .split("```java\n")
        .nth(1)
        .and_then(|rest| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("README.md shows a ```java block");
    let in_class: String = java
        .lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_owned()
            } else {
                format!("    {line}\n")
            }
        })
        .collect();
    assert!(
        read(".ci/consumers/Check.java").contains(&in_class),
        "README.md's Java method is not in .ci/consumers/Check.java, which CI compiles; copy it there, indented by four spaces"
    );
}

/// `openapi/CHANGELOG.md` has an entry for every version, newest first, and the newest is the
/// contract's `info.version`.
#[test]
fn the_changelog_names_the_contracts_version_first() {
    let text = std::fs::read_to_string(workspace_root().join("openapi/CHANGELOG.md"))
        .expect("openapi/CHANGELOG.md exists");
    let versions: Vec<(u64, u64, u64)> = text
        .lines()
        .filter_map(|line| line.strip_prefix("## "))
        .map(|version| {
            let parts: Vec<u64> = version
                .trim()
                .split('.')
                .map(|part| {
                    part.parse()
                        .unwrap_or_else(|_| panic!("`## {version}` is no version"))
                })
                .collect();
            let [major, minor, patch] = parts[..] else {
                panic!("`## {version}` is not major.minor.patch");
            };
            (major, minor, patch)
        })
        .collect();
    let current = spec::openapi_31()["info"]["version"]
        .as_str()
        .expect("info.version")
        .to_owned();
    let newest = versions.first().expect("the changelog has an entry");
    assert_eq!(
        format!("{}.{}.{}", newest.0, newest.1, newest.2),
        current,
        "the newest changelog entry must be info.version; add `## {current}` with what changed"
    );
    assert!(
        versions.windows(2).all(|pair| pair[0] > pair[1]),
        "changelog entries are not newest first: {versions:?}"
    );
    for section in text.split("\n## ").skip(1) {
        let body = section.split_once('\n').map_or("", |(_, body)| body.trim());
        assert!(!body.is_empty(), "an empty changelog entry: ## {section}");
    }
}
