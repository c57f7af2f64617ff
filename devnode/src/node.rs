//! Running a devnode: configuration, the HTTP listener and the handle that stops it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::sync::Arc;
use std::thread::JoinHandle;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use crate::chain::{ChainConfig, DEFAULT_CHAIN_ID};
use crate::rpc::{serve_http, ChainThread};

/// Default JSON-RPC port (Nitro's dev node uses 8547).
pub const DEFAULT_PORT: u16 = 8547;

/// How to run a devnode.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Interface to listen on (default 127.0.0.1).
    pub host: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Chain parameters (chain id 412346 by default).
    pub chain: ChainConfig,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            chain: ChainConfig {
                chain_id: DEFAULT_CHAIN_ID,
                ..ChainConfig::default()
            },
        }
    }
}

/// A running devnode. Dropping it stops the server.
pub struct DevnodeHandle {
    address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl DevnodeHandle {
    /// `http://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The bound socket address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves on the calling thread's behalf until the server thread ends (in practice until
    /// the process exits); used by the binary's main thread.
    pub fn wait(mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

impl Drop for DevnodeHandle {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

/// Starts a devnode on 127.0.0.1 with an ephemeral port and the default chain.
pub fn spawn_local() -> std::io::Result<DevnodeHandle> {
    spawn(NodeConfig {
        port: 0,
        ..NodeConfig::default()
    })
}

/// Starts a devnode; returns once the listener is bound (requests are queued from then on).
/// The server runs on its own thread and runtime, so this works from sync code and from inside
/// a tokio runtime alike.
pub fn spawn(config: NodeConfig) -> std::io::Result<DevnodeHandle> {
    let listener = StdListener::bind(SocketAddr::new(config.host, config.port))?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let chain = Arc::new(ChainThread::start(config.chain)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("devnode-rpc")
        .enable_all()
        .build()?;
    let (shutdown, stopped) = oneshot::channel();
    let server = std::thread::Builder::new()
        .name("devnode-server".into())
        .spawn(move || runtime.block_on(accept_loop(listener, chain, stopped)))?;
    Ok(DevnodeHandle {
        address,
        shutdown: Some(shutdown),
        server: Some(server),
    })
}

/// Accepts connections until `stopped` fires (or its sender is dropped).
async fn accept_loop(
    listener: StdListener,
    chain: Arc<ChainThread>,
    mut stopped: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let chain = chain.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| serve_http(chain.clone(), request));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}
