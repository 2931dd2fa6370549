//! Serves the Actix-web version of Example 1 on `APP_ADDR` (default
//! `127.0.0.1:3000`) until Ctrl+C.

use rest_api::Store;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("APP_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = std::net::TcpListener::bind(&addr)?;
    println!("listening on http://{}", listener.local_addr()?);
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let server = rest_api_actix::server(Store::default(), listener, workers)?;
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        let _ = actix_web::rt::signal::ctrl_c().await;
        handle.stop(true).await; // graceful: in-flight requests finish
    });
    server.await
}
