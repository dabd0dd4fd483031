//! Turns the OpenAPI 3.1 document into an OpenAPI 3.0.3 one, for progenitor and the other
//! tools that read only 3.0. utoipa emits only 3.1, and no maintained crate converts.
//!
//! Only schema objects change, and only in the ways 3.0 needs:
//!
//! | 3.1                                   | 3.0.3                                          |
//! |---------------------------------------|------------------------------------------------|
//! | `type: [T, "null"]`                   | `type: T`, `nullable: true` (`null` in `enum`) |
//! | `oneOf: [S, {type: "null"}]`, S typed | `S` merged, `nullable: true`                   |
//! | `oneOf: [{$ref}, {type: "null"}]`     | `anyOf: [{$ref}, NULL]`                        |
//! | `{type: "null"}`                      | `NULL`                                         |
//! | `$ref` beside other keywords          | `allOf: [{$ref}]` beside them                  |
//! | `examples: [x, ...]`                  | `example: x`                                   |
//! | `exclusiveMinimum: n` (a number)      | `minimum: n`, `exclusiveMinimum: true`         |
//! | `const: v`                            | `enum: [v]`                                    |
//! | `propertyNames`, `$defs`, `if`, ...   | dropped, with a note                           |
//!
//! `NULL` is `{type: object, nullable: true, enum: [null]}`: 3.0.3 says `nullable` takes
//! effect only beside `type` in the same schema, so strict 3.0 validators (and Redocly and
//! Spectral) read `nullable` beside a bare `$ref` or `allOf` as nothing, and reject a `null`
//! GitLab sends. A null alternative of its own is what every 3.0 tool reads as "or null":
//! openapi-generator makes it `NullableRunner`, openapi-python-client `None | Runner`.
//!
//! Descriptions and examples are kept. Anything dropped is reported as a [`Note`] naming where
//! it was, so that a loss is never silent.

use serde_json::{Map, Value, json};

/// Something the conversion dropped, and where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// JSON pointer of the object the keyword was dropped from.
    pub pointer: String,
    /// What was dropped.
    pub dropped: String,
}

/// What the 3.0.3 rendition of this contract is known to lose, and why a 3.0 reader misses
/// nothing by it: the keyword dropped, and the reason. `cargo xtask gen` prints every loss with
/// its reason, and fails on a loss that is not listed here, or on an entry that no longer
/// happens. Empty today: the rendition loses nothing.
pub const KNOWN_LOSSES: &[(&str, &str)] = &[];

/// Each loss in `notes` with its reason from [`KNOWN_LOSSES`]; an error naming the losses that
/// are not listed there, or the entries of it that did not happen.
pub fn explain(notes: &[Note]) -> Result<Vec<String>, String> {
    explain_against(notes, KNOWN_LOSSES)
}

fn explain_against(notes: &[Note], known_losses: &[(&str, &str)]) -> Result<Vec<String>, String> {
    let mut explained = Vec::new();
    let mut unknown = Vec::new();
    for note in notes {
        match known_losses
            .iter()
            .find(|(dropped, _)| *dropped == note.dropped)
        {
            Some((_, reason)) => explained.push(format!(
                "{} dropped at {}: {reason}",
                note.dropped, note.pointer
            )),
            None => unknown.push(format!("{} at {}", note.dropped, note.pointer)),
        }
    }
    let stale: Vec<&str> = known_losses
        .iter()
        .map(|(dropped, _)| *dropped)
        .filter(|dropped| !notes.iter().any(|note| note.dropped == *dropped))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "the 3.0.3 rendition would lose {}; change the model, teach the down-converter a \
             3.0 form, or list the loss with its reason in KNOWN_LOSSES (xtask/src/downconvert.rs)",
            unknown.join(", ")
        ));
    }
    if !stale.is_empty() {
        return Err(format!(
            "KNOWN_LOSSES lists {stale:?}, which the 3.0.3 rendition no longer loses; remove \
             the entry from xtask/src/downconvert.rs"
        ));
    }
    Ok(explained)
}

