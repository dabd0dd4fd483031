//! Schemas of an OpenAPI 3.0 document read with the strict semantics of 3.0.3, as JSON Schema a
//! 2020-12 validator can apply: what a strict 3.0 consumer accepts.
//!
//! 3.0.3 says `nullable: true` "adds `null` to the allowed types specified by the `type`
//! keyword, only if `type` is explicitly defined within the same Schema Object", and that an
//! `enum` must list `null` itself to allow it. So `nullable` beside a `type` becomes
//! `type: [T, "null"]`, and `nullable` anywhere else means nothing: a `null` that only such a
//! `nullable` allowed is rejected, as strict 3.0 validators reject it. The other 3.0 forms
//! are translated to their JSON Schema meaning (`exclusiveMinimum: true` beside `minimum`), and
//! keywords that do not constrain a value (`example`, `discriminator`, `x-*`, ...) are left out.

use serde_json::{Map, Value, json};

/// `schema`, from a 3.0 document whose components it may `$ref`, as a JSON Schema object
/// whose `components/schemas` are translated too, so that its `$ref`s still resolve.
pub fn json_schema(doc: &Value, schema: &Value) -> Value {
    let mut root = match translate(schema) {
        Value::Object(object) => object,
        other => panic!("not a schema object: {other}"),
    };
    let components: Map<String, Value> = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, component)| (name.clone(), translate(component)))
        .collect();
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("components".into(), json!({ "schemas": components }));
    Value::Object(root)
}

/// Keywords of a 3.0 schema object that describe rather than constrain.
const DESCRIPTIVE: &[&str] = &[
    "example",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "deprecated",
    "nullable",
];

/// One 3.0 schema object as JSON Schema.
fn translate(schema: &Value) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        if DESCRIPTIVE.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let value = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, sub)| (name.clone(), translate(sub)))
                    .collect(),
            ),
            "items" | "not" => translate(value),
            "additionalProperties" if value.is_object() => translate(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(translate)
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    if object.get("nullable") == Some(&json!(true))
        && let Some(Value::String(kind)) = object.get("type")
    {
        out.insert("type".into(), json!([kind, "null"]));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match out.remove(exclusive) {
            Some(Value::Bool(true)) => {
                if let Some(limit) = out.remove(bound) {
                    out.insert(exclusive.into(), limit);
                }
            }
            Some(Value::Bool(false)) | None => {}
            Some(other) => panic!("a 3.0 {exclusive} is a boolean, not {other}"),
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(schema: Value, instance: Value) -> bool {
        let doc = json!({"components": {"schemas": {
            "Runner": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
        }}});
        jsonschema::validator_for(&json_schema(&doc, &schema))
            .unwrap()
            .is_valid(&instance)
    }

    #[test]
    fn nullable_counts_only_beside_a_type() {
        let runner = json!({"$ref": "#/components/schemas/Runner"});
        // The form the down-converter once wrote: strict 3.0 reads it as "not nullable".
        let beside_all_of = json!({"nullable": true, "allOf": [runner]});
        assert!(!accepts(beside_all_of.clone(), Value::Null));
        assert!(accepts(beside_all_of, json!({"id": 1})));
        let null_alternative =
            json!({"anyOf": [runner, {"type": "object", "nullable": true, "enum": [null]}]});
        assert!(accepts(null_alternative.clone(), Value::Null));
        assert!(accepts(null_alternative.clone(), json!({"id": 1})));
        assert!(!accepts(null_alternative, json!({"other": 1})));
        assert!(accepts(
            json!({"type": "string", "nullable": true}),
            Value::Null
        ));
        assert!(!accepts(json!({"type": "string"}), Value::Null));
        // An enum must list null itself.
        let enumerated = json!({"type": "string", "nullable": true, "enum": ["a"]});
        assert!(!accepts(enumerated, Value::Null));
    }

    #[test]
    fn boolean_exclusive_bounds_become_numbers() {
        let positive = json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true});
        assert!(!accepts(positive.clone(), json!(0)));
        assert!(accepts(positive, json!(1)));
        assert!(accepts(
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": false}),
            json!(0)
        ));
    }
}
