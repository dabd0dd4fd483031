//! On a terminal (a pseudo-terminal here), `list` colors its statuses and shows its progress;
//! piped, it prints neither.

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use gitlab_jobs_sandbox::{Config, Faults, Sandbox};

use super::command;

/// Runs the binary with its stdout and stderr on a new pseudo-terminal, and returns what the
/// terminal received and the exit code.
async fn on_a_terminal(env: &[(&str, &str)], args: &[&str]) -> (String, i32) {
    on_a_terminal_of(None, env, args).await
}

/// [`on_a_terminal`] with a size in columns and lines; without one the terminal's size is
/// unknown, as a new pseudo-terminal's is.
async fn on_a_terminal_of(
    size: Option<(u16, u16)>,
    env: &[(&str, &str)],
    args: &[&str],
) -> (String, i32) {
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("a pseudo-terminal");
    grantpt(&controller).unwrap();
    unlockpt(&controller).unwrap();
    if let Some((columns, lines)) = size {
        let size = rustix::termios::Winsize {
            ws_row: lines,
            ws_col: columns,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        rustix::termios::tcsetwinsize(&controller, size).unwrap();
    }
    let name = ptsname(&controller, Vec::new()).unwrap();
    let terminal = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(name.to_str().unwrap())
        .unwrap();
    let mut child = command(env, args)
        .stdout(Stdio::from(terminal.try_clone().unwrap()))
        .stderr(Stdio::from(terminal))
        .spawn()
        .unwrap();
    // Read until the last copy of the terminal's end closes: Linux then answers EIO.
    let reader = tokio::task::spawn_blocking(move || {
        let mut controller = std::fs::File::from(controller);
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            match controller.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(read) => seen.extend_from_slice(&buffer[..read]),
            }
        }
        seen
    });
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("it finishes")
        .unwrap();
    let seen = tokio::time::timeout(Duration::from_secs(10), reader)
        .await
        .expect("the terminal closes")
        .unwrap();
    (
        String::from_utf8_lossy(&seen).into_owned(),
        status.code().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_gets_colors_and_progress_and_a_pipe_gets_neither() {
    // 20 pages at 30 ms each: long enough for the progress line.
    let sandbox = Sandbox::start(Config {
        jobs: 2000,
        jobs_rate_limit: 0,
        faults: Faults {
            latency: Duration::from_millis(30),
            ..Faults::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let env = [
        ("GITLAB_URL", sandbox.url()),
        ("GITLAB_TOKEN", sandbox.config().tokens.root.as_str()),
        ("TERM", "xterm-256color"),
    ];
    let args = [
        "-p", "1", "list", "--all", "--scope", "success", "--scope", "failed",
    ];
    let (screen, code) = on_a_terminal(&env, &args).await;
    assert_eq!(code, 0, "{screen}");
    let progress = screen.find("listing jobs: ");
    let progress = progress.unwrap_or_else(|| panic!("a progress line:\n{screen:?}"));
    // The first page's rows are on the screen while the rest is being listed.
    let first_row = screen.find("success").expect("a row");
    assert!(first_row < progress, "rows as they come:\n{screen:?}");
    assert!(
        !screen.contains("--all lists every one"),
        "--all is not told to use --all"
    );
    assert!(screen.contains("\x1b[2K"), "the progress line is erased");
    assert!(screen.contains("\x1b[32msuccess\x1b[0m"), "a green success");
    assert!(screen.contains("\x1b[31mfailed\x1b[0m"), "a red failure");

    let no_color = [env[0], env[1], env[2], ("NO_COLOR", "1")];
    let (screen, _) = on_a_terminal(&no_color, &args).await;
    assert!(!screen.contains("\x1b[32m"), "NO_COLOR is respected");

    let piped = super::run_with(&env, &args).await;
    assert_eq!(piped.code, 0);
    assert!(piped.stdout.lines().count() > 1000);
    assert!(!piped.stdout.contains('\x1b'), "no escape codes in a pipe");
    assert!(
        piped.stderr.is_empty(),
        "no progress in a pipe: {:?}",
        piped.stderr
    );
}

/// On a terminal, `list` prints the newest screenful and says how to see more; a pipe gets
/// every job, and a list that ends within the screenful says nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_gets_a_screenful_and_a_pipe_gets_all() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let env = [
        ("GITLAB_URL", sandbox.url()),
        ("GITLAB_TOKEN", sandbox.config().tokens.root.as_str()),
        ("TERM", "dumb"),
    ];
    let (screen, code) = on_a_terminal(&env, &["-p", "1", "list"]).await;
    assert_eq!(code, 0, "{screen}");
    let rows = screen
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()));
    assert_eq!(rows.count(), 30, "{screen}");
    assert!(
        screen.contains("the newest 30; --all lists every one, --limit N as many as N"),
        "{screen}"
    );
    let piped = super::run_with(&env, &["-p", "1", "list"]).await;
    assert_eq!(piped.code, 0, "{piped:?}");
    assert!(piped.stdout.lines().count() > 200, "{}", piped.stdout);
    assert!(piped.stderr.is_empty(), "{}", piped.stderr);

    // Pipeline 1's few jobs fit: nothing more to say.
    let (screen, code) = on_a_terminal(&env, &["-p", "1", "list", "--pipeline", "1"]).await;
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("--all"), "{screen}");
    let (screen, _) = on_a_terminal(&env, &["-p", "1", "list", "--limit", "5"]).await;
    assert!(
        !screen.contains("--all"),
        "a limit asked for is not remarked on: {screen}"
    );
}

