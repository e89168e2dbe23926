//! The multi-instance scenarios: several instances of an app behind one
//! public URL, sharing sessions in a real Redis or a real PostgreSQL (a
//! [`Cluster`]): a login may begin on one instance and end on another, an
//! instance may restart, the store may fail. Each adapter runs these on
//! both stores with [`shared_store_suite!`](crate::shared_store_suite).

use std::time::{Duration, Instant};

use franceconnect_mock::Endpoint;
use reqwest::StatusCode;

use crate::harness::{AppUnderTest, Browser, Cluster, Page, SharedStoreKind, Starter};

/// The same request sent to another instance: same path and query.
fn on(instance: &AppUnderTest, page_location: &Page) -> String {
    format!("{}{}", instance.local, page_location.location_path())
}

/// Begins a login on `start` and returns the provider's redirect back (to
/// the public URL), without following it.
async fn begin(b: &Browser, start: &AppUnderTest) -> Page {
    let login = b.get(&format!("{}/auth/login?return_to=%2Fprofil", start.local)).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
    let back = b.get(login.location.unwrap().as_str()).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    back
}

async fn me(b: &Browser, instance: &AppUnderTest) -> Page {
    b.get_json(&format!("{}/api/me", instance.local)).await
}

/// A login begun on A completes on B; both see the user; logout on B signs
/// the user out on A.
pub async fn login_hops_between_instances(starter: &impl Starter, kind: SharedStoreKind) {
    let c = Cluster::start(starter, kind).await;
    c.mock.auto_approve(Some("default"), None);
    let b = Browser::new(&c.a.base);
    let back = begin(&b, &c.a).await;
    let done = b.get(&on(&c.b, &back)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "completed on B: {}", done.body);
    assert_eq!(done.location_path(), "/profil");
    let on_a = me(&b, &c.a).await;
    let on_b = me(&b, &c.b).await;
    assert_eq!(on_a.status, StatusCode::OK);
    assert_eq!(on_b.status, StatusCode::OK);
    assert_eq!(on_a.json()["sub"], on_b.json()["sub"]);

    let out = b
        .post_form(&format!("{}/auth/logout", c.b.local), &[], &b.origin())
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        me(&b, &c.a).await.status,
        StatusCode::UNAUTHORIZED,
        "signed out on A too"
    );
    let end = b.get(out.location.unwrap().as_str()).await;
    let callback = b.get(&on(&c.a, &end)).await;
    assert_eq!(
        callback.status,
        StatusCode::SEE_OTHER,
        "the logout state is found on A: {}",
        callback.body
    );
    assert_eq!(callback.location_path(), "/");
    assert_eq!(c.mock.request_count(Endpoint::SessionEnd), 1);
}

/// Pending logins and signed-in users survive an instance going down and
/// coming back.
pub async fn instances_restart_without_losing_sessions(starter: &impl Starter, kind: SharedStoreKind) {
    let Cluster {
        a,
        b: instance_b,
        mock,
        store,
        vars,
    } = Cluster::start(starter, kind).await;
    let cluster_vars = vars;
    mock.auto_approve(Some("default"), None);
    let browser = Browser::new(&a.base);
    let back = begin(&browser, &a).await;
    drop(a);
    drop(instance_b);
    let restarted = starter.start(cluster_vars.clone()).await;
    let done = browser.get(&on(&restarted, &back)).await;
    assert_eq!(
        done.status,
        StatusCode::SEE_OTHER,
        "the pending login survived: {}",
        done.body
    );
    drop(restarted);
    let again = starter.start(cluster_vars).await;
    assert_eq!(
        me(&browser, &again).await.status,
        StatusCode::OK,
        "the signed-in user survived"
    );
    drop(store);
}

async fn wait_until_served(b: &Browser, instance: &AppUnderTest, kind: SharedStoreKind) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        let status = me(b, instance).await.status;
        if status == StatusCode::OK || status == StatusCode::UNAUTHORIZED {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the instance did not recover after {} came back", kind.name());
}

