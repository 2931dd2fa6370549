// Deliberately broken: the doctest at the top of
// `src/lock_across_await.rs` compiles this file and
// expects it to fail (the handler's future is not
// `Send`). Chapter 5 shows the anchored part.
use std::sync::Arc;

use anti_patterns::lock_across_await::{AppState, lock};
use axum::extract::State;

// ANCHOR: bad-hit
// BAD: the guard is still alive at
// the .await: the mutex stays locked
// while the task is suspended.
#[axum::debug_handler]
async fn bad_hit(
    State(state): State<Arc<AppState>>,
) -> String {
    let mut hits = lock(&state.hits);
    *hits += 1;
    state.publish(*hits).await;
    hits.to_string()
}
// ANCHOR_END: bad-hit

fn main() {}
