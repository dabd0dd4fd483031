//! `gitlab-jobs artifacts`, end to end against the sandbox.

use std::io::Read;
use std::path::PathBuf;

use gitlab_jobs_client::models::{ArtifactEntry, ArtifactFileType, JobStatus};
use gitlab_jobs_sandbox::{Config, store};

use super::{find, run, run_with, start};

fn with_archive(job: &store::Job) -> bool {
    job.status == JobStatus::Success
        && !job.retried
        && job
            .artifacts
            .iter()
            .any(|artifact| artifact.file_type == ArtifactFileType::Archive)
}

fn folder(name: &str) -> PathBuf {
    let folder =
        std::env::temp_dir().join(format!("gitlab-jobs-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

#[tokio::test(flavor = "multi_thread")]
async fn download_get_and_ls_agree_with_the_archive() {
    let sandbox = start(Config {
        artifact_mib: 1,
        ..Config::default()
    })
    .await;
    let (id, _) = sandbox
        .with_store(|store| store.large_artifact)
        .expect("seeded");
    let folder = folder("download");
    let zip_path = folder.join("build.zip");
    let id_text = id.to_string();
    let downloaded = run(
        &sandbox,
        &[
            "artifacts",
            "download",
            &id_text,
            "-O",
            zip_path.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(downloaded.code, 0, "{downloaded:?}");
    assert!(downloaded.stdout.is_empty());
    assert!(
        downloaded.stderr.contains("written to"),
        "{}",
        downloaded.stderr
    );
    let bytes = std::fs::read(&zip_path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();

    let listed = run(
        &sandbox,
        &["artifacts", "ls", &id_text, "--recursive", "-o", "ndjson"],
    )
    .await;
    assert_eq!(listed.code, 0, "{listed:?}");
    let entries: Vec<ArtifactEntry> = listed
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(entries.len(), zip.len());

    let table = run(&sandbox, &["artifacts", "ls", &id_text]).await;
    assert!(table.stdout.starts_with("TYPE"), "{}", table.stdout);
    assert!(table.stdout.contains("dist/"), "{}", table.stdout);

    let text = entries
        .iter()
        .find(|entry| entry.path.ends_with(".txt"))
        .expect("a text file");
    let got = run(&sandbox, &["artifacts", "get", &id_text, &text.path]).await;
    assert_eq!(got.code, 0, "{got:?}");
    let mut expected = String::new();
    zip.by_name(&text.path)
        .unwrap()
        .read_to_string(&mut expected)
        .unwrap();
    assert_eq!(got.stdout, expected);

    let missing = run(&sandbox, &["artifacts", "get", &id_text, "no/such/file"]).await;
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("404"), "{}", missing.stderr);
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_newest_artifacts_of_a_ref_extract_into_a_folder() {
    let sandbox = start(Config::default()).await;
    let (name, r#ref) = sandbox.with_store(|store| {
        let pipeline = store
            .pipelines
            .values()
            .rev()
            .find(|p| p.project_id == 1 && p.r#ref == "main" && p.status == JobStatus::Success)
            .expect("a successful pipeline on main");
        let job = store
            .jobs
            .values()
            .find(|job| job.pipeline_id == pipeline.id && job.is_build() && with_archive(job))
            .expect("a build with artifacts");
        (job.name.clone(), pipeline.r#ref.clone())
    });
    let folder = folder("extract");
    let into = folder.join("out");
    let extracted = run(
        &sandbox,
        &[
            "artifacts",
            "download",
            &name,
            "--ref",
            &r#ref,
            "--extract",
            into.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(extracted.code, 0, "{extracted:?}");
    assert!(
        extracted.stderr.contains("extracted into"),
        "{}",
        extracted.stderr
    );
    let build = std::fs::read_dir(into.join("build")).unwrap().count();
    assert_eq!(build, 1, "the build folder has its text file");
    // Only what the archive holds: the downloaded zip is gone.
    let left: Vec<_> = std::fs::read_dir(&into)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".zip"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_then_delete_and_the_archive_is_gone() {
    let sandbox = start(Config::default()).await;
    let id = find(&sandbox, with_archive).to_string();
    let kept = run(&sandbox, &["artifacts", "keep", &id, "-o", "json"]).await;
    assert_eq!(kept.code, 0, "{kept:?}");
    let job: serde_json::Value = serde_json::from_str(&kept.stdout).unwrap();
    assert_eq!(job["artifacts_expire_at"], serde_json::Value::Null);
    let deleted = run(&sandbox, &["artifacts", "delete", &id]).await;
    assert_eq!(deleted.code, 0, "{deleted:?}");
    assert!(deleted.stderr.contains("deleted"), "{}", deleted.stderr);
    let folder = folder("gone");
    let out = folder.join("a.zip");
    let gone = run(
        &sandbox,
        &["artifacts", "download", &id, "-O", out.to_str().unwrap()],
    )
    .await;
    assert_eq!(gone.code, 1, "{gone:?}");
    assert!(gone.stderr.contains("404"), "{}", gone.stderr);
    assert!(!out.exists());
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn inside_a_ci_job_the_job_token_downloads_and_lists_with_no_options() {
    let sandbox = start(Config::default()).await;
    let token = sandbox.job_token();
    let ci = [
        ("CI_API_V4_URL", sandbox.url()),
        ("CI_JOB_TOKEN", token.as_str()),
        ("CI_PROJECT_ID", "1"),
    ];
    let id = find(&sandbox, with_archive).to_string();
    let folder = folder("ci");
    let out = folder.join("artifacts.zip");
    let downloaded = run_with(
        &ci,
        &["artifacts", "download", &id, "-O", out.to_str().unwrap()],
    )
    .await;
    assert_eq!(downloaded.code, 0, "{downloaded:?}");
    zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).expect("a zip archive");
    let listed = run_with(&ci, &["artifacts", "ls", &id]).await;
    assert_eq!(listed.code, 0, "{listed:?}");
    let refused = run_with(&ci, &["artifacts", "delete", &id]).await;
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("GITLAB_TOKEN"),
        "{}",
        refused.stderr
    );
    std::fs::remove_dir_all(&folder).unwrap();
}
