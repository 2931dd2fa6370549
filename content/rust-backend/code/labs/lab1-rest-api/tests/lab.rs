//! Lab 1's checks: they fail on the starter and pass once it is solved.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use lab1_rest_api::app;
use rest_api::Store;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    body: &str,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

// ANCHOR: tests
#[tokio::test]
async fn stats_of_an_empty_store() {
    let app = app(Store::default());
    let (status, stats) = send(&app, "GET", "/todos/stats", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stats, json!({"total": 0, "done": 0}));
}

#[tokio::test]
async fn stats_count_all_and_done() {
    let app = app(Store::default());
    for title in ["a", "b", "c"] {
        let body = json!({ "title": title }).to_string();
        assert_eq!(
            send(&app, "POST", "/todos", &body).await.0,
            StatusCode::CREATED
        );
    }
    send(&app, "PATCH", "/todos/2", r#"{"done": true}"#).await;
    let (status, stats) = send(&app, "GET", "/todos/stats", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stats, json!({"total": 3, "done": 1}));
}
// ANCHOR_END: tests

#[tokio::test]
async fn the_other_routes_still_work() {
    let app = app(Store::default());
    send(&app, "POST", "/todos", r#"{"title": "x"}"#).await;
    let (status, todo) = send(&app, "GET", "/todos/1", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(todo["title"], "x");
}
