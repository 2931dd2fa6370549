//! Example 1: the REST API over loopback: latency and throughput.

use rest_api::{Store, app};

use crate::http::{self, MakeRequest, Server};
use crate::report::{Metrics, Row};
use crate::{BoxError, Ctx};

const TODOS: usize = 1_000;
const CONNECTIONS: usize = 16;
const BLOCKS: usize = 10;
const TRIALS: usize = 5;

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

pub fn run(ctx: &Ctx) -> Result<(), BoxError> {
    let store = Store::default();
    for i in 0..TODOS {
        store.insert(format!("todo {i}"));
    }
    let server = Server::start(app(store), 2)?;
    let addr = server.addr;
    let trials = if ctx.quick { 1 } else { TRIALS };
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;

    let (latency, throughput) = client.block_on(async {
        // Warm-up: connections, allocator, caches.
        http::throughput(addr, 4, ctx.n(500), get_todo).await?;

        // Latency: fresh and reused connections take turns in blocks, so
        // that a noisy moment on the machine hits both alike.
        let (mut fresh, mut reused) = (Vec::new(), Vec::new());
        for _ in 0..BLOCKS {
            fresh.extend(
                http::latencies(addr, ctx.n(200), true, get_todo).await?,
            );
            reused.extend(
                http::latencies(addr, ctx.n(500), false, get_todo).await?,
            );
        }
        let latency = vec![
            Row {
                name: "p50 latency".into(),
                before: http::micros(http::percentile(&mut fresh, 0.50)),
                after: http::micros(http::percentile(&mut reused, 0.50)),
            },
            Row {
                name: "p99 latency".into(),
                before: http::micros(http::percentile(&mut fresh, 0.99)),
                after: http::micros(http::percentile(&mut reused, 0.99)),
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
            .map(|((name, _), (mut sequential, mut concurrent))| Row {
                name: (*name).into(),
                before: crate::median(&mut sequential),
                after: crate::median(&mut concurrent),
            })
            .collect();
        Ok::<_, BoxError>((latency, throughput))
    })?;
    drop(client);
    server.stop()?;

    Metrics {
        title: "REST API latency: GET /todos/{id}".into(),
        unit: "µs",
        lower_is_better: true,
        before_label: "new connection".into(),
        after_label: "reused connection".into(),
        caption: ctx.caption(&format!(
            "Example 1 router served by axum::serve on a 2-worker Tokio runtime, hyper client on 127.0.0.1, \
             one request at a time: {} requests on fresh connections, {} on reused connections, in alternating blocks",
            BLOCKS * ctx.n(200),
            BLOCKS * ctx.n(500)
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
             {CONNECTIONS} connections x {} requests; median of {TRIALS} rounds",
            ctx.n(2_000),
            ctx.n(200)
        )),
        rows: throughput,
    }
    .write(&ctx.out, "rest-api-throughput.yaml")?;
    Ok(())
}
