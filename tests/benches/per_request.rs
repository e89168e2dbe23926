//! What being signed in costs on every request, by the clock. Each pair
//! answers the same signed-in `GET /me` with the person's family name, in
//! process (no network): our app (the FranceConnect layer or middleware, and
//! the `Citizen` extractor) against the same app with the session library
//! alone reading the same `SignedInUser` from the session and deriving the
//! same pivot identity (the apps: `per_request_apps`). The session of our app
//! comes from a real login against the mock provider. On a noisy VM, count
//! instructions instead: `tests/benches/per_request_instructions.sh`.
//!
//! `cargo bench -p franceconnect-tests --bench per_request`
// criterion's macros generate public functions that carry no docs.
#![allow(missing_docs)]

mod per_request_apps;

use criterion::{Criterion, criterion_group, criterion_main};
use per_request_apps::{actix_apps, axum_apps, family_name};

fn axum_requests(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let apps = rt.block_on(axum_apps());
    let (ours, ours_cookie, alone, alone_cookie) = (&apps.ours, &apps.ours_cookie, &apps.alone, &apps.alone_cookie);
    let mut group = c.benchmark_group("signed_in_request/axum");
    group.bench_function("franceconnect_layer", |b| {
        b.to_async(&rt).iter(|| family_name(ours, ours_cookie))
    });
    group.bench_function("tower_sessions_alone", |b| {
        b.to_async(&rt).iter(|| family_name(alone, alone_cookie))
    });
    group.finish();
    interleaved(
        "axum",
        || rt.block_on(family_name(ours, ours_cookie)),
        || rt.block_on(family_name(alone, alone_cookie)),
    );
}

/// Alternates short runs of `ours` and `alone` (2,000 requests each, 31
/// rounds, the order swapped every round) and prints the median of the
/// per-round ratios with its quartiles. On a VM whose speed drifts within
/// minutes, two criterion runs one after the other can disagree by more
/// than the overhead sought; adjacent short runs see the same machine.
fn interleaved<A, B>(name: &str, mut ours: impl FnMut() -> A, mut alone: impl FnMut() -> B) {
    const REQUESTS: u32 = 2_000;
    let time = |f: &mut dyn FnMut()| {
        let started = std::time::Instant::now();
        for _ in 0..REQUESTS {
            f();
        }
        started.elapsed() / REQUESTS
    };
    let mut ratios = Vec::new();
    let (mut ours_us, mut alone_us) = (Vec::new(), Vec::new());
    for round in 0..31 {
        let (a, b) = if round % 2 == 0 {
            let a = time(&mut || drop(std::hint::black_box(ours())));
            (a, time(&mut || drop(std::hint::black_box(alone()))))
        } else {
            let b = time(&mut || drop(std::hint::black_box(alone())));
            (time(&mut || drop(std::hint::black_box(ours()))), b)
        };
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
        ours_us.push(a.as_secs_f64() * 1e6);
        alone_us.push(b.as_secs_f64() * 1e6);
    }
    let quartiles = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 4], v[v.len() / 2], v[3 * v.len() / 4])
    };
    let (q1, median, q3) = quartiles(&mut ratios);
    println!(
        "signed_in_request/{name}/interleaved: ours {:.1} µs, alone {:.1} µs (medians); ratio median {median:.3}× (quartiles {q1:.3}–{q3:.3}, 31 rounds of {REQUESTS})",
        quartiles(&mut ours_us).1,
        quartiles(&mut alone_us).1,
    );
}

fn actix_requests(c: &mut Criterion) {
    let system = actix_web::rt::System::new();
    let (_provider, ours, alone) = actix_apps(&system);
    let mut group = c.benchmark_group("signed_in_request/actix");
    group.bench_function("franceconnect_middleware", |b| b.iter(&ours));
    group.bench_function("actix_session_alone", |b| b.iter(&alone));
    group.finish();
    interleaved("actix", &ours, &alone);
}

criterion_group!(benches, axum_requests, actix_requests);
criterion_main!(benches);
