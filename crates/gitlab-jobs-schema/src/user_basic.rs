//! The short user object, used for a runner's creator (`API::Entities::UserBasic`).

use serde::{Deserialize, Serialize};

use crate::AlwaysSent;

use crate::open_enum::open_enum;

/// The short form of a user (`API::Entities::UserBasic`), used for `runner.created_by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::user_basic())
)]
pub struct UserBasic {
    /// ID of the user.
    pub id: i64,
    /// Username, unique on the instance.
    pub username: String,
    /// The email the user made public; `""` or `null` when none. Newer GitLab versions send
    /// it with every user object.
    #[serde(default, skip_serializing_if = "crate::wire::absent")]
    pub public_email: AlwaysSent<Option<String>>,
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
