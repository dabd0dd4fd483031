//! The published OpenAPI documents, as committed.

use serde_json::Value;

use crate::workspace_root;

/// The committed OpenAPI 3.1 document (`openapi/openapi.yaml`).
pub fn openapi_31() -> Value {
    read_yaml("openapi/openapi.yaml")
}

/// The committed OpenAPI 3.0.3 rendition (`openapi/openapi-3.0.yaml`).
pub fn openapi_30() -> Value {
    read_yaml("openapi/openapi-3.0.yaml")
}

fn read_yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(workspace_root().join(path))
        .unwrap_or_else(|err| panic!("reading {path}: {err}; run `cargo xtask gen`"));
    yaml_serde::from_str(&text).unwrap_or_else(|err| panic!("{path} is not YAML: {err}"))
}

/// The HTTP methods an OpenAPI path item can hold.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the document.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, such as `/projects/{id}/jobs`.
    pub path: String,
    pub operation_id: String,
    /// The operation object.
    pub object: Value,
}

impl Operation {
    /// The schema of the first JSON (or, failing that, any) success response.
    pub fn success_schema(&self) -> Option<&Value> {
        let responses = self.object.get("responses")?.as_object()?;
        let (_, response) = responses
            .iter()
            .find(|(status, _)| status.starts_with('2'))?;
        let content = response.get("content")?.as_object()?;
        content
            .get("application/json")
            .or_else(|| content.values().next())?
            .get("schema")
    }

    /// The schema of the JSON request body, if the operation takes one.
    pub fn request_schema(&self) -> Option<&Value> {
        self.object
            .pointer("/requestBody/content/application~1json/schema")
    }

    /// The names of the security schemes the operation accepts; `anonymous` for an empty
    /// requirement, which lets a request without credentials through.
    pub fn security_schemes(&self) -> Vec<String> {
        self.object
            .get("security")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|requirement| match requirement.is_empty() {
                true => vec!["anonymous".to_owned()],
                false => requirement.keys().cloned().collect(),
            })
            .collect()
    }
}

/// Every operation, in document order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    let paths = doc["paths"].as_object().expect("the document has paths");
    for (path, item) in paths {
        for method in METHODS {
            if let Some(object) = item.get(*method) {
                operations.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    operation_id: object["operationId"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    object: object.clone(),
                });
            }
        }
    }
    operations
}

/// The operation with this method and path template.
pub fn operation<'a>(
    operations: &'a [Operation],
    method: &str,
    path: &str,
) -> Option<&'a Operation> {
    operations
        .iter()
        .find(|operation| operation.method.eq_ignore_ascii_case(method) && operation.path == path)
}

/// The component schema a local `$ref` points at, with its name.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> (&'a str, &'a Value) {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| panic!("unexpected $ref {reference}"));
    let (name, schema) = doc["components"]["schemas"]
        .as_object()
        .and_then(|schemas| schemas.get_key_value(name))
        .unwrap_or_else(|| panic!("dangling $ref {reference}"));
    (name.as_str(), schema)
}

/// A response of an operation, or the shared one in `components/responses` it refers to.
pub fn response<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
    let Some(reference) = response["$ref"].as_str() else {
        return response;
    };
    let name = reference
        .strip_prefix("#/components/responses/")
        .unwrap_or_else(|| panic!("unexpected response $ref {reference}"));
    doc["components"]["responses"]
        .get(name)
        .unwrap_or_else(|| panic!("dangling $ref {reference}"))
}
