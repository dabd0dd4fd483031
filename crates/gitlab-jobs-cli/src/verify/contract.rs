//! The contract this binary was built with, and what an answer shows against it: deviations
//! (what it forbids) and news (what it allows without knowing it).

use std::collections::HashMap;

use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde_json::{Map, Value, json};

/// `openapi.yaml` as `cargo xtask gen` wrote it when this binary was built.
const OPENAPI: &str = include_str!("../../../../openapi/openapi.yaml");

/// Headers of HTTP itself (caching included), of proxies and load balancers, of browsers'
/// security, and GitLab's request correlation: not the API's, so not news where the contract
/// does not name them.
const TRANSPORT_HEADERS: &[&str] = &[
    "accept-ranges",
    "age",
    "alt-svc",
    "cache-control",
    "cf-cache-status",
    "cf-ray",
    "connection",
    "content-disposition",
    "content-encoding",
    "content-length",
    "content-security-policy",
    "content-type",
    "date",
    "etag",
    "expires",
    "gitlab-lb",
    "gitlab-sv",
    "keep-alive",
    "last-modified",
    "nel",
    "permissions-policy",
    "pragma",
    "referrer-policy",
    "report-to",
    "server",
    "set-cookie",
    "strict-transport-security",
    "transfer-encoding",
    "vary",
    "via",
    "x-content-type-options",
    "x-download-options",
    "x-frame-options",
    "x-gitlab-meta",
    "x-permitted-cross-domain-policies",
    "x-request-id",
    "x-runtime",
    "x-xss-protection",
];

/// An answer to check: the operation it answered, and what came.
pub struct Answer<'a> {
    pub operation: &'static str,
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// Whether `body` is all of it; a cut JSON body is not checked.
    pub complete: bool,
}

/// Something an answer showed: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seen {
    /// A JSON pointer into the body, `header NAME`, or empty for the answer as a whole.
    pub at: String,
    pub what: String,
    /// The JSON pointer of the value to show as an example, where there is one.
    pub example_at: Option<String>,
}

/// What one answer showed.
#[derive(Debug, Default)]
pub struct Checked {
    pub deviations: Vec<Seen>,
    pub news: Vec<Seen>,
    /// The body, where it was JSON: the examples are taken from it.
    pub body: Option<Value>,
}

pub struct Contract {
    doc: Value,
    validators: HashMap<(String, String, String), jsonschema::Validator>,
}

impl Contract {
    /// The contract built in.
    pub fn embedded() -> Result<Contract, String> {
        let doc: Value = yaml_serde::from_str(OPENAPI)
            .map_err(|err| format!("the built-in contract is not YAML: {err}"))?;
        Ok(Contract {
            doc,
            validators: HashMap::new(),
        })
    }

    /// The contract's own version (`info.version`).
    pub fn version(&self) -> &str {
        self.doc["info"]["version"].as_str().unwrap_or("unknown")
    }

    /// The operation `id`: its method's object under `paths`.
    fn operation(&self, id: &str) -> Option<&Value> {
        self.doc["paths"]
            .as_object()?
            .values()
            .filter_map(Value::as_object)
            .flat_map(|methods| methods.values())
            .find(|operation| operation["operationId"] == id)
    }

    /// Whether the contract has an operation `id`.
    pub fn knows(&self, id: &str) -> bool {
        self.operation(id).is_some()
    }

