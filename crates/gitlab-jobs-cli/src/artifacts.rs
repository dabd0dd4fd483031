//! `gitlab-jobs artifacts`: download a job's archive or one file of it, list, keep and delete.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use futures_util::TryStreamExt;
use gitlab_jobs_client::models::{ArtifactEntry, ArtifactEntryType};
use gitlab_jobs_client::{ArtifactsOf, Call, CallError, Downloaded};
use tokio::io::AsyncWriteExt;

use crate::args::{ArtifactsCommand, ArtifactsJob, JobArgs, Output};
use crate::commands::{Context, print, written};
use crate::exit;
use crate::fail::Failure;
use crate::lookup;
use crate::output::{Progress, clean};

/// Runs an `artifacts` command.
pub async fn run(context: &Context, command: ArtifactsCommand) -> Result<u8, Failure> {
    match command {
        ArtifactsCommand::Download { job, out, extract } => {
            let of = artifacts_of(context, &job).await?;
            match extract {
                Some(folder) => download_and_extract(context, &of, &folder).await,
                None => {
                    let out = out.unwrap_or_else(|| PathBuf::from("artifacts.zip"));
                    save(context, &of, None, &out).await
                }
            }
        }
        ArtifactsCommand::Get { job, path, out } => {
            let of = artifacts_of(context, &job).await?;
            let out = out.unwrap_or_else(|| PathBuf::from("-"));
            save(context, &of, Some(&path), &out).await
        }
        ArtifactsCommand::Ls {
            job,
            path,
            recursive,
        } => ls(context, &job, path, recursive).await,
        ArtifactsCommand::Keep(job) => {
            let id = context.job_id(&job).await?;
            let request = context
                .client
                .keep_job_artifacts()
                .id(context.project.clone());
            let kept = request
                .job_id(id)
                .call()
                .await
                .map_err(|err| Failure::call(&format!("job {id}"), err))?;
            let headline = format!("job {id}: its artifacts are kept past their expiry");
            context.show(&kept, Some(&headline))
        }
        ArtifactsCommand::Delete(job) => {
            let id = context.job_id(&job).await?;
            let request = context
                .client
                .delete_job_artifacts()
                .id(context.project.clone());
            request
                .job_id(id)
                .call()
                .await
                .map_err(|err| Failure::call(&format!("job {id}"), err))?;
            if context.output == Output::Table {
                eprintln!("job {id}: its artifacts are deleted; its log is kept");
            }
            Ok(exit::SUCCESS)
        }
    }
}

/// The artifacts `args` names: a job by ID, a job by name in `--pipeline`, or GitLab's
/// newest successful job of a name on `--ref` (by default the checkout's branch).
async fn artifacts_of(context: &Context, args: &ArtifactsJob) -> Result<ArtifactsOf, Failure> {
    let job = &args.job;
    let is_id = !job.job.is_empty() && job.job.bytes().all(|byte| byte.is_ascii_digit());
    let r#ref = if is_id { None } else { lookup::ref_of(job) };
    match (r#ref, job.pipeline, is_id) {
        (Some(r#ref), None, false) => Ok(ArtifactsOf::Ref {
            ref_name: r#ref,
            job: job.job.clone(),
            search_recent: args.search_recent,
        }),
        _ => Ok(ArtifactsOf::Job(context.job_id(job).await?)),
    }
}

fn describe(of: &ArtifactsOf) -> String {
    match of {
        ArtifactsOf::Job(id) => format!("job {id}"),
        ArtifactsOf::Ref { ref_name, job, .. } => {
            format!("the newest successful job {job:?} on {ref_name:?}")
        }
    }
}

/// Downloads the archive (or, with `path`, one file of it) to `out`: a file that appears only
/// once whole, or stdout for `-`.
async fn save(
    context: &Context,
    of: &ArtifactsOf,
    path: Option<&str>,
    out: &Path,
) -> Result<u8, Failure> {
    let what = describe(of);
    let client = crate::commands::without_call_limit(&context.client);
    let to_stdout = out.as_os_str() == "-";
    // On stdout, the bytes are the output: no progress line on the terminal beside them.
    let mut progress = Progress::of_download(!to_stdout);
    let mut download = client
        .artifacts(context.project.clone(), of.clone())
        .on_progress(|written, length| {
            progress.draw(|elapsed| progress_line(written, length, elapsed));
        });
    if let Some(path) = path {
        download = download.file(path);
    }
    let outcome: Result<Downloaded, CallError> = if to_stdout {
        let mut stdout = tokio::io::stdout();
        let outcome = download.write_to(&mut stdout).await;
        let _ = stdout.flush().await;
        outcome
    } else {
        download.save(out).await
    };
    progress.clear();
    match outcome {
        Ok(downloaded) => {
            if out.as_os_str() != "-" && context.output == Output::Table {
                eprintln!(
                    "{what}: {} written to {}",
                    bytes(downloaded.written),
                    clean(&out.display().to_string())
                );
            }
            Ok(exit::SUCCESS)
        }
        Err(err) if crate::commands::is_closed_stdout(&err) => Ok(exit::SUCCESS),
        Err(err) => Err(Failure::call(&what, err)),
    }
}

