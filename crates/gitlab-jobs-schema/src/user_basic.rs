//! The short user object, used for a runner's creator (`API::Entities::UserBasic`).

use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;
use crate::wire::double_option;

/// The short form of a user (`API::Entities::UserBasic`), used for `runner.created_by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(crate::examples::user_basic)))]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "json-schema", schemars(
    example = crate::examples::user_basic(),
    transform = crate::schema::always_sent(&["public_email", "locked"]),
))]
pub struct UserBasic {
    /// ID of the user.
    pub id: i64,
    /// Username, unique on the instance.
    pub username: String,
    /// The email the user made public; `""` or `null` when none. Newer GitLab versions send
    /// it with every user object.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "double_option::serialize",
        deserialize_with = "double_option::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<String>"))]
    pub public_email: Option<Option<String>>,
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
}

open_enum! {
    /// State of a user account.
    #[example = "active"]
    pub enum UserState {
        /// The account can sign in and act.
        Active = "active",
        /// An administrator blocked the account.
        Blocked = "blocked",
        /// The account was deactivated after a period of inactivity or by an administrator.
        Deactivated = "deactivated",
        /// An administrator banned the account.
        Banned = "banned",
        /// The account was blocked by the LDAP directory.
        LdapBlocked = "ldap_blocked",
        /// The account waits for an administrator to approve its sign-up.
        BlockedPendingApproval = "blocked_pending_approval",
    }
}
