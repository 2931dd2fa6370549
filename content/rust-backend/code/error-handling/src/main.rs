//! Serves the Example 4 API on `APP_ADDR` (default `127.0.0.1:3000`) until Ctrl+C.

use error_handling::{app, db};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // AppError logs internal errors through tracing: install a logger.
    tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).init();
    let pool = db::in_memory_pool().await?;
    let addr = std::env::var("APP_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(pool))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
