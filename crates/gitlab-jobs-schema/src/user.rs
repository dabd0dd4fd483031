//! The user who started a job (`API::Entities::User`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::UserState;
use crate::wire::{double_option, timestamp as ts};

/// The user who started a job or a bridge (`API::Entities::User`).
///
/// Some keys appear only when the caller may read the user's profile: `created_at`, and
/// `followers`, `following` and `is_followed` when both users also allow following. GitLab no
/// longer sends `skype`, which older documentation shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(crate::examples::user)))]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "json-schema", schemars(
    example = crate::examples::user(),
    transform = crate::schema::always_sent(&[
        "locked", "discord", "github", "job_title", "pronouns", "bot", "work_information",
        "local_time",
    ]),
))]
pub struct User {
    /// ID of the user.
    pub id: i64,
    /// Username, unique on the instance.
    pub username: String,
    /// The email the user made public; `""` or `null` when none.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub public_email: Option<String>,
    /// Display name.
    pub name: String,
    /// State of the account.
    pub state: UserState,
    /// Whether the account is locked after too many failed sign-in attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "bool"))]
    pub locked: Option<bool>,
    /// URL of the avatar image; `null` when avatars are disabled.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub avatar_url: Option<String>,
    /// The user's profile page.
    pub web_url: String,
    /// When the account was created; only when the caller may read the profile.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ts::option::serialize",
        deserialize_with = "ts::option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "DateTime<FixedOffset>"))]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Profile biography, usually `""` when empty.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub bio: Option<String>,
    /// Location from the profile.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub location: Option<String>,
    /// LinkedIn handle, `""` when empty.
    pub linkedin: String,
    /// X (Twitter) handle, `""` when empty.
    pub twitter: String,
    /// Discord user ID, `""` when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub discord: Option<String>,
    /// Website from the profile, `""` when empty.
    pub website_url: String,
    /// GitHub handle, `""` when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub github: Option<String>,
    /// Job title from the profile, `""` when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub job_title: Option<String>,
    /// Pronouns from the profile.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "double_option::serialize",
        deserialize_with = "double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<String>"))]
    pub pronouns: Option<Option<String>>,
    /// Organization from the profile.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub organization: Option<String>,
    /// Whether the account is a bot (project, group or service account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "bool"))]
    pub bot: Option<bool>,
    /// Job title and organization as one line, as the profile shows them.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "double_option::serialize",
        deserialize_with = "double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<String>"))]
    pub work_information: Option<Option<String>>,
    /// Number of followers; only when the caller may read the profile and both users allow
    /// following.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "i64"))]
    pub followers: Option<i64>,
    /// Number of users followed; same condition as `followers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "i64"))]
    pub following: Option<i64>,
    /// Whether the caller follows this user; same condition as `followers`, and only for a
    /// signed-in caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "json-schema", schemars(with = "bool"))]
    pub is_followed: Option<bool>,
    /// The user's local time, such as `3:38 PM`, from their time zone setting.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "double_option::serialize",
        deserialize_with = "double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<String>"))]
    pub local_time: Option<Option<String>>,
}
