//! Example 3: the same shared map six ways, under the same load: per map
//! operation (tasks hammering the map) and per HTTP request (one map
//! operation behind a handler, served over loopback).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use axum::{
    Router,
    extract::{Path, State},
    routing::get,
};
use state_management::kv::{
    ActorMap, MutexMap, ShardedMap, SharedMap, StdRwLockMap, TokioMutexMap,
    TokioRwLockMap,
};

use crate::http::{self, Server};
use crate::report::{Metrics, Row, Stat};
use crate::{BoxError, Ctx};

/// Distinct keys in the map.
const KEYS: u64 = 1_024;
/// Concurrent tasks (think: requests in flight) on a 2-worker runtime.
const TASKS: usize = 8;
/// Operations between two `yield_now` of a task.
const BATCH: usize = 64;
/// Rounds per workload; every design runs once per round.
const TRIALS: usize = 15;

/// xorshift64*: a tiny deterministic generator, one per task.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// One run: `TASKS` tasks, each doing exactly `ops_per_task` operations
/// (`read_percent` % reads) and yielding every `BATCH`, so that every task
/// does the same work and the runtime interleaves them like requests.
#[derive(Debug)]
struct Run {
    /// Wall time per operation, in nanoseconds.
    ns_per_op: f64,
    /// When the first task finished, as a fraction of the whole run: near
    /// 1.0 when all tasks progressed together.
    first_done: f64,
}

fn run_once<M: SharedMap>(
    make: fn() -> M,
    read_percent: u64,
    ops_per_task: usize,
) -> Result<Run, BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let map = Arc::new(make());
        for key in 0..KEYS {
            map.put(key, key).await;
        }
        let started = Instant::now();
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let map = Arc::clone(&map);
                tokio::spawn(async move {
                    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1));
                    for done in 0..ops_per_task {
                        let r = rng.next();
                        let key = r % KEYS;
                        if (r >> 32) % 100 < read_percent {
                            black_box(map.get(key).await);
                        } else {
                            map.put(key, r).await;
                        }
                        if done % BATCH == BATCH - 1 {
                            tokio::task::yield_now().await;
                        }
                    }
                    started.elapsed()
                })
            })
            .collect();
        let mut finished = Vec::with_capacity(TASKS);
        for task in tasks {
            finished.push(task.await?);
        }
        let total = started.elapsed();
        let first = finished.iter().min().copied().unwrap_or(total);
        Ok(Run {
            ns_per_op: total.as_secs_f64() * 1e9
                / (TASKS * ops_per_task) as f64,
            first_done: first.as_secs_f64() / total.as_secs_f64(),
        })
    })
}

/// One `Vec` of samples per design: std Mutex, std RwLock, tokio Mutex,
/// tokio RwLock, 16 shards, actor.
type Samples = [Vec<f64>; 6];

/// Nanoseconds per operation of every design for one workload: a warm-up
/// round, then `TRIALS` rounds, each running every design once (so that a
/// noisy moment hits all designs alike). Also returns every run's
/// `first_done`.
fn per_operation(
    ctx: &Ctx,
    read_percent: u64,
) -> Result<(Samples, Vec<f64>), BoxError> {
    let ops = if ctx.quick { 2_000 } else { 40_000 };
    let trials = if ctx.quick { 2 } else { TRIALS };
    let mut samples: Samples = Default::default();
    let mut first_done = Vec::new();
    for round in 0..=trials {
        let runs = [
            run_once(MutexMap::default, read_percent, ops)?,
            run_once(StdRwLockMap::default, read_percent, ops)?,
            run_once(TokioMutexMap::default, read_percent, ops)?,
            run_once(TokioRwLockMap::default, read_percent, ops)?,
            run_once(ShardedMap::default, read_percent, ops)?,
            run_once(ActorMap::spawn, read_percent, ops)?,
        ];
        if round == 0 {
            continue; // warm-up
        }
        for (sample, run) in samples.iter_mut().zip(runs) {
            sample.push(run.ns_per_op);
            first_done.push(run.first_done);
        }
    }
    Ok((samples, first_done))
}

// --- per HTTP request -------------------------------------------------------

#[derive(Debug)]
struct KvState<M> {
    map: M,
    read_percent: u64,
}

/// `GET /kv/{key}`: one map operation, a read for `read_percent` % of the
/// keys and a write for the others, answering the value as text.
async fn kv_handler<M: SharedMap>(
    State(state): State<Arc<KvState<M>>>,
    Path(key): Path<u64>,
) -> String {
    let mixed = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    if mixed % 100 < state.read_percent {
        format!("{:?}", state.map.get(key % KEYS).await)
    } else {
        state.map.put(key % KEYS, key).await;
        "ok".to_owned()
    }
}

fn kv_request(
    i: usize,
) -> Result<hyper::Request<http_body_util::Full<bytes::Bytes>>, BoxError> {
    http::get(&format!("/kv/{}", i.wrapping_mul(7_919)))
}

