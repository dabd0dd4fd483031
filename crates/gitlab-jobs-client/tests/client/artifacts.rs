//! Artifacts downloads against the sandbox: whole, resumed after answers that break off, saved
//! only once whole, and never a short file called done.

use std::io::Read;

use gitlab_jobs_client::models::{ArtifactFileType, JobStatus};
use gitlab_jobs_client::{ArtifactsOf, Call, CallErrorKind, Client, RetryPolicy};
use gitlab_jobs_sandbox::{Config, Faults, Sandbox};

async fn start(faults: Faults) -> Sandbox {
    Sandbox::start(Config {
        jobs_rate_limit: 0,
        artifact_mib: 1,
        faults,
        ..Config::default()
    })
    .await
    .expect("the sandbox starts")
}

fn client(sandbox: &Sandbox, attempts: u32) -> Client {
    Client::with_private_token(sandbox.url(), &sandbox.config().tokens.root)
        .unwrap()
        .with_retry_policy(RetryPolicy {
            max_attempts: attempts,
            base_delay: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        })
}

/// The build with the large archive, and the archive's length as the job says it.
async fn large(sandbox: &Sandbox, gitlab: &Client) -> (i64, u64) {
    let (job_id, _) = sandbox
        .with_store(|store| store.large_artifact)
        .expect("seeded");
    let job = gitlab.get_job().id(1).job_id(job_id).call().await.unwrap();
    let size = job.artifacts_file.0.as_ref().expect("an archive").size;
    (job_id, size as u64)
}

#[tokio::test]
async fn an_archive_that_breaks_off_is_resumed_to_the_same_bytes() {
    let whole_sandbox = start(Faults::default()).await;
    let gitlab = client(&whole_sandbox, 1);
    let (job_id, length) = large(&whole_sandbox, &gitlab).await;
    let mut whole = Vec::new();
    let plain = gitlab
        .artifacts(1, ArtifactsOf::Job(job_id))
        .write_to(&mut whole)
        .await
        .unwrap();
    assert_eq!(
        (plain.written, plain.length, plain.resumed),
        (length, Some(length), 0)
    );

    let breaking = start(Faults {
        broken_downloads: 1.0,
        ..Faults::default()
    })
    .await;
    let gitlab = client(&breaking, 40);
    let mut resumed = Vec::new();
    let mut told = Vec::new();
    let downloaded = gitlab
        .artifacts(1, ArtifactsOf::Job(job_id))
        .on_progress(|written, length| told.push((written, length)))
        .write_to(&mut resumed)
        .await
        .unwrap();
    assert!(
        told.windows(2).all(|pair| pair[0].0 < pair[1].0),
        "progress only grows"
    );
    assert_eq!(told.last(), Some(&(length, Some(length))));
    assert_eq!(downloaded.written, length);
    assert!(downloaded.resumed >= 2, "{downloaded:?}");
    assert_eq!(resumed, whole);
    zip::ZipArchive::new(std::io::Cursor::new(resumed)).expect("a zip archive");
}

