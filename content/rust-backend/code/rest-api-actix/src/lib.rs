//! Example 1 written with Actix-web 4: the same routes, the same `Store`
//! and the same answers as the Axum version, so that the two frameworks
//! can be tested with the same cases and measured with the same benchmark.
//!
//! Actix-web's defaults differ from Axum's in three places, set explicitly
//! here: a JSON body may be 2 MiB (Actix: 32 KiB), JSON that does not fit
//! the type is `422` (Actix: `400`) and an unparsable path segment is
//! `400` (Actix: `404`).

use actix_web::{
    HttpResponse, ResponseError,
    error::{self, JsonPayloadError},
    http::{StatusCode, header},
    web,
};
use rest_api::{CreateTodo, Store, UpdateTodo};

/// Largest accepted JSON body, as in Axum.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

// ANCHOR: configure
/// Every route, with the store as shared data: what `rest_api::app` is for
/// Axum. Used by the server and by the tests.
pub fn configure(store: Store) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config
            .app_data(web::Data::new(store))
            .app_data(
                web::JsonConfig::default()
                    .limit(BODY_LIMIT)
                    .error_handler(json_error),
            )
            .app_data(web::PathConfig::default().error_handler(|err, _| {
                error::InternalError::from_response(
                    err,
                    HttpResponse::BadRequest().finish(),
                )
                .into()
            }))
            .route("/health", web::get().to(health))
            .service(web::resource("/todos").get(list_todos).post(create_todo))
            .service(
                web::resource("/todos/{id}")
                    .get(get_todo)
                    .patch(update_todo)
                    .delete(delete_todo),
            );
    }
}
// ANCHOR_END: configure

/// Axum's statuses for JSON bodies: 400 syntax, 413 size, 415 content
/// type, 422 a valid document of the wrong shape.
fn json_error(
    err: JsonPayloadError,
    _: &actix_web::HttpRequest,
) -> error::Error {
    let status = match &err {
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        JsonPayloadError::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        other => other.status_code(),
    };
    error::InternalError::from_response(err, HttpResponse::new(status)).into()
}

async fn health() -> &'static str {
    "ok"
}

// ANCHOR: handlers
async fn list_todos(store: web::Data<Store>) -> HttpResponse {
    HttpResponse::Ok().json(store.list())
}

async fn get_todo(store: web::Data<Store>, id: web::Path<u64>) -> HttpResponse {
    match store.get(id.into_inner()) {
        Some(todo) => HttpResponse::Ok().json(todo),
        None => HttpResponse::NotFound().finish(),
    }
}
// ANCHOR_END: handlers

async fn create_todo(
    store: web::Data<Store>,
    input: web::Json<CreateTodo>,
) -> HttpResponse {
    let title = input.title.trim();
    if title.is_empty() {
        return HttpResponse::UnprocessableEntity()
            .body("title must not be empty");
    }
    let todo = store.insert(title.to_owned());
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/todos/{}", todo.id)))
        .json(todo)
}

async fn update_todo(
    store: web::Data<Store>,
    id: web::Path<u64>,
    patch: web::Json<UpdateTodo>,
) -> HttpResponse {
    match store.update(id.into_inner(), patch.into_inner()) {
        Some(todo) => HttpResponse::Ok().json(todo),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn delete_todo(
    store: web::Data<Store>,
    id: web::Path<u64>,
) -> HttpResponse {
    if store.remove(id.into_inner()) {
        HttpResponse::NoContent().finish()
    } else {
        HttpResponse::NotFound().finish()
    }
}

// ANCHOR: server
/// An Actix-web server on `listener` with `workers` worker threads (each
/// runs its own single-threaded Tokio runtime). Await it to serve; stop it
/// through its handle.
pub fn server(
    store: Store,
    listener: std::net::TcpListener,
    workers: usize,
) -> std::io::Result<actix_web::dev::Server> {
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new().configure(configure(store.clone()))
    })
    .workers(workers)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}
// ANCHOR_END: server
