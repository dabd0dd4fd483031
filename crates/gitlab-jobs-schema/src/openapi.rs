//! The OpenAPI document: the operations and the document's frame from utoipa, the models'
//! schemas from schemars.
//!
//! Each tool does what it does best, and each fact is said once. The models derive only
//! `schemars::JsonSchema`: schemars reads serde's own attributes (`rename`, `skip_serializing_if`,
//! `default`, `untagged`), so the schema follows what serde sends without a second annotation,
//! and its JSON Schema 2020-12 output is already what OpenAPI 3.1 embeds (`type: [string, null]`,
//! `examples`, `const`). utoipa's schema derive needs its own attribute for most of that
//! (`schema(required)`, `nullable`, `value_type`), which is how the two had drifted apart in this
//! crate before. utoipa keeps what schemars has no notion of: `#[utoipa::path]` operations with
//! their parameters, responses, headers and security, and the document around them.
//!
//! [`document`] joins the two: utoipa's document refers to each model by name, and the
//! components are what schemars generates for those names, with `/components/schemas` as the
//! place of definitions. The per-model JSON Schemas come from the same generator
//! ([`crate::wire::schema_generator`]), so the two renditions cannot disagree.

#![cfg(feature = "openapi")]

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Ref, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, Required, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi, PartialSchema};

use crate::paths;

/// Where the OpenAPI document keeps named schemas.
const COMPONENTS: &str = "/components/schemas";

/// Lets utoipa's operations refer to models by their schemars name: to utoipa each is a named
/// schema it does not generate (`$ref` only), and [`document`] supplies the schemas. Every
/// type an operation, parameter or body names is listed here once; [`document`] fails if the
/// document refers to a schema that is not generated.
macro_rules! components {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl PartialSchema for $ty {
                fn schema() -> RefOr<Schema> {
                    Ref::from_schema_name(<$ty as schemars::JsonSchema>::schema_name()).into()
                }
            }

            impl utoipa::ToSchema for $ty {
                fn name() -> Cow<'static, str> {
                    <$ty as schemars::JsonSchema>::schema_name()
                }
            }
        )+

        /// The schemas of the document: what schemars generates for every type the operations
        /// name, and for the types those refer to, by name.
        fn component_schemas() -> BTreeMap<String, Value> {
            let mut generator = crate::wire::schema_generator(COMPONENTS);
            $(generator.subschema_for::<$ty>();)+
            generator.take_definitions(true).into_iter().collect()
        }
    };
}

components!(
    crate::AllowedAgents,
    crate::ApiError,
    crate::ArtifactEntry,
    crate::Bridge,
    crate::CancelJobRequest,
    crate::Job,
    crate::JobOrBridge,
    crate::JobScope,
    crate::PlayJobRequest,
    crate::ProjectId,
    crate::RetryJobRequest,
    crate::params::KeysetOrderBy,
    crate::params::PaginationMode,
    crate::params::SortDirection,
);

/// The OpenAPI 3.1 document of the Jobs API, as JSON: [`ApiDoc`]'s operations with the models'
/// schemas as its components.
///
/// Fails, naming them, if an operation refers to a schema that is not generated (a type missing
/// from the list of components in this module).
pub fn document() -> Result<Value, String> {
    let mut document = serde_json::to_value(ApiDoc::openapi())
        .map_err(|err| format!("serializing the OpenAPI document: {err}"))?;
    let schemas = component_schemas();
    let mut missing: Vec<String> = Vec::new();
    collect_refs(&document, &mut |name| {
        if !schemas.contains_key(name) && !missing.iter().any(|known| known == name) {
            missing.push(name.to_owned());
        }
    });
    if !missing.is_empty() {
        return Err(format!(
            "the operations refer to schemas that are not generated: {}; add their types to \
             `components!` in crates/gitlab-jobs-schema/src/openapi.rs",
            missing.join(", ")
        ));
    }
    let components = document
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .ok_or("the OpenAPI document has no components")?;
    components.insert(
        "schemas".into(),
        Value::Object(schemas.into_iter().collect()),
    );
    complete_operation_examples(&mut document);
    mark_since(&mut document);
    Ok(document)
}

