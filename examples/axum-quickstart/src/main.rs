//! The axum quickstart is not written yet: it arrives with the axum adapter.
//!
//! Until then this binary only says so, so that nobody mistakes it for a
//! working sign-in.
#![forbid(unsafe_code)]

fn main() {
    eprintln!(
        "The axum quickstart is not available yet: the axum adapter is still being built. \
         See the README for the project's status."
    );
    std::process::exit(2);
}
