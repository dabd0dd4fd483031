//! Who is calling, and what they may see and do, as GitLab decides it.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use crate::errors::Failure;
use crate::query::Query;
use crate::store::{Job, Project, Role, Store, TokenScope};

/// The caller of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    /// A personal access token or an OAuth token.
    User {
        user_id: i64,
        scope: TokenScope,
    },
    /// The CI job token of a running job.
    Job {
        job_id: i64,
    },
}

/// Whether a route accepts CI job tokens (`job_token_allowed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobTokens {
    Accepted,
    Ignored,
}

/// Reads the credentials of a request: `PRIVATE-TOKEN` or `private_token`, `Authorization:
/// Bearer`, and, where the route accepts them, `JOB-TOKEN`, `job_token` or a job token as the
/// bearer. Unknown credentials are a 401; a job token where the route does not accept one
/// counts as no credentials, as GitLab does not look at it there.
pub fn caller(
    store: &Store,
    headers: &HeaderMap,
    query: &Query,
    job_tokens: JobTokens,
) -> Result<Caller, Failure> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if job_tokens == JobTokens::Accepted
        && let Some(token) = header("job-token").or_else(|| query.get("job_token"))
    {
        let job = store
            .job_of_token(token)
            .ok_or_else(Failure::unauthorized)?;
        return Ok(Caller::Job { job_id: job.id });
    }
    if let Some(token) = header("private-token").or_else(|| query.get("private_token")) {
        let credential = store
            .credentials
            .get(token)
            .ok_or_else(Failure::unauthorized)?;
        return Ok(Caller::User {
            user_id: credential.user_id,
            scope: credential.scope,
        });
    }
    if let Some(authorization) = headers.get(AUTHORIZATION) {
        let token = authorization
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or_else(Failure::unauthorized)?;
        if let Some(credential) = store.credentials.get(token) {
            return Ok(Caller::User {
                user_id: credential.user_id,
                scope: credential.scope,
            });
        }
        if job_tokens == JobTokens::Accepted
            && let Some(job) = store.job_of_token(token)
        {
            return Ok(Caller::Job { job_id: job.id });
        }
        return Err(Failure::unauthorized());
    }
    Ok(Caller::Anonymous)
}

impl Caller {
    /// `authenticate!`: anything but anonymous.
    pub fn require_authenticated(self) -> Result<Self, Failure> {
        match self {
            Caller::Anonymous => Err(Failure::unauthorized()),
            caller => Ok(caller),
        }
    }

    /// A request that changes something needs a token with the `api` scope.
    pub fn require_write_scope(self) -> Result<Self, Failure> {
        match self {
            Caller::User {
                scope: TokenScope::ReadApi,
                ..
            } => Err(Failure::insufficient_scope()),
            caller => Ok(caller),
        }
    }

    /// The user acting: the token's owner, or the user who runs the job of a job token.
    pub fn user_id(self, store: &Store) -> Option<i64> {
        match self {
            Caller::Anonymous => None,
            Caller::User { user_id, .. } => Some(user_id),
            Caller::Job { job_id } => store.jobs.get(&job_id).and_then(|job| job.user_id),
        }
    }

    /// The caller's role in `project`: an administrator is an owner everywhere; a job token
    /// acts with its user's role in its own project only.
    pub fn role(self, store: &Store, project: &Project) -> Option<Role> {
        match self {
            Caller::Anonymous => None,
            Caller::User { user_id, .. } => {
                if store.users.get(&user_id).is_some_and(|user| user.admin) {
                    Some(Role::Owner)
                } else {
                    project.members.get(&user_id).copied()
                }
            }
            Caller::Job { job_id } => {
                let job = store.jobs.get(&job_id)?;
                if job.project_id != project.id {
                    return None;
                }
                let user = job.user_id?;
                if store.users.get(&user).is_some_and(|user| user.admin) {
                    Some(Role::Owner)
                } else {
                    project.members.get(&user).copied()
                }
            }
        }
    }

    /// The project named by `id` if the caller may see it; GitLab answers 404, not 403, for a
    /// private project the caller is not a member of.
    pub fn visible_project<'s>(self, store: &'s Store, id: &str) -> Result<&'s Project, Failure> {
        let project = store
            .find_project(id)
            .ok_or_else(Failure::project_not_found)?;
        if project.public || self.role(store, project).is_some() {
            Ok(project)
        } else {
            Err(Failure::project_not_found())
        }
    }

    /// `read_build`: anyone who sees a public project, Reporters and up in a private one.
    pub fn can_read_jobs(self, store: &Store, project: &Project) -> bool {
        project.public
            || self
                .role(store, project)
                .is_some_and(|role| role >= Role::Reporter)
    }

    /// `update_build`: Developers and up (cancel, retry, play).
    pub fn can_update_jobs(self, store: &Store, project: &Project) -> bool {
        self.role(store, project)
            .is_some_and(|role| role >= Role::Developer)
    }

    /// `erase_build`: Maintainers and up, or a Developer for their own job.
    pub fn can_erase(self, store: &Store, project: &Project, job: &Job) -> bool {
        match self.role(store, project) {
            Some(role) if role >= Role::Maintainer => true,
            Some(Role::Developer) => job.user_id.is_some() && job.user_id == self.user_id(store),
            _ => false,
        }
    }
}