/// Gives each operation and parameter whose description says "Since GitLab X.Y" the
/// machine-readable [`SINCE`](crate::wire::SINCE) extension; the schemas' properties get it
/// from the schema generator.
fn mark_since(document: &mut Value) {
    for operation in operations_mut(document) {
        crate::wire::mark_since(operation);
        let parameters = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object_mut);
        for parameter in parameters {
            crate::wire::mark_since(parameter);
        }
    }
}

/// Every operation object of the document's paths.
fn operations_mut(
    document: &mut Value,
) -> impl Iterator<Item = &mut serde_json::Map<String, Value>> {
    document
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(Value::as_object_mut)
}

/// Completes the operations' examples with the keys their schemas require from the models'
/// own examples, so that a key GitLab always sends is given an example once, in its model's
/// example (`Job`'s is `src/examples/get_job.json`), and not again in every operation that
/// answers that model. A key an example has keeps its value; keys go in the model's order.
fn complete_operation_examples(document: &mut Value) {
    let schemas = document["components"]["schemas"].clone();
    for operation in operations_mut(document) {
        let mut bodies: Vec<&mut Value> = Vec::new();
        for (key, value) in operation.iter_mut() {
            match (key.as_str(), value) {
                ("requestBody", body) => bodies.push(body),
                ("responses", Value::Object(responses)) => bodies.extend(responses.values_mut()),
                _ => {}
            }
        }
        for body in bodies {
            let contents = body.get_mut("content").and_then(Value::as_object_mut);
            for content in contents.into_iter().flat_map(|c| c.values_mut()) {
                let schema = content["schema"].clone();
                if let Some(example) = content.get_mut("example") {
                    complete(example, &schema, &schemas);
                }
            }
        }
    }
}

/// Fills in `example` the properties `schema` requires, from the example of the component
/// each object refers to, recursively.
fn complete(example: &mut Value, schema: &Value, schemas: &Value) {
    let component = |schema: &Value| {
        schema["$ref"]
            .as_str()
            .and_then(|target| target.strip_prefix("#/components/schemas/"))
            .map(|name| &schemas[name])
    };
    let schema = component(schema).unwrap_or(schema);
    if let Some(branches) = schema["anyOf"]
        .as_array()
        .or_else(|| schema["oneOf"].as_array())
    {
        // The branch that declares every key the example has, such as `Bridge` for an example
        // with `downstream_pipeline`.
        let fits = |branch: &&Value| {
            let branch = component(branch).unwrap_or(branch);
            match (example.as_object(), branch["properties"].as_object()) {
                (Some(object), Some(properties)) => {
                    object.keys().all(|key| properties.contains_key(key))
                }
                _ => false,
            }
        };
        if let Some(branch) = branches.iter().find(fits) {
            complete(example, branch, schemas);
        }
        return;
    }
    match example {
        Value::Array(items) => {
            for item in items {
                complete(item, &schema["items"], schemas);
            }
        }
        Value::Object(object) => {
            let Some(properties) = schema["properties"].as_object() else {
                return;
            };
            let model = schema["examples"][0].as_object();
            let required = schema["required"].as_array().into_iter().flatten();
            let missing: Vec<&str> = required
                .filter_map(Value::as_str)
                .filter(|key| !object.contains_key(*key))
                .collect();
            let mut filled = false;
            for key in missing {
                if let Some(value) = model.and_then(|model| model.get(key)) {
                    object.insert(key.to_owned(), value.clone());
                    filled = true;
                }
            }
            if filled {
                let mut ordered: serde_json::Map<String, Value> = properties
                    .keys()
                    .filter_map(|key| object.remove(key).map(|value| (key.clone(), value)))
                    .collect();
                ordered.append(object);
                *object = ordered;
            }
            for (key, value) in object.iter_mut() {
                if let Some(property) = properties.get(key) {
                    complete(value, property, schemas);
                }
            }
        }
        _ => {}
    }
}

/// Calls `found` with the name of every `#/components/schemas/` reference in `value`.
fn collect_refs(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                if key == "$ref"
                    && let Some(name) = value
                        .as_str()
                        .and_then(|target| target.strip_prefix("#/components/schemas/"))
                {
                    found(name);
                }
                collect_refs(value, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, found)),
        _ => {}
    }
}

/// The version of the contract, `info.version`: semantic, and separate from the crates' and
/// from GitLab's. The major rises for a change that breaks a consumer, the minor for an
/// addition, the patch for a fix of the text. `openapi/CHANGELOG.md` has an entry for each,
/// and `cargo xtask compat` checks that a change raised the right part.
pub const CONTRACT_VERSION: &str = "1.4.0";

