//! Serves the Example 3 API on `APP_ADDR` (default `127.0.0.1:3000`) until Ctrl+C.

use std::sync::Arc;

use state_management::{AppState, app, db};
use tokio::net::TcpListener;

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Without a logger, tracing's events (the 500s' causes) go nowhere.
    state_management::logger().init();
    let pool = db::in_memory_pool().await?; // connect + migrate, or fail fast
    let state = Arc::new(AppState::new(pool));

    let addr = std::env::var("APP_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);

    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
// ANCHOR_END: main
