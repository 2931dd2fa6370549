//! The shared cases of Example 1, run against the Actix-web version with
//! `actix_web::test`: in-process, no socket, like `oneshot` for Axum.

#![allow(clippy::unwrap_used)] // in a test, a panic is a failed test

use actix_web::{App, http::header, test};
use rest_api::Store;

#[path = "../../rest-api/tests/shared/cases.rs"]
mod cases;

#[actix_web::test]
async fn every_shared_case() {
    assert_eq!(cases::BODY_LIMIT, rest_api_actix::BODY_LIMIT);
    for case in cases::CASES {
        let app = test::init_service(
            App::new().configure(rest_api_actix::configure(Store::default())),
        )
        .await;
        for (index, step) in case.steps.iter().enumerate() {
            let method = step.method.parse().unwrap();
            let mut request =
                test::TestRequest::default().method(method).uri(step.uri);
            if let Some((content_type, bytes)) = step.body.encode() {
                if let Some(content_type) = content_type {
                    request = request
                        .insert_header((header::CONTENT_TYPE, content_type));
                }
                request = request.set_payload(bytes);
            }
            let response = test::call_service(&app, request.to_request()).await;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get(header::LOCATION)
                .map(|value| value.to_str().unwrap().to_owned());
            let body = test::read_body(response).await.to_vec();
            cases::check(case, index, &cases::Reply { status, location, body });
        }
    }
}