/// The store stops during a login: a clear 503, nobody signed in, no panic;
/// once it is back, the next login succeeds without restarting anything.
/// Anonymous visits never touch the store, so they are served throughout.
pub async fn a_store_outage_gives_503_and_recovers(starter: &impl Starter, kind: SharedStoreKind) {
    let mut c = Cluster::start(starter, kind).await;
    c.mock.auto_approve(Some("default"), None);
    let signed = Browser::new(&c.a.base);
    let done = signed.get(&on(&c.a, &begin(&signed, &c.a).await)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let b = Browser::new(&c.a.base);
    let back = begin(&b, &c.a).await;
    c.store.stop();
    let page = b.get(&on(&c.b, &back)).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", page.body);
    assert!(page.body.contains("indisponible"), "{}", page.body);
    let api = me(&signed, &c.a).await;
    assert_eq!(
        api.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "a signed-in visit needs the store"
    );
    assert_eq!(api.json()["error"], "session_unavailable");
    assert_eq!(me(&b, &c.a).await.status, StatusCode::UNAUTHORIZED, "nobody signed in");
    let login = b.get(&format!("{}/auth/login", c.a.local)).await;
    assert_eq!(
        login.status,
        StatusCode::SEE_OTHER,
        "a login starts without the store: the pending login is in its cookie"
    );

    c.store.restart();
    // The session signed in before the outage reaches the store again
    // (PostgreSQL kept it: 200; Redis lost it: 401, an ordinary visitor).
    wait_until_served(&signed, &c.a, kind).await;
    wait_until_served(&signed, &c.b, kind).await;
    if kind == SharedStoreKind::Postgres {
        assert_eq!(
            me(&signed, &c.b).await.status,
            StatusCode::OK,
            "PostgreSQL kept the signed-in session through its restart"
        );
    }
    let back = begin(&b, &c.a).await;
    let done = b.get(&on(&c.b, &back)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(me(&b, &c.a).await.status, StatusCode::OK);
}

/// A store that hangs (frozen processes) gives a 503 within the store's
/// time limit, not a hung request; it recovers when the store resumes.
pub async fn a_frozen_store_gives_503_in_time(starter: &impl Starter, kind: SharedStoreKind) {
    let c = Cluster::start(starter, kind).await;
    c.mock.auto_approve(Some("default"), None);
    let b = Browser::new(&c.a.base);
    let back = begin(&b, &c.a).await;
    b.get(&on(&c.b, &back)).await;
    assert_eq!(me(&b, &c.b).await.status, StatusCode::OK);
    c.store.pause();
    let asked = Instant::now();
    let page = me(&b, &c.a).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    // The store's limit is 2 s; the rest is room for a loaded machine.
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "answered in {:?}",
        asked.elapsed()
    );
    c.store.resume();
    wait_until_served(&b, &c.a, kind).await;
    assert_eq!(me(&b, &c.a).await.status, StatusCode::OK, "the session is still there");
}

/// How many logins run at once in [`five_hundred_logins_at_once`].
pub const LOAD_LOGINS: usize = 500;

/// 500 logins in flight at once through the provider's login page, spread
/// over the two instances (begun on one, completed on the other): every one
/// succeeds and every `/api/me` returns its own person.
pub async fn five_hundred_logins_at_once(starter: &impl Starter, kind: SharedStoreKind) {
    let c = Cluster::start(starter, kind).await;
    let people = c.mock.identities();
    let instances = [c.a.local.clone(), c.b.local.clone()];
    let public = c.a.base.clone();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..LOAD_LOGINS {
        let person = people[i % people.len()].clone();
        let (first, second) = (instances[i % 2].clone(), instances[(i + 1) % 2].clone());
        let public = public.clone();
        tasks.spawn(async move {
            let b = Browser::new(&public);
            let start = format!("{first}/auth/login?return_to=%2Fprofil");
            let back = b.through_provider_page(&start, Some(&person.id), "eidas1").await;
            let done = b.get(&format!("{second}{}", back.location_path())).await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}: {}", person.id, done.body);
            let me = b.get_json(&format!("{first}/api/me")).await;
            (person, me.status, me.body)
        });
    }
    let mut subs = std::collections::HashMap::new();
    let mut completed = 0;
    while let Some(result) = tasks.join_next().await {
        let (person, status, body) = result.expect("no task panicked");
        assert_eq!(status, StatusCode::OK, "{}: {body}", person.id);
        let me: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            me["family_name"], person.family_name,
            "each browser sees its own person"
        );
        assert_eq!(me["birthdate"], person.birthdate);
        let sub = me["sub"].as_str().unwrap().to_owned();
        assert_eq!(
            subs.entry(person.id.clone()).or_insert_with(|| sub.clone()),
            &sub,
            "one sub per person"
        );
        completed += 1;
    }
    let elapsed = started.elapsed();
    assert_eq!(completed, LOAD_LOGINS);
    let distinct: std::collections::HashSet<_> = subs.values().collect();
    assert_eq!(distinct.len(), subs.len(), "different people, different subs");
    println!(
        "LOAD ({}): {LOAD_LOGINS} concurrent logins over 2 instances in {:.2} s = {:.0} logins/s",
        kind.name(),
        elapsed.as_secs_f64(),
        LOAD_LOGINS as f64 / elapsed.as_secs_f64()
    );
}

/// Anonymous logins, on either instance, store nothing (no Redis key, no
/// row): only a completed sign-in does.
pub async fn anonymous_logins_leave_the_shared_store_empty(starter: &impl Starter, kind: SharedStoreKind) {
    let c = Cluster::start(starter, kind).await;
    c.mock.auto_approve(Some("default"), None);
    let b = Browser::new(&c.a.base);
    for i in 0..200 {
        let instance = if i % 2 == 0 { &c.a } else { &c.b };
        let login = b
            .get(&format!("{}/auth/login?return_to=%2Fprofil", instance.local))
            .await;
        assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
    }
    assert_eq!(c.store.session_count(), 0, "200 anonymous logins stored nothing");
    let back = begin(&b, &c.a).await;
    let done = b.get(&on(&c.b, &back)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(c.store.session_count(), 1, "one signed-in session");
}

/// A session the store lost (evicted, flushed, a row deleted) while the
/// browser still holds its cookie, a moment after the sign-in: an ordinary
/// signed-out visitor on every instance — 401 for the API, the home page
/// served, the way to the login open — never a 500; signing in again works.
pub async fn a_session_the_store_lost_is_an_ordinary_visitor(starter: &impl Starter, kind: SharedStoreKind) {
    let c = Cluster::start(starter, kind).await;
    c.mock.auto_approve(Some("default"), None);
    let b = Browser::new(&c.a.base);
    let done = b.get(&on(&c.b, &begin(&b, &c.a).await)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(me(&b, &c.a).await.status, StatusCode::OK);
    c.store.forget_sessions();
    for instance in [&c.a, &c.b] {
        let api = me(&b, instance).await;
        assert_eq!(api.status, StatusCode::UNAUTHORIZED, "{}", api.body);
        let home = b.get(&format!("{}/", instance.local)).await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
        let profile = b.get(&format!("{}/profil", instance.local)).await;
        assert_eq!(profile.status, StatusCode::SEE_OTHER, "to the login: {}", profile.body);
    }
    let done = b.get(&on(&c.b, &begin(&b, &c.a).await)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(me(&b, &c.a).await.status, StatusCode::OK, "signed in again");
}
