//! One file of a job's artifacts (`API::Entities::Ci::JobArtifact`).

use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;

/// One artifact file of a job: the archive, its metadata, the log, or a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "json-schema",
    derive(schemars::JsonSchema),
    schemars(example = crate::examples::job_artifact())
)]
pub struct JobArtifact {
    /// What the file holds: `archive`, `metadata`, `trace` (the log) or a report type.
    pub file_type: ArtifactFileType,
    /// Size of the file in bytes.
    pub size: i64,
    /// File name, for example `artifacts.zip`, `metadata.gz` or `job.log`.
    pub filename: String,
    /// How the file is stored: `zip`, `gzip` or `raw`.
    pub file_format: ArtifactFileFormat,
}

open_enum! {
    /// The kind of an artifact file (`Enums::Ci::JobArtifact.file_type`).
    ///
    /// The list changes between GitLab versions: `scip` is gone from GitLab 19.5, and `sarif`
    /// is new there.
    #[example = "archive"]
    pub enum ArtifactFileType {
        Archive = "archive",
        Metadata = "metadata",
        Trace = "trace",
        Junit = "junit",
        Sast = "sast",
        DependencyScanning = "dependency_scanning",
        ContainerScanning = "container_scanning",
        Dast = "dast",
        Codequality = "codequality",
        LicenseScanning = "license_scanning",
        Performance = "performance",
        Metrics = "metrics",
        MetricsReferee = "metrics_referee",
        NetworkReferee = "network_referee",
        Lsif = "lsif",
        Dotenv = "dotenv",
        Cobertura = "cobertura",
        Terraform = "terraform",
        Accessibility = "accessibility",
        ClusterApplications = "cluster_applications",
        SecretDetection = "secret_detection",
        Requirements = "requirements",
        CoverageFuzzing = "coverage_fuzzing",
        BrowserPerformance = "browser_performance",
        LoadPerformance = "load_performance",
        ApiFuzzing = "api_fuzzing",
        ClusterImageScanning = "cluster_image_scanning",
        Cyclonedx = "cyclonedx",
        RequirementsV2 = "requirements_v2",
        Annotations = "annotations",
        RepositoryXray = "repository_xray",
        Jacoco = "jacoco",
        Scip = "scip",
        Sarif = "sarif",
    }
}

open_enum! {
    /// How an artifact file is stored (`Ci::Artifactable.file_formats`).
    #[example = "zip"]
    pub enum ArtifactFileFormat {
        /// Stored as is, like the job log and most security reports.
        Raw = "raw",
        /// A zip archive, like the artifacts archive.
        Zip = "zip",
        /// Compressed with gzip, like the metadata and JUnit reports.
        Gzip = "gzip",
    }
}