/// Converts `doc`, an OpenAPI 3.1 document, into OpenAPI 3.0.3 in place.
pub fn to_openapi_30(doc: &mut Value) -> Result<Vec<Note>, String> {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("3.1.") {
        return Err(format!(
            "expected an OpenAPI 3.1 document, found openapi {version:?}"
        ));
    }
    let mut notes = Vec::new();
    let root = doc.as_object_mut().ok_or("the document is not an object")?;
    root.insert("openapi".into(), json!("3.0.3"));
    for key in ["webhooks", "jsonSchemaDialect", "$self"] {
        drop_key(root, key, "", &mut notes);
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        drop_key(info, "summary", "/info", &mut notes);
        // 3.0 names a license by URL only: an SPDX identifier's page, or for an expression
        // such as `MIT OR Apache-2.0` the SPDX list that defines each of its identifiers.
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut)
            && let Some(Value::String(identifier)) = license.remove("identifier")
        {
            let simple = identifier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
            let url = if simple {
                format!("https://spdx.org/licenses/{identifier}.html")
            } else {
                "https://spdx.org/licenses/".to_owned()
            };
            license.entry("url").or_insert(Value::String(url));
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        drop_key(components, "pathItems", "/components", &mut notes);
        if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            for (name, schema) in schemas.iter_mut() {
                convert_schema(
                    schema,
                    &format!("/components/schemas/{}", escape(name)),
                    &mut notes,
                );
            }
        }
        for kind in ["parameters", "headers"] {
            for_each_entry(
                components,
                kind,
                "/components",
                &mut notes,
                convert_parameter,
            );
        }
        for_each_entry(
            components,
            "requestBodies",
            "/components",
            &mut notes,
            convert_content_holder,
        );
        for_each_entry(
            components,
            "responses",
            "/components",
            &mut notes,
            convert_response,
        );
    }
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            convert_path_item(item, &format!("/paths/{}", escape(path)), &mut notes);
        }
    }
    notes.sort();
    Ok(notes)
}

fn convert_path_item(item: &mut Value, at: &str, notes: &mut Vec<Note>) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(parameters)) = item.get_mut("parameters") {
        for (index, parameter) in parameters.iter_mut().enumerate() {
            convert_parameter(parameter, &format!("{at}/parameters/{index}"), notes);
        }
    }
    for method in [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ] {
        let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
            continue;
        };
        let at = format!("{at}/{method}");
        if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
            for (index, parameter) in parameters.iter_mut().enumerate() {
                convert_parameter(parameter, &format!("{at}/parameters/{index}"), notes);
            }
        }
        if let Some(body) = operation.get_mut("requestBody") {
            convert_content_holder(body, &format!("{at}/requestBody"), notes);
        }
        for_each_entry(operation, "responses", &at, notes, convert_response);
    }
}

/// A parameter or a header: a `schema`, or a `content` map of media types.
fn convert_parameter(parameter: &mut Value, at: &str, notes: &mut Vec<Note>) {
    if let Some(schema) = parameter.get_mut("schema") {
        convert_schema(schema, &format!("{at}/schema"), notes);
    }
    convert_content_holder(parameter, at, notes);
}

fn convert_response(response: &mut Value, at: &str, notes: &mut Vec<Note>) {
    convert_content_holder(response, at, notes);
    if let Some(headers) = response.as_object_mut() {
        for_each_entry(headers, "headers", at, notes, convert_parameter);
    }
}

/// Anything with a `content` map of media types, each with a `schema`.
fn convert_content_holder(holder: &mut Value, at: &str, notes: &mut Vec<Note>) {
    let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    for (media_type, entry) in content.iter_mut() {
        if let Some(schema) = entry.get_mut("schema") {
            convert_schema(
                schema,
                &format!("{at}/content/{}/schema", escape(media_type)),
                notes,
            );
        }
    }
}

fn for_each_entry(
    parent: &mut Map<String, Value>,
    key: &str,
    at: &str,
    notes: &mut Vec<Note>,
    convert: fn(&mut Value, &str, &mut Vec<Note>),
) {
    if let Some(entries) = parent.get_mut(key).and_then(Value::as_object_mut) {
        for (name, entry) in entries.iter_mut() {
            convert(entry, &format!("{at}/{key}/{}", escape(name)), notes);
        }
    }
}

