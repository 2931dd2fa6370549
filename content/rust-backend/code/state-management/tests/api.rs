//! The state-management service through its router, on in-memory SQLite.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use state_management::{AppState, app, db};
use tower::ServiceExt;

// ANCHOR: test-setup
/// A fresh database (migrated) and state for each test: tests stay
/// independent and can run in parallel.
async fn setup() -> (Router, Arc<AppState>) {
    let pool = db::in_memory_pool().await.unwrap();
    let state = Arc::new(AppState::new(pool));
    (app(Arc::clone(&state)), state)
}
// ANCHOR_END: test-setup

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

#[tokio::test]
async fn users_are_stored_in_sqlite() {
    let (app, _) = setup().await;
    let new = json!({"name": "Ada", "email": "ada@example.com"});
    let (status, created) = send(&app, "POST", "/users", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        created,
        json!({"id": 1, "name": "Ada", "email": "ada@example.com"})
    );

    let (status, fetched) = send(&app, "GET", "/users/1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);
    assert_eq!(
        send(&app, "GET", "/users/2", None).await.0,
        StatusCode::NOT_FOUND
    );
}

// ANCHOR: test-logged
/// A duplicate is still a bare 500 here (chapter 4 makes it a 409), but
/// with the same logger as `main.rs` installed, its cause is logged.
#[tokio::test] // one thread: the logger below is this thread's default
async fn duplicate_email_is_a_500_whose_cause_is_logged() {
    let log = Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let writer = {
        let log = Arc::clone(&log);
        move || LogWriter(Arc::clone(&log))
    };
    let logger = state_management::logger().with_writer(writer).finish();
    let _installed = tracing::subscriber::set_default(logger);

    let (app, _) = setup().await;
    let new = json!({"name": "Ada", "email": "ada@example.com"});
    assert_eq!(
        send(&app, "POST", "/users", Some(new.clone())).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        send(&app, "POST", "/users", Some(new)).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    assert!(log.contains("ERROR"), "{log}");
    assert!(log.contains("UNIQUE constraint failed: users.email"), "{log}");
}
// ANCHOR_END: test-logged

/// Collects what the logger writes.
struct LogWriter(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_test_gets_its_own_database() {
    let (app_a, _) = setup().await;
    let (app_b, _) = setup().await;
    let new = json!({"name": "Ada", "email": "ada@example.com"});
    assert_eq!(
        send(&app_a, "POST", "/users", Some(new)).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        send(&app_b, "GET", "/users/1", None).await.0,
        StatusCode::NOT_FOUND
    );
}

// ANCHOR: test-concurrent
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_page_views_are_all_counted() {
    let (app, _) = setup().await;
    let requests: Vec<_> = (0..100)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                send(&app, "POST", "/pages/home/views", None).await
            })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap().0, StatusCode::OK);
    }
    let (_, last) = send(&app, "POST", "/pages/home/views", None).await;
    assert_eq!(last, json!({"page": "home", "views": 101}));
}
// ANCHOR_END: test-concurrent

#[tokio::test]
async fn settings_are_cached_and_written_through() {
    let (app, state) = setup().await;
    let (status, settings) = send(&app, "GET", "/settings", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(settings, json!({"motd": "Welcome!", "max_upload_mb": 10}));

    // Change the row behind the cache's back: the cached value is served.
    sqlx::query("UPDATE settings SET motd = 'sneaky'")
        .execute(&state.db)
        .await
        .unwrap();
    assert_eq!(
        send(&app, "GET", "/settings", None).await.1["motd"],
        "Welcome!"
    );

    // A PUT writes through and refreshes the cache.
    let new = json!({"motd": "Hello", "max_upload_mb": 25});
    assert_eq!(
        send(&app, "PUT", "/settings", Some(new.clone())).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(send(&app, "GET", "/settings", None).await.1, new);
    let motd: (String,) = sqlx::query_as("SELECT motd FROM settings")
        .fetch_one(&state.db)
        .await
        .unwrap();
    assert_eq!(motd.0, "Hello");
}

// ANCHOR: test-stampede
/// 20 requests find the cache cold at the same moment; exactly one loads.
#[tokio::test]
async fn concurrent_cache_misses_load_the_settings_once() {
    let (_, state) = setup().await;
    let held = state.settings.write().await; // keep the cache cold...
    let readers: Vec<_> = (0..20)
        .map(|_| {
            let state = Arc::clone(&state);
            tokio::spawn(async move { state.settings().await.unwrap() })
        })
        .collect();
    tokio::task::yield_now().await; // ...until all 20 wait for the lock
    drop(held); // now they all read `None` at once
    for reader in readers {
        assert_eq!(reader.await.unwrap().motd, "Welcome!");
    }
    assert_eq!(state.settings_loads.load(Ordering::Relaxed), 1);
}
// ANCHOR_END: test-stampede

#[tokio::test]
async fn the_audit_actor_records_events_in_order() {
    let (app, _) = setup().await;
    send(
        &app,
        "POST",
        "/users",
        Some(json!({"name": "A", "email": "a@x.org"})),
    )
    .await;
    send(
        &app,
        "PUT",
        "/settings",
        Some(json!({"motd": "m", "max_upload_mb": 1})),
    )
    .await;
    let (status, events) = send(&app, "GET", "/audit?limit=10", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        events,
        json!([
            {"seq": 2, "message": "settings changed"},
            {"seq": 1, "message": "created user 1"}
        ])
    );
}
