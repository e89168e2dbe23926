//! How long the engine takes to sign a user in, end to end on loopback
//! against the mock provider: `begin_login` (metadata cached), and a whole
//! login (begin, authorize at the provider, code exchange, ID token and
//! userinfo checks) on FranceConnect and on FranceConnect+ with each
//! encryption algorithm. The provider's own work (signing, encrypting) is
//! included: compare runs, not absolute values.
//!
//! `cargo bench -p franceconnect-tests --bench login`
// criterion's macros generate public functions that carry no docs.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use franceconnect_tests::{login, pair};
use franceconnect_tower::{EncryptionAlg, LoginOptions, Platform};

fn logins(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("login");
    group.sample_size(30);

    let fc = rt.block_on(async {
        let p = pair(Platform::FranceConnect, None).await;
        p.mock.auto_approve(Some("default"), None);
        login(&p, LoginOptions::default()).await.unwrap(); // warm the caches
        p
    });
    group.bench_function("begin_login", |b| {
        b.to_async(&rt)
            .iter(|| async { fc.fc.begin_login(LoginOptions::default()).await.unwrap() })
    });
    group.bench_function("full_login/fc", |b| {
        b.to_async(&rt)
            .iter(|| async { login(&fc, LoginOptions::default()).await.unwrap() })
    });
    for alg in EncryptionAlg::ALL {
        let plus = rt.block_on(async {
            let p = pair(Platform::FranceConnectPlus, Some(alg)).await;
            p.mock.auto_approve(Some("default"), None);
            login(&p, LoginOptions::default()).await.unwrap();
            p
        });
        group.bench_function(format!("full_login/fcplus/{alg}"), |b| {
            b.to_async(&rt)
                .iter(|| async { login(&plus, LoginOptions::default()).await.unwrap() })
        });
    }
    group.finish();
}

criterion_group!(benches, logins);
criterion_main!(benches);