/// Downloads the archive beside `folder` and extracts it there, refusing any entry whose path
/// would leave the folder.
async fn download_and_extract(
    context: &Context,
    of: &ArtifactsOf,
    folder: &Path,
) -> Result<u8, Failure> {
    let what = describe(of);
    std::fs::create_dir_all(folder).map_err(|err| {
        Failure::error(format!(
            "cannot create {}: {err}",
            clean(&folder.display().to_string())
        ))
    })?;
    let archive = folder.join(format!(".artifacts.{}.zip", std::process::id()));
    let client = crate::commands::without_call_limit(&context.client);
    let mut progress = Progress::of_download(true);
    let saved = client
        .artifacts(context.project.clone(), of.clone())
        .on_progress(|written, length| {
            progress.draw(|elapsed| progress_line(written, length, elapsed));
        })
        .save(&archive)
        .await
        .map_err(|err| Failure::call(&what, err));
    progress.clear();
    saved?;
    let folder_owned = folder.to_owned();
    let archive_owned = archive.clone();
    let extracted =
        tokio::task::spawn_blocking(move || extract(&archive_owned, &folder_owned)).await;
    let _ = std::fs::remove_file(&archive);
    let count = match extracted {
        Ok(Ok(count)) => count,
        Ok(Err(message)) => return Err(Failure::error(format!("{what}: {message}"))),
        Err(err) => return Err(Failure::error(format!("{what}: extracting: {err}"))),
    };
    if context.output == Output::Table {
        let files = if count == 1 { "file" } else { "files" };
        eprintln!(
            "{what}: {count} {files} extracted into {}",
            clean(&folder.display().to_string())
        );
    }
    Ok(exit::SUCCESS)
}

/// Extracts the zip file `archive` into `folder`, and answers how many files it wrote. Every
/// entry's path is checked before anything is written: an absolute path, a `..` that climbs
/// out, or a symbolic link refuses the whole archive.
pub fn extract(archive: &Path, folder: &Path) -> Result<usize, String> {
    let file = std::fs::File::open(archive).map_err(|err| format!("opening the archive: {err}"))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|err| format!("the archive is not a zip file: {err}"))?;
    let mut entries = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let entry = zip
            .by_index(index)
            .map_err(|err| format!("reading entry {index}: {err}"))?;
        let name = entry
            .name()
            .map(|name| name.into_owned())
            .unwrap_or_default();
        let Some(relative) = safe_path(&name) else {
            return Err(format!(
                "refused: the entry {:?} would be written outside {}",
                clean(&name),
                clean(&folder.display().to_string())
            ));
        };
        if entry.is_symlink() {
            return Err(format!(
                "refused: the entry {:?} is a symbolic link",
                clean(&name)
            ));
        }
        entries.push((index, relative, entry.is_dir()));
    }
    let mut files = 0;
    for (index, relative, is_dir) in entries {
        let target = folder.join(&relative);
        if is_dir {
            std::fs::create_dir_all(&target)
                .map_err(|err| format!("creating {}: {err}", relative.display()))?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("creating {}: {err}", parent.display()))?;
        }
        let mut entry = zip
            .by_index(index)
            .map_err(|err| format!("reading entry {index}: {err}"))?;
        let mut out = std::fs::File::create(&target)
            .map_err(|err| format!("writing {}: {err}", relative.display()))?;
        io::copy(&mut entry, &mut out)
            .map_err(|err| format!("extracting {}: {err}", relative.display()))?;
        files += 1;
    }
    Ok(files)
}

/// `name` as a path inside the folder, or None when it is absolute or climbs out of it.
fn safe_path(name: &str) -> Option<PathBuf> {
    if name.contains('\0') || name.contains('\\') {
        return None;
    }
    let mut path = PathBuf::new();
    for component in Path::new(name).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!path.as_os_str().is_empty()).then_some(path)
}

