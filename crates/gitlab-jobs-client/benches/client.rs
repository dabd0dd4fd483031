//! Benchmarks of the client for real use, against the sandbox in this process:
//! `cargo bench -p gitlab-jobs-client --bench client`. Prints a Markdown table.

// The counting allocator that measures peak memory has to implement `GlobalAlloc`, which is
// unsafe; nothing else here is.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use gitlab_jobs_client::models::{Job, JobStatus};
use gitlab_jobs_client::{Client, RetryPolicy};
use gitlab_jobs_sandbox::{Config, Faults, Sandbox};
#[path = "support/plain.rs"]
mod plain;

use plain::PlainJob;

/// The system allocator, counting bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

fn client(sandbox: &Sandbox) -> Client {
    Client::with_private_token(sandbox.url(), &sandbox.config().tokens.root)
        .unwrap()
        .with_retry_policy(RetryPolicy::none())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Lists 20,000 jobs by cursor with 20 ms added to every answer. A cursor chain cannot be
/// fetched in parallel, so the floor is one latency per page.
async fn list_with_latency(rows: &mut Vec<[String; 4]>) {
    let latency = Duration::from_millis(20);
    let config = Config {
        jobs: 20_000,
        jobs_rate_limit: 0,
        faults: Faults {
            latency,
            ..Faults::default()
        },
        ..Config::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let gitlab = client(&sandbox);
    let token = sandbox.config().tokens.root.clone();
    let raw = gitlab_jobs_client::default_http_client().build().unwrap();
    let (mut ours, mut offset, mut chain) = (Vec::new(), Vec::new(), Vec::new());
    let mut count = 0;
    for _ in 0..3 {
        let started = Instant::now();
        count = gitlab.project_jobs(1).stream().count().await;
        ours.push(started.elapsed());
        let started = Instant::now();
        assert_eq!(
            gitlab.project_jobs(1).offset().stream().count().await,
            count
        );
        offset.push(started.elapsed());
        // The reference: the same cursor chain with nothing decoded, the next request sent
        // as soon as an answer's headers name it.
        let started = Instant::now();
        let first = format!(
            "{}/projects/1/jobs?pagination=keyset&per_page=100",
            sandbox.url()
        );
        raw_chain(&raw, &token, first).await;
        chain.push(started.elapsed());
    }
    let pages = count.div_ceil(100) as u32;
    let floor = latency * pages;
    let (took, offset, chain) = (median(ours), median(offset), median(chain));
    rows.push([
        format!("list {count} jobs, keyset, 20 ms latency"),
        format!("{:.2} s", took.as_secs_f64()),
        format!(
            "a raw cursor chain that decodes nothing: {:.2} s; the floor, {pages} × 20 ms: {:.2} s",
            chain.as_secs_f64(),
            floor.as_secs_f64()
        ),
        format!(
            "{:.3}× the chain, {:.3}× the floor (the chain: {:.3}×)",
            took.as_secs_f64() / chain.as_secs_f64(),
            took.as_secs_f64() / floor.as_secs_f64(),
            chain.as_secs_f64() / floor.as_secs_f64()
        ),
    ]);
    rows.push([
        format!("list {count} jobs, offset (no totals), 20 ms latency"),
        format!("{:.2} s", offset.as_secs_f64()),
        format!("keyset, the same run: {:.2} s", took.as_secs_f64()),
        format!("{:.3}×", offset.as_secs_f64() / took.as_secs_f64()),
    ]);
}

/// Lists a pipeline of 5000 jobs, 50 pages whose number GitLab gives, fetched 4 at a time and
/// one at a time, with 20 ms added to every answer.
async fn list_pipeline_concurrently(rows: &mut Vec<[String; 4]>) {
    let sandbox = Sandbox::start(Config {
        jobs: 100,
        pipeline_jobs: 5000,
        jobs_rate_limit: 0,
        faults: Faults {
            latency: Duration::from_millis(20),
            ..Faults::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let pipeline = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.name == "shard 1/5000")
            .unwrap()
            .pipeline_id
    });
    let gitlab = client(&sandbox);
    let (mut four, mut one) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        for (concurrency, samples) in [(4, &mut four), (1, &mut one)] {
            let started = Instant::now();
            let count = gitlab
                .pipeline_jobs(1, pipeline)
                .concurrency(concurrency)
                .stream()
                .count()
                .await;
            samples.push(started.elapsed());
            assert_eq!(count, 5000);
        }
    }
    let (four, one) = (median(four), median(one));
    rows.push([
        "list a pipeline's 5000 jobs (50 pages), 4 pages at a time, 20 ms latency".to_owned(),
        format!("{:.2} s", four.as_secs_f64()),
        format!("one page at a time: {:.2} s", one.as_secs_f64()),
        format!("{:.2}× faster", one.as_secs_f64() / four.as_secs_f64()),
    ]);
}

/// Pages of 100 jobs the sandbox serves per second to 4 clients listing at once, with no
/// latency added, each a raw cursor chain that decodes nothing: what rendering a page costs
/// the sandbox.
async fn sandbox_throughput(rows: &mut Vec<[String; 4]>) {
    let sandbox = Sandbox::start(Config {
        jobs: 20_000,
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await
    .unwrap();
    let started = Instant::now();
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let http = gitlab_jobs_client::default_http_client().build().unwrap();
            let token = sandbox.config().tokens.root.clone();
            let first = format!(
                "{}/projects/1/jobs?pagination=keyset&per_page=100",
                sandbox.url()
            );
            tokio::spawn(async move { raw_chain(&http, &token, first).await })
        })
        .collect();
    let mut pages = 0;
    for task in clients {
        pages += task.await.unwrap();
    }
    let took = started.elapsed();
    rows.push([
        "sandbox: 100-job pages to 4 concurrent raw clients".to_owned(),
        format!("{:.0} pages/s", pages as f64 / took.as_secs_f64()),
        format!("{pages} pages in {:.2} s", took.as_secs_f64()),
        String::new(),
    ]);
}

/// What a latency of 20 ms costs a small request: the median round trip with it, less the
/// median without it, 100 requests each. Without it, the requests are sent twice: back to back,
/// and each after 20 ms of quiet. A request that finds the machine idle costs more on both
/// sides (threads and virtual CPUs wake up), with or without the sandbox's latency; the
/// second baseline has the same idleness as the requests with latency, so the difference is
/// what the setting adds.
async fn latency_accuracy(rows: &mut Vec<[String; 4]>) {
    let latency = Duration::from_millis(20);
    let mut medians = Vec::new();
    for (setting, quiet_before) in [
        (Duration::ZERO, Duration::ZERO),
        (Duration::ZERO, latency),
        (latency, Duration::ZERO),
    ] {
        let sandbox = Sandbox::start(Config {
            jobs: 50,
            faults: Faults {
                latency: setting,
                ..Faults::default()
            },
            ..Config::default()
        })
        .await
        .unwrap();
        let http = gitlab_jobs_client::default_http_client().build().unwrap();
        let url = format!("{}/version", sandbox.url());
        let token = sandbox.config().tokens.root.clone();
        let mut samples = Vec::new();
        for _ in 0..100 {
            if !quiet_before.is_zero() {
                tokio::time::sleep(quiet_before).await;
            }
            let started = Instant::now();
            let answer = http
                .get(&url)
                .header("private-token", &token)
                .send()
                .await
                .unwrap();
            answer.bytes().await.unwrap();
            samples.push(started.elapsed());
        }
        medians.push(median(samples));
    }
    let [back_to_back, after_quiet, with_latency] = medians[..] else {
        unreachable!("three medians")
    };
    let ms = |duration: Duration| duration.as_secs_f64() * 1e3;
    let added = ms(with_latency) - ms(after_quiet);
    rows.push([
        "sandbox: what `--latency-ms 20` adds to a small request".to_owned(),
        format!("{added:.2} ms"),
        format!(
            "median round trip {:.2} ms with it; without it {:.2} ms after 20 ms of quiet, \
             {:.2} ms back to back",
            ms(with_latency),
            ms(after_quiet),
            ms(back_to_back)
        ),
        format!(
            "{:+.2} ms off ({:+.2} ms against back to back)",
            added - ms(latency),
            ms(with_latency) - ms(back_to_back) - ms(latency)
        ),
    ]);
}

/// Follows a keyset chain from `url` reading each body and decoding nothing; the pages read.
async fn raw_chain(http: &reqwest::Client, token: &str, mut url: String) -> usize {
    let mut pages = 0;
    loop {
        let answer = http
            .get(&url)
            .header("private-token", token)
            .send()
            .await
            .unwrap();
        let next = answer
            .headers()
            .get("link")
            .and_then(|link| link.to_str().ok())
            .and_then(|link| {
                let (target, _) = link.split_once(">; rel=\"next\"")?;
                Some(target.rsplit('<').next()?.to_owned())
            });
        answer.bytes().await.unwrap();
        pages += 1;
        match next {
            Some(next) => url = next,
            None => return pages,
        }
    }
}

/// Decodes one 100-job page with the models and with plain structs.
async fn decode_page(rows: &mut Vec<[String; 4]>) {
    let sandbox = Sandbox::start(Config {
        jobs: 500,
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await
    .unwrap();
    let page = gitlab_jobs_client::default_http_client()
        .build()
        .unwrap()
        .get(format!("{}/projects/1/jobs?per_page=100", sandbox.url()))
        .header("private-token", &sandbox.config().tokens.root)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // Alternating rounds, so that both decoders meet the same machine: on a shared one, the
    // time of a round moves by a third from one minute to the next.
    let round = |decode: &dyn Fn() -> usize| {
        let started = Instant::now();
        for _ in 0..20 {
            std::hint::black_box(decode());
        }
        started.elapsed() / 20
    };
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..41 {
        ours.push(round(&|| {
            gitlab_jobs_client::decode::json::<Vec<Job>>(&page)
                .unwrap()
                .len()
        }));
        plain.push(round(&|| {
            serde_json::from_slice::<Vec<PlainJob>>(&page)
                .unwrap()
                .len()
        }));
    }
    let (ours, plain) = (median(ours), median(plain));
    rows.push([
        format!("decode a 100-job page ({} KiB)", page.len() / 1024),
        format!("{:.0} µs", ours.as_secs_f64() * 1e6),
        format!("plain serde structs: {:.0} µs", plain.as_secs_f64() * 1e6),
        format!("{:.2}×", ours.as_secs_f64() / plain.as_secs_f64()),
    ]);
}

/// Streams a 256 MiB log into a sink, and how much the heap grows while it does.
async fn stream_log(rows: &mut Vec<[String; 4]>) {
    let sandbox = Sandbox::start(Config {
        jobs: 50,
        jobs_rate_limit: 0,
        ..Config::default()
    })
    .await
    .unwrap();
    let size = 256 * 1024 * 1024;
    let job_id = sandbox.with_store(|store| {
        let job = store
            .jobs
            .values_mut()
            .find(|job| job.is_build() && job.project_id == 1)
            .unwrap();
        job.log = (0..size)
            .map(|i| b"0123456789abcdef\n"[i % 17])
            .collect::<Vec<u8>>()
            .into();
        job.id
    });
    let gitlab = client(&sandbox);
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let written = gitlab
        .write_log(1, job_id, &mut tokio::io::sink())
        .await
        .unwrap();
    let took = started.elapsed();
    let growth = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert_eq!(written, size as u64);
    rows.push([
        "stream a 256 MiB log".to_owned(),
        format!(
            "{:.2} s, {:.0} MiB/s",
            took.as_secs_f64(),
            size as f64 / MIB / took.as_secs_f64()
        ),
        format!(
            "peak heap growth {:.1} MiB (server and client)",
            growth as f64 / MIB
        ),
        format!("{:.3} of the log", growth as f64 / size as f64),
    ]);
}

/// Downloads a 1 GiB artifacts archive through each storage mode of the sandbox, against a
/// plain HTTP GET of the same URL that reads and drops the bytes, in the same run; and, where
/// `.ci/peers` installed it, python-gitlab's streamed download of the same archive.
async fn download_artifacts(rows: &mut Vec<[String; 4]>) {
    use gitlab_jobs_client::ArtifactsOf;
    use gitlab_jobs_sandbox::ArtifactsStorage;
    const ARCHIVE_MIB: u64 = 1024;
    for storage in [
        ArtifactsStorage::Local,
        ArtifactsStorage::Proxy,
        ArtifactsStorage::Redirect,
    ] {
        let sandbox = Sandbox::start(Config {
            jobs: 50,
            jobs_rate_limit: 0,
            artifact_mib: ARCHIVE_MIB,
            artifacts_storage: storage,
            ..Config::default()
        })
        .await
        .unwrap();
        let (job_id, _) = sandbox.with_store(|store| store.large_artifact).unwrap();
        let url = format!("{}/projects/1/jobs/{job_id}/artifacts", sandbox.url());
        let token = sandbox.config().tokens.root.clone();
        // The plain download: reqwest, following the redirect as it does by default.
        let raw = gitlab_jobs_client::default_http_client().build().unwrap();
        let plain = || async {
            let mut answer = raw
                .get(&url)
                .header("private-token", &token)
                .send()
                .await
                .unwrap();
            let mut read = 0u64;
            while let Some(chunk) = answer.chunk().await.unwrap() {
                read += chunk.len() as u64;
            }
            read
        };
        // The first download lays the archive out (a CRC-32 of every file): not timed.
        let length = plain().await;
        let gitlab = client(&sandbox);
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        let mut growth = 0usize;
        // Seven of each, taken in turns, so that both meet the same machine.
        for _ in 0..7 {
            let started = Instant::now();
            assert_eq!(plain().await, length);
            theirs.push(started.elapsed());
            let before = IN_USE.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            let started = Instant::now();
            let downloaded = gitlab
                .artifacts(1, ArtifactsOf::Job(job_id))
                .write_to(&mut tokio::io::sink())
                .await
                .unwrap();
            ours.push(started.elapsed());
            growth = growth.max(PEAK.load(Ordering::Relaxed).saturating_sub(before));
            assert_eq!(downloaded.written, length);
        }
        let (ours, theirs) = (median(ours), median(theirs));
        let rate = |took: Duration| length as f64 / MIB / took.as_secs_f64();
        rows.push([
            format!(
                "download a 1 GiB artifacts archive, {} storage",
                match storage {
                    ArtifactsStorage::Local => "local",
                    ArtifactsStorage::Proxy => "proxied",
                    ArtifactsStorage::Redirect => "redirected (object)",
                }
            ),
            format!(
                "{:.2} s, {:.0} MiB/s, peak heap growth {:.1} MiB (server and client)",
                ours.as_secs_f64(),
                rate(ours),
                growth as f64 / MIB
            ),
            format!(
                "a plain GET of the same URL: {:.2} s, {:.0} MiB/s",
                theirs.as_secs_f64(),
                rate(theirs)
            ),
            format!("{:.3}x its throughput", rate(ours) / rate(theirs)),
        ]);
        if storage == ArtifactsStorage::Local {
            python_gitlab(rows, &sandbox, job_id, length, rate(ours));
        }
    }
}

/// python-gitlab's streamed download (`job.artifacts(streamed=True)`) of the archive, timed
/// as a whole process, when the CI's virtual environment has it (`.ci/peers` installs it).
fn python_gitlab(
    rows: &mut Vec<[String; 4]>,
    sandbox: &Sandbox,
    job_id: i64,
    length: u64,
    ours: f64,
) {
    let python =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ci-venv/bin/python");
    let script = format!(
        "import gitlab, time\n\
         gl = gitlab.Gitlab({:?}, private_token={:?})\n\
         job = gl.projects.get(1, lazy=True).jobs.get({job_id}, lazy=True)\n\
         n = [0]\n\
         start = time.monotonic()\n\
         job.artifacts(streamed=True, chunk_size=65536, action=lambda c: n.__setitem__(0, n[0] + len(c)))\n\
         print(n[0], time.monotonic() - start)\n",
        sandbox.url().trim_end_matches("/api/v4"),
        sandbox.config().tokens.root,
    );
    let output = std::process::Command::new(&python)
        .args(["-c", &script])
        .output();
    let measured = output
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| {
            let text = String::from_utf8(output.stdout).ok()?;
            let mut parts = text.split_whitespace();
            let read: u64 = parts.next()?.parse().ok()?;
            let seconds: f64 = parts.next()?.parse().ok()?;
            (read == length).then_some(seconds)
        });
    let Some(seconds) = measured else {
        eprintln!("python-gitlab is not in target/ci-venv (run .ci/peers): its row is left out");
        return;
    };
    let theirs = length as f64 / MIB / seconds;
    rows.push([
        "python-gitlab 8.6.0's streamed download of the same archive, in its own process"
            .to_owned(),
        format!("{seconds:.2} s, {theirs:.0} MiB/s (chunks of 64 KiB)"),
        format!("ours, local storage: {ours:.0} MiB/s"),
        format!("{:.2}x ours", theirs / ours),
    ]);
}

/// Follows a log that grows by 64 KiB per poll to 64 MiB, 1024 polls: ours asks each poll
/// for the bytes it lacks (`Range`), as `follow_log` does; every peer re-reads the whole log
/// and skips what it wrote. The sandbox ranges live logs here (`live_log_ranges`), as GitLab
/// does archived ones; it counts the bytes it serves.
async fn follow_growing_log(rows: &mut Vec<[String; 4]>) {
    const STEP: usize = 64 << 10;
    const POLLS: usize = 1024;
    let sandbox = Sandbox::start(Config {
        jobs: 50,
        jobs_rate_limit: 0,
        live_log_ranges: true,
        ..Config::default()
    })
    .await
    .unwrap();
    let gitlab = client(&sandbox);
    let running = sandbox.with_store(|store| {
        store
            .jobs
            .values()
            .find(|job| job.project_id == 1 && job.status == JobStatus::Running)
            .unwrap()
            .id
    });
    let chunk: Vec<u8> = (0..STEP).map(|i| b"0123456789abcdef\n"[i % 17]).collect();
    let mut results = Vec::new();
    for ranged in [true, false] {
        sandbox.with_store(|store| store.jobs.get_mut(&running).unwrap().log = Default::default());
        let before = sandbox.log_bytes_served();
        let mut written = 0u64;
        let started = Instant::now();
        for _ in 0..POLLS {
            sandbox.with_store(|store| {
                store
                    .jobs
                    .get_mut(&running)
                    .unwrap()
                    .log
                    .push(chunk.clone())
            });
            let mut sink = tokio::io::sink();
            if ranged {
                let read = gitlab
                    .write_log_from(1, running, written, &mut sink)
                    .await
                    .unwrap();
                written += read.written;
            } else {
                let answer = gitlab
                    .get_job_log()
                    .id(1)
                    .job_id(running)
                    .send()
                    .await
                    .unwrap();
                let mut body = answer.into_inner();
                let mut position = 0u64;
                while let Some(piece) = body.next().await {
                    let piece = piece.unwrap();
                    let start = written.saturating_sub(position).min(piece.len() as u64) as usize;
                    tokio::io::AsyncWriteExt::write_all(&mut sink, &piece[start..])
                        .await
                        .unwrap();
                    position += piece.len() as u64;
                }
                written = position;
            }
        }
        let took = started.elapsed();
        assert_eq!(written, (STEP * POLLS) as u64);
        results.push((took, sandbox.log_bytes_served() - before));
    }
    let [(ours, ours_bytes), (peers, peers_bytes)] = [results[0], results[1]];
    rows.push([
        "follow a log growing 64 KiB per poll to 64 MiB (1024 polls)".to_owned(),
        format!(
            "{:.2} s, {:.0} MiB transferred",
            ours.as_secs_f64(),
            ours_bytes as f64 / MIB
        ),
        format!(
            "re-reading the whole log each poll: {:.2} s, {:.0} MiB",
            peers.as_secs_f64(),
            peers_bytes as f64 / MIB
        ),
        format!(
            "{:.3}× the bytes, {:.3}× the time",
            ours_bytes as f64 / peers_bytes as f64,
            ours.as_secs_f64() / peers.as_secs_f64()
        ),
    ]);
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // `cargo bench -p gitlab-jobs-client --bench client -- decode` runs only the benchmarks
    // whose name holds `decode`.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let mut rows = Vec::new();
    runtime.block_on(async {
        if wanted("list_with_latency") {
            list_with_latency(&mut rows).await;
        }
        if wanted("list_pipeline_concurrently") {
            list_pipeline_concurrently(&mut rows).await;
        }
        if wanted("latency_accuracy") {
            latency_accuracy(&mut rows).await;
        }
        if wanted("sandbox_throughput") {
            sandbox_throughput(&mut rows).await;
        }
        if wanted("decode_page") {
            decode_page(&mut rows).await;
        }
        if wanted("stream_log") {
            stream_log(&mut rows).await;
        }
        if wanted("follow_growing_log") {
            follow_growing_log(&mut rows).await;
        }
        if wanted("download_artifacts") {
            download_artifacts(&mut rows).await;
        }
    });
    println!("| benchmark | measured | against | ratio |");
    println!("|---|---|---|---|");
    for [what, measured, against, ratio] in rows {
        println!("| {what} | {measured} | {against} | {ratio} |");
    }
}
