//! The generated client against a mock GitLab on loopback: what it sends, and what it makes of
//! what GitLab answers.

mod client {
    pub mod artifacts;
    pub mod bench_baseline;
    pub mod deadlines;
    pub mod errors;
    pub mod hostile;
    pub mod hostile_logs;
    pub mod log;
    pub mod operations;
    pub mod ranged_logs;
    pub mod real_use;
    pub mod security;
    pub mod support;
    pub mod today;
}