    /// What `answer` shows against the contract.
    pub fn check(&mut self, answer: &Answer<'_>) -> Checked {
        let mut checked = Checked::default();
        let Some(operation) = self.operation(answer.operation) else {
            checked
                .deviations
                .push(seen("", "an operation the contract does not have"));
            return checked;
        };
        let responses = &operation["responses"];
        let status = answer.status.to_string();
        let range = format!("{}XX", answer.status / 100);
        let Some(response) = [status.as_str(), range.as_str(), "default"]
            .iter()
            .find_map(|key| responses.get(*key))
        else {
            checked.deviations.push(seen(
                "",
                &format!("status {status}, which the contract does not document for it"),
            ));
            return checked;
        };
        let response = self.resolve(response).1.clone();
        let media = answer
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| {
                value
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            });
        let content = response["content"].as_object();
        let mut schema_of = None;
        if let Some(content) = content.filter(|content| !content.is_empty())
            && !answer.body.is_empty()
        {
            match &media {
                None => checked
                    .deviations
                    .push(seen("header Content-Type", "missing")),
                Some(media) => match content
                    .iter()
                    .find(|(documented, _)| media_matches(documented, media))
                {
                    Some((documented, body)) => schema_of = Some((documented.clone(), body)),
                    None => checked.deviations.push(seen(
                        "header Content-Type",
                        &format!(
                            "{}, which the contract does not document (it says {})",
                            crate::output::clean(media),
                            content.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    )),
                },
            }
        }
        self.check_headers(&response, answer, &mut checked);
        let Some((documented, body)) = schema_of else {
            return checked;
        };
        let is_json = documented == "application/json" || documented.ends_with("+json");
        let Some(schema) = body.get("schema").filter(|_| is_json && answer.complete) else {
            return checked;
        };
        let Ok(instance) = serde_json::from_slice::<Value>(answer.body) else {
            checked.deviations.push(seen(
                "",
                "a body that is not JSON, where the contract says JSON",
            ));
            return checked;
        };
        let key = (answer.operation.to_owned(), status, documented.clone());
        if !self.validators.contains_key(&key) {
            match validator(&self.doc, schema) {
                Ok(validator) => {
                    self.validators.insert(key.clone(), validator);
                }
                Err(err) => {
                    checked.deviations.push(seen(
                        "",
                        &format!("the contract's schema does not build: {err}"),
                    ));
                    return checked;
                }
            }
        }
        let validator = &self.validators[&key];
        for error in validator.iter_errors(&instance) {
            deviations_of(&error, &mut checked.deviations);
        }
        let mut news = Vec::new();
        self.news_in(schema, &instance, String::new(), None, &mut news);
        checked.news.extend(news);
        checked.body = Some(instance);
        checked
    }

    /// The headers the contract names for `response`, and those it does not. Where it names
    /// one that HTTP defines (`Content-Range`, `ETag`, `Link`), its value must be of HTTP's
    /// form, and a 206 or 416 must have its `Content-Range`.
    fn check_headers(&self, response: &Value, answer: &Answer<'_>, checked: &mut Checked) {
        let headers = answer.headers;
        let named = response["headers"].as_object().cloned().unwrap_or_default();
        for (name, spec) in &named {
            let spec = self.resolve(spec).1;
            let value = headers.get(name.as_str());
            let at = format!("header {name}");
            let lower = name.to_ascii_lowercase();
            let Some(value) = value else {
                if spec["required"] == true {
                    checked.deviations.push(seen(&at, "missing"));
                } else if lower == "content-range" && matches!(answer.status, 206 | 416) {
                    let what = format!("missing, which HTTP requires on a {}", answer.status);
                    checked.deviations.push(seen(&at, &what));
                }
                continue;
            };
            let text = value.to_str().unwrap_or_default().trim();
            let integer = self.resolve(&spec["schema"]).1["type"] == "integer";
            let wrong = match lower.as_str() {
                _ if integer => (!text.is_empty() && text.parse::<i64>().is_err())
                    .then_some("not an integer, where the contract says one"),
                "content-range" => (!content_range(text, answer.status))
                    .then_some("not of HTTP's form, bytes <first>-<last>/<length>"),
                "etag" => (!entity_tag(text)).then_some("not an entity tag, \"…\" or W/\"…\""),
                "link" => (!links(text)).then_some("not RFC 8288 links, <URL>; rel=\"…\""),
                _ => None,
            };
            if let Some(wrong) = wrong {
                checked.deviations.push(seen(&at, wrong));
            }
        }
        for name in headers.keys() {
            let name = name.as_str();
            let known = named.keys().any(|named| named.eq_ignore_ascii_case(name));
            if !known && !TRANSPORT_HEADERS.contains(&name) {
                checked.news.push(seen(
                    &format!("header {}", crate::output::clean(name)),
                    "a header the contract does not name for this answer",
                ));
            }
        }
    }

