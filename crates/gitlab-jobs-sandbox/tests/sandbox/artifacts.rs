//! Artifacts through the generated client: the archive is the job's, whole or resumed, its
//! files are the archive's, and keeping and deleting follow GitLab's rules.

use std::io::Read;

use futures::TryStreamExt;
use gitlab_jobs_client::models::{ArtifactFileType, JobStatus};
use gitlab_jobs_client::{ByteStream, Call};
use gitlab_jobs_sandbox::Config;

use super::support::{find_job, refused, root, sandbox, sandbox_with};

async fn bytes(stream: ByteStream) -> Vec<u8> {
    stream
        .into_inner()
        .try_fold(Vec::new(), |mut all, chunk| async move {
            all.extend_from_slice(&chunk);
            Ok(all)
        })
        .await
        .unwrap()
}

fn with_archive(job: &gitlab_jobs_sandbox::store::Job) -> bool {
    job.is_build()
        && job.status == JobStatus::Success
        && job
            .artifacts
            .iter()
            .any(|artifact| artifact.file_type == ArtifactFileType::Archive)
}

#[tokio::test]
async fn the_archive_is_the_size_the_job_says_and_its_files_are_the_single_downloads() {
    let sandbox = sandbox().await;
    let gitlab = root(&sandbox);
    let build = find_job(&sandbox, 1, with_archive);
    let job = gitlab
        .get_job()
        .id(1)
        .job_id(build.id)
        .call()
        .await
        .unwrap();
    let size = job.artifacts_file.0.as_ref().expect("an archive").size;
    let answer = gitlab
        .download_job_artifacts()
        .id(1)
        .job_id(build.id)
        .call()
        .await
        .unwrap();
    let archive = bytes(answer.into_inner()).await;
    assert_eq!(archive.len() as i64, size);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive)).unwrap();
    let tree = gitlab
        .list_job_artifact_entries()
        .id(1)
        .job_id(build.id)
        .recursive(true)
        .call()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(tree.len(), zip.len());
    for entry in tree.iter().filter(|entry| entry.size.0.is_some()) {
        let mut expected = Vec::new();
        zip.by_name(&entry.path)
            .unwrap()
            .read_to_end(&mut expected)
            .unwrap();
        assert_eq!(entry.size.0, Some(expected.len() as i64));
        let single = gitlab
            .get_job_artifact_file()
            .id(1)
            .job_id(build.id)
            .artifact_path(entry.path.clone())
            .call()
            .await
            .unwrap();
        assert_eq!(bytes(single.into_inner()).await, expected, "{}", entry.path);
    }
}

#[tokio::test]
async fn a_download_resumed_with_range_is_the_whole_archive() {
    let sandbox = sandbox_with(Config {
        jobs_rate_limit: 0,
        artifact_mib: 2,
        ..Config::default()
    })
    .await;
    let gitlab = root(&sandbox);
    let (job_id, len) = sandbox
        .with_store(|store| store.large_artifact)
        .expect("seeded");
    assert_eq!(len, 2 << 20);
    let whole = bytes(
        gitlab
            .download_job_artifacts()
            .id(1)
            .job_id(job_id)
            .call()
            .await
            .unwrap()
            .into_inner(),
    )
    .await;
    assert!(whole.len() as u64 > len);
    let cut = 1_000_003;
    let rest = gitlab
        .download_job_artifacts()
        .id(1)
        .job_id(job_id)
        .range(format!("bytes={cut}-"))
        .call()
        .await
        .unwrap();
    assert_eq!(rest.status(), 206);
    let expected_range = format!("bytes {cut}-{}/{}", whole.len() - 1, whole.len());
    assert_eq!(rest.headers()["content-range"], expected_range.as_str());
    let rest = bytes(rest.into_inner()).await;
    assert_eq!(rest, whole[cut..]);
}

#[tokio::test]
async fn keep_clears_the_expiry_and_delete_leaves_only_the_log() {
    let sandbox = sandbox().await;
    let gitlab = root(&sandbox);
    let build = find_job(&sandbox, 1, with_archive);
    let kept = gitlab
        .keep_job_artifacts()
        .id(1)
        .job_id(build.id)
        .call()
        .await
        .unwrap();
    assert_eq!(kept.artifacts_expire_at.0, Some(None));
    gitlab
        .delete_job_artifacts()
        .id(1)
        .job_id(build.id)
        .call()
        .await
        .unwrap();
    let job = gitlab
        .get_job()
        .id(1)
        .job_id(build.id)
        .call()
        .await
        .unwrap();
    assert!(job.artifacts_file.0.is_none());
    assert!(
        job.artifacts
            .iter()
            .all(|artifact| artifact.file_type == ArtifactFileType::Trace)
    );
    let (status, _) = refused(
        gitlab
            .download_job_artifacts()
            .id(1)
            .job_id(build.id)
            .send()
            .await
            .map(drop),
    );
    assert_eq!(status, 404);
}

#[tokio::test]
async fn deleting_a_projects_artifacts_keeps_each_refs_newest_successful_pipeline() {
    let sandbox = sandbox().await;
    let gitlab = root(&sandbox);
    // The newest successful pipeline of each ref keeps its artifacts; a build with an archive
    // in any other pipeline (one that failed, say) loses them.
    let newest: std::collections::HashMap<String, i64> = sandbox.with_store(|store| {
        let mut newest = std::collections::HashMap::new();
        for pipeline in store.pipelines.values() {
            if pipeline.project_id == 1 && pipeline.status == JobStatus::Success {
                newest.insert(pipeline.r#ref.clone(), pipeline.id);
            }
        }
        newest
    });
    let locked: Vec<i64> = newest.values().copied().collect();
    let main = newest["main"];
    let kept = find_job(&sandbox, 1, move |job| {
        job.pipeline_id == main && with_archive(job)
    });
    let expired = find_job(&sandbox, 1, move |job| {
        !locked.contains(&job.pipeline_id) && with_archive(job)
    });
    gitlab
        .delete_project_artifacts()
        .id(1)
        .call()
        .await
        .unwrap();
    for (job, available) in [(kept.id, true), (expired.id, false)] {
        let answer = gitlab
            .download_job_artifacts()
            .id(1)
            .job_id(job)
            .send()
            .await;
        assert_eq!(answer.is_ok(), available, "job {job}");
    }
    let found = gitlab
        .download_ref_artifacts()
        .id(1)
        .ref_name("main")
        .job(kept.name.clone())
        .call()
        .await;
    assert!(found.is_ok());
}
