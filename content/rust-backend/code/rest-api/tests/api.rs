//! Drives the real router in-process with `tower::ServiceExt::oneshot`:
//! no socket, no port, but the same routing, extractors and responses.

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

#[tokio::test]
async fn create_sets_the_location_header() {
    let app = app(Store::default());
    let request = Request::post("/todos")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"title":"x"}"#))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.headers()[header::LOCATION], "/todos/1");
}

#[tokio::test]
async fn list_returns_todos_in_id_order() {
    let app = app(Store::default());
    for title in ["a", "b", "c"] {
        send(&app, "POST", "/todos", Some(json!({ "title": title }))).await;
    }
    let (status, list) = send(&app, "GET", "/todos", None).await;
    assert_eq!(status, StatusCode::OK);
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|todo| todo["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["a", "b", "c"]);
}

#[tokio::test]
async fn blank_title_is_rejected() {
    let app = app(Store::default());
    let (status, _) =
        send(&app, "POST", "/todos", Some(json!({"title": "   "}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn malformed_json_is_a_client_error() {
    let app = app(Store::default());
    let request = Request::post("/todos")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn missing_content_type_is_rejected() {
    let app = app(Store::default());
    let request =
        Request::post("/todos").body(Body::from(r#"{"title":"x"}"#)).unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn patch_updates_only_the_given_fields() {
    let app = app(Store::default());
    send(&app, "POST", "/todos", Some(json!({"title": "Ship it"}))).await;
    let (status, updated) =
        send(&app, "PATCH", "/todos/1", Some(json!({"done": true}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated, json!({"id": 1, "title": "Ship it", "done": true}));
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let app = app(Store::default());
    assert_eq!(
        send(&app, "GET", "/todos/42", None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, "PATCH", "/todos/42", Some(json!({"done": true}))).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, "DELETE", "/todos/42", None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn non_numeric_id_is_400() {
    let app = app(Store::default());
    assert_eq!(
        send(&app, "GET", "/todos/abc", None).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn delete_removes_the_todo() {
    let app = app(Store::default());
    send(&app, "POST", "/todos", Some(json!({"title": "Temp"}))).await;
    assert_eq!(
        send(&app, "DELETE", "/todos/1", None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, "GET", "/todos/1", None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn wrong_method_is_405() {
    let app = app(Store::default());
    assert_eq!(
        send(&app, "PUT", "/todos", None).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}
