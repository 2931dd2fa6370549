//! Lab 2's checks: they fail on the starter and pass once it is solved.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use lab2_typed_handlers::{Email, EmailError, app};
use serde_json::{Value, json};
use tower::ServiceExt;

// ANCHOR: tests
#[test]
fn valid_addresses_are_normalised() {
    let email = Email::parse("  Ada@Example.COM ").unwrap();
    assert_eq!(String::from(email), "ada@example.com");
}

#[test]
fn each_broken_rule_has_its_error() {
    assert_eq!(Email::parse("ada.example.com"), Err(EmailError::At));
    assert_eq!(Email::parse("a@b@c.d"), Err(EmailError::At));
    assert_eq!(Email::parse("@example.com"), Err(EmailError::EmptyLocal));
    assert_eq!(Email::parse("ada@localhost"), Err(EmailError::Domain));
    assert_eq!(Email::parse("ada@example."), Err(EmailError::Domain));
    assert_eq!(Email::parse("ada@.com"), Err(EmailError::Domain));
}

#[tokio::test]
async fn an_invalid_email_never_reaches_the_handler() {
    for (email, status) in [("ada@example.com", 201), ("ada", 422)] {
        let body = json!({"name": "Ada", "email": email}).to_string();
        let request = Request::post("/members")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::from_u16(status).unwrap());
    }
}
// ANCHOR_END: tests

#[tokio::test]
async fn the_stored_address_is_the_normalised_one() {
    let body = json!({"name": "Ada", "email": " ADA@example.com"}).to_string();
    let request = Request::post("/members")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let response = app().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let member: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(member["email"], "ada@example.com");
}
