//! Several instances of an app behind one public URL, sharing sessions in a
//! real Redis or PostgreSQL ([`SharedStoreServer`]), with one mock provider:
//! the [`Cluster`] the multi-instance scenarios run on.

use franceconnect_mock::{Client, MockHandle, MockProvider, Platform as MockPlatform};

use super::app::{AppUnderTest, Starter};
use super::shared_store::{SharedStoreKind, SharedStoreServer};

const CLIENT_ID: &str = "cluster";
const CLIENT_SECRET: &str = "cluster-secret";
/// The pending-login cookie secret shared by the instances.
pub const LOGIN_COOKIE_SECRET: &str = "franceconnect-cluster-test-login-cookie-secret";
/// The actix cookie key shared by the instances (base64 of 64 bytes); the
/// benchmarks use it too.
pub const SESSION_KEY: &str =
    "ZnJhbmNlY29ubmVjdC1jbHVzdGVyLXRlc3Qtc2Vzc2lvbi1rZXktb2YtYXQtbGVhc3Qtc2l4dHktZm91ci1ieXRlcy1sb25nISE=";

/// Two instances behind one public URL (the first one's), one mock provider,
/// one shared session store.
pub struct Cluster {
    /// Instance A; the public URL is its address.
    pub a: AppUnderTest,
    /// Instance B.
    pub b: AppUnderTest,
    /// The provider.
    pub mock: MockHandle,
    /// The store the instances share.
    pub store: SharedStoreServer,
    /// The settings every instance starts with (a restart reuses them).
    pub(crate) vars: Vec<(&'static str, String)>,
}

impl Cluster {
    /// Starts the store, the mock, and two instances.
    pub async fn start(starter: &impl Starter, kind: SharedStoreKind) -> Self {
        let store = SharedStoreServer::start(kind);
        let port = super::free_port();
        let public = format!("http://localhost:{port}");
        let mock = MockProvider::new(MockPlatform::FranceConnect)
            .client(Client::new(
                CLIENT_ID,
                CLIENT_SECRET,
                format!("{public}/auth/callback"),
                format!("{public}/auth/logout/callback"),
            ))
            .start()
            .await
            .unwrap();
        let vars = vec![
            ("FC_ISSUER", mock.issuer()),
            ("FC_CLIENT_ID", CLIENT_ID.into()),
            ("FC_CLIENT_SECRET", CLIENT_SECRET.into()),
            ("APP_URL", public),
            store.setting(),
            ("SESSION_KEY", SESSION_KEY.into()),
            ("FC_LOGIN_COOKIE_SECRET", LOGIN_COOKIE_SECRET.into()),
        ];
        let mut with_port = vars.clone();
        with_port.push(("BIND", format!("127.0.0.1:{port}")));
        let a = starter.start(with_port).await;
        let b = starter.start(vars.clone()).await;
        Self {
            a,
            b,
            mock,
            store,
            vars,
        }
    }

    /// Another instance with the same settings (a restart, a scale-out).
    pub async fn another(&self, starter: &impl Starter) -> AppUnderTest {
        starter.start(self.vars.clone()).await
    }
}
