//! An actor: one task owns the audit log; everyone else sends it messages.

use std::collections::VecDeque;

use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// Assigned by the actor: a total order without any lock.
    pub seq: u64,
    pub message: String,
}

/// The audit task has stopped (the runtime is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("the audit log task is not running")]
pub struct AuditLogStopped;

// ANCHOR: actor-messages
/// What callers can ask of the actor. A reply travels back on a `oneshot`.
#[derive(Debug)]
enum Command {
    Record(String),
    Recent { limit: usize, reply: oneshot::Sender<Vec<AuditEvent>> },
}

/// A cheap, cloneable handle: it only holds the sending half of a channel.
#[derive(Debug, Clone)]
pub struct AuditLog {
    tx: mpsc::Sender<Command>,
}
// ANCHOR_END: actor-messages

// ANCHOR: actor-state
/// The state only the actor task touches: no lock anywhere.
#[derive(Debug)]
struct Actor {
    events: VecDeque<AuditEvent>,
    capacity: usize,
    next_seq: u64,
}
// ANCHOR_END: actor-state

// ANCHOR: actor-handle
impl Actor {
    fn handle(&mut self, command: Command) {
        match command {
            Command::Record(message) => {
                if self.events.len() == self.capacity {
                    self.events.pop_front();
                }
                let seq = self.next_seq;
                self.next_seq += 1;
                self.events.push_back(AuditEvent { seq, message });
            }
            Command::Recent { limit, reply } => {
                let newest = self.events.iter().rev().take(limit);
                let _ = reply.send(newest.cloned().collect()); // caller gone?
            }
        }
    }
}
// ANCHOR_END: actor-handle

impl AuditLog {
    // ANCHOR: actor-spawn
    /// Spawns the actor task. It keeps the last `capacity` events and ends
    /// when the last `AuditLog` handle is dropped.
    pub fn spawn(capacity: usize) -> Self {
        let (tx, mut rx) = mpsc::channel(256); // bounded: back-pressure
        let mut actor = Actor {
            events: VecDeque::with_capacity(capacity),
            capacity,
            next_seq: 1,
        };
        tokio::spawn(async move {
            while let Some(command) = rx.recv().await {
                actor.handle(command);
            }
        });
        Self { tx }
    }
    // ANCHOR_END: actor-spawn

    pub async fn record(
        &self,
        message: impl Into<String>,
    ) -> Result<(), AuditLogStopped> {
        self.tx
            .send(Command::Record(message.into()))
            .await
            .map_err(|_| AuditLogStopped)
    }

    // ANCHOR: actor-api
    /// Asks the actor and waits for its answer on a oneshot channel.
    pub async fn recent(
        &self,
        limit: usize,
    ) -> Result<Vec<AuditEvent>, AuditLogStopped> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Command::Recent { limit, reply })
            .await
            .map_err(|_| AuditLogStopped)?;
        answer.await.map_err(|_| AuditLogStopped)
    }
    // ANCHOR_END: actor-api
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_the_newest_events_in_order() {
        let log = AuditLog::spawn(2);
        for message in ["a", "b", "c"] {
            log.record(message).await.unwrap();
        }
        let recent = log.recent(10).await.unwrap();
        let seqs: Vec<u64> = recent.iter().map(|e| e.seq).collect();
        let messages: Vec<&str> =
            recent.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(seqs, [3, 2]);
        assert_eq!(messages, ["c", "b"]);
    }

    #[tokio::test]
    async fn concurrent_senders_get_unique_sequence_numbers() {
        let log = AuditLog::spawn(1000);
        let mut tasks = Vec::new();
        for i in 0..10 {
            let log = log.clone();
            tasks.push(tokio::spawn(async move {
                for j in 0..10 {
                    log.record(format!("{i}-{j}")).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let mut seqs: Vec<u64> =
            log.recent(1000).await.unwrap().iter().map(|e| e.seq).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=100).collect::<Vec<_>>());
    }
}
