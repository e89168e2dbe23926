//! [`FederationHandle`]: a running [`MockFederation`](crate::MockFederation),
//! its address and each platform's [`MockHandle`].

use std::net::SocketAddr;
use std::sync::Arc;

use crate::config::Platform;
use crate::launch::listener::Server;
use crate::launch::mock_handle::MockHandle;

/// A running federation. Cheap to clone; the listener stops on
/// [`FederationHandle::shutdown`], or when the last clone and the last
/// handle of each of its platforms are dropped (a platform's handle keeps
/// it alive).
#[derive(Clone)]
pub struct FederationHandle {
    /// One per platform, in the order they were configured.
    handles: Vec<MockHandle>,
    server: Arc<Server>,
}

impl std::fmt::Debug for FederationHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FederationHandle")
            .field("addr", &self.server.addr())
            .field("platforms", &self.handles)
            .finish()
    }
}

impl FederationHandle {
    /// The handles of a started federation.
    pub(crate) fn new(handles: Vec<MockHandle>, server: Arc<Server>) -> Self {
        FederationHandle { handles, server }
    }

    /// The bound address, shared by every platform.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The handle of `platform` (its issuer, scenarios, counters…), `None`
    /// when the federation does not serve it.
    pub fn handle(&self, platform: Platform) -> Option<&MockHandle> {
        self.handles.iter().find(|handle| handle.platform() == platform)
    }

    /// Every platform's handle, in the order they were configured.
    pub fn handles(&self) -> &[MockHandle] {
        &self.handles
    }

    /// Stops the listener, every platform with it, and waits for it to
    /// finish.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
