//! The typed handlers through the real router, with `oneshot`.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use typed_handlers::{AppState, app};

const KEY: &str = "test-key";

fn test_app() -> Router {
    app(AppState::new([KEY.to_owned()]))
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn post_book(key: Option<&str>, body: &Value) -> Request<Body> {
    let mut request = Request::post("/books")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

/// Valid ISBN-13s (correct check digits).
const ISBNS: [&str; 3] = ["9780306406157", "9783161484100", "9781861972712"];

#[tokio::test]
async fn create_and_get_a_book() {
    let app = test_app();
    let body = json!({"isbn": "978-0-306-40615-7", "title": " Rust in Action ", "year": 2021});
    let (status, created) = send(&app, post_book(Some(KEY), &body)).await;
    assert_eq!(status, StatusCode::CREATED);
    // The newtypes normalised the input: no hyphens, no padding.
    assert_eq!(
        created,
        json!({"isbn": "9780306406157", "title": "Rust in Action", "year": 2021})
    );

    let (status, fetched) = send(&app, get("/books/978-0-306-40615-7")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn invalid_isbn_in_path_is_400() {
    let (status, _) = send(&test_app(), get("/books/9780306406158")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// ANCHOR: test-rejections
#[tokio::test]
async fn invalid_body_is_422_before_the_handler_runs() {
    let app = test_app();
    let bad_isbn = json!({"isbn": "123", "title": "x", "year": 2020});
    assert_eq!(
        send(&app, post_book(Some(KEY), &bad_isbn)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let blank_title = json!({"isbn": ISBNS[0], "title": "  ", "year": 2020});
    assert_eq!(
        send(&app, post_book(Some(KEY), &blank_title)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
// ANCHOR_END: test-rejections

#[tokio::test]
async fn missing_or_wrong_api_key_is_401_with_json_body() {
    let app = test_app();
    let body = json!({"isbn": ISBNS[0], "title": "x", "year": 2020});
    let (status, error) = send(&app, post_book(None, &body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error, json!({"error": "missing x-api-key header"}));
    let (status, error) = send(&app, post_book(Some("nope"), &body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error, json!({"error": "unknown API key"}));
}

#[tokio::test]
async fn every_401_says_how_to_authenticate() {
    let app = test_app();
    let body = json!({"isbn": ISBNS[0], "title": "x", "year": 2020});
    for key in [None, Some("nope")] {
        let response =
            app.clone().oneshot(post_book(key, &body)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers()[header::WWW_AUTHENTICATE],
            typed_handlers::extract::API_KEY_CHALLENGE
        );
    }
    let (status, _) = send(&app, post_book(Some(KEY), &body)).await;
    assert_eq!(status, StatusCode::CREATED);
}

/// `Path` answers 500, not 400, when the handler's type does not fit the
/// route: a bug in the server, not in the request.
#[tokio::test]
async fn path_type_that_does_not_fit_the_route_is_500() {
    use axum::{extract::Path, routing};
    let app = Router::new().route(
        "/pairs/{a}",
        routing::get(|Path((a, b)): Path<(u32, u32)>| async move {
            format!("{a}{b}")
        }),
    );
    let (status, _) = send(&app, get("/pairs/1")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn duplicate_isbn_is_409() {
    let app = test_app();
    let body = json!({"isbn": ISBNS[1], "title": "Once", "year": 2020});
    assert_eq!(
        send(&app, post_book(Some(KEY), &body)).await.0,
        StatusCode::CREATED
    );
    let (status, error) = send(&app, post_book(Some(KEY), &body)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["error"], "ISBN 9783161484100 exists");
}

#[tokio::test]
async fn unknown_book_is_404() {
    let (status, error) = send(&test_app(), get("/books/9781861972712")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error"], "no book with ISBN 9781861972712");
}

#[tokio::test]
async fn list_filters_and_paginates() {
    let app = test_app();
    for (i, isbn) in ISBNS.iter().enumerate() {
        let year = 2019 + i as u16; // 2019, 2020, 2021
        let body =
            json!({"isbn": isbn, "title": format!("Book {i}"), "year": year});
        assert_eq!(
            send(&app, post_book(Some(KEY), &body)).await.0,
            StatusCode::CREATED
        );
    }

    let (status, page) =
        send(&app, get("/books?published_after=2019&per_page=1&page=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 2);
    assert_eq!(page["page"], 2);
    assert_eq!(page["per_page"], 1);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    let (_, all) = send(&app, get("/books")).await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["per_page"], 20);
}

#[tokio::test]
async fn pagination_is_bounded() {
    let app = test_app();
    let (_, page) = send(&app, get("/books?per_page=100000")).await;
    assert_eq!(page["per_page"], 100);

    let (status, error) = send(&app, get("/books?page=0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error, json!({"error": "page starts at 1"}));

    let (status, error) = send(&app, get("/books?page=minus-one")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["error"].as_str().unwrap().contains("page"), "{error}");
}

#[tokio::test]
async fn bad_filter_value_is_400() {
    let (status, _) =
        send(&test_app(), get("/books?published_after=last-year")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
