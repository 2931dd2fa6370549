//! Example 3: the same shared map five ways, under the same load.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use state_management::kv::{
    ActorMap, MutexMap, ShardedMap, SharedMap, StdRwLockMap, TokioRwLockMap,
};

use crate::report::{Metrics, Row};
use crate::{BoxError, Ctx};

/// Distinct keys in the map.
const KEYS: u64 = 1_024;
/// Concurrent tasks (think: requests in flight) on a 2-worker runtime.
const TASKS: usize = 8;

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

/// Operations per second for `TASKS` tasks hammering one map, `read_percent`
/// % reads, on a fresh 2-worker runtime. Each task stops at `budget` (checked
/// every `BATCH` operations) or after `max_ops`, whichever comes first.
fn ops_per_second<M: SharedMap>(
    make: fn() -> M,
    read_percent: u64,
    budget: Duration,
    max_ops: usize,
) -> Result<f64, BoxError> {
    const BATCH: usize = 256;
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
        let deadline = started + budget;
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let map = Arc::clone(&map);
                tokio::spawn(async move {
                    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1));
                    let mut done = 0;
                    while done < max_ops && Instant::now() < deadline {
                        for _ in 0..BATCH {
                            let r = rng.next();
                            let key = r % KEYS;
                            if (r >> 32) % 100 < read_percent {
                                black_box(map.get(key).await);
                            } else {
                                map.put(key, r).await;
                            }
                        }
                        done += BATCH;
                    }
                    done
                })
            })
            .collect();
        let mut total = 0;
        for task in tasks {
            total += task.await?;
        }
        Ok(total as f64 / started.elapsed().as_secs_f64())
    })
}

const TRIALS: usize = 5;

/// Throughput of every design for one workload: `TRIALS` rounds, each
/// round running every design once (so a noisy moment hits all designs
/// alike), then the median per design.
fn round_robin(ctx: &Ctx, read_percent: u64) -> Result<Designs, BoxError> {
    let budget = if ctx.quick {
        Duration::from_millis(5)
    } else {
        Duration::from_millis(250)
    };
    let trials = if ctx.quick { 1 } else { TRIALS };
    let max_ops = 50_000_000;
    let mut runs: [Vec<f64>; 5] = Default::default();
    for _ in 0..trials {
        runs[0].push(ops_per_second(
            MutexMap::default,
            read_percent,
            budget,
            max_ops,
        )?);
        runs[1].push(ops_per_second(
            StdRwLockMap::default,
            read_percent,
            budget,
            max_ops,
        )?);
        runs[2].push(ops_per_second(
            TokioRwLockMap::default,
            read_percent,
            budget,
            max_ops,
        )?);
        runs[3].push(ops_per_second(
            ShardedMap::default,
            read_percent,
            budget,
            max_ops,
        )?);
        runs[4].push(ops_per_second(
            ActorMap::spawn,
            read_percent,
            budget,
            max_ops,
        )?);
    }
    // Reported in millions of operations per second.
    let [mutex, std_rwlock, tokio_rwlock, sharded, actor] =
        runs.map(|mut r| crate::median(&mut r) / 1e6);
    Ok(Designs { mutex, std_rwlock, tokio_rwlock, sharded, actor })
}

#[derive(Debug)]
struct Designs {
    mutex: f64,
    std_rwlock: f64,
    tokio_rwlock: f64,
    sharded: f64,
    actor: f64,
}

pub fn run(ctx: &Ctx) -> Result<(), BoxError> {
    let read_heavy = round_robin(ctx, 95)?;
    let mixed = round_robin(ctx, 50)?;
    let workload = format!(
        "{TASKS} tasks on a 2-worker Tokio runtime share one HashMap of {KEYS} u64 keys, uniform random keys; \
         shards = 16 std RwLocks; actor = one task, mpsc + oneshot; median of {TRIALS} runs of 250 ms per design, \
         the designs taking turns"
    );

    Metrics {
        title: "Shared HashMap: tokio::sync::RwLock vs std::sync::Mutex".into(),
        unit: "million ops/s",
        lower_is_better: false,
        before_label: "tokio RwLock".into(),
        after_label: "std Mutex".into(),
        caption: ctx.caption(&workload),
        rows: vec![
            Row {
                name: "95 % reads".into(),
                before: read_heavy.tokio_rwlock,
                after: read_heavy.mutex,
            },
            Row {
                name: "50 % reads".into(),
                before: mixed.tokio_rwlock,
                after: mixed.mutex,
            },
        ],
    }
    .write(&ctx.out, "state-management.yaml")?;

    Metrics {
        title: "Alternatives to one std::sync::Mutex<HashMap>".into(),
        unit: "million ops/s",
        lower_is_better: false,
        before_label: "one std Mutex".into(),
        after_label: "alternative".into(),
        caption: ctx.caption(&workload),
        rows: vec![
            Row {
                name: "std RwLock, 95 % reads".into(),
                before: read_heavy.mutex,
                after: read_heavy.std_rwlock,
            },
            Row {
                name: "16 shards, 95 % reads".into(),
                before: read_heavy.mutex,
                after: read_heavy.sharded,
            },
            Row {
                name: "16 shards, 50 % reads".into(),
                before: mixed.mutex,
                after: mixed.sharded,
            },
            Row {
                name: "actor, 95 % reads".into(),
                before: read_heavy.mutex,
                after: read_heavy.actor,
            },
        ],
    }
    .write(&ctx.out, "state-management-alternatives.yaml")?;
    Ok(())
}
