//! Example 1: the REST API over loopback: latency and throughput.

use rest_api::{Store, app};

use crate::http::{self, ActixServer, MakeRequest, Server};
use crate::report::{Metrics, Row, Stat};
use crate::{BoxError, Ctx};

const TODOS: usize = 1_000;
const CONNECTIONS: usize = 16;
const BLOCKS: usize = 10;
const TRIALS: usize = 9;

fn get_todo(
    i: usize,
) -> Result<hyper::Request<http_body_util::Full<bytes::Bytes>>, BoxError> {
    http::get(&format!("/todos/{}", 1 + i % TODOS))
}

fn get_health(
    _: usize,
) -> Result<hyper::Request<http_body_util::Full<bytes::Bytes>>, BoxError> {
    http::get("/health")
}

fn post_todo(
    _: usize,
) -> Result<hyper::Request<http_body_util::Full<bytes::Bytes>>, BoxError> {
    http::post_json("/todos", r#"{"title":"measure"}"#)
}

fn filled_store() -> Store {
    let store = Store::default();
    for i in 0..TODOS {
        store.insert(format!("todo {i}"));
    }
    store
}

/// The same scenarios against the Axum and the Actix-web version of
/// Example 1, both with 2 workers, taking turns: a warm-up round, then
/// `trials` rounds.
async fn frameworks(
    ctx: &Ctx,
    axum: std::net::SocketAddr,
    actix: std::net::SocketAddr,
    trials: usize,
) -> Result<Vec<Row>, BoxError> {
    let scenarios: [(&str, usize, usize, MakeRequest); 4] = [
        ("GET /health, 16 connections", CONNECTIONS, ctx.n(200), get_health),
        ("GET /todos/{id}, 16 connections", CONNECTIONS, ctx.n(200), get_todo),
        ("POST /todos, 16 connections", CONNECTIONS, ctx.n(200), post_todo),
        ("GET /todos/{id}, 1 connection", 1, ctx.n(2_000), get_todo),
    ];
    let mut samples = vec![(Vec::new(), Vec::new()); scenarios.len()];
    for round in 0..=trials {
        for ((_, connections, each, make), (on_axum, on_actix)) in
            scenarios.iter().zip(samples.iter_mut())
        {
            let a = http::throughput(axum, *connections, *each, *make).await?;
            let b = http::throughput(actix, *connections, *each, *make).await?;
            if round > 0 {
                on_axum.push(a);
                on_actix.push(b);
            }
        }
    }
    Ok(scenarios
        .iter()
        .zip(samples)
        .map(|((name, ..), (on_axum, on_actix))| Row {
            name: (*name).into(),
            before: Stat::of(&on_axum),
            after: Stat::of(&on_actix),
        })
        .collect())
}

pub fn run(ctx: &Ctx) -> Result<(), BoxError> {
    let server = Server::start(app(filled_store()), 2)?;
    let addr = server.addr;
    let trials = if ctx.quick { 2 } else { TRIALS };
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;

    let (latency, throughput, compared) = client.block_on(async {
        // Warm-up: connections, allocator, caches.
        http::throughput(addr, 4, ctx.n(500), get_todo).await?;

        // Latency: fresh and reused connections take turns in blocks, so
        // that a noisy moment on the machine hits both alike.
        // Each block gives one p50 and one p99 per kind; the rows report
        // the median and spread of those over the blocks.
        let (mut fresh, mut reused) = (Vec::new(), Vec::new());
        for _ in 0..BLOCKS {
            fresh
                .push(http::latencies(addr, ctx.n(200), true, get_todo).await?);
            reused.push(
                http::latencies(addr, ctx.n(500), false, get_todo).await?,
            );
        }
        let per_block = |blocks: &mut [Vec<std::time::Duration>], q: f64| {
            let values: Vec<f64> = blocks
                .iter_mut()
                .map(|block| http::micros(http::percentile(block, q)))
                .collect();
            Stat::of(&values)
        };
        let latency = vec![
            Row {
                name: "p50 latency".into(),
                before: per_block(&mut fresh, 0.50),
                after: per_block(&mut reused, 0.50),
            },
            Row {
                name: "p99 latency".into(),
                before: per_block(&mut fresh, 0.99),
                after: per_block(&mut reused, 0.99),
            },
        ];

        // Throughput: median of TRIALS rounds; every scenario runs once per round.
        let endpoints: [(&str, MakeRequest); 3] = [
            ("GET /health", get_health),
            ("GET /todos/{id}", get_todo),
            ("POST /todos", post_todo),
        ];
        let mut runs = vec![(Vec::new(), Vec::new()); endpoints.len()];
        for _ in 0..trials {
            for ((_, make), (sequential, concurrent)) in
                endpoints.iter().zip(runs.iter_mut())
            {
                sequential.push(
                    http::throughput(addr, 1, ctx.n(2_000), *make).await?,
                );
                concurrent.push(
                    http::throughput(addr, CONNECTIONS, ctx.n(200), *make)
                        .await?,
                );
            }
        }
        let throughput = endpoints
            .iter()
            .zip(runs)
            .map(|((name, _), (sequential, concurrent))| Row {
                name: (*name).into(),
                before: Stat::of(&sequential),
                after: Stat::of(&concurrent),
            })
            .collect();
        let actix = ActixServer::start(filled_store(), 2)?;
        let compared = frameworks(ctx, addr, actix.addr, trials).await;
        let thread = actix.stop().await;
        http::join(thread)?;
        Ok::<_, BoxError>((latency, throughput, compared?))
    })?;
    drop(client);
    server.stop()?;

    Metrics {
        title: "Example 1 on Axum 0.8 and on Actix-web 4".into(),
        unit: "req/s",
        lower_is_better: false,
        before_label: "Axum".into(),
        after_label: "Actix-web".into(),
        caption: ctx.caption(&format!(
            "The same routes, store and test cases (crates rest-api and rest-api-actix), each server with 2 worker threads, \
             hyper client on a 2-worker runtime on 127.0.0.1 (client and server share the machine); \
             16 connections x {} requests or 1 connection x {} requests; a warm-up round, then {trials} rounds, \
             the two servers taking turns",
            ctx.n(200),
            ctx.n(2_000)
        )),
        rows: compared,
    }
    .write(&ctx.out, "rest-api-frameworks.yaml")?;

    Metrics {
        title: "REST API latency: GET /todos/{id}".into(),
        unit: "µs",
        lower_is_better: true,
        before_label: "new connection".into(),
        after_label: "reused connection".into(),
        caption: ctx.caption(&format!(
            "Example 1 router served by axum::serve on a 2-worker Tokio runtime, hyper client on 127.0.0.1, \
             one request at a time: {BLOCKS} blocks of {} requests on fresh connections and {} on reused connections, \
             alternating; p50 and p99 per block",
            ctx.n(200),
            ctx.n(500)
        )),
        rows: latency,
    }
    .write(&ctx.out, "rest-api-latency.yaml")?;

    Metrics {
        title: "REST API throughput".into(),
        unit: "req/s",
        lower_is_better: false,
        before_label: "1 connection".into(),
        after_label: format!("{CONNECTIONS} connections"),
        caption: ctx.caption(&format!(
            "Example 1 router served by axum::serve on a 2-worker Tokio runtime, hyper client on 127.0.0.1 \
             (client and server share the machine): {} requests on 1 keep-alive connection vs \
             {CONNECTIONS} connections x {} requests; a warm-up, then {trials} rounds",
            ctx.n(2_000),
            ctx.n(200)
        )),
        rows: throughput,
    }
    .write(&ctx.out, "rest-api-throughput.yaml")?;
    Ok(())
}