/// A person at a terminal is told when a listing waits for GitLab's rate limit, which would
/// otherwise look like a hang; a pipe without `--verbose` is not.
#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_is_told_of_a_rate_limit_wait() {
    let sandbox = Sandbox::start(Config {
        jobs: 600,
        jobs_rate_limit: 3,
        rate_limit_interval: Duration::from_secs(1),
        ..Config::default()
    })
    .await
    .unwrap();
    let env = [
        ("GITLAB_URL", sandbox.url()),
        ("GITLAB_TOKEN", sandbox.config().tokens.root.as_str()),
        ("TERM", "xterm-256color"),
    ];
    let args = ["-p", "1", "list", "--all", "-o", "ndjson"];
    let (screen, code) = on_a_terminal(&env, &args).await;
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains(
            "gitlab-jobs: GitLab's rate limit (429): trying list_project_jobs again in 1s"
        ),
        "a notice of the wait:\n{screen:?}"
    );
    let piped = super::run_with(&env, &args).await;
    assert_eq!(piped.code, 0, "{piped:?}");
    assert!(
        piped.stderr.is_empty(),
        "nothing in a pipe: {:?}",
        piped.stderr
    );
}

/// A download shows its bytes, rate and time left on a terminal, and nothing of it on a pipe.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_shows_its_progress_on_a_terminal_only() {
    let sandbox = Sandbox::start(Config {
        jobs_rate_limit: 0,
        artifact_mib: 64,
        ..Config::default()
    })
    .await
    .unwrap();
    let (job_id, _) = sandbox.with_store(|store| store.large_artifact).unwrap();
    let folder = std::env::temp_dir().join(format!("gitlab-jobs-progress-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let out = folder.join("a.zip");
    let env = [
        ("GITLAB_URL", sandbox.url()),
        ("GITLAB_TOKEN", sandbox.config().tokens.root.as_str()),
        ("TERM", "xterm-256color"),
    ];
    let id = job_id.to_string();
    let args = [
        "-p",
        "1",
        "artifacts",
        "download",
        &id,
        "-O",
        out.to_str().unwrap(),
    ];
    let (screen, code) = on_a_terminal(&env, &args).await;
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("downloading "),
        "a progress line:\n{screen:?}"
    );
    assert!(
        screen.contains(" of 64.0 MiB"),
        "with the size:\n{screen:?}"
    );
    assert!(screen.contains("\x1b[2K"), "the progress line is erased");
    let piped = super::run_with(&env, &args).await;
    assert_eq!(piped.code, 0);
    assert!(
        !piped.stderr.contains("downloading"),
        "no progress in a pipe: {:?}",
        piped.stderr
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// On a terminal, `watch` draws the pipeline's jobs and redraws them in place, each line within
/// the terminal's width, until the pipeline stops; its exit code is the pipeline's.
#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_watches_a_pipeline_redrawn_in_place() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let pipeline = super::watch::running_pipeline(&sandbox);
    let env = [
        ("GITLAB_URL", sandbox.url()),
        ("GITLAB_TOKEN", sandbox.config().tokens.root.as_str()),
        ("TERM", "xterm-256color"),
    ];
    let id = pipeline.to_string();
    let args = ["-p", "1", "watch", "--pipeline", &id, "--interval", "40ms"];
    let ((screen, code), ()) = tokio::join!(
        on_a_terminal_of(Some((60, 40)), &env, &args),
        super::watch::finish(&sandbox, pipeline, Duration::from_millis(120))
    );
    assert_eq!(code, 3, "the pipeline failed:\n{screen}");
    // Each drawing after the first goes back up over the last one, here a headline, the
    // table's header and nine jobs, and clears below.
    assert!(screen.contains("\r\x1b[11A\x1b[J"), "{screen:?}");
    let drawings = screen.matches("\x1b[11A").count();
    assert!(drawings >= 3, "redrawn as the jobs change: {drawings}");
    let last = screen.rsplit("\x1b[J").next().unwrap();
    assert!(
        last.contains(&format!(
            "pipeline {pipeline} (main) \x1b[31mfailed\x1b[0m, 9 of 9"
        )),
        "{last:?}"
    );
    assert!(last.contains("\x1b[31mfailed\x1b[0m"), "{last:?}");
    for line in last.lines() {
        let visible = line.replace("\x1b[0m", "").replace("\x1b[1m", "");
        let visible: String = visible
            .split("\x1b[")
            .enumerate()
            .map(|(index, part)| match index {
                0 => part,
                _ => part.split_once('m').map_or(part, |(_, rest)| rest),
            })
            .collect();
        assert!(visible.trim_end().chars().count() < 60, "{line:?}");
    }
}
