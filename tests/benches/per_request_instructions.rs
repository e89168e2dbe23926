//! A fixed number of signed-in requests on one app of the per-request
//! benchmark's pairs (`per_request_apps`), for an instruction count under
//! callgrind: no timing, so that the count is exact and repeatable. The
//! requests run inside [`signed_in_requests`] alone, so that callgrind can
//! collect only them (`--toggle-collect`): the set-up is not repeatable (the
//! mock generates its RSA keys, billions of instructions that vary from run
//! to run). Running it twice with different counts and taking the difference
//! removes what remains constant (the loop's first, cold request).
//!
//! `cargo bench -p franceconnect-tests --bench per_request_instructions -- <app> <requests>`
//! with `<app>` one of `axum-ours`, `axum-alone`, `actix-ours`, `actix-alone`;
//! `tests/benches/per_request_instructions.sh` runs all four under callgrind.
// A bench target (`harness = false`), built in release by `cargo bench`.
#![allow(missing_docs)]

mod per_request_apps;

use per_request_apps::{actix_apps, axum_apps, family_name};

/// What the command line asks for.
struct Run {
    app: String,
    requests: u32,
}

fn parse_args() -> Result<Run, String> {
    // `cargo bench` passes `--bench`; skip flags.
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let app = args.next().ok_or("missing <app>")?;
    let requests = args
        .next()
        .ok_or("missing <requests>")?
        .parse()
        .map_err(|e| format!("<requests>: {e}"))?;
    Ok(Run { app, requests })
}

/// Answers `requests` signed-in requests with `answer`, returning the last
/// answer. Never inlined: callgrind collects this function's calls only
/// (`--toggle-collect='*::signed_in_requests'`).
#[inline(never)]
fn signed_in_requests(requests: u32, answer: impl Fn() -> Vec<u8>) -> Vec<u8> {
    let mut last = Vec::new();
    for _ in 0..requests {
        last = std::hint::black_box(answer());
    }
    last
}

fn main() {
    let Run { app, requests } = match parse_args() {
        Ok(run) => run,
        Err(e) => {
            eprintln!("{e}\nusage: per_request_instructions <axum-ours|axum-alone|actix-ours|actix-alone> <requests>");
            std::process::exit(2);
        }
    };
    let (side, ours) = match app.as_str() {
        "axum-ours" => ("axum", true),
        "axum-alone" => ("axum", false),
        "actix-ours" => ("actix", true),
        "actix-alone" => ("actix", false),
        other => {
            eprintln!("unknown app {other:?}: axum-ours, axum-alone, actix-ours or actix-alone");
            std::process::exit(2);
        }
    };
    let answered = if side == "axum" {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let apps = rt.block_on(axum_apps());
        let (app, cookie) = if ours {
            (&apps.ours, &apps.ours_cookie)
        } else {
            (&apps.alone, &apps.alone_cookie)
        };
        signed_in_requests(requests, || rt.block_on(family_name(app, cookie)).into_bytes())
    } else {
        let system = actix_web::rt::System::new();
        let (_provider, ours_app, alone_app) = actix_apps(&system);
        if ours {
            signed_in_requests(requests, || ours_app().to_vec())
        } else {
            signed_in_requests(requests, || alone_app().to_vec())
        }
    };
    assert!(requests == 0 || !answered.is_empty(), "the app answered a family name");
    println!("{app}: {requests} signed-in requests answered");
}
