//! The same shared map built six ways, so that they can be measured under
//! the same workload (see the `measure` crate and chapter 3).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError, RwLock};

use tokio::sync::{mpsc, oneshot};

/// A concurrent `u64 -> u64` map, as the handlers of a service would use it.
pub trait SharedMap: Send + Sync + 'static {
    fn get(&self, key: u64) -> impl Future<Output = Option<u64>> + Send;
    fn put(&self, key: u64, value: u64) -> impl Future<Output = ()> + Send;
}

// ANCHOR: kv-mutex
/// One `std::sync::Mutex` around the whole map.
#[derive(Debug, Default)]
pub struct MutexMap(Mutex<HashMap<u64, u64>>);

impl SharedMap for MutexMap {
    async fn get(&self, key: u64) -> Option<u64> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).get(&key).copied()
    }
    async fn put(&self, key: u64, value: u64) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, value);
    }
}
// ANCHOR_END: kv-mutex

/// One `std::sync::RwLock`: readers share it, a writer excludes everyone.
#[derive(Debug, Default)]
pub struct StdRwLockMap(RwLock<HashMap<u64, u64>>);

impl SharedMap for StdRwLockMap {
    async fn get(&self, key: u64) -> Option<u64> {
        self.0.read().unwrap_or_else(PoisonError::into_inner).get(&key).copied()
    }
    async fn put(&self, key: u64, value: u64) {
        self.0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, value);
    }
}

// ANCHOR: kv-tokio-rwlock
/// One `tokio::sync::RwLock`: waiting tasks yield instead of blocking.
#[derive(Debug, Default)]
pub struct TokioRwLockMap(tokio::sync::RwLock<HashMap<u64, u64>>);

impl SharedMap for TokioRwLockMap {
    async fn get(&self, key: u64) -> Option<u64> {
        self.0.read().await.get(&key).copied()
    }
    async fn put(&self, key: u64, value: u64) {
        self.0.write().await.insert(key, value);
    }
}
// ANCHOR_END: kv-tokio-rwlock

// ANCHOR: kv-tokio-mutex
/// One `tokio::sync::Mutex`: a fair queue, waiting tasks are suspended.
#[derive(Debug, Default)]
pub struct TokioMutexMap(tokio::sync::Mutex<HashMap<u64, u64>>);

impl SharedMap for TokioMutexMap {
    async fn get(&self, key: u64) -> Option<u64> {
        self.0.lock().await.get(&key).copied()
    }
    async fn put(&self, key: u64, value: u64) {
        self.0.lock().await.insert(key, value);
    }
}
// ANCHOR_END: kv-tokio-mutex

// ANCHOR: kv-sharded
/// `SHARDS` independent `RwLock`s: two requests only contend when their
/// keys land in the same shard.
#[derive(Debug)]
pub struct ShardedMap {
    shards: Box<[RwLock<HashMap<u64, u64>>]>,
}

impl ShardedMap {
    pub const SHARDS: usize = 16;

    fn shard(&self, key: u64) -> &RwLock<HashMap<u64, u64>> {
        // Fibonacci hashing spreads consecutive keys over the shards.
        let hash = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        &self.shards[(hash >> 60) as usize % self.shards.len()]
    }
}
// ANCHOR_END: kv-sharded

impl Default for ShardedMap {
    fn default() -> Self {
        Self { shards: (0..Self::SHARDS).map(|_| RwLock::default()).collect() }
    }
}

impl SharedMap for ShardedMap {
    async fn get(&self, key: u64) -> Option<u64> {
        self.shard(key)
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .copied()
    }
    async fn put(&self, key: u64, value: u64) {
        self.shard(key)
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, value);
    }
}

// ANCHOR: kv-actor
/// One task owns the map; callers send it messages.
#[derive(Debug, Clone)]
pub struct ActorMap {
    tx: mpsc::Sender<Op>,
}

#[derive(Debug)]
enum Op {
    Get(u64, oneshot::Sender<Option<u64>>),
    Put(u64, u64),
}

impl ActorMap {
    /// Spawns the owning task; must be called inside a Tokio runtime.
    pub fn spawn() -> Self {
        let (tx, mut rx) = mpsc::channel(1024);
        tokio::spawn(async move {
            let mut map = HashMap::new();
            while let Some(op) = rx.recv().await {
                match op {
                    Op::Get(key, reply) => {
                        let _ = reply.send(map.get(&key).copied());
                    }
                    Op::Put(key, value) => {
                        map.insert(key, value);
                    }
                }
            }
        });
        Self { tx }
    }
}
// ANCHOR_END: kv-actor

impl SharedMap for ActorMap {
    async fn get(&self, key: u64) -> Option<u64> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Op::Get(key, reply)).await.ok()?;
        answer.await.ok().flatten()
    }
    async fn put(&self, key: u64, value: u64) {
        // Fails only if the actor has stopped, i.e. during shutdown.
        let _ = self.tx.send(Op::Put(key, value)).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Eight tasks write disjoint keys concurrently; every write must be
    /// visible afterwards, whatever the implementation.
    async fn behaves_like_a_map<M: SharedMap>(map: M) {
        let map = Arc::new(map);
        assert_eq!(map.get(1).await, None);
        let mut tasks = Vec::new();
        for t in 0..8u64 {
            let map = Arc::clone(&map);
            tasks.push(tokio::spawn(async move {
                for k in 0..100 {
                    map.put(t * 1_000 + k, k).await;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        for t in 0..8u64 {
            for k in 0..100 {
                assert_eq!(map.get(t * 1_000 + k).await, Some(k));
            }
        }
        map.put(1, 7).await;
        map.put(1, 8).await;
        assert_eq!(map.get(1).await, Some(8));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_implementation_is_a_correct_map() {
        behaves_like_a_map(MutexMap::default()).await;
        behaves_like_a_map(StdRwLockMap::default()).await;
        behaves_like_a_map(TokioRwLockMap::default()).await;
        behaves_like_a_map(TokioMutexMap::default()).await;
        behaves_like_a_map(ShardedMap::default()).await;
        behaves_like_a_map(ActorMap::spawn()).await;
    }

    #[test]
    fn keys_spread_over_all_shards() {
        let map = ShardedMap::default();
        let used: std::collections::HashSet<*const _> =
            (0..1_000).map(|k| std::ptr::from_ref(map.shard(k))).collect();
        assert_eq!(used.len(), ShardedMap::SHARDS);
    }
}
