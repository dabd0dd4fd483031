//! The user who started a job (`API::Entities::User`).

use serde::{Deserialize, Serialize};

use crate::{AlwaysSent, SometimesSent, Timestamp};

use crate::UserState;

/// The user who started a job or a bridge (`API::Entities::User`).
///
/// Some keys appear only when the caller may read the user's profile: `created_at`, and
/// `followers`, `following` and `is_followed` when both users also allow following. GitLab no
/// longer sends `skype`, which older documentation shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::user())
)]
pub struct User {
    /// ID of the user.
    pub id: i64,
    /// Username, unique on the instance.
    pub username: String,
    /// The email the user made public; `""` or `null` when none.
    pub public_email: Option<String>,
    /// Display name.
    pub name: String,
    /// State of the account.
    pub state: UserState,
    /// Whether the account is locked after too many failed sign-in attempts.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub locked: AlwaysSent<bool>,
    /// URL of the avatar image; `null` when avatars are disabled.
    pub avatar_url: Option<String>,
    /// The user's profile page.
    pub web_url: String,
    /// When the account was created; only when the caller may read the profile.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub created_at: SometimesSent<Timestamp>,
    /// Profile biography, usually `""` when empty.
    pub bio: Option<String>,
    /// Location from the profile.
    pub location: Option<String>,
    /// LinkedIn handle, `""` when empty.
    pub linkedin: String,
    /// X (Twitter) handle, `""` when empty.
    pub twitter: String,
    /// Discord user ID, `""` when empty.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub discord: AlwaysSent<String>,
    /// Website from the profile, `""` when empty.
    pub website_url: String,
    /// GitHub handle, `""` when empty.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub github: AlwaysSent<String>,
    /// Job title from the profile, `""` when empty.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub job_title: AlwaysSent<String>,
    /// Pronouns from the profile.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub pronouns: AlwaysSent<Option<String>>,
    /// Organization from the profile.
    pub organization: Option<String>,
    /// Whether the account is a bot (project, group or service account).
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub bot: AlwaysSent<bool>,
    /// Job title and organization as one line, as the profile shows them.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub work_information: AlwaysSent<Option<String>>,
    /// Number of followers; only when the caller may read the profile and both users allow
    /// following.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub followers: SometimesSent<i64>,
    /// Number of users followed; same condition as `followers`.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub following: SometimesSent<i64>,
    /// Whether the caller follows this user; same condition as `followers`, and only for a
    /// signed-in caller.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub is_followed: SometimesSent<bool>,
    /// The user's local time, such as `3:38 PM`, from their time zone setting.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub local_time: AlwaysSent<Option<String>>,
}
