//! Lab 4's checks: they fail on the starter and pass once it is solved.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use lab4_errors::app;
use serde_json::{Value, json};
use tower::ServiceExt;

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
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

// ANCHOR: tests
#[tokio::test]
async fn unknown_id_is_404() {
    let (app, _) = app().await.unwrap();
    let (status, body) = send(&app, "GET", "/users/7", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn duplicate_email_is_409() {
    let (app, _) = app().await.unwrap();
    let ada = json!({"email": "ada@example.com"});
    assert_eq!(
        send(&app, "POST", "/users", Some(ada.clone())).await.0,
        StatusCode::CREATED
    );
    let (status, body) = send(&app, "POST", "/users", Some(ada)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "conflict");
}
// ANCHOR_END: tests

#[tokio::test]
async fn other_database_errors_stay_500_without_details() {
    let (app, pool) = app().await.unwrap();
    sqlx::query("DROP TABLE users").execute(&pool).await.unwrap();
    let (status, body) = send(&app, "GET", "/users/1", None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        json!({"code": "internal", "message": "internal server error"})
    );
}
