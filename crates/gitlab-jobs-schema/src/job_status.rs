//! The status vocabulary GitLab shares between jobs, bridges and pipelines (`Ci::HasStatus`).

use crate::open_enum::open_enum;

open_enum! {
    /// The status of a job, a bridge or a pipeline (`Ci::HasStatus::AVAILABLE_STATUSES`).
    ///
    /// GitLab 16.x and later know thirteen values; older instances send a subset.
    #[example = "failed"]
    pub enum JobStatus {
        /// Created but not yet processed.
        Created = "created",
        /// Waiting for a resource group to become free.
        WaitingForResource = "waiting_for_resource",
        /// A runner is preparing the environment the job runs in.
        Preparing = "preparing",
        /// Waiting for a callback from an external service before it goes on.
        WaitingForCallback = "waiting_for_callback",
        /// Queued, waiting for a runner to pick it up.
        Pending = "pending",
        /// A runner is executing it.
        Running = "running",
        /// Finished successfully.
        Success = "success",
        /// Finished with an error; a job's `failure_reason` says why.
        Failed = "failed",
        /// Being canceled: the runner is running `after_script` before the job stops.
        Canceling = "canceling",
        /// Canceled before it finished.
        Canceled = "canceled",
        /// Not run, because an earlier stage failed or a rule skipped it.
        Skipped = "skipped",
        /// Waiting for someone to start it (`when: manual`); see the play operation.
        Manual = "manual",
        /// Waiting for its delayed start time (`when: delayed`).
        Scheduled = "scheduled",
    }
}

open_enum! {
    /// A value of the `scope[]` filter of the job lists: the job statuses to return.
    ///
    /// GitLab accepts the same thirteen values as a job's status and answers 400 for any other;
    /// a newer GitLab may accept more.
    #[example = "pending"]
    #[contract = closed]
    pub enum JobScope {
        /// Jobs created but not yet processed.
        Created = "created",
        /// Jobs waiting for a resource group.
        WaitingForResource = "waiting_for_resource",
        /// Jobs whose runner is preparing the environment.
        Preparing = "preparing",
        /// Jobs waiting for an external callback.
        WaitingForCallback = "waiting_for_callback",
        /// Jobs queued for a runner.
        Pending = "pending",
        /// Jobs a runner is executing.
        Running = "running",
        /// Jobs that finished successfully.
        Success = "success",
        /// Jobs that failed.
        Failed = "failed",
        /// Jobs being canceled.
        Canceling = "canceling",
        /// Jobs that were canceled.
        Canceled = "canceled",
        /// Jobs that were skipped.
        Skipped = "skipped",
        /// Jobs waiting to be started by hand.
        Manual = "manual",
        /// Jobs waiting for their delayed start time.
        Scheduled = "scheduled",
    }
}

impl JobStatus {
    /// Whether the job is done and will not change by itself: `success`, `failed`, `canceled`
    /// or `skipped` (GitLab's completed statuses). False for a status this crate does not
    /// know: for those, a job's `finished_at` tells whether it finished.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobStatus::Success | JobStatus::Failed | JobStatus::Canceled | JobStatus::Skipped
        )
    }

    /// Whether the job is on its way or running: queued for a resource or a runner, being
    /// prepared, running, or being canceled. False for `created`, `manual` and `scheduled`
    /// (not started), for the terminal statuses, and for a status this crate does not know.
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            JobStatus::WaitingForResource
                | JobStatus::Preparing
                | JobStatus::WaitingForCallback
                | JobStatus::Pending
                | JobStatus::Running
                | JobStatus::Canceling
        )
    }

    /// Whether the play operation can start the job: only a `manual` job can be played.
    /// False for a status this crate does not know, which GitLab would refuse with a 400.
    pub fn is_playable(&self) -> bool {
        matches!(self, JobStatus::Manual)
    }
}

impl From<JobStatus> for JobScope {
    /// The filter that selects jobs with this status.
    fn from(status: JobStatus) -> Self {
        match status {
            JobStatus::Other(value) => JobScope::from(value),
            known => JobScope::from(known.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_accepts_exactly_the_status_values() {
        let statuses: Vec<_> = JobStatus::KNOWN.iter().map(JobStatus::as_str).collect();
        let scopes: Vec<_> = JobScope::KNOWN.iter().map(JobScope::as_str).collect();
        assert_eq!(statuses, scopes);
        assert_eq!(statuses.len(), 13);
    }

    #[test]
    fn unknown_status_round_trips_unchanged() {
        let status: JobStatus = serde_json::from_str(r#""waiting_for_quantum""#).unwrap();
        assert_eq!(status, JobStatus::Other("waiting_for_quantum".into()));
        assert!(!status.is_known());
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            r#""waiting_for_quantum""#
        );
    }

    #[test]
    fn known_values_never_land_in_other() {
        assert_eq!(JobStatus::Other("failed".into()), JobStatus::Failed);
        assert_eq!(JobStatus::from("failed".to_owned()), JobStatus::Failed);
        assert!(JobStatus::from("failed").is_known());
        assert_eq!(
            "canceling".parse::<JobStatus>().unwrap(),
            JobStatus::Canceling
        );
        assert_eq!(JobScope::from(JobStatus::Manual), JobScope::Manual);
        assert_eq!(
            JobScope::from(JobStatus::from("new_state")),
            JobScope::Other("new_state".into())
        );
    }

    #[test]
    fn every_known_status_is_in_exactly_one_phase_and_unknown_ones_in_none() {
        for status in JobStatus::KNOWN {
            let not_started = matches!(
                status,
                JobStatus::Created | JobStatus::Manual | JobStatus::Scheduled
            );
            let phases = [status.is_terminal(), status.is_active(), not_started];
            assert_eq!(phases.iter().filter(|p| **p).count(), 1, "{status}");
        }
        let unknown = JobStatus::from("quantum");
        assert!(!unknown.is_terminal() && !unknown.is_active() && !unknown.is_playable());
        assert!(JobStatus::Manual.is_playable() && !JobStatus::Scheduled.is_playable());
    }

    #[test]
    fn equal_values_hash_equal() {
        use std::collections::HashSet;
        let set: HashSet<_> = [JobStatus::Failed, JobStatus::Other("failed".into())].into();
        assert_eq!(set.len(), 1);
    }
}
