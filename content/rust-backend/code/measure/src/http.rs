//! A real server on 127.0.0.1 in its own runtime, and a minimal HTTP/1.1
//! client (hyper) to load it.

use std::io;
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::BoxError;

/// `router` served by `axum::serve` on a runtime with `workers` threads,
/// in a thread of its own, until `stop`.
#[derive(Debug)]
pub struct Server {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    thread: JoinHandle<io::Result<()>>,
}

impl Server {
    pub fn start(router: Router, workers: usize) -> Result<Self, BoxError> {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await?;
                let _ = addr_tx.send(listener.local_addr()?);
                axum::serve(listener, router)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await
            })
        });
        match addr_rx.recv() {
            Ok(addr) => Ok(Self { addr, stop, thread }),
            Err(_) => match thread.join() {
                Ok(Err(err)) => Err(err.into()),
                _ => Err("server thread ended before listening".into()),
            },
        }
    }

    pub fn stop(self) -> Result<(), BoxError> {
        let _ = self.stop.send(());
        self.thread.join().map_err(|_| "server thread panicked")??;
        Ok(())
    }
}

/// The Actix-web version of Example 1 on 127.0.0.1, `workers` worker
/// threads, in a thread of its own (Actix's `System`), until `stop`.
#[derive(Debug)]
pub struct ActixServer {
    pub addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
    thread: JoinHandle<io::Result<()>>,
}

impl ActixServer {
    pub fn start(
        store: rest_api::Store,
        workers: usize,
    ) -> Result<Self, BoxError> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = rest_api_actix::server(store, listener, workers)?;
                let _ = handle_tx.send(server.handle());
                server.await
            })
        });
        match handle_rx.recv() {
            Ok(handle) => Ok(Self { addr, handle, thread }),
            Err(_) => match thread.join() {
                Ok(Err(err)) => Err(err.into()),
                _ => Err("actix server thread ended before serving".into()),
            },
        }
    }

    /// Graceful stop; call from inside a Tokio runtime, then `join`.
    pub async fn stop(self) -> JoinHandle<io::Result<()>> {
        self.handle.stop(true).await;
        self.thread
    }
}

pub fn join(thread: JoinHandle<io::Result<()>>) -> Result<(), BoxError> {
    thread.join().map_err(|_| "server thread panicked")??;
    Ok(())
}

pub type Client = SendRequest<Full<Bytes>>;

/// Opens one keep-alive HTTP/1.1 connection.
pub async fn connect(addr: SocketAddr) -> Result<Client, BoxError> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (client, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await; // ends when `client` is dropped
    });
    Ok(client)
}

/// Sends one request, reads the whole body, fails on a non-2xx status.
pub async fn send(
    client: &mut Client,
    request: Request<Full<Bytes>>,
) -> Result<StatusCode, BoxError> {
    client.ready().await?;
    let response = client.send_request(request).await?;
    let status = response.status();
    response.into_body().collect().await?;
    if !status.is_success() {
        return Err(format!("unexpected status {status}").into());
    }
    Ok(status)
}

pub fn get(path: &str) -> Result<Request<Full<Bytes>>, BoxError> {
    Ok(Request::get(path)
        .header(header::HOST, "localhost")
        .body(Full::default())?)
}

pub fn post_json(
    path: &str,
    json: &'static str,
) -> Result<Request<Full<Bytes>>, BoxError> {
    Ok(Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(json.as_bytes())))?)
}

/// Builds the `i`-th request of a run.
pub type MakeRequest = fn(usize) -> Result<Request<Full<Bytes>>, BoxError>;

/// `connections` keep-alive connections, each sending `per_connection`
/// requests back to back. Returns requests per second.
pub async fn throughput(
    addr: SocketAddr,
    connections: usize,
    per_connection: usize,
    make: MakeRequest,
) -> Result<f64, BoxError> {
    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        clients.push(connect(addr).await?);
    }
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(c, mut client)| {
            tokio::spawn(async move {
                for i in 0..per_connection {
                    send(&mut client, make(c * per_connection + i)?).await?;
                }
                Ok::<_, BoxError>(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok((connections * per_connection) as f64 / started.elapsed().as_secs_f64())
}

/// Latencies of `count` sequential requests, one at a time.
pub async fn latencies(
    addr: SocketAddr,
    count: usize,
    new_connection_each_time: bool,
    make: MakeRequest,
) -> Result<Vec<Duration>, BoxError> {
    let mut samples = Vec::with_capacity(count);
    let mut client = connect(addr).await?;
    for i in 0..count {
        let started = Instant::now();
        if new_connection_each_time {
            client = connect(addr).await?;
        }
        send(&mut client, make(i)?).await?;
        samples.push(started.elapsed());
    }
    Ok(samples)
}

/// Nearest-rank percentile, `q` in (0, 1].
pub fn percentile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort_unstable();
    let rank =
        ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
    samples[rank - 1]
}

pub fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut samples: Vec<Duration> =
            (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&mut samples, 0.5), Duration::from_millis(50));
        assert_eq!(percentile(&mut samples, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&mut samples, 1.0), Duration::from_millis(100));
    }
}