const DESCRIPTION: &str = "\
GitLab's REST Jobs API (v4): list, inspect, cancel, retry, erase and run CI jobs, read their \
logs, and look up the job behind a CI job token; and its Job Artifacts API: download a job's \
artifacts archive or one file of it, by job or by branch, browse it, keep it or delete it.

This contract describes the Jobs API of GitLab 14.0 to 19.5, read from GitLab's source of \
19.5 and its documentation from 14.x on; a parameter or operation newer than 14.0 says since \
when it exists. Its own version (`info.version`) is semantic: the major rises for a change \
that breaks a consumer, the minor for an addition; its changelog says what each version \
changed.

This document describes what GitLab sends, as GitLab's source does rather than only as its \
documentation shows: every key of every object, which keys are nullable, and which appear only \
under a condition (those are not in `required`). Enumerations list the values GitLab knows \
today; GitLab adds values over time, so treat an unlisted value as valid and unknown.

Authenticate with a personal, project or group access token (`PRIVATE-TOKEN`), an OAuth 2 \
token (`Authorization: Bearer`), or, where an operation allows it, a CI job token (`JOB-TOKEN` \
or `job_token`). A token with the `read_api` scope may only read.";

/// The operations of the Jobs API and the document around them; [`document`] adds the models'
/// schemas.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "GitLab Jobs API",
        version = CONTRACT_VERSION,
        description = DESCRIPTION,
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
        // The API is GitLab's: its documentation is where a reader goes with a question.
        contact(name = "GitLab", url = "https://docs.gitlab.com/api/jobs/"),
    ),
    servers(
        (url = "https://gitlab.com/api/v4", description = "GitLab.com"),
        (url = "https://{host}/api/v4", description = "A GitLab Self-Managed or Dedicated instance",
            variables(("host" = (default = "gitlab.example.com", description = "Host name of the instance")))),
    ),
    // In alphabetical order, as linters ask.
    tags(
        (name = "job_artifacts", description = "What jobs leave behind: their artifacts archives, the files in them, and keeping or deleting them."),
        (name = "jobs", description = "CI/CD jobs and their logs."),
    ),
    // Operations in the order of GitLab's documentation pages: jobs, then job artifacts.
    paths(
        paths::list_project_jobs,
        paths::list_pipeline_jobs,
        paths::list_pipeline_bridges,
        paths::list_pipeline_trigger_jobs,
        paths::get_job_by_token,
        paths::get_allowed_agents,
        paths::get_job,
        paths::get_job_log,
        paths::cancel_job,
        paths::retry_job,
        paths::erase_job,
        paths::play_job,
        paths::download_job_artifacts,
        paths::download_ref_artifacts,
        paths::head_job_artifacts,
        paths::head_ref_artifacts,
        paths::list_job_artifact_entries,
        paths::get_job_artifact_file,
        paths::get_ref_artifact_file,
        paths::keep_job_artifacts,
        paths::delete_job_artifacts,
        paths::delete_project_artifacts,
    ),
    modifiers(&SecuritySchemes, &OptionalBodies, &AnswersOfEveryRoute),
)]
pub struct ApiDoc;

/// The ways GitLab authenticates a request to these operations. Each operation lists the ones
/// it accepts.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let header = |name: &str, description: &str| {
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                name,
                description,
            )))
        };
        components.add_security_scheme(
            "private_token",
            header(
                "PRIVATE-TOKEN",
                "A personal, project or group access token. Scope `api` allows every \
                 operation; `read_api` allows only reading.",
            ),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An OAuth 2 access token or an access token as `Authorization: Bearer \
                         <token>`; on the operations that accept CI job tokens, a job token \
                         works this way too.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "job_token",
            header(
                "JOB-TOKEN",
                "The CI job token of a running job (`CI_JOB_TOKEN`). Only some operations \
                 accept it.",
            ),
        );
        components.add_security_scheme(
            "job_token_query",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "job_token",
                "The CI job token of a running job (`CI_JOB_TOKEN`) as a query parameter.",
            ))),
        );
    }
}

/// GitLab accepts the cancel and play operations without a body; utoipa marks every
/// non-`Option` body required, and an `Option` body would admit a JSON `null`, which GitLab
/// does not expect.
struct OptionalBodies;

