//! Drives the real router in-process with `tower::ServiceExt::oneshot`:
//! no socket, no port, but the same routing, extractors and responses.
//! The cases of `shared/cases.rs` also run against the Actix-web version.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use rest_api::{Store, app};
use serde_json::{Value, json};
use tower::ServiceExt;

#[path = "shared/cases.rs"]
mod cases;

// ANCHOR: test-helper
/// Sends one request through the router and returns status and body.
async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response =
        app.clone().oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}
// ANCHOR_END: test-helper

#[tokio::test]
async fn health_answers_ok() {
    let app = app(Store::default());
    let response = app
        .oneshot(Request::get("/health").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"ok");
}

// ANCHOR: test-create
#[tokio::test]
async fn create_then_fetch_a_todo() {
    let app = app(Store::default());

    let (status, created) =
        send(&app, "POST", "/todos", Some(json!({"title": "Write slides"})))
            .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        created,
        json!({"id": 1, "title": "Write slides", "done": false})
    );

    let (status, fetched) = send(&app, "GET", "/todos/1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);
}
// ANCHOR_END: test-create

// ANCHOR: test-shared
/// Every shared case, each on a fresh store, through `oneshot`.
#[tokio::test]
async fn every_shared_case() {
    for case in cases::CASES {
        let app = app(Store::default());
        for (index, step) in case.steps.iter().enumerate() {
            let mut request =
                Request::builder().method(step.method).uri(step.uri);
            let body = match step.body.encode() {
                None => Body::empty(),
                Some((content_type, bytes)) => {
                    if let Some(content_type) = content_type {
                        request =
                            request.header(header::CONTENT_TYPE, content_type);
                    }
                    Body::from(bytes)
                }
            };
            let response =
                app.clone().oneshot(request.body(body).unwrap()).await.unwrap();
            let location = response
                .headers()
                .get(header::LOCATION)
                .map(|value| value.to_str().unwrap().to_owned());
            let status = response.status().as_u16();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            let reply = cases::Reply { status, location, body: body.to_vec() };
            cases::check(case, index, &reply);
        }
    }
}
// ANCHOR_END: test-shared
