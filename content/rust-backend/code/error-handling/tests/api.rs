//! Every error path of Example 4, checked through the router: status code
//! and JSON body.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use std::sync::{Arc, Mutex};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use error_handling::{app, db};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::SqlitePool;
use tower::ServiceExt;

async fn setup() -> (Router, SqlitePool) {
    let pool = db::in_memory_pool().await.unwrap();
    (app(pool.clone()), pool)
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_owned()));
    let response =
        app.clone().oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

const ADA: &str = r#"{"name": "Ada", "email": "Ada@Example.com"}"#;

#[tokio::test]
async fn create_and_fetch() {
    let (app, _) = setup().await;
    let (status, user) = send(&app, "POST", "/users", Some(ADA)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        user,
        json!({"id": 1, "name": "Ada", "email": "ada@example.com"})
    );
    assert_eq!(
        send(&app, "GET", "/users/1", None).await,
        (StatusCode::OK, user)
    );
}

// ANCHOR: test-404
#[tokio::test]
async fn missing_row_is_404_with_json_body() {
    let (app, _) = setup().await;
    let (status, body) = send(&app, "GET", "/users/99", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"code": "not_found", "message": "record not found"})
    );
}
// ANCHOR_END: test-404

// ANCHOR: test-409
#[tokio::test]
async fn duplicate_email_is_409() {
    let (app, _) = setup().await;
    assert_eq!(
        send(&app, "POST", "/users", Some(ADA)).await.0,
        StatusCode::CREATED
    );
    let (status, body) = send(&app, "POST", "/users", Some(ADA)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({
            "code": "conflict",
            "message": "a record with this value already exists"
        })
    );
}
// ANCHOR_END: test-409

#[tokio::test]
async fn invalid_input_is_422() {
    let (app, _) = setup().await;
    let (status, body) = send(
        &app,
        "POST",
        "/users",
        Some(r#"{"name": " ", "email": "a@b.c"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"code": "invalid", "message": "name must not be empty"})
    );

    let (status, body) =
        send(&app, "POST", "/users", Some(r#"{"name": "A", "email": "nope"}"#))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["message"], r#""nope" is not an email address"#);
}

#[tokio::test]
async fn json_rejections_get_the_same_json_shape() {
    let (app, _) = setup().await;
    let (status, body) = send(&app, "POST", "/users", Some("{oops")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_json");

    let (status, body) =
        send(&app, "POST", "/users", Some(r#"{"name": "A"}"#)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "invalid_json");
    assert!(body["message"].as_str().unwrap().contains("email"), "{body}");

    // A JSON body without `Content-Type: application/json`: 415, same shape.
    let request = Request::post("/users")
        .body(Body::from(r#"{"name": "A", "email": "a@b.c"}"#))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["code"], "invalid_json");
}

#[tokio::test]
async fn change_email_maps_both_404_and_409_through_the_same_question_mark() {
    let (app, _) = setup().await;
    send(&app, "POST", "/users", Some(ADA)).await;
    send(
        &app,
        "POST",
        "/users",
        Some(r#"{"name": "Bob", "email": "bob@example.com"}"#),
    )
    .await;

    let taken = r#"{"email": "ada@example.com"}"#;
    assert_eq!(
        send(&app, "PUT", "/users/2/email", Some(taken)).await.0,
        StatusCode::CONFLICT
    );
    let free = r#"{"email": "robert@example.com"}"#;
    assert_eq!(
        send(&app, "PUT", "/users/99/email", Some(free)).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, user) = send(&app, "PUT", "/users/2/email", Some(free)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["email"], "robert@example.com");
}

#[tokio::test]
async fn delete_is_204_then_404() {
    let (app, _) = setup().await;
    send(&app, "POST", "/users", Some(ADA)).await;
    assert_eq!(
        send(&app, "DELETE", "/users/1", None).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, body) = send(&app, "DELETE", "/users/1", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "user not found");
}

/// The client learns nothing; the log, with a logger installed as in
/// `main.rs`, has the cause.
#[tokio::test] // one thread: the logger below is this thread's default
async fn internal_errors_do_not_leak_details_but_are_logged() {
    let log = Arc::new(Mutex::new(Vec::<u8>::new()));
    let writer = {
        let log = Arc::clone(&log);
        move || LogWriter(Arc::clone(&log))
    };
    let logger = tracing_subscriber::fmt().with_ansi(false).with_writer(writer);
    let _installed = tracing::subscriber::set_default(logger.finish());

    let (app, pool) = setup().await;
    sqlx::query("DROP TABLE users").execute(&pool).await.unwrap();
    let (status, body) = send(&app, "GET", "/users/1", None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        json!({"code": "internal", "message": "internal server error"})
    );
    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    assert!(log.contains("ERROR"), "{log}");
    assert!(log.contains("no such table: users"), "{log}");
}

/// Collects what the logger writes.
struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A real pool timeout: the only connection is held elsewhere, so the
/// request waits `acquire_timeout` for one and is answered `503`.
#[tokio::test]
async fn pool_timeout_is_503_with_retry_after() {
    use sqlx::sqlite::SqlitePoolOptions;
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_millis(50))
        .connect("sqlite::memory:")
        .await
        .unwrap();
    let app = app(pool.clone());
    let _held = pool.acquire().await.unwrap(); // the pool is now empty
    let request = Request::get("/users/1").body(Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["code"], "busy");
}