/// Keywords that 3.0 schemas do not have and that have no 3.0 form.
const DROPPED_KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "propertyNames",
    "prefixItems",
    "unevaluatedItems",
    "unevaluatedProperties",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "patternProperties",
    "contains",
    "minContains",
    "maxContains",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];

fn convert_schema(schema: &mut Value, at: &str, notes: &mut Vec<Note>) {
    // 3.0.3 has no boolean schemas but for `additionalProperties`: `true` accepts anything,
    // as `{}` does, and `false` nothing, as `{not: {}}` does.
    if let Value::Bool(accepts) = schema {
        *schema = if *accepts {
            Value::Object(Map::new())
        } else {
            serde_json::json!({"not": {}})
        };
        return;
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };

    // Raw bytes: 3.1's string of a media type is 3.0's `format: binary`.
    if object.get("type").and_then(Value::as_str) == Some("string")
        && object.contains_key("contentMediaType")
        && !object.contains_key("contentEncoding")
    {
        object.remove("contentMediaType");
        object.insert("format".into(), "binary".into());
    }

    // `type: [T, "null"]`.
    if let Some(Value::Array(types)) = object.get("type").cloned() {
        let non_null: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let nullable = non_null.len() != types.len();
        match non_null.as_slice() {
            [] => {
                object.remove("type");
                object.extend(null_schema());
            }
            [single] => {
                object.insert("type".into(), single.clone());
                if nullable {
                    make_nullable(object);
                }
            }
            several => {
                object.remove("type");
                let mut alternatives: Vec<Value> =
                    several.iter().map(|t| json!({ "type": t })).collect();
                if nullable {
                    alternatives.push(Value::Object(null_schema()));
                }
                object.insert("anyOf".into(), Value::Array(alternatives));
            }
        }
    } else if object.get("type") == Some(&json!("null")) {
        object.remove("type");
        object.extend(null_schema());
    }

    // `oneOf`/`anyOf` with a `{type: "null"}` alternative.
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = object.get(key) else {
            continue;
        };
        if !alternatives.iter().any(is_null_schema) {
            continue;
        }
        let rest: Vec<Value> = alternatives
            .iter()
            .filter(|a| !is_null_schema(a))
            .cloned()
            .collect();
        object.remove(key);
        match rest.as_slice() {
            // One inline schema with a type: `nullable` beside its type says "or null".
            [Value::Object(single)]
                if single.contains_key("type") && !single.contains_key("$ref") =>
            {
                for (name, value) in single {
                    if !object.contains_key(name) {
                        object.insert(name.clone(), value.clone());
                    }
                }
                make_nullable(object);
            }
            // A `$ref`, or several alternatives: null is an alternative of its own. The
            // keywords utoipa puts beside a `$ref` (its description) move up beside `anyOf`.
            _ => {
                let mut alternatives = Vec::with_capacity(rest.len() + 1);
                for alternative in rest {
                    match alternative {
                        Value::Object(mut single) if single.contains_key("$ref") => {
                            let reference = single.remove("$ref").expect("checked");
                            for (name, value) in single {
                                object.entry(name).or_insert(value);
                            }
                            alternatives.push(json!({ "$ref": reference }));
                        }
                        other => alternatives.push(other),
                    }
                }
                alternatives.push(Value::Object(null_schema()));
                object.insert("anyOf".into(), Value::Array(alternatives));
            }
        }
    }

    // `$ref` beside other keywords: 3.0 ignores the siblings of a `$ref`.
    if object.contains_key("$ref") && object.len() > 1 {
        let reference = object.remove("$ref").expect("checked above");
        let mut all_of = vec![json!({ "$ref": reference })];
        if let Some(Value::Array(existing)) = object.remove("allOf") {
            all_of.extend(existing);
        }
        object.insert("allOf".into(), Value::Array(all_of));
    }

    if let Some(value) = object.remove("const") {
        object.insert("enum".into(), json!([value]));
    }
    // 3.0 has room for one example: the first, unless the schema already has one.
    if let Some(examples) = object.remove("examples") {
        let mut values = match examples {
            Value::Array(values) => values,
            other => vec![other],
        };
        if !values.is_empty() && !object.contains_key("example") {
            object.insert("example".into(), values.remove(0));
        }
        if !values.is_empty() {
            notes.push(Note {
                pointer: at.to_owned(),
                dropped: format!("{} of its examples", values.len()),
            });
        }
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(bound @ Value::Number(_)) = object.get(exclusive).cloned() {
            object.insert(inclusive.into(), bound);
            object.insert(exclusive.into(), json!(true));
        }
    }
    for keyword in DROPPED_KEYWORDS {
        drop_key(object, keyword, at, notes);
    }

    // Subschemas.
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, property) in properties.iter_mut() {
            convert_schema(
                property,
                &format!("{at}/properties/{}", escape(name)),
                notes,
            );
        }
    }
    for key in ["items", "not", "additionalProperties"] {
        match object.get_mut(key) {
            // 3.0.3 allows a boolean here, and only here.
            Some(Value::Bool(_)) if key == "additionalProperties" => {}
            Some(sub) => convert_schema(sub, &format!("{at}/{key}"), notes),
            None => {}
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(alternatives)) = object.get_mut(key) {
            for (index, alternative) in alternatives.iter_mut().enumerate() {
                convert_schema(alternative, &format!("{at}/{key}/{index}"), notes);
            }
        }
    }
}

