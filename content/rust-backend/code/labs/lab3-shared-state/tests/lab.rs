//! Lab 3's checks: they fail on the starter and pass once it is solved.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use axum::{Router, body::Body, http::Request};
use http_body_util::BodyExt;
use lab3_shared_state::app;
use tower::ServiceExt;

async fn send(app: &Router, method: &str, uri: &str) -> u64 {
    let request =
        Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

// ANCHOR: tests
#[tokio::test]
async fn views_add_up() {
    let app = app();
    for expected in 1..=3 {
        assert_eq!(send(&app, "POST", "/pages/home/views").await, expected);
    }
    assert_eq!(send(&app, "GET", "/pages/home/views").await, 3);
    assert_eq!(send(&app, "GET", "/pages/about/views").await, 0);
}

/// 100 requests at once on two worker threads: every count from 1 to
/// 100 is answered exactly once, and none is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_views_are_all_counted() {
    let app = app();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(
                async move { send(&app, "POST", "/pages/x/views").await },
            )
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers.sort_unstable();
    assert_eq!(answers, (1..=100).collect::<Vec<u64>>());
    assert_eq!(send(&app, "GET", "/pages/x/views").await, 100);
}
// ANCHOR_END: tests
