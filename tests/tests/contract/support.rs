//! Helpers shared by the contract tests.

use serde_json::{Map, Value, json};

/// A validator for `schema`, a schema of the document `doc` (which may `$ref` its
/// components), checking formats such as `date-time`.
pub fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = match schema {
        Value::Object(object) => object.clone(),
        other => panic!("not a schema object: {other}"),
    };
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("components".into(), doc["components"].clone());
    jsonschema::options()
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .unwrap_or_else(|err| panic!("not a valid schema: {err}"))
}

/// The validation errors of `instance`, one line each.
pub fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| format!("at {:?}: {error}", error.instance_path().as_str()))
        .collect()
}

/// Where two JSON values differ, as JSON pointers with both sides.
pub fn differences(a: &Value, b: &Value, at: &str) -> Vec<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x == y || x.as_f64() == y.as_f64() {
                vec![]
            } else {
                vec![format!("{at}: {x} != {y}")]
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut found = Vec::new();
            for key in x.keys().chain(y.keys().filter(|key| !x.contains_key(*key))) {
                match (x.get(key), y.get(key)) {
                    (Some(left), Some(right)) => {
                        found.extend(differences(left, right, &format!("{at}/{key}")))
                    }
                    (Some(left), None) => found.push(format!("{at}/{key}: {left} != <absent>")),
                    (None, Some(right)) => found.push(format!("{at}/{key}: <absent> != {right}")),
                    (None, None) => unreachable!(),
                }
            }
            found
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .flat_map(|(index, (left, right))| differences(left, right, &format!("{at}/{index}")))
            .collect(),
        _ if a == b => vec![],
        _ => vec![format!("{at}: {a} != {b}")],
    }
}

/// Where `part` is not contained in `whole`: every key of an object of `part` must be in
/// `whole` with a contained value, arrays must have the same length and contained items, and
/// scalars must be equal (numbers by value).
pub fn not_contained(part: &Value, whole: &Value, at: &str) -> Vec<String> {
    match (part, whole) {
        (Value::Object(p), Value::Object(w)) => p
            .iter()
            .flat_map(|(key, value)| match w.get(key) {
                Some(other) => not_contained(value, other, &format!("{at}/{key}")),
                None => vec![format!("{at}/{key}: missing")],
            })
            .collect(),
        (Value::Array(p), Value::Array(w)) if p.len() == w.len() => p
            .iter()
            .zip(w)
            .enumerate()
            .flat_map(|(index, (item, other))| not_contained(item, other, &format!("{at}/{index}")))
            .collect(),
        _ => differences(part, whole, at),
    }
}

/// `value` without the keys GitLab no longer sends, as the walker reads them.
pub fn without_gone_keys(doc: &Value, schema: &Value, value: &Value) -> Value {
    let mut gone = Vec::new();
    contract_tests::walk::walk(doc, schema, value, &mut |visit| {
        for key in visit.undeclared() {
            if contract_tests::known_gaps::is_gone(visit.schema_name, key) {
                gone.push(format!("{}/{key}", visit.pointer));
            }
        }
    });
    let mut value = value.clone();
    for pointer in gone {
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a key");
        if let Some(Value::Object(object)) = value.pointer_mut(parent) {
            object.shift_remove(key);
        }
    }
    value
}

/// The component schemas of the document.
pub fn components(doc: &Value) -> &Map<String, Value> {
    doc["components"]["schemas"]
        .as_object()
        .expect("the document has component schemas")
}