    /// `value` with `$ref`s followed: the name of the last component it led to, and the schema.
    fn resolve<'a>(&'a self, mut value: &'a Value) -> (Option<&'a str>, &'a Value) {
        let mut name = None;
        for _ in 0..16 {
            let Some(reference) = value["$ref"].as_str() else {
                break;
            };
            let Some(target) = reference
                .strip_prefix('#')
                .and_then(|pointer| self.doc.pointer(pointer))
            else {
                break;
            };
            name = reference.rsplit('/').next();
            value = target;
        }
        (name, value)
    }

    /// What `instance` has that `schema` allows without knowing it: keys its objects do not
    /// name, and values of an open enumeration that it does not list.
    fn news_in(
        &self,
        schema: &Value,
        instance: &Value,
        at: String,
        model: Option<&str>,
        news: &mut Vec<Seen>,
    ) {
        let (name, schema) = self.resolve(schema);
        let model = name.or(model);
        let branches = schema["anyOf"]
            .as_array()
            .or_else(|| schema["oneOf"].as_array());
        if let Some(branches) = branches {
            let resolved: Vec<(Option<&str>, &Value)> =
                branches.iter().map(|branch| self.resolve(branch)).collect();
            // An open enumeration: the listed values, or another string.
            let open = resolved
                .iter()
                .any(|(name, _)| *name == Some("UnlistedValue"));
            if open {
                let listed = resolved
                    .iter()
                    .filter(|(name, _)| *name != Some("UnlistedValue"))
                    .find_map(|(_, branch)| branch["enum"].as_array());
                if let (Some(listed), Value::String(value)) = (listed, instance)
                    && !listed.contains(instance)
                {
                    let shown: String = value.chars().take(80).collect();
                    news.push(Seen {
                        at,
                        what: format!(
                            "the value {:?}, which {} does not list",
                            crate::output::clean(&shown),
                            model.unwrap_or("the contract")
                        ),
                        example_at: None,
                    });
                }
                return;
            }
            if let Some((name, branch)) = best_branch(&resolved, instance) {
                self.news_in(branch, instance, at, name.or(model), news);
            }
            return;
        }
        if let Some(all) = schema["allOf"].as_array() {
            for part in all {
                self.news_in(part, instance, at.clone(), model, news);
            }
        }
        match instance {
            Value::Object(object) => {
                let properties = schema["properties"].as_object();
                for (key, value) in object {
                    let here = format!("{at}/{}", escape(key));
                    match properties.and_then(|properties| properties.get(key)) {
                        Some(property) => self.news_in(property, value, here, model, news),
                        None if properties.is_some() && schema["allOf"].is_null() => {
                            news.push(Seen {
                                at: here,
                                what: format!(
                                    "a key {} does not name",
                                    model.unwrap_or("the contract")
                                ),
                                example_at: None,
                            })
                        }
                        None => {
                            if schema["additionalProperties"].is_object() {
                                let extra = &schema["additionalProperties"];
                                self.news_in(extra, value, here, model, news);
                            }
                        }
                    }
                }
            }
            Value::Array(items) if schema["items"].is_object() => {
                for (index, item) in items.iter().enumerate() {
                    self.news_in(&schema["items"], item, format!("{at}/{index}"), model, news);
                }
            }
            _ => {}
        }
    }
}

/// Of the branches of an `anyOf`, the one `instance` is most likely meant for: for an object,
/// the object schema that names most of its keys; otherwise the first of its type.
fn best_branch<'a>(
    branches: &[(Option<&'a str>, &'a Value)],
    instance: &Value,
) -> Option<(Option<&'a str>, &'a Value)> {
    if instance.is_null() {
        return None;
    }
    if let Value::Object(object) = instance {
        return branches
            .iter()
            .filter(|(_, branch)| branch["properties"].is_object() || branch["$ref"].is_string())
            .max_by_key(|(_, branch)| {
                let properties = branch["properties"].as_object();
                object
                    .keys()
                    .filter(|key| properties.is_some_and(|p| p.contains_key(*key)))
                    .count()
            })
            .copied();
    }
    branches
        .iter()
        .find(|(_, branch)| type_matches(&branch["type"], instance))
        .copied()
}

fn type_matches(kind: &Value, instance: &Value) -> bool {
    let name = json_type(instance);
    match kind {
        Value::String(kind) => kind == name || (kind == "number" && name == "integer"),
        Value::Array(kinds) => kinds.iter().any(|kind| type_matches(kind, instance)),
        _ => false,
    }
}

/// JSON's name of `value`'s type; integers apart from other numbers.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The deviations an error stands for: for a value that fits no branch of an `anyOf` but
/// for `null`, which it is not, the errors of the one branch left, where the keys are.
fn deviations_of(error: &jsonschema::ValidationError<'_>, out: &mut Vec<Seen>) {
    use jsonschema::error::{TypeKind, ValidationErrorKind as Kind};
    if let Kind::AnyOf { context } | Kind::OneOfNotValid { context } = error.kind()
        && !error.instance().is_null()
    {
        let only_null = |errors: &Vec<jsonschema::ValidationError<'static>>| {
            matches!(
                &errors[..],
                [only] if matches!(only.kind(), Kind::Type { kind: TypeKind::Single(kind) }
                    if *kind == jsonschema::JsonType::Null)
            )
        };
        let left: Vec<_> = context.iter().filter(|errors| !only_null(errors)).collect();
        if let [errors] = &left[..] {
            for error in errors.iter() {
                deviations_of(error, out);
            }
            return;
        }
    }
    out.push(deviation_of(error));
}

