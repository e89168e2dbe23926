//! The provider's JWKS cache: the cost of a hit, a cold start under 1,000
//! concurrent validations (which must cause exactly one fetch), and a flood
//! of 10,000 tokens with random unknown kids over 10 s (at most one refetch
//! per cooldown, 30 s by default). Prints the figures; panics if a count is
//! wrong.
//!
//! `cargo bench -p franceconnect-tower --features __private --bench jwks_cache`
// criterion's macros generate public functions that carry no docs.
#![allow(missing_docs)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use franceconnect_tower::__private::provider_keys_for;
use franceconnect_tower::{FranceConnect, Platform};
use support::TestProvider;

/// A provider on loopback and an engine for it that has fetched nothing.
async fn provider_and_engine() -> (TestProvider, Arc<FranceConnect>) {
    let tp = TestProvider::start().await;
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    (tp, Arc::new(fc))
}

fn hit(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (tp, fc) = rt.block_on(async {
        let (tp, fc) = provider_and_engine().await;
        assert_eq!(provider_keys_for(&fc, Some(&tp.key.kid)).await.unwrap(), 1);
        (tp, fc)
    });
    c.bench_function("jwks_cache/hit", |b| {
        b.to_async(&rt)
            .iter(|| async { provider_keys_for(&fc, Some(&tp.key.kid)).await.unwrap() })
    });
}

/// 1,000 validations at once on an engine that has fetched nothing.
fn cold_start() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (tp, fc) = provider_and_engine().await;
        let started = Instant::now();
        let tasks: Vec<_> = (0..1_000)
            .map(|_| {
                let fc = fc.clone();
                let kid = tp.key.kid.clone();
                tokio::spawn(async move { provider_keys_for(&fc, Some(&kid)).await.unwrap() })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap(), 1);
        }
        let elapsed = started.elapsed();
        let fetches = tp.jwks_hits.load(Ordering::SeqCst);
        println!("jwks_cache/cold_start: 1000 concurrent lookups in {elapsed:?}, {fetches} JWKS fetch(es)");
        assert_eq!(fetches, 1, "exactly one fetch for a cold start");
    });
}

/// 10,000 unknown kids spread over 10 s.
fn unknown_kid_flood() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (tp, fc) = provider_and_engine().await;
        provider_keys_for(&fc, Some(&tp.key.kid)).await.unwrap();
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(10_000);
        for i in 0..10_000u32 {
            // 1,000 per second.
            let due = Duration::from_millis(u64::from(i));
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                tokio::time::sleep(wait).await;
            }
            let fc = fc.clone();
            let kid = format!("inconnue-{:016x}", rand_kid(i));
            tasks.push(tokio::spawn(async move { provider_keys_for(&fc, Some(&kid)).await }));
        }
        let mut refused = 0;
        for task in tasks {
            refused += usize::from(task.await.unwrap().is_err());
        }
        let elapsed = started.elapsed();
        let fetches = tp.jwks_hits.load(Ordering::SeqCst);
        println!(
            "jwks_cache/unknown_kid_flood: 10000 unknown kids in {elapsed:?}, {refused} refused, {fetches} JWKS fetches (1 initial + refetches)"
        );
        assert_eq!(refused, 10_000);
        let cooldowns = elapsed.as_secs() / 30 + 1;
        assert!(fetches as u64 <= 1 + cooldowns, "at most one refetch per cooldown");
    });
}

/// A well-mixed 64-bit value from `i` (splitmix64), for kids nobody has.
fn rand_kid(i: u32) -> u64 {
    let mut z = u64::from(i).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn counts(_: &mut Criterion) {
    cold_start();
    unknown_kid_flood();
}

criterion_group!(benches, hit, counts);
criterion_main!(benches);
