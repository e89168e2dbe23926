//! The listening socket and the background task that serves on it: one
//! platform's router for a [`MockProvider`](crate::MockProvider), several
//! side by side for a [`MockFederation`](crate::MockFederation). The
//! handles of every platform served share the one [`Server`], so the
//! listener lives as long as any of them.

use std::net::SocketAddr;
use std::sync::Mutex;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::MockError;

/// A running server: its address, and how to stop it.
pub(crate) struct Server {
    /// The bound address.
    addr: SocketAddr,
    /// Asks the task to stop (taken once).
    stop: Mutex<Option<oneshot::Sender<()>>>,
    /// The serving task, awaited on shutdown (taken once).
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Server {
    // Dropping the last handle stops serving: a test that forgets to shut
    // the mock down does not leave a listener behind.
    fn drop(&mut self) {
        if let Some(stop) = self.stop.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = stop.send(());
        }
    }
}

impl Server {
    /// The bound address.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for the task to finish (at once when
    /// already stopped).
    pub(crate) async fn shutdown(&self) {
        let stop = self.stop.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// Binds `addr` (such as `"127.0.0.1:0"`); returns the listener and the
/// address actually bound.
pub(crate) async fn bind(addr: &str) -> Result<(TcpListener, SocketAddr), MockError> {
    let error = |source| MockError::Bind {
        addr: addr.to_owned(),
        source,
    };
    let listener = TcpListener::bind(addr).await.map_err(error)?;
    let bound = listener.local_addr().map_err(error)?;
    Ok((listener, bound))
}

/// The origin issuers are built from: `public_base_url` when given, else
/// `http://{addr}`, with `127.0.0.1` for an unspecified IP (a browser
/// cannot reach `0.0.0.0`).
pub(crate) fn origin(addr: SocketAddr, public_base_url: Option<String>) -> String {
    match public_base_url {
        Some(url) => url,
        None if addr.ip().is_unspecified() => format!("http://127.0.0.1:{}", addr.port()),
        None => format!("http://{addr}"),
    }
}

/// Serves `app` on `listener` (bound at `addr`) in a background task until
/// shut down.
pub(crate) fn serve(listener: TcpListener, addr: SocketAddr, app: Router) -> Server {
    // Answers leave at once: without TCP_NODELAY, Nagle's algorithm holds
    // a small write until the client's delayed ACK.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "mock provider stopped");
        }
    });
    Server {
        addr,
        stop: Mutex::new(Some(stop)),
        task: Mutex::new(Some(task)),
    }
}
