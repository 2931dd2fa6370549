//! Anti-patterns: blocking vs async sleep under concurrent load, and
//! deep-cloned state vs `Arc` state.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anti_patterns::{blocking, clone_state};
use axum::{Router, body::Body, http::Request};
use tower::ServiceExt;

use crate::http::{self, Server};
use crate::report::{Metrics, Row, Stat};
use crate::{BoxError, Ctx};

/// How long the simulated slow dependency takes per request.
const DELAY: Duration = Duration::from_millis(10);
const REQUESTS_PER_CLIENT: usize = 4;
/// Rounds per cell after a warm-up round; the two versions take turns.
const TRIALS: usize = 9;

fn bad_sleep(
    _: usize,
) -> Result<hyper::Request<http_body_util::Full<bytes::Bytes>>, BoxError> {
    http::get("/bad/sleep")
}

fn better_sleep(
    _: usize,
) -> Result<hyper::Request<http_body_util::Full<bytes::Bytes>>, BoxError> {
    http::get("/better/sleep")
}

fn blocking_sleep(ctx: &Ctx) -> Result<(), BoxError> {
    let config = blocking::Config {
        delay: DELAY,
        report: Arc::new(std::env::temp_dir()),
    };
    let server = Server::start(blocking::router(config), 2)?;
    let addr = server.addr;
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let per_client = if ctx.quick { 1 } else { REQUESTS_PER_CLIENT };
    let trials = if ctx.quick { 2 } else { TRIALS };
    let rows = client.block_on(async {
        let mut rows = Vec::new();
        for clients in [8, 32] {
            let (mut bad, mut better) = (Vec::new(), Vec::new());
            for round in 0..=trials {
                let b = http::throughput(addr, clients, per_client, bad_sleep)
                    .await?;
                let g =
                    http::throughput(addr, clients, per_client, better_sleep)
                        .await?;
                if round > 0 {
                    bad.push(b);
                    better.push(g);
                }
            }
            rows.push(Row {
                name: format!("{clients} clients"),
                before: Stat::of(&bad),
                after: Stat::of(&better),
            });
        }
        Ok::<_, BoxError>(rows)
    })?;
    drop(client);
    server.stop()?;

    Metrics {
        title: "std::thread::sleep vs tokio::time::sleep in a handler".into(),
        unit: "req/s",
        lower_is_better: false,
        before_label: "blocking sleep".into(),
        after_label: "async sleep".into(),
        caption: ctx.caption(&format!(
            "Handlers that wait {} ms each, served by axum::serve on a 2-worker Tokio runtime; \
             each client sends {per_client} requests over its own keep-alive connection on 127.0.0.1; \
             a warm-up round, then {trials} rounds, the two handlers taking turns",
            DELAY.as_millis()
        )),
        rows,
    }
    .write(&ctx.out, "anti-patterns-blocking.yaml")?;
    Ok(())
}

/// Requests per second through `router` with `oneshot`, one at a time,
/// until `max_requests` or `budget`, whichever comes first.
async fn oneshot_rate(
    router: &Router,
    len: u32,
    max_requests: usize,
    budget: Duration,
) -> Result<f64, BoxError> {
    let started = Instant::now();
    let mut done = 0;
    while done < max_requests && started.elapsed() < budget {
        let id = (done as u32).wrapping_mul(7_919) % len;
        let request =
            Request::get(format!("/products/{id}")).body(Body::empty())?;
        let response = router.clone().oneshot(request).await?;
        if !response.status().is_success() {
            return Err(
                format!("unexpected status {}", response.status()).into()
            );
        }
        done += 1;
    }
    Ok(done as f64 / started.elapsed().as_secs_f64())
}

fn clone_vs_arc(ctx: &Ctx) -> Result<(), BoxError> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let budget = if ctx.quick {
        Duration::from_millis(20)
    } else {
        Duration::from_millis(250)
    };
    let max_requests = ctx.n(100_000);
    let trials = if ctx.quick { 2 } else { TRIALS };
    let rows = runtime.block_on(async {
        let mut rows = Vec::new();
        for len in [1_000u32, 10_000, 100_000] {
            let catalogue = clone_state::Catalogue::generate(len);
            let bad = clone_state::bad_router(catalogue.clone());
            let better = clone_state::better_router(Arc::new(catalogue));
            let (mut before, mut after) = (Vec::new(), Vec::new());
            for round in 0..=trials {
                let b = oneshot_rate(&bad, len, max_requests, budget).await?;
                let a =
                    oneshot_rate(&better, len, max_requests, budget).await?;
                if round > 0 {
                    before.push(b);
                    after.push(a);
                }
            }
            rows.push(Row {
                name: format!("{len} products"),
                before: Stat::of(&before),
                after: Stat::of(&after),
            });
        }
        Ok::<_, BoxError>(rows)
    })?;

    Metrics {
        title: "State<Catalogue> vs State<Arc<Catalogue>>".into(),
        unit: "req/s",
        lower_is_better: false,
        before_label: "deep clone".into(),
        after_label: "Arc".into(),
        caption: ctx.caption(&format!(
            "Router called in-process with tower::ServiceExt::oneshot on a current-thread runtime, \
             one request at a time, up to {max_requests} requests or {:.2} s per run; \
             a warm-up round, then {trials} rounds, the two routers taking turns",
            budget.as_secs_f64()
        )),
        rows,
    }
    .write(&ctx.out, "anti-patterns-clone.yaml")?;
    Ok(())
}

pub fn run(ctx: &Ctx) -> Result<(), BoxError> {
    blocking_sleep(ctx)?;
    clone_vs_arc(ctx)
}
