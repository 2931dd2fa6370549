//! Lab 5's checks: they fail on the starter and pass once every
//! anti-pattern is fixed. No test measures time: the blocking one looks at
//! the order in which two requests finish on one thread.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use std::sync::{Arc, Mutex};

use axum::{Router, body::Body, http::Request};
use http_body_util::BodyExt;
use lab5_anti_pattern_hunt::{AppState, app};
use tower::ServiceExt;

/// Status and body; a panicking handler counts as "no answer" (`None`).
async fn send(app: &Router, uri: &str) -> Option<(u16, String)> {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let app = app.clone();
    let task = tokio::spawn(async move {
        let response = app.oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    });
    task.await.ok()
}

// ANCHOR: tests
#[tokio::test]
async fn happy_path() {
    assert_eq!(
        send(&app(), "/price?sku=tea&qty=3").await,
        Some((200, "1350".into()))
    );
}

#[tokio::test]
async fn bad_input_gets_an_answer_not_a_panic() {
    let app = app();
    assert_eq!(send(&app, "/price?sku=tea").await.map(|r| r.0), Some(400));
    assert_eq!(
        send(&app, "/price?sku=tea&qty=x").await.map(|r| r.0),
        Some(400)
    );
    assert_eq!(
        send(&app, "/price?sku=nope&qty=1").await.map(|r| r.0),
        Some(404)
    );
}

#[tokio::test]
async fn an_overflowing_total_is_422() {
    assert_eq!(
        send(&app(), "/price?sku=gold&qty=2").await.map(|r| r.0),
        Some(422)
    );
}

#[test]
fn the_state_is_cheap_to_clone() {
    // One pointer: Axum clones the state for every request.
    assert_eq!(std::mem::size_of::<AppState>(), std::mem::size_of::<usize>());
}

/// One thread: a slow request that blocks it keeps a fast one waiting.
#[tokio::test] // current_thread runtime
async fn a_slow_request_does_not_hold_up_a_fast_one() {
    let app = app();
    let finished = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for uri in ["/report", "/health"] {
        let (app, finished) = (app.clone(), Arc::clone(&finished));
        tasks.push(tokio::spawn(async move {
            send(&app, uri).await;
            finished.lock().unwrap().push(uri);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(*finished.lock().unwrap(), ["/health", "/report"]);
}
// ANCHOR_END: tests
