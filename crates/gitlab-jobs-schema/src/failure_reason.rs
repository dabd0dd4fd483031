//! Why a job failed (`Enums::Ci::CommitStatus.failure_reasons`).

use crate::open_enum::open_enum;

open_enum! {
    /// Why a job failed. GitLab sends it only for jobs whose status is `failed`; a failed job
    /// with no recorded reason has `unknown_failure`.
    ///
    /// The values come from `Enums::Ci::CommitStatus` (1000 and up are bridge and pipeline
    /// reasons). Older instances send fewer values, GitLab's EE edition may add more, and
    /// `stuck_or_timeout_failure` and `job_execution_timeout` are split into finer reasons by
    /// newer instances.
    #[example = "script_failure"]
    pub enum FailureReason {
        UnknownFailure = "unknown_failure",
        ScriptFailure = "script_failure",
        ApiFailure = "api_failure",
        StuckOrTimeoutFailure = "stuck_or_timeout_failure",
        RunnerSystemFailure = "runner_system_failure",
        MissingDependencyFailure = "missing_dependency_failure",
        RunnerUnsupported = "runner_unsupported",
        StaleSchedule = "stale_schedule",
        JobExecutionTimeout = "job_execution_timeout",
        ArchivedFailure = "archived_failure",
        UnmetPrerequisites = "unmet_prerequisites",
        SchedulerFailure = "scheduler_failure",
        DataIntegrityFailure = "data_integrity_failure",
        ForwardDeploymentFailure = "forward_deployment_failure",
        UserBlocked = "user_blocked",
        ProjectDeleted = "project_deleted",
        CiQuotaExceeded = "ci_quota_exceeded",
        PipelineLoopDetected = "pipeline_loop_detected",
        NoMatchingRunner = "no_matching_runner",
        TraceSizeExceeded = "trace_size_exceeded",
        BuildsDisabled = "builds_disabled",
        EnvironmentCreationFailure = "environment_creation_failure",
        DeploymentRejected = "deployment_rejected",
        FailedOutdatedDeploymentJob = "failed_outdated_deployment_job",
        JobExecutionServerTimeout = "job_execution_server_timeout",
        StuckPendingWithMatchingRunners = "stuck_pending_with_matching_runners",
        StuckPendingNoMatchingRunners = "stuck_pending_no_matching_runners",
        NoUpdatesRunning = "no_updates_running",
        NoUpdatesCanceling = "no_updates_canceling",
        ServerTimeoutRunning = "server_timeout_running",
        ServerTimeoutCanceling = "server_timeout_canceling",
        RunnerConfigurationError = "runner_configuration_error",
        RunnerExternalDependencyFailure = "runner_external_dependency_failure",
        RunnerInterrupted = "runner_interrupted",
        ProtectedEnvironmentFailure = "protected_environment_failure",
        InsufficientBridgePermissions = "insufficient_bridge_permissions",
        DownstreamBridgeProjectNotFound = "downstream_bridge_project_not_found",
        InvalidBridgeTrigger = "invalid_bridge_trigger",
        UpstreamBridgeProjectNotFound = "upstream_bridge_project_not_found",
        InsufficientUpstreamPermissions = "insufficient_upstream_permissions",
        BridgePipelineIsChildPipeline = "bridge_pipeline_is_child_pipeline",
        DownstreamPipelineCreationFailed = "downstream_pipeline_creation_failed",
        SecretsProviderNotFound = "secrets_provider_not_found",
        ReachedMaxDescendantPipelinesDepth = "reached_max_descendant_pipelines_depth",
        IpRestrictionFailure = "ip_restriction_failure",
        ReachedMaxPipelineHierarchySize = "reached_max_pipeline_hierarchy_size",
        ReachedDownstreamPipelineTriggerRateLimit = "reached_downstream_pipeline_trigger_rate_limit",
        DuoWorkflowNotAllowed = "duo_workflow_not_allowed",
        JobRouterFailure = "job_router_failure",
        JobTokenExpired = "job_token_expired",
        IdTokenBurnedProjectPath = "id_token_burned_project_path",
        DownstreamProjectTriggerResolvedToEmpty = "downstream_project_trigger_resolved_to_empty",
    }
}
