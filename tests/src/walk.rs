//! Reads a payload through the document's schemas, object by object.

use serde_json::{Map, Value};

use crate::spec::resolve;

/// One object of a payload and the schema it was read with.
#[derive(Debug)]
pub struct Visit<'a> {
    /// JSON pointer of the object in the payload.
    pub pointer: String,
    /// The component the schema is, or `None` for an inline schema.
    pub schema_name: Option<&'a str>,
    pub schema: &'a Value,
    pub object: &'a Map<String, Value>,
}

impl Visit<'_> {
    /// The keys the schema declares.
    pub fn declared(&self) -> Vec<&str> {
        self.schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|properties| properties.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The keys the schema requires that the object lacks.
    pub fn missing_required(&self) -> Vec<&str> {
        self.schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|key| !self.object.contains_key(*key))
            .collect()
    }

    /// The object's keys the schema does not declare.
    pub fn undeclared(&self) -> Vec<&str> {
        let declared = self.declared();
        self.object
            .keys()
            .map(String::as_str)
            .filter(|key| !declared.contains(key))
            .collect()
    }

    /// `Schema.key` or `<inline>.key`, for messages.
    pub fn label(&self, key: &str) -> String {
        format!("{}.{key}", self.schema_name.unwrap_or("<inline>"))
    }
}

/// Calls `visit` for every object of `value` that `schema` describes with `properties`: `value`
/// itself, and every object below it, through `$ref`s, arrays, nullable alternatives and
/// `oneOf` (taking the alternative that declares the most of the object's keys).
pub fn walk<'a>(
    doc: &'a Value,
    schema: &'a Value,
    value: &'a Value,
    visit: &mut dyn FnMut(Visit<'a>),
) {
    go(doc, None, schema, value, String::new(), visit);
}

fn go<'a>(
    doc: &'a Value,
    name: Option<&'a str>,
    schema: &'a Value,
    value: &'a Value,
    pointer: String,
    visit: &mut dyn FnMut(Visit<'a>),
) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let (name, schema) = resolve(doc, reference);
        return go(doc, Some(name), schema, value, pointer, visit);
    }
    if value.is_null() {
        return;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            let candidates: Vec<&Value> = alternatives
                .iter()
                .filter(|alternative| alternative.get("type") != Some(&Value::from("null")))
                .collect();
            let best = candidates
                .iter()
                .max_by_key(|alternative| coverage(doc, alternative, value))
                .expect("a oneOf has a non-null alternative");
            return go(doc, name, best, value, pointer, visit);
        }
    }
    match value {
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter().enumerate() {
                    go(
                        doc,
                        None,
                        item_schema,
                        item,
                        format!("{pointer}/{index}"),
                        visit,
                    );
                }
            }
        }
        Value::Object(object) => {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                visit(Visit {
                    pointer: pointer.clone(),
                    schema_name: name,
                    schema,
                    object,
                });
                for (key, item) in object {
                    if let Some(property) = properties.get(key) {
                        go(doc, None, property, item, format!("{pointer}/{key}"), visit);
                    }
                }
            } else if let Some(values) =
                schema.get("additionalProperties").filter(|s| s.is_object())
            {
                for (key, item) in object {
                    go(doc, None, values, item, format!("{pointer}/{key}"), visit);
                }
            }
        }
        _ => {}
    }
}

/// How many of an object's keys a schema declares, and whether the value's JSON type fits it at
/// all (ranked first).
fn coverage(doc: &Value, schema: &Value, value: &Value) -> (bool, usize) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(doc, reference).1,
        None => schema,
    };
    let fits = match schema.get("type").and_then(Value::as_str) {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    };
    let declared = match (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        (Some(properties), Some(object)) => object
            .keys()
            .filter(|k| properties.contains_key(*k))
            .count(),
        _ => 0,
    };
    (fits, declared)
}
