//! Serves the Example 1 API on `APP_ADDR` (default `127.0.0.1:3000`)
//! until Ctrl+C or SIGTERM.

use rest_api::{Store, app};
use tokio::net::TcpListener;

// ANCHOR: main
#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt::init();

    let addr = std::env::var("APP_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);

    axum::serve(listener, app(Store::default()))
        .with_graceful_shutdown(shutdown_signal())
        .await?;

    tracing::info!("shut down cleanly");
    Ok(())
}
// ANCHOR_END: main

/// Completes on Ctrl+C or SIGTERM (what `docker stop` and Kubernetes send).
/// `axum::serve` then stops accepting connections and lets the requests in
/// flight finish.
// ANCHOR: shutdown
async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.expect("no Ctrl+C handler");
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::terminate())
            .expect("no SIGTERM handler")
            .recv()
            .await;
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
// ANCHOR_END: shutdown