/// `null` and nothing else, as 3.0.3 can say it.
fn null_schema() -> Map<String, Value> {
    let Value::Object(schema) = json!({"type": "object", "nullable": true, "enum": [null]}) else {
        unreachable!("an object literal")
    };
    schema
}

/// `nullable: true` beside the schema's `type`; an `enum` must list `null` too, as 3.0.3 says.
fn make_nullable(object: &mut Map<String, Value>) {
    object.insert("nullable".into(), json!(true));
    if let Some(Value::Array(values)) = object.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.as_object().is_some_and(|object| {
        object.get("type") == Some(&json!("null"))
            && object
                .keys()
                .all(|key| key == "type" || key == "description")
    })
}

fn drop_key(object: &mut Map<String, Value>, key: &str, at: &str, notes: &mut Vec<Note>) {
    if object.remove(key).is_some() {
        notes.push(Note {
            pointer: at.to_owned(),
            dropped: key.to_owned(),
        });
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3.1 document around `schema`, as the only component.
    fn convert_component(schema: Value) -> (Value, Vec<Note>) {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"S": schema}},
        });
        let notes = to_openapi_30(&mut doc).expect("converts");
        (doc["components"]["schemas"]["S"].clone(), notes)
    }

    #[test]
    fn tricky_schemas() {
        let cases = json!({
            "type_array_with_null": {"type": ["string", "null"], "format": "date-time", "description": "d"},
            "type_array_of_two": {"type": ["integer", "string"]},
            "only_null": {"type": "null"},
            "one_of_ref_or_null": {"oneOf": [{"$ref": "#/components/schemas/User", "description": "The user."}, {"type": "null"}]},
            "one_of_inline_or_null": {"oneOf": [{"type": "object", "properties": {"id": {"type": "integer"}}}, {"type": "null"}], "description": "outer"},
            "any_of_two_refs_or_null": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"type": "null"}]},
            "ref_with_siblings": {"$ref": "#/components/schemas/PipelineBasic", "description": "The pipeline."},
            "bare_ref": {"$ref": "#/components/schemas/PipelineBasic"},
            "examples": {"type": "number", "examples": [1.5, 2.5]},
            "examples_beside_example": {"type": "number", "example": 3, "examples": [1.5]},
            "exclusive_bounds": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 101},
            "property_names": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": ["string", "null"]}}, "propertyNames": {"type": "string"}},
            "const": {"const": "keyset"},
            "nested": {"type": "object", "properties": {"a": {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]}}}},
            "nullable_enum": {"type": ["string", "null"], "enum": ["a", "b"]},
            "only_null": {"type": "null", "description": "Nothing."},
            "boolean_schemas": {"type": "object", "properties": {"any": true, "list": {"type": "array", "items": true}, "never": false}, "additionalProperties": true},
            "inline_object_or_null": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "null"}], "description": "An object."},
            "raw_bytes": {"type": "string", "contentMediaType": "application/octet-stream"},
            "base64_text": {"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"},
        });
        let mut converted = Map::new();
        let mut all_notes = Vec::new();
        for (name, schema) in cases.as_object().unwrap() {
            let (schema, notes) = convert_component(schema.clone());
            converted.insert(name.clone(), schema);
            all_notes.extend(
                notes
                    .into_iter()
                    .map(|n| format!("{name}: {} dropped at {}", n.dropped, n.pointer)),
            );
        }
        insta::assert_json_snapshot!("downconvert_tricky_schemas", converted);
        insta::assert_json_snapshot!("downconvert_tricky_notes", all_notes);
    }

    #[test]
    fn document_level_changes() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "t", "summary": "s", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "paths": {"/x/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": ["integer", "null"]}}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S", "description": "body"}, "examples": {"one": {"value": {"examples": [1]}}}}}},
                    "responses": {"200": {
                        "description": "ok",
                        "headers": {"X-Next-Page": {"schema": {"type": ["string", "null"]}}},
                        "content": {"text/plain": {"schema": {"type": "string", "examples": ["log"]}}}
                    }}
                }
            }},
            "webhooks": {},
        });
        let notes = to_openapi_30(&mut doc).unwrap();
        insta::assert_json_snapshot!("downconvert_document", doc);
        assert_eq!(
            notes,
            vec![
                Note {
                    pointer: "".into(),
                    dropped: "jsonSchemaDialect".into()
                },
                Note {
                    pointer: "".into(),
                    dropped: "webhooks".into()
                },
                Note {
                    pointer: "/info".into(),
                    dropped: "summary".into()
                },
            ]
        );
        assert_eq!(
            doc["info"]["license"],
            json!({"name": "MIT", "url": "https://spdx.org/licenses/MIT.html"}),
            "3.0 names the license by URL"
        );
        // A media type's `examples` map is not a schema keyword and stays as it is.
        let media = &doc["paths"]["/x/{id}"]["post"]["requestBody"]["content"]["application/json"];
        assert_eq!(media["examples"]["one"]["value"]["examples"], json!([1]));
    }

    #[test]
    fn every_loss_is_explained_or_refused() {
        let note = |dropped: &str| Note {
            pointer: "/components/schemas/Commit/properties/trailers".into(),
            dropped: dropped.into(),
        };
        let known = [(
            "propertyNames",
            "3.0 has no `propertyNames`; JSON keys are strings",
        )];
        let explained = explain_against(&[note("propertyNames")], &known).unwrap();
        assert_eq!(
            explained,
            [
                "propertyNames dropped at /components/schemas/Commit/properties/trailers: 3.0 has \
              no `propertyNames`; JSON keys are strings"
            ]
        );
        let err = explain_against(&[note("propertyNames"), note("if")], &known).unwrap_err();
        assert!(
            err.starts_with("the 3.0.3 rendition would lose if at /components"),
            "{err}"
        );
        let err = explain_against(&[], &known).unwrap_err();
        assert!(err.contains("no longer loses"), "{err}");
        assert_eq!(explain(&[]).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn refuses_what_is_not_3_1() {
        let mut doc = json!({"openapi": "3.0.3"});
        assert_eq!(
            to_openapi_30(&mut doc).unwrap_err(),
            r#"expected an OpenAPI 3.1 document, found openapi "3.0.3""#
        );
        assert_eq!(
            doc,
            json!({"openapi": "3.0.3"}),
            "nothing changes on refusal"
        );
    }

    #[test]
    fn converting_twice_is_refused_not_corrupting() {
        let (schema, _) = convert_component(json!({"type": ["string", "null"]}));
        assert_eq!(schema, json!({"type": "string", "nullable": true}));
    }
}
