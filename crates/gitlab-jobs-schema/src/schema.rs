//! Helpers shared by the hand-written parts of the OpenAPI and JSON schemas.

/// A schemars transform that lists `keys` as required.
///
/// The models keep a key optional when GitLab always sends it but older instances or the
/// documentation's examples leave it out (`#[serde(default, skip_serializing_if = ...)]`), so
/// schemars would call it optional. The contract says what GitLab sends, so the JSON Schema must
/// require it, as the OpenAPI document does through `#[schema(required = true)]`. The contract
/// tests check that both agree, key by key.
#[cfg(feature = "json-schema")]
pub(crate) fn always_sent(keys: &'static [&'static str]) -> impl FnMut(&mut schemars::Schema) {
    move |schema: &mut schemars::Schema| {
        for key in keys {
            assert!(
                schema
                    .get("properties")
                    .and_then(|properties| properties.get(key))
                    .is_some(),
                "always_sent names {key:?}, which is not a property"
            );
        }
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        // List the required keys in the order of the properties, as utoipa does.
        let already: Vec<String> = object
            .get("required")
            .and_then(|required| required.as_array())
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let required: Vec<serde_json::Value> = object
            .get("properties")
            .and_then(|properties| properties.as_object())
            .map(|properties| {
                properties
                    .keys()
                    .filter(|name| already.contains(name) || keys.contains(&name.as_str()))
                    .map(|name| serde_json::Value::from(name.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        object.insert("required".into(), serde_json::Value::Array(required));
    }
}
