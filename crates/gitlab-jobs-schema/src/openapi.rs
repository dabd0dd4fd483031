//! The root of the OpenAPI document.

#![cfg(feature = "openapi")]

use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Required};
use utoipa::{Modify, OpenApi};

use crate::paths;

const DESCRIPTION: &str = "\
GitLab's REST Jobs API (v4): list, inspect, cancel, retry, erase and run CI jobs, read their \
logs, and look up the job behind a CI job token.

This document describes what GitLab sends, as GitLab's source does rather than only as its \
documentation shows: every key of every object, which keys are nullable, and which appear only \
under a condition (those are not in `required`). Enumerations list the values GitLab knows \
today; GitLab adds values over time, so treat an unlisted value as valid and unknown.

Authenticate with a personal, project or group access token (`PRIVATE-TOKEN`), an OAuth 2 \
token (`Authorization: Bearer`), or, where an operation allows it, a CI job token (`JOB-TOKEN` \
or `job_token`). A token with the `read_api` scope may only read.";

/// The OpenAPI document of the Jobs API.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "GitLab Jobs API",
        version = "4",
        description = DESCRIPTION,
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    servers(
        (url = "https://gitlab.com/api/v4", description = "GitLab.com"),
        (url = "https://{host}/api/v4", description = "A GitLab Self-Managed or Dedicated instance",
            variables(("host" = (default = "gitlab.example.com", description = "Host name of the instance")))),
    ),
    tags((name = "jobs", description = "CI/CD jobs and their logs.")),
    // Operations in the order of GitLab's documentation page.
    paths(
        paths::list_project_jobs,
        paths::list_pipeline_jobs,
        paths::list_pipeline_bridges,
        paths::get_job_by_token,
        paths::get_allowed_agents,
        paths::get_job,
        paths::get_job_log,
        paths::cancel_job,
        paths::retry_job,
        paths::erase_job,
        paths::play_job,
    ),
    // Schemas only parameters use; utoipa registers the others from the bodies.
    components(schemas(
        crate::ProjectId,
        crate::JobScope,
        crate::params::PaginationMode,
        crate::params::KeysetOrderBy,
        crate::params::SortDirection,
    )),
    modifiers(&SecuritySchemes, &OptionalBodies),
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