impl Modify for OptionalBodies {
    fn modify(&self, openapi: &mut Document) {
        for item in openapi.paths.paths.values_mut() {
            let body = item
                .post
                .as_mut()
                .and_then(|operation| operation.request_body.as_mut());
            if let Some(RefOr::T(body)) = body {
                body.required = Some(Required::False);
            }
        }
    }
}

/// The name of the shared 429 response in `components/responses`.
pub const TOO_MANY_REQUESTS: &str = "TooManyRequests";

/// Answers GitLab gives on every route, before or around the Jobs API's own code, added to
/// every operation so that each is said once:
///
/// - 429 from the instance's throttles (Rack::Attack: `throttle_authenticated_api` and the
///   like, configured in the Admin area), in plain text with `RateLimit-*` and `Retry-After`
///   headers (`Gitlab::RackAttack.throttled_response_headers`), beside the JSON body of an
///   endpoint's own limit, which `API::Helpers::RateLimiter#check_rate_limit!` sends with
///   `Retry-After: <interval>` (`too_many_requests!`, merge request 206603; before it, no
///   header), as do the retry and play limits of merge request 256678 (19.5);
/// - 400 from the middleware in front of the API: `Gitlab::Middleware::JsonValidation`
///   answers `{"error": "Invalid JSON format"}` (or another limit's message) for a JSON body it
///   cannot read, on any route, and `Gitlab::Middleware::HandleMalformedStrings` answers `Bad
///   Request` in plain text for a null byte or invalid UTF-8 in the path, a parameter or the
///   credentials.
struct AnswersOfEveryRoute;

const MALFORMED: &str = "Before the request reaches the API, GitLab refuses a body that is \
    not valid JSON or is nested too deeply (`{\"error\": \"Invalid JSON format\"}` and the \
    like), and a null byte or invalid UTF-8 in the path, a parameter or the credentials, with \
    the plain-text body `Bad Request`.";

impl Modify for AnswersOfEveryRoute {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .responses
            .insert(TOO_MANY_REQUESTS.to_owned(), RefOr::T(too_many_requests()));
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses.insert(
                    "429".to_owned(),
                    RefOr::Ref(Ref::from_response_name(TOO_MANY_REQUESTS)),
                );
                let bad_request = responses.entry("400".to_owned()).or_insert_with(|| {
                    let invalid_json = ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ApiError")))
                        .example(Some(serde_json::json!({"error": "Invalid JSON format"})))
                        .build();
                    RefOr::T(
                        ResponseBuilder::new()
                            .content("application/json", invalid_json)
                            .build(),
                    )
                });
                if let RefOr::T(response) = bad_request {
                    response.description = if response.description.is_empty() {
                        MALFORMED.to_owned()
                    } else {
                        format!("{} {MALFORMED}", response.description)
                    };
                    response
                        .content
                        .insert("text/plain".to_owned(), plain_text("Bad Request").into());
                }
            }
        }
    }
}

fn plain_text(example: &str) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(String::schema()))
        .example(Some(example.into()))
        .build()
}

