//! actix-web with Redis: a request that finishes just after a logout must
//! never sign the user back in. actix-session's Redis store re-creates a
//! deleted session under a new key when an update misses; the quickstart's
//! store (`NoResurrection` around it) drops such a save. Against a real
//! Redis.

use std::collections::HashMap;

use actix_session::storage::{RedisSessionStore, SessionKey, SessionStore};
use actix_web::cookie::time::Duration;
use franceconnect_tests::RedisServer;
use franceconnect_tests::harness::services_enabled;

fn signed_in_state() -> HashMap<String, String> {
    HashMap::from([("franceconnect.user".to_owned(), "\"someone\"".to_owned())])
}

async fn deleted_then_updated(store: &impl SessionStore) -> (SessionKey, String) {
    let ttl = Duration::minutes(30);
    let key = store.save(signed_in_state(), &ttl).await.unwrap();
    let original = key.as_ref().to_owned();
    // The logout deletes the session while another request still runs...
    store.delete(&key).await.unwrap();
    // ...which then saves what it had read.
    let kept = store.update(key, signed_in_state(), &ttl).await.unwrap();
    (kept, original)
}

#[tokio::test]
async fn a_late_save_never_brings_a_deleted_session_back() {
    if !services_enabled("Redis") {
        return;
    }
    let redis = RedisServer::start();
    let store = actix_quickstart::redis_store(&redis.url()).await.unwrap();
    let (kept, original) = deleted_then_updated(&store).await;
    assert_eq!(kept.as_ref(), original, "the cookie keeps naming the deleted session");
    assert!(store.load(&kept).await.unwrap().is_none(), "which stays deleted");
    assert_eq!(redis.key_count(), 0, "and nothing was re-created under another key");
}

#[tokio::test]
async fn the_bare_redis_store_would_resurrect_it() {
    // What the wrapper is for, shown on the bare store: the test above
    // would fail without it.
    if !services_enabled("Redis") {
        return;
    }
    let redis = RedisServer::start();
    let store = RedisSessionStore::new(redis.url()).await.unwrap();
    let (kept, original) = deleted_then_updated(&store).await;
    assert_ne!(kept.as_ref(), original);
    assert!(
        store.load(&kept).await.unwrap().is_some(),
        "signed back in under a new key"
    );
    assert_eq!(redis.key_count(), 1);
}
