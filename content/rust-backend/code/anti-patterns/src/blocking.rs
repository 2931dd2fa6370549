//! Anti-pattern 1: blocking the async runtime.
//!
//! A Tokio worker thread runs many tasks by switching
//! between them at each `.await`. A blocking call never
//! reaches an `.await`, so the thread (and every task
//! queued on it) waits.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::{
    Router, extract::State, http::StatusCode,
    routing::get,
};

/// Configuration of the demo routes.
#[derive(Debug, Clone)]
pub struct Config {
    /// How long the simulated slow dependency takes.
    pub delay: Duration,
    /// A file that the report handlers read.
    pub report: Arc<PathBuf>,
}

pub fn router(config: Config) -> Router {
    Router::new()
        .route("/bad/sleep", get(bad_sleep))
        .route("/better/sleep", get(better_sleep))
        .route("/bad/report", get(bad_report))
        .route(
            "/better/report",
            get(better_report),
        )
        .with_state(config)
}

fn internal<E>(_: E) -> StatusCode {
    StatusCode::INTERNAL_SERVER_ERROR
}

fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

#[allow(clippy::disallowed_methods)] // deliberately bad
// ANCHOR: bad-sleep
// BAD: blocks the worker thread; no
// other task on it runs until the sleep
// ends.
async fn bad_sleep(
    State(config): State<Config>,
) -> &'static str {
    std::thread::sleep(config.delay);
    "done"
}
// ANCHOR_END: bad-sleep

// ANCHOR: better-sleep
// BETTER: yields; the worker serves
// other requests until the timer fires.
async fn better_sleep(
    State(config): State<Config>,
) -> &'static str {
    tokio::time::sleep(config.delay).await;
    "done"
}
// ANCHOR_END: better-sleep

// ANCHOR: bad-report
// BAD: blocking file I/O and CPU work,
// right on the async worker thread.
async fn bad_report(
    State(config): State<Config>,
) -> Result<String, StatusCode> {
    let path = &*config.report;
    let text = std::fs::read_to_string(path)
        .map_err(internal)?;
    Ok(count_words(&text).to_string())
}
// ANCHOR_END: bad-report

// ANCHOR: better-report
// BETTER: the whole job runs on Tokio's
// blocking pool; the worker stays free.
async fn better_report(
    State(config): State<Config>,
) -> Result<String, StatusCode> {
    let path = Arc::clone(&config.report);
    let job = move || {
        std::fs::read_to_string(&*path)
            .map(|text| count_words(&text))
    };
    let words = tokio::task::spawn_blocking(job)
        .await // Err: the closure panicked
        .map_err(internal)?
        .map_err(internal)?; // Err: I/O error
    Ok(words.to_string())
}
// ANCHOR_END: better-report