fn too_many_requests() -> Response {
    let header = |kind: Type, description: &str| {
        HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(kind).build()))
            .description(Some(description))
            .build()
    };
    ResponseBuilder::new()
        .description(
            "Too many requests: wait, then try again. The instance's throttles, which an \
             administrator sets for all routes, answer in plain text (`Retry later` by \
             default) with the `RateLimit-*` and `Retry-After` headers. An endpoint's own \
             limit (the project job list's; since GitLab 19.5 retrying or running a job, 3 \
             times a minute per user and job, and per user and project) answers with a JSON \
             body and `Retry-After` alone, or, on older versions, with no header at all: then \
             wait until the minute of GitLab's clock (its `Date`) is over, as these limits \
             count requests per minute of that clock.",
        )
        .header(
            "Retry-After",
            header(
                Type::Integer,
                "Seconds to wait: until the throttle's period ends, or, on an endpoint's own \
                 limit, the limit's whole interval (60), which may end sooner.",
            ),
        )
        .header(
            "RateLimit-Name",
            header(Type::String, "The throttle, such as `throttle_authenticated_api`."),
        )
        .header(
            "RateLimit-Limit",
            header(Type::Integer, "Requests the throttle allows, per minute."),
        )
        .header(
            "RateLimit-Observed",
            header(Type::Integer, "Requests counted in this period."),
        )
        .header(
            "RateLimit-Remaining",
            header(Type::Integer, "Requests left in this period: 0 here."),
        )
        .header(
            "RateLimit-Reset",
            header(
                Type::Integer,
                "When the period ends, in seconds since the Unix epoch (GitLab 13.x sent the \
                 seconds until then).",
            ),
        )
        .header(
            "RateLimit-ResetTime",
            header(Type::String, "When the period ends, as an HTTP date."),
        )
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ApiError")))
                .example(Some(serde_json::json!({
                    "message": {"error": "This endpoint has been requested too many times. Try again later."}
                })))
                .build(),
        )
        .content("text/plain", plain_text("Retry later\n"))
        .build()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schemas() -> Value {
        json!({
            "Job": {
                "type": "object",
                "required": ["id", "status", "runner"],
                "properties": {"id": {}, "status": {}, "runner": {}, "user": {"$ref": "#/components/schemas/User"}},
                "examples": [{"id": 1, "status": "success", "runner": null, "user": {"id": 5, "name": "root"}}]
            },
            "Bridge": {
                "type": "object",
                "required": ["id", "status", "downstream_pipeline"],
                "properties": {"id": {}, "status": {}, "downstream_pipeline": {}},
                "examples": [{"id": 2, "status": "created", "downstream_pipeline": null}]
            },
            "User": {
                "type": "object",
                "required": ["id", "name", "bot"],
                "properties": {"id": {}, "name": {}, "bot": {}},
                "examples": [{"id": 5, "name": "root", "bot": false}]
            },
            "JobOrBridge": {"oneOf": [{"$ref": "#/components/schemas/Job"}, {"$ref": "#/components/schemas/Bridge"}]}
        })
    }

    /// `ApiDoc`'s `paths(...)` lists the stubs of `paths.rs` by hand: a stub left out would not
    /// be published.
    #[test]
    fn every_operation_stub_is_in_the_document() {
        let stubs: std::collections::BTreeSet<&str> = include_str!("paths.rs")
            .lines()
            .map(str::trim)
            .filter_map(|line| {
                let plain = || line.strip_prefix("pub fn ")?.strip_suffix("() {}");
                let in_a_macro = || line.strip_prefix("fn ")?.strip_suffix(';');
                plain().or_else(in_a_macro)
            })
            .filter(|name| !name.starts_with('$'))
            .collect();
        let document = document().unwrap();
        let published: std::collections::BTreeSet<&str> = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|operation| operation["operationId"].as_str())
            .collect();
        assert_eq!(
            published, stubs,
            "every stub of src/paths.rs is listed in `paths(...)` of `ApiDoc` in src/openapi.rs"
        );
        assert!(stubs.len() > 10, "the stubs were not found: {stubs:?}");
    }

    #[test]
    fn examples_get_the_keys_their_models_require_in_the_models_order() {
        let schemas = schemas();
        let mut page = json!([{"status": "failed", "id": 7, "user": {"name": "ada", "id": 9}}]);
        complete(
            &mut page,
            &json!({"type": "array", "items": {"$ref": "#/components/schemas/Job"}}),
            &schemas,
        );
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            r#"[{"id":7,"status":"failed","runner":null,"user":{"id":9,"name":"ada","bot":false}}]"#
        );
    }

    #[test]
    fn an_example_of_either_model_is_completed_as_the_one_it_is() {
        let schemas = schemas();
        let either = json!({"$ref": "#/components/schemas/JobOrBridge"});
        let mut bridge = json!({"id": 3, "downstream_pipeline": {"id": 4}});
        complete(&mut bridge, &either, &schemas);
        assert_eq!(
            bridge,
            json!({"id": 3, "status": "created", "downstream_pipeline": {"id": 4}})
        );
        let mut job = json!({"id": 3, "runner": null});
        complete(&mut job, &either, &schemas);
        assert_eq!(job, json!({"id": 3, "status": "success", "runner": null}));
        // A complete example is left as it is, keys and order.
        let mut whole = json!({"status": "running", "runner": null, "id": 8});
        let before = serde_json::to_string(&whole).unwrap();
        complete(&mut whole, &either, &schemas);
        assert_eq!(serde_json::to_string(&whole).unwrap(), before);
    }
}