/// Microseconds of wall time per request (1 / throughput) with
/// `CONNECTIONS` keep-alive connections, for one design.
async fn per_request_once<M: SharedMap>(
    make: fn() -> M,
    read_percent: u64,
    requests: usize,
) -> Result<f64, BoxError> {
    const CONNECTIONS: usize = 16;
    let state = Arc::new(KvState { map: make(), read_percent });
    let router = Router::new()
        .route("/kv/{key}", get(kv_handler::<M>))
        .with_state(state);
    let server = Server::start(router, 2)?;
    let rate = http::throughput(
        server.addr,
        CONNECTIONS,
        requests / CONNECTIONS,
        kv_request,
    )
    .await?;
    server.stop()?;
    Ok(1e6 / rate)
}

/// The two designs of the headline comparison, per request: `TRIALS`
/// rounds after a warm-up, taking turns.
fn per_request(
    ctx: &Ctx,
    read_percent: u64,
) -> Result<(Vec<f64>, Vec<f64>), BoxError> {
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let requests = if ctx.quick { 64 } else { 8_000 };
    let trials = if ctx.quick { 2 } else { TRIALS };
    client.block_on(async {
        let (mut tokio_rwlock, mut std_mutex) = (Vec::new(), Vec::new());
        for round in 0..=trials {
            let a = per_request_once(
                TokioRwLockMap::default,
                read_percent,
                requests,
            )
            .await?;
            let b = per_request_once(MutexMap::default, read_percent, requests)
                .await?;
            if round > 0 {
                tokio_rwlock.push(a);
                std_mutex.push(b);
            }
        }
        Ok((tokio_rwlock, std_mutex))
    })
}

fn row(name: &str, before: &[f64], after: &[f64]) -> Row {
    Row { name: name.into(), before: Stat::of(before), after: Stat::of(after) }
}

pub fn run(ctx: &Ctx) -> Result<(), BoxError> {
    let (reads95, mut first_done) = per_operation(ctx, 95)?;
    let (reads50, first_done50) = per_operation(ctx, 50)?;
    first_done.extend(first_done50);
    let first_done = Stat::of(&first_done);
    let [mutex95, rw95, tmutex95, trw95, shards95, actor95] = &reads95;
    let [mutex50, rw50, tmutex50, trw50, shards50, actor50] = &reads50;
    let ops = if ctx.quick { 2_000 } else { 40_000 };
    let trials = if ctx.quick { 2 } else { TRIALS };
    let workload = format!(
        "{TASKS} tasks on a 2-worker Tokio runtime share one HashMap of {KEYS} u64 keys, uniform random keys; \
         every task runs the same {ops} operations and yields every {BATCH}, and every run waits for all tasks \
         (the first task to finish did so after a median {:.0} % of its run, p5 {:.0} %: an OS-level preemption of a worker \
         thread stalls the tasks queued on it); ns per operation = wall time / all operations; shards = 16 std RwLocks; \
         actor = one task, mpsc, oneshot reply for reads; a warm-up round, then {trials} rounds, the designs taking turns",
        first_done.median * 100.0,
        first_done.p5 * 100.0
    );

    Metrics {
        title: "Per map operation: tokio::sync::RwLock vs std::sync::Mutex"
            .into(),
        unit: "ns/op",
        lower_is_better: true,
        before_label: "tokio RwLock".into(),
        after_label: "std Mutex".into(),
        caption: ctx.caption(&workload),
        rows: vec![
            row("95 % reads", trw95, mutex95),
            row("50 % reads", trw50, mutex50),
        ],
    }
    .write(&ctx.out, "state-management.yaml")?;

    Metrics {
        title: "Alternatives to one std::sync::Mutex<HashMap>, per operation"
            .into(),
        unit: "ns/op",
        lower_is_better: true,
        before_label: "one std Mutex".into(),
        after_label: "alternative".into(),
        caption: ctx.caption(&workload),
        rows: vec![
            row("std RwLock, 95 % reads", mutex95, rw95),
            row("std RwLock, 50 % reads", mutex50, rw50),
            row("tokio Mutex, 95 % reads", mutex95, tmutex95),
            row("tokio Mutex, 50 % reads", mutex50, tmutex50),
            row("16 shards, 95 % reads", mutex95, shards95),
            row("16 shards, 50 % reads", mutex50, shards50),
            row("actor, 95 % reads", mutex95, actor95),
            row("actor, 50 % reads", mutex50, actor50),
        ],
    }
    .write(&ctx.out, "state-management-alternatives.yaml")?;

    let (trw_req95, mutex_req95) = per_request(ctx, 95)?;
    let (trw_req50, mutex_req50) = per_request(ctx, 50)?;
    let requests = if ctx.quick { 64 } else { 8_000 };
    Metrics {
        title: "Per HTTP request: the same map behind a handler".into(),
        unit: "µs/request",
        lower_is_better: true,
        before_label: "tokio RwLock".into(),
        after_label: "std Mutex".into(),
        caption: ctx.caption(&format!(
            "GET /kv/{{key}} doing one operation on the map, served by axum::serve on a 2-worker Tokio runtime; \
             hyper client on 127.0.0.1 (client and server share the machine), 16 keep-alive connections, \
             {requests} requests per run; µs per request = wall time / requests; a warm-up round, then {trials} rounds, \
             the two designs taking turns"
        )),
        rows: vec![
            row("95 % reads", &trw_req95, &mutex_req95),
            row("50 % reads", &trw_req50, &mutex_req50),
        ],
    }
    .write(&ctx.out, "state-management-per-request.yaml")?;
    Ok(())
}
