//! The PostgreSQL session stores of both adapters, against a real
//! PostgreSQL: what the multi-instance suite does not show from outside.

use std::collections::HashMap;
use std::time::Duration;

use actix_session::storage::SessionStore as ActixStore;
use franceconnect_actix::PostgresSessionStore as ActixPostgresStore;
use franceconnect_tests::PostgresServer;
use franceconnect_tests::harness::services_enabled;
use franceconnect_tower::web::adapter::PostgresSessions;
use franceconnect_tower::web::tower::PostgresSessionStore as TowerPostgresStore;
use tower_sessions::SessionStore as TowerStore;
use tower_sessions::cookie::time::{Duration as TimeDuration, OffsetDateTime};
use tower_sessions::session::{Id, Record};

/// The quickstarts' setup: the pool, the table, the cleanup task.
async fn sessions(server: &PostgresServer) -> PostgresSessions {
    quickstart_support::postgres_sessions(&server.url()).await.unwrap()
}

fn record() -> Record {
    Record {
        id: Id::default(),
        data: HashMap::from([("franceconnect.user".to_owned(), serde_json::json!({"sub": "someone"}))]),
        expiry_date: OffsetDateTime::now_utc() + TimeDuration::minutes(30),
    }
}

fn actix_state() -> HashMap<String, String> {
    HashMap::from([("franceconnect.user".to_owned(), "\"someone\"".to_owned())])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tower_a_late_save_never_brings_a_deleted_session_back() {
    if !services_enabled("PostgreSQL") {
        return;
    }
    let server = PostgresServer::start();
    let store = TowerPostgresStore::new(sessions(&server).await);
    let mut session = record();
    store.create(&mut session).await.unwrap();
    assert_eq!(store.load(&session.id).await.unwrap().unwrap().data, session.data);
    // The logout deletes the session while another request still runs...
    store.delete(&session.id).await.unwrap();
    // ...which then saves what it had read.
    store.save(&session).await.unwrap();
    assert!(store.load(&session.id).await.unwrap().is_none(), "it stays deleted");
    assert_eq!(server.session_count(), 0, "and no row came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlx_store_would_resurrect_it() {
    // Why the tower side does not use tower-sessions-sqlx-store's
    // PostgresStore: the same sequence signs the user back in.
    use tower_sessions_sqlx_store::PostgresStore;
    if !services_enabled("PostgreSQL") {
        return;
    }
    let server = PostgresServer::start();
    let pool = sqlx::PgPool::connect(&server.url()).await.unwrap();
    let store = PostgresStore::new(pool);
    store.migrate().await.unwrap();
    let mut session = record();
    store.create(&mut session).await.unwrap();
    store.delete(&session.id).await.unwrap();
    store.save(&session).await.unwrap();
    assert!(store.load(&session.id).await.unwrap().is_some(), "signed back in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_a_late_update_never_brings_a_deleted_session_back() {
    if !services_enabled("PostgreSQL") {
        return;
    }
    let server = PostgresServer::start();
    let store = ActixPostgresStore::new(sessions(&server).await);
    let ttl = actix_web::cookie::time::Duration::minutes(30);
    let key = store.save(actix_state(), &ttl).await.unwrap();
    assert_eq!(store.load(&key).await.unwrap(), Some(actix_state()));
    let original = key.as_ref().to_owned();
    store.delete(&key).await.unwrap();
    let kept = store.update(key, actix_state(), &ttl).await.unwrap();
    assert_eq!(kept.as_ref(), original, "the cookie keeps naming the deleted session");
    assert!(store.load(&kept).await.unwrap().is_none(), "which stays deleted");
    store.update_ttl(&kept, &ttl).await.unwrap();
    assert!(
        store.load(&kept).await.unwrap().is_none(),
        "even when its expiry is pushed back"
    );
    assert_eq!(server.session_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_holds_no_session_id_and_no_data_in_clear() {
    if !services_enabled("PostgreSQL") {
        return;
    }
    let server = PostgresServer::start();
    let sessions = sessions(&server).await;
    let actix = ActixPostgresStore::new(sessions.clone());
    let tower = TowerPostgresStore::new(sessions);
    let ttl = actix_web::cookie::time::Duration::minutes(30);
    let key = actix.save(actix_state(), &ttl).await.unwrap();
    assert!(key.as_ref().len() >= 43, "a 256-bit key");
    let mut session = record();
    tower.create(&mut session).await.unwrap();
    assert_eq!(server.session_count(), 2);
    let dump =
        server.query("SELECT encode(id_hash, 'hex') || ':' || encode(data, 'escape') FROM franceconnect_sessions");
    for id in [key.as_ref().to_owned(), session.id.to_string()] {
        assert!(!dump.contains(&id), "{id} is in the table: {dump}");
        let hash = server.query(&format!(
            "SELECT count(*) FROM franceconnect_sessions WHERE id_hash = sha256('{id}'::bytea)"
        ));
        assert_eq!(hash, "1", "the row is found by the id's SHA-256");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sessions_are_not_served_and_their_rows_are_removed() {
    if !services_enabled("PostgreSQL") {
        return;
    }
    let server = PostgresServer::start();
    // Without the quickstart's cleanup task, whose first round could run
    // in the middle of this test.
    let pool = sqlx::PgPool::connect(&server.url()).await.unwrap();
    let sessions = PostgresSessions::new(pool);
    sessions.migrate().await.unwrap();
    assert!(sessions.insert("short", b"{}", Duration::from_secs(1)).await.unwrap());
    assert!(sessions.insert("long", b"{}", Duration::from_secs(600)).await.unwrap());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(sessions.load("short").await.unwrap().is_none(), "expired: not served");
    assert!(
        !sessions.update("short", b"{}", Duration::from_secs(600)).await.unwrap(),
        "nor revived"
    );
    assert!(!sessions.extend("short", Duration::from_secs(600)).await.unwrap());
    assert_eq!(server.session_count(), 2, "the row is still there until the cleanup");
    assert_eq!(sessions.delete_expired().await.unwrap(), 1);
    assert_eq!(server.session_count(), 1);
    assert!(sessions.load("long").await.unwrap().is_some());

    // A backlog larger than one batch goes in one call.
    let backlog = franceconnect_tower::web::adapter::CLEANUP_BATCH as usize + 500;
    server.query(&format!(
        "INSERT INTO franceconnect_sessions SELECT sha256(i::text::bytea), ''::bytea, now() - interval '1 hour' \
         FROM generate_series(1, {backlog}) AS i"
    ));
    assert_eq!(sessions.delete_expired().await.unwrap(), backlog as u64);
    assert_eq!(server.session_count(), 1);

    // The cleanup task does the same on its own.
    assert!(sessions.insert("brief", b"{}", Duration::from_secs(1)).await.unwrap());
    let cleanup = sessions.spawn_cleanup(Duration::from_millis(200));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.session_count() != 1 {
        assert!(std::time::Instant::now() < deadline, "the cleanup task removed nothing");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    cleanup.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_once() {
    if !services_enabled("PostgreSQL") {
        return;
    }
    let server = PostgresServer::start();
    let pool = sqlx::PgPool::connect(&server.url()).await.unwrap();
    let mut starts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let sessions = PostgresSessions::new(pool.clone()).with_table("app_sessions").unwrap();
        starts.spawn(async move { sessions.migrate().await });
    }
    while let Some(done) = starts.join_next().await {
        done.unwrap().expect("every concurrent migration succeeds");
    }
    let sessions = PostgresSessions::new(pool).with_table("app_sessions").unwrap();
    assert!(sessions.insert("id", b"{}", Duration::from_secs(60)).await.unwrap());
    assert!(
        !sessions.insert("id", b"{}", Duration::from_secs(60)).await.unwrap(),
        "a taken id is refused"
    );
    assert_eq!(server.query("SELECT count(*) FROM app_sessions"), "1");
    assert_eq!(
        server.query("SELECT count(*) FROM pg_indexes WHERE tablename = 'app_sessions'"),
        "2",
        "the primary key and the expiry index"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_survive_a_database_restart() {
    if !services_enabled("PostgreSQL") {
        return;
    }
    let mut server = PostgresServer::start();
    let sessions = sessions(&server).await;
    assert!(sessions.insert("one", b"{}", Duration::from_secs(60)).await.unwrap());
    server.restart();
    // The pool replaces its broken connections by itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        match sessions.load("one").await {
            Ok(found) => {
                assert!(found.is_some(), "the session is still there");
                break;
            }
            Err(error) => assert!(std::time::Instant::now() < deadline, "never recovered: {error}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_unreachable_database_fails_the_start_clearly() {
    let error = quickstart_support::postgres_sessions("postgres://app:secret-password@127.0.0.1:1/app")
        .await
        .unwrap_err();
    assert!(error.starts_with("cannot reach PostgreSQL at "), "{error}");
    assert!(
        !error.contains("secret-password"),
        "the password stays out of messages: {error}"
    );
}
