//! Anti-pattern 2: holding a `std::sync::MutexGuard`
//! across `.await`.
//!
//! The bad version does not compile as an Axum handler
//! (the guard is not `Send`). It lives in
//! `broken/bad_hit.rs`, and this doctest checks that it
//! still fails to compile. (`#[axum::debug_handler]`'s
//! error has no error code to pin, and stable rustdoc
//! does not check codes anyway.)
//!
#![doc = concat!(
    "```compile_fail\n",
    include_str!("../broken/bad_hit.rs"),
    "```"
)]
//!
//! A `current_thread` runtime does not lift the `Send`
//! requirement: `tokio::spawn` demands it on every
//! runtime, so this does not compile either…
//!
//! ```compile_fail
//! use std::sync::{Arc, Mutex};
//! let rt = tokio::runtime::Builder::new_current_thread()
//!     .build()
//!     .unwrap();
//! let hits = Arc::new(Mutex::new(0u64));
//! rt.block_on(async move {
//!     let task = tokio::spawn(async move {
//!         let guard = hits.lock().unwrap();
//!         tokio::task::yield_now().await;
//!         drop(guard);
//!     });
//!     task.await.unwrap();
//! });
//! ```
//!
//! …while the same task compiles with `spawn_local` on
//! a `LocalSet`, where nothing requires `Send` (and
//! where the held guard can deadlock):
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! let rt = tokio::runtime::Builder::new_current_thread()
//!     .build()
//!     .unwrap();
//! let hits = Arc::new(Mutex::new(0u64));
//! let local = tokio::task::LocalSet::new();
//! local.block_on(&rt, async move {
//!     let task = tokio::task::spawn_local(async move {
//!         let guard = hits.lock().unwrap();
//!         tokio::task::yield_now().await;
//!         drop(guard);
//!     });
//!     task.await.unwrap();
//! });
//! ```
//!
//! Here are the two fixes: drop the guard before
//! awaiting, or use Tokio's async mutex when the lock
//! really must be held across the `.await`.

use std::sync::{
    Arc, Mutex, MutexGuard, PoisonError,
};

use axum::{
    Router, extract::State, routing::post,
};
use tokio::sync::mpsc;

#[derive(Debug)]
pub struct AppState {
    pub hits: Mutex<u64>,
    pub ordered_hits: tokio::sync::Mutex<u64>,
    events: mpsc::Sender<u64>,
}

impl AppState {
    /// State plus the receiving end of the events.
    pub fn new(
        capacity: usize,
    ) -> (Arc<Self>, mpsc::Receiver<u64>) {
        let (events, rx) =
            mpsc::channel(capacity);
        let state = Self {
            hits: Mutex::new(0),
            ordered_hits: tokio::sync::Mutex::new(
                0,
            ),
            events,
        };
        (Arc::new(state), rx)
    }

    /// Stands for any async call: a message queue, a
    /// database, another HTTP API.
    pub async fn publish(&self, hits: u64) {
        // The receiver may be gone: nothing to tell.
        let _ = self.events.send(hits).await;
    }
}

/// Locks a `std` mutex, recovering from poisoning.
pub fn lock<T>(
    mutex: &Mutex<T>,
) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/hits", post(better_hit))
        .route("/ordered-hits", post(ordered_hit))
        .with_state(state)
}

// ANCHOR: better-scope
// BETTER: copy the value out in a
// block; the guard is dropped at the
// closing brace.
async fn better_hit(
    State(state): State<Arc<AppState>>,
) -> String {
    let hits = {
        let mut hits = lock(&state.hits);
        *hits += 1;
        *hits
    };
    state.publish(hits).await;
    hits.to_string()
}
// ANCHOR_END: better-scope

// ANCHOR: better-tokio-mutex
// ALSO FINE: when the lock must be held
// across .await (here: to publish in
// counter order), use tokio's Mutex.
// Waiting tasks are suspended.
async fn ordered_hit(
    State(state): State<Arc<AppState>>,
) -> String {
    let mut hits =
        state.ordered_hits.lock().await;
    *hits += 1;
    state.publish(*hits).await;
    hits.to_string()
}
// ANCHOR_END: better-tokio-mutex