async fn ls(
    context: &Context,
    job: &JobArgs,
    path: Option<String>,
    recursive: bool,
) -> Result<u8, Failure> {
    let id = context.job_id(job).await?;
    let mut entries = context
        .client
        .artifact_entries(context.project.clone(), id)
        .recursive(recursive);
    if let Some(path) = path {
        entries = entries.path(path);
    }
    let mut entries = entries.stream();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut rows: Vec<ArtifactEntry> = Vec::new();
    let mut first = true;
    while let Some(entry) = entries
        .try_next()
        .await
        .map_err(|err| Failure::call(&format!("job {id}"), err))?
    {
        match context.output {
            Output::Table => rows.push(entry),
            Output::Json => {
                let opened = written(out.write_all(if first { b"[\n" } else { b",\n" }));
                if let crate::commands::Stdout::Closed = opened? {
                    return Ok(exit::SUCCESS);
                }
                written(serde_json::to_writer(&mut out, &entry).map_err(io::Error::from))?;
            }
            Output::Ndjson => {
                let line =
                    serde_json::to_string(&entry).map_err(|err| Failure::error(err.to_string()))?;
                if let crate::commands::Stdout::Closed = written(writeln!(out, "{line}"))? {
                    return Ok(exit::SUCCESS);
                }
            }
        }
        first = false;
    }
    match context.output {
        Output::Table => {
            let width = rows
                .iter()
                .map(|entry| size_cell(entry).len())
                .max()
                .unwrap_or(0)
                .max(4);
            let mut text = format!("{:<9}  {:>width$}  PATH\n", "TYPE", "SIZE");
            for entry in &rows {
                text.push_str(&format!(
                    "{:<9}  {:>width$}  {}\n",
                    clean(entry.kind.as_str()),
                    size_cell(entry),
                    clean(&entry.path)
                ));
            }
            print(out.write_all(text.as_bytes()))
        }
        Output::Json => {
            let end: &[u8] = if first { b"[]\n" } else { b"\n]\n" };
            print(out.write_all(end).and_then(|()| out.flush()))
        }
        Output::Ndjson => print(out.flush()),
    }
}

fn size_cell(entry: &ArtifactEntry) -> String {
    match (&entry.kind, entry.size.0) {
        (ArtifactEntryType::Directory, _) => "-".to_owned(),
        (_, Some(size)) => bytes(size.max(0) as u64),
        (_, None) => "?".to_owned(),
    }
}

/// A size as people read it: `812 B`, `4.2 KiB`, `13.0 MiB`.
pub fn bytes(count: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if count < 1024 {
        return format!("{count} B");
    }
    let mut value = count as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// What a download's progress line says after `written` bytes of `length` in `elapsed`: the
/// bytes, their rate, and the time left when the size is known.
pub fn progress_line(written: u64, length: Option<u64>, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = (seconds > 0.0).then(|| written as f64 / seconds);
    let mut line = match length {
        Some(length) => format!("downloading {} of {}", bytes(written), bytes(length)),
        None => format!("downloading {}", bytes(written)),
    };
    if let Some(rate) = rate.filter(|rate| *rate >= 1.0) {
        line.push_str(&format!(", {}/s", bytes(rate as u64)));
        if let Some(length) = length {
            let left = length.saturating_sub(written) as f64 / rate;
            line.push_str(&format!(
                ", {} left",
                humantime::format_duration(Duration::from_secs(left.ceil() as u64))
            ));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        for bad in [
            "../evil",
            "a/../../evil",
            "/etc/passwd",
            "a\\..\\evil",
            "",
            ".",
            "a\0b",
        ] {
            assert_eq!(safe_path(bad), None, "{bad:?}");
        }
        assert_eq!(safe_path("a/./b.txt"), Some(PathBuf::from("a/b.txt")));
        assert_eq!(safe_path("dir/"), Some(PathBuf::from("dir")));
        assert_eq!(safe_path("a/..b"), Some(PathBuf::from("a/..b")));
    }

    #[test]
    fn sizes_and_the_progress_line_read_like_a_person_writes_them() {
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(4300), "4.2 KiB");
        assert_eq!(bytes(13 << 20), "13.0 MiB");
        assert_eq!(
            progress_line(10 << 20, Some(40 << 20), Duration::from_secs(2)),
            "downloading 10.0 MiB of 40.0 MiB, 5.0 MiB/s, 6s left"
        );
        assert_eq!(
            progress_line(3 << 20, None, Duration::from_secs(1)),
            "downloading 3.0 MiB, 3.0 MiB/s"
        );
        assert_eq!(
            progress_line(0, Some(100), Duration::ZERO),
            "downloading 0 B of 100 B"
        );
    }

    #[test]
    fn an_archive_that_climbs_out_is_refused_before_anything_is_written() {
        let folder =
            std::env::temp_dir().join(format!("gitlab-jobs-zipslip-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let archive = folder.join("evil.zip");
        {
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            zip.start_file("fine.txt", options).unwrap();
            zip.write_all(b"fine").unwrap();
            zip.start_file("../escaped.txt", options).unwrap();
            zip.write_all(b"evil").unwrap();
            zip.finish().unwrap();
        }
        let into = folder.join("out");
        let err = extract(&archive, &into).unwrap_err();
        assert!(err.contains("../escaped.txt"), "{err}");
        assert!(!into.join("fine.txt").exists(), "nothing is written");
        assert!(!folder.join("escaped.txt").exists());
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