/// A deviation as a person reads it: where, and the value's type, never the value.
fn deviation_of(error: &jsonschema::ValidationError<'_>) -> Seen {
    use jsonschema::error::ValidationErrorKind as Kind;
    let at = error.instance_path().as_str().to_owned();
    let instance = error.instance();
    let kind = json_type(instance);
    let (at, what) = match error.kind() {
        Kind::Required { property } => (
            format!("{at}/{}", escape(property.as_str().unwrap_or_default())),
            "a required key is missing".to_owned(),
        ),
        _ if instance.is_null() => (at, "null, where the contract allows no null".to_owned()),
        Kind::Type { kind: expected } => {
            let expected = match expected {
                jsonschema::error::TypeKind::Single(one) => one.as_str().to_owned(),
                jsonschema::error::TypeKind::Multiple(set) => set
                    .iter()
                    .map(|one| one.as_str())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            (
                at,
                format!("a value of type {kind}, where the contract says {expected}"),
            )
        }
        Kind::AnyOf { .. } | Kind::OneOfNotValid { .. } => (
            at,
            format!("a value of type {kind} that fits none of the shapes the contract allows"),
        ),
        Kind::Enum { .. } => (
            at,
            format!("a {kind} that is not one of the values the contract lists"),
        ),
        Kind::Format { format } => (at, format!("a {kind} that is not a valid {format}")),
        other => (
            at,
            format!("a {kind} that fails the contract's {:?}", other.keyword()),
        ),
    };
    // The example: the object the value is in, or the object that misses the key.
    let example_at = match error.kind() {
        Kind::Required { .. } => Some(error.instance_path().as_str().to_owned()),
        _ => at.rsplit_once('/').map(|(parent, _)| parent.to_owned()),
    };
    Seen {
        at,
        what,
        example_at,
    }
}

fn seen(at: &str, what: &str) -> Seen {
    Seen {
        at: at.to_owned(),
        what: what.to_owned(),
        example_at: None,
    }
}

/// Whether `text` is a `Content-Range` of a 206 (`bytes 0-99/1234`, the length maybe `*`) or
/// of a 416 (`bytes */1234`).
fn content_range(text: &str, status: u16) -> bool {
    let Some((range, length)) = text
        .strip_prefix("bytes ")
        .and_then(|rest| rest.split_once('/'))
    else {
        return false;
    };
    let number = |text: &str| !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    let length_ok = number(length) || (length == "*" && status != 416);
    let range_ok = match range.split_once('-') {
        Some((first, last)) if number(first) && number(last) => {
            first.parse::<u64>().ok() <= last.parse::<u64>().ok()
        }
        _ => range == "*" && status == 416,
    };
    length_ok && range_ok
}

/// Whether `text` is an entity tag: `"…"` or `W/"…"`.
fn entity_tag(text: &str) -> bool {
    let tag = text.strip_prefix("W/").unwrap_or(text);
    tag.len() >= 2
        && tag.starts_with('"')
        && tag.ends_with('"')
        && !tag[1..tag.len() - 1].contains('"')
}

/// Whether `text` is a list of RFC 8288 links, each `<URL>` and its parameters.
fn links(text: &str) -> bool {
    text.split(',').all(|link| {
        let link = link.trim();
        link.starts_with('<')
            && link.split_once('>').is_some_and(|(_, params)| {
                params.split(';').skip(1).all(|param| param.contains('='))
            })
    })
}

/// A key as a JSON pointer's segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether the documented media type (`application/json`, `text/*`, `*/*`) covers `actual`.
fn media_matches(documented: &str, actual: &str) -> bool {
    let documented = documented.to_ascii_lowercase();
    documented == "*/*"
        || documented == actual
        || documented
            .strip_suffix("/*")
            .is_some_and(|kind| actual.split('/').next() == Some(kind))
}

/// A validator of `schema`, a schema of `doc` that may `$ref` its components, under JSON
/// Schema 2020-12 (OpenAPI 3.1's dialect), checking formats such as `date-time`.
fn validator(doc: &Value, schema: &Value) -> Result<jsonschema::Validator, String> {
    let mut root: Map<String, Value> = match schema {
        Value::Object(object) => object.clone(),
        _ => Map::new(),
    };
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("components".into(), doc["components"].clone());
    jsonschema::options()
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect()
    }

    fn job() -> Value {
        serde_json::from_str(include_str!(
            "../../../gitlab-jobs-schema/src/examples/get_job.json"
        ))
        .unwrap()
    }

    fn check(
        contract: &mut Contract,
        status: u16,
        pairs: &[(&'static str, &str)],
        body: &Value,
    ) -> Checked {
        let headers = headers(pairs);
        let body = serde_json::to_vec(body).unwrap();
        contract.check(&Answer {
            operation: "get_job",
            status,
            headers: &headers,
            body: &body,
            complete: true,
        })
    }

    #[test]
    fn the_contracts_own_example_passes() {
        let mut contract = Contract::embedded().unwrap();
        let checked = check(
            &mut contract,
            200,
            &[("content-type", "application/json")],
            &job(),
        );
        assert_eq!(checked.deviations, vec![], "{checked:?}");
        assert_eq!(checked.news, vec![], "{checked:?}");
    }

    /// Each way of breaking the contract is a deviation at its pointer, saying the value's
    /// type and never the value.
    #[test]
    fn deviations_name_the_pointer_and_the_type() {
        let mut contract = Contract::embedded().unwrap();
        let mut job = job();
        job.as_object_mut().unwrap().remove("stage");
        job["name"] = Value::Null;
        job["allow_failure"] = json!("secret-text");
        job["user"]["username"] = json!(42);
        let checked = check(
            &mut contract,
            200,
            &[("content-type", "application/json")],
            &job,
        );
        let said: Vec<(&str, &str)> = checked
            .deviations
            .iter()
            .map(|seen| (seen.at.as_str(), seen.what.as_str()))
            .collect();
        for expected in [
            ("/stage", "a required key is missing"),
            ("/name", "null, where the contract allows no null"),
            (
                "/allow_failure",
                "a value of type string, where the contract says boolean",
            ),
        ] {
            assert!(said.contains(&expected), "{expected:?} in {said:#?}");
        }
        assert!(
            said.iter().any(|(at, _)| *at == "/user/username"),
            "{said:#?}"
        );
        assert!(
            !format!("{:?}", checked.deviations).contains("secret-text"),
            "no value is said"
        );
        let teapot = check(
            &mut contract,
            418,
            &[("content-type", "application/json")],
            &job,
        );
        assert!(
            teapot.deviations[0].what.contains("status 418"),
            "{teapot:?}"
        );
        let html = check(&mut contract, 200, &[("content-type", "text/html")], &job);
        assert_eq!(html.deviations[0].at, "header Content-Type", "{html:?}");
    }

    /// A new value of an open enumeration, a key no model names and a header are news.
    #[test]
    fn news_is_what_the_contract_allows_without_knowing() {
        let mut contract = Contract::embedded().unwrap();
        let mut job = job();
        job["status"] = json!("sandbox_future_status");
        job["pipeline"]["sandbox_key"] = json!(1);
        let checked = check(
            &mut contract,
            200,
            &[
                ("content-type", "application/json"),
                ("x-gitlab-new", "1"),
                ("date", "x"),
            ],
            &job,
        );
        assert_eq!(checked.deviations, vec![], "{checked:?}");
        let said: Vec<(&str, &str)> = checked
            .news
            .iter()
            .map(|seen| (seen.at.as_str(), seen.what.as_str()))
            .collect();
        assert!(
            said.contains(&(
                "/status",
                "the value \"sandbox_future_status\", which JobStatus does not list"
            )),
            "{said:#?}"
        );
        assert!(
            said.contains(&("/pipeline/sandbox_key", "a key PipelineBasic does not name")),
            "{said:#?}"
        );
        assert!(
            said.iter().any(|(at, _)| *at == "header x-gitlab-new"),
            "{said:#?}"
        );
        assert!(
            !said.iter().any(|(at, _)| *at == "header date"),
            "{said:#?}"
        );
    }

    #[test]
    fn http_headers_have_https_forms() {
        assert!(content_range("bytes 0-99/1234", 206));
        assert!(content_range("bytes 0-99/*", 206));
        assert!(content_range("bytes */1234", 416));
        assert!(!content_range("bytes */1234", 206));
        assert!(!content_range("bytes 99-0/1234", 206));
        assert!(!content_range("0-99/1234", 206));
        assert!(!content_range("bytes 0-99", 206));
        assert!(entity_tag("\"abc\"") && entity_tag("W/\"abc\""));
        assert!(!entity_tag("abc") && !entity_tag("\"a\"b\""));
        assert!(links(
            "<https://g/api/v4/projects/1/jobs?page=2>; rel=\"next\", <https://g/x>; rel=\"first\""
        ));
        assert!(!links("https://g/x; rel=next"));
    }

    #[test]
    fn media_types_match_as_documented() {
        assert!(media_matches("*/*", "application/zip"));
        assert!(media_matches("text/*", "text/plain"));
        assert!(media_matches("application/json", "application/json"));
        assert!(!media_matches("text/plain", "text/html"));
        assert!(!media_matches("text/*", "application/json"));
    }
}