#[tokio::test]
async fn a_download_that_keeps_breaking_is_an_error_with_what_was_written() {
    let sandbox = start(Faults {
        broken_downloads: 1.0,
        ..Faults::default()
    })
    .await;
    let gitlab = client(&sandbox, 2);
    let (job_id, length) = large(&sandbox, &gitlab).await;
    let mut out = Vec::new();
    let err = gitlab
        .artifacts(1, ArtifactsOf::Job(job_id))
        .write_to(&mut out)
        .await
        .unwrap_err();
    match err.kind() {
        CallErrorKind::Incomplete {
            written,
            length: said,
            ..
        } => {
            assert_eq!(*said, length);
            assert_eq!(*written, out.len() as u64);
            assert!(*written < length);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_saved_archive_appears_only_whole() {
    let sandbox = start(Faults {
        broken_downloads: 1.0,
        ..Faults::default()
    })
    .await;
    let folder = std::env::temp_dir().join(format!("gitlab-jobs-save-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let to = folder.join("artifacts.zip");
    std::fs::write(&to, b"the old file").unwrap();
    let gitlab = client(&sandbox, 2);
    let (job_id, _) = large(&sandbox, &gitlab).await;
    gitlab
        .artifacts(1, ArtifactsOf::Job(job_id))
        .save(&to)
        .await
        .unwrap_err();
    assert_eq!(std::fs::read(&to).unwrap(), b"the old file");
    let left: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert_eq!(left.len(), 1, "the temporary file is removed");

    let gitlab = client(&sandbox, 40);
    let saved = gitlab
        .artifacts(1, ArtifactsOf::Job(job_id))
        .save(&to)
        .await
        .unwrap();
    let bytes = std::fs::read(&to).unwrap();
    assert_eq!(bytes.len() as u64, saved.written);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut large = Vec::new();
    zip.by_name("dist/large.bin")
        .unwrap()
        .read_to_end(&mut large)
        .unwrap();
    assert_eq!(large.len(), 1 << 20);
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test]
async fn one_file_by_job_or_by_ref_is_the_archives() {
    let sandbox = start(Faults::default()).await;
    let gitlab = client(&sandbox, 3);
    let (job_id, name, r#ref) = sandbox.with_store(|store| {
        let job = store
            .jobs
            .values()
            .rev()
            .find(|job| {
                job.project_id == 1
                    && job.is_build()
                    && job.status == JobStatus::Success
                    && !job.retried
                    && store.pipelines[&job.pipeline_id].r#ref == "main"
                    && store.pipelines[&job.pipeline_id].status == JobStatus::Success
                    && job
                        .artifacts
                        .iter()
                        .any(|a| a.file_type == ArtifactFileType::Archive)
            })
            .expect("a build with artifacts on main");
        (job.id, job.name.clone(), "main".to_owned())
    });
    let mut archive = Vec::new();
    gitlab
        .artifacts(1, ArtifactsOf::newest(&r#ref, &name))
        .write_to(&mut archive)
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive)).unwrap();
    let path = (0..zip.len())
        .map(|index| zip.by_index(index).unwrap().name().unwrap().into_owned())
        .find(|path| path.ends_with(".txt"))
        .unwrap();
    let mut expected = Vec::new();
    zip.by_name(&path)
        .unwrap()
        .read_to_end(&mut expected)
        .unwrap();
    for of in [ArtifactsOf::Job(job_id), ArtifactsOf::newest(&r#ref, &name)] {
        let mut file = Vec::new();
        let downloaded = gitlab
            .artifacts("acme/platform/api", of.clone())
            .file(&path)
            .write_to(&mut file)
            .await
            .unwrap();
        assert_eq!(file, expected, "{of:?}");
        assert_eq!(downloaded.length, Some(expected.len() as u64));
    }
}

#[tokio::test]
async fn the_browser_streams_every_entry_of_the_archive_page_by_page() {
    use futures::TryStreamExt;
    let sandbox = start(Faults::default()).await;
    let gitlab = client(&sandbox, 3);
    let (job_id, _) = large(&sandbox, &gitlab).await;
    let mut archive = Vec::new();
    gitlab
        .artifacts(1, ArtifactsOf::Job(job_id))
        .write_to(&mut archive)
        .await
        .unwrap();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(archive)).unwrap();
    let mut in_zip: Vec<String> = zip
        .file_names()
        .map(|name| name.unwrap().into_owned())
        .collect();
    in_zip.sort();
    let listed: Vec<String> = gitlab
        .artifact_entries(1, job_id)
        .recursive(true)
        .per_page(2)
        .stream()
        .map_ok(|entry| entry.path)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, in_zip);
    let top: Vec<String> = gitlab
        .artifact_entries(1, job_id)
        .stream()
        .map_ok(|entry| entry.path)
        .try_collect()
        .await
        .unwrap();
    assert!(
        top.iter()
            .all(|path| !path.trim_end_matches('/').contains('/')),
        "{top:?}"
    );
}

async fn start_storing(storage: gitlab_jobs_sandbox::ArtifactsStorage, ttl_ms: u64) -> Sandbox {
    Sandbox::start(Config {
        jobs_rate_limit: 0,
        artifact_mib: 1,
        artifacts_storage: storage,
        signed_url_ttl: std::time::Duration::from_millis(ttl_ms),
        ..Config::default()
    })
    .await
    .expect("the sandbox starts")
}

/// Whether any request to the storage origin carried a credential.
fn credentials_reached_storage(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .storage_requests()
        .iter()
        .flat_map(|headers| headers.keys())
        .map(|name| name.as_str().to_owned())
        .filter(|name| {
            ["private-token", "job-token", "authorization", "cookie"].contains(&name.as_str())
        })
        .collect()
}

#[tokio::test]
async fn a_redirect_to_storage_is_followed_without_credentials_and_gives_the_same_bytes() {
    use gitlab_jobs_sandbox::ArtifactsStorage;
    let local = start(Faults::default()).await;
    let gitlab = client(&local, 3);
    let (job_id, _) = large(&local, &gitlab).await;
    let mut expected = Vec::new();
    gitlab
        .artifacts(1, ArtifactsOf::Job(job_id))
        .write_to(&mut expected)
        .await
        .unwrap();
    for storage in [ArtifactsStorage::Redirect, ArtifactsStorage::Proxy] {
        let sandbox = start_storing(storage, 600_000).await;
        for auth in [
            gitlab_jobs_client::Auth::private_token(&sandbox.config().tokens.root).unwrap(),
            gitlab_jobs_client::Auth::job_token(sandbox.job_token()).unwrap(),
        ] {
            let gitlab = Client::with_auth(sandbox.url(), auth).unwrap();
            let mut bytes = Vec::new();
            gitlab
                .artifacts(1, ArtifactsOf::Job(job_id))
                .write_to(&mut bytes)
                .await
                .unwrap();
            assert_eq!(bytes, expected, "{storage:?}");
            // A resumed read through the redirect asks storage for the rest only.
            let answer = gitlab
                .download_job_artifacts()
                .id(1)
                .job_id(job_id)
                .range("bytes=1000-")
                .call()
                .await
                .unwrap();
            let status = answer.status();
            match storage {
                ArtifactsStorage::Redirect => assert_eq!(status, 206),
                _ => assert_eq!(status, 200, "a proxy sends the whole archive"),
            }
            // HEAD, through the redirect too: the length without the archive.
            let head = gitlab
                .head_job_artifacts()
                .id(1)
                .job_id(job_id)
                .call()
                .await
                .unwrap();
            assert_eq!(head.status(), 200);
            assert_eq!(
                head.headers()["content-length"],
                expected.len().to_string().as_str()
            );
        }
        let seen = sandbox.storage_requests().len();
        match storage {
            ArtifactsStorage::Redirect => assert!(seen >= 6, "{seen} requests reached storage"),
            _ => assert_eq!(seen, 0),
        }
        assert_eq!(credentials_reached_storage(&sandbox), Vec::<String>::new());
    }
}

#[tokio::test]
async fn an_expired_signed_url_is_asked_for_again_once() {
    let sandbox = start_storing(gitlab_jobs_sandbox::ArtifactsStorage::Redirect, 0).await;
    let gitlab = client(&sandbox, 1);
    let (job_id, _) = large(&sandbox, &gitlab).await;
    let mut out = Vec::new();
    let err = gitlab
        .artifacts(1, ArtifactsOf::Job(job_id))
        .write_to(&mut out)
        .await
        .unwrap_err();
    assert_eq!(
        err.status().map(|status| status.as_u16()),
        Some(403),
        "{err}"
    );
    assert!(out.is_empty());
    // GitLab signed twice; storage refused both, and was never sent a credential.
    assert_eq!(sandbox.storage_requests().len(), 2);
    assert_eq!(credentials_reached_storage(&sandbox), Vec::<String>::new());
}
