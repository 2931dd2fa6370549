//! Each anti-pattern: the bad and the better version side by side, through
//! the real routers.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anti_patterns::{blocking, clone_state, lock_across_await, unwrap};
use axum::{
    Router,
    body::Body,
    extract::State,
    http::{Request, StatusCode},
    routing::get,
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn send(app: &Router, method: &str, uri: &str) -> (StatusCode, String) {
    let request =
        Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

// --- Anti-pattern 1: blocking the runtime ---------------------------------

fn blocking_app(delay: Duration, report: &Path) -> Router {
    let report = Arc::new(report.to_path_buf());
    blocking::router(blocking::Config { delay, report })
}

/// Sends `n` requests at once on the current runtime; returns the wall time.
async fn concurrent(app: &Router, uri: &'static str, n: usize) -> Duration {
    let start = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { send(&app, "GET", uri).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), (StatusCode::OK, "done".to_owned()));
    }
    start.elapsed()
}

// ANCHOR: test-blocking
/// One worker thread, four concurrent requests, each waiting `delay`.
#[tokio::test(flavor = "current_thread")]
async fn blocking_sleep_serialises_requests_async_sleep_does_not() {
    let delay = Duration::from_millis(100);
    let app = blocking_app(delay, Path::new("unused-by-sleep"));

    let bad = concurrent(&app, "/bad/sleep", 4).await;
    assert!(bad >= 4 * delay, "blocking: one after the other ({bad:?})");

    let better = concurrent(&app, "/better/sleep", 4).await;
    assert!(better < 3 * delay, "async: all four wait together ({better:?})");
}
// ANCHOR_END: test-blocking

#[tokio::test]
async fn both_report_handlers_count_words() {
    let name = format!("deckbook-report-{}.txt", std::process::id());
    let path = std::env::temp_dir().join(name);
    std::fs::write(&path, "one two three\nfour five").unwrap();
    let app = blocking_app(Duration::ZERO, &path);
    let five = (StatusCode::OK, "5".to_owned());
    assert_eq!(send(&app, "GET", "/bad/report").await, five);
    assert_eq!(send(&app, "GET", "/better/report").await, five);
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn missing_report_file_is_a_500_not_a_panic() {
    let config = blocking::Config {
        delay: Duration::ZERO,
        report: Arc::new("/nonexistent/deckbook/report.txt".into()),
    };
    let app = blocking::router(config);
    assert_eq!(
        send(&app, "GET", "/better/report").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
}

// --- Anti-pattern 2: a std::sync::MutexGuard across .await -------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoped_guard_counts_every_hit() {
    let (state, mut events) = lock_across_await::AppState::new(1_000);
    let app = lock_across_await::router(state);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { send(&app, "POST", "/hits").await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().0, StatusCode::OK);
    }
    let mut seen = Vec::new();
    while let Ok(n) = events.try_recv() {
        seen.push(n);
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=50).collect::<Vec<u64>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_mutex_publishes_in_counter_order() {
    let (state, mut events) = lock_across_await::AppState::new(1_000);
    let app = lock_across_await::router(state);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(
                async move { send(&app, "POST", "/ordered-hits").await },
            )
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().0, StatusCode::OK);
    }
    let mut seen = Vec::new();
    while let Ok(n) = events.try_recv() {
        seen.push(n);
    }
    assert_eq!(
        seen,
        (1..=50).collect::<Vec<u64>>(),
        "published in order, no gaps"
    );
}

// --- Anti-pattern 3: unwrap() in handlers -------------------------------------

fn shop() -> Router {
    let prices = HashMap::from([
        ("apple".to_owned(), 30),
        ("piano".to_owned(), 2_000_000_000),
    ]);
    unwrap::router(Arc::new(prices))
}

#[tokio::test]
async fn both_versions_agree_on_good_input() {
    let app = shop();
    assert_eq!(
        send(&app, "GET", "/bad/total?sku=apple&qty=3").await,
        (StatusCode::OK, "90".to_owned())
    );
    let (status, body) =
        send(&app, "GET", "/better/total?sku=apple&qty=3").await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body, json!({"sku": "apple", "qty": 3, "total_cents": 90}));
}

// ANCHOR: test-unwrap-bad
#[tokio::test]
async fn bad_version_panics_on_bad_input() {
    let app = shop();
    // The panic unwinds out of the handler: no response at all.
    let outcome =
        tokio::spawn(
            async move { send(&app, "GET", "/bad/total?sku=apple").await },
        )
        .await;
    assert!(outcome.unwrap_err().is_panic());
}
// ANCHOR_END: test-unwrap-bad

/// Over a real socket, the client of a panicking handler gets no HTTP
/// response at all: the connection is closed.
#[tokio::test]
async fn bad_version_closes_the_connection_without_a_response() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, shop()).into_future());

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request =
        "GET /bad/total?sku=apple HTTP/1.1\r\nHost: localhost\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await; // EOF or reset
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));

    // The server itself survived the panic: the better route still works.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = "GET /better/total?sku=apple&qty=1 HTTP/1.1\r\n\
                   Host: localhost\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    server.abort();
}

// ANCHOR: test-unwrap-better
#[tokio::test]
async fn better_version_answers_every_bad_input() {
    let app = shop();
    let cases = [
        ("/better/total?sku=apple", StatusCode::BAD_REQUEST),
        ("/better/total?sku=apple&qty=lots", StatusCode::BAD_REQUEST),
        ("/better/total?sku=pear&qty=1", StatusCode::NOT_FOUND),
        ("/better/total?sku=piano&qty=3", StatusCode::UNPROCESSABLE_ENTITY),
    ];
    for (uri, expected) in cases {
        let (status, body) = send(&app, "GET", uri).await;
        assert_eq!(status, expected, "{uri}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert!(body["error"].is_string(), "{uri}: {body}");
    }
}
// ANCHOR_END: test-unwrap-better

// --- Anti-pattern 4: cloning large state per request -------------------------

#[tokio::test]
async fn both_catalogue_routers_answer_the_same() {
    let catalogue = clone_state::Catalogue::generate(1_000);
    let bad = clone_state::bad_router(catalogue.clone());
    let better = clone_state::better_router(Arc::new(catalogue));
    for uri in ["/products/0", "/products/999", "/products/1000"] {
        assert_eq!(
            send(&bad, "GET", uri).await,
            send(&better, "GET", uri).await,
            "{uri}"
        );
    }
    assert_eq!(
        send(&better, "GET", "/products/1000").await.0,
        StatusCode::NOT_FOUND
    );
}

// ANCHOR: counted
/// A state type that counts its own clones.
#[derive(Debug)]
struct Counted(Arc<AtomicUsize>);

impl Clone for Counted {
    fn clone(&self) -> Self {
        self.0.fetch_add(1, Ordering::Relaxed);
        Self(Arc::clone(&self.0))
    }
}
// ANCHOR_END: counted

// ANCHOR: test-clones
#[tokio::test]
async fn axum_clones_the_state_for_every_request() {
    let clones = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route("/", get(|State(_): State<Counted>| async { "ok" }))
        .with_state(Counted(Arc::clone(&clones)));
    send(&app, "GET", "/").await; // warm-up: routing set-up may clone too
    let before = clones.load(Ordering::Relaxed);
    for _ in 0..10 {
        send(&app, "GET", "/").await;
    }
    let clones_in_10 = clones.load(Ordering::Relaxed) - before;
    // Axum 0.8.9 (the version in Cargo.lock) clones it three times.
    assert_eq!(clones_in_10, 3 * 10, "clones per request changed");
}
// ANCHOR_END: test-clones
