//! Writes the seed corpus of each fuzz target under `fuzz/corpus/<target>/`
//! (run from the workspace root:
//! `cargo run -p franceconnect-tower --features __private --example fuzz_seeds`). The
//! seeds carry fresh times and encryptions, so they are made, not committed.

fn main() -> std::io::Result<()> {
    let seeds = franceconnect_tower::__private::fuzz::seeds();
    for (target, inputs) in [
        ("compact_token", &seeds.compact_token),
        ("claims", &seeds.claims),
        ("callback_query", &seeds.callback_query),
        ("jwks", &seeds.jwks),
        ("login_cookie", &seeds.login_cookie),
        ("stored_session", &seeds.stored_session),
    ] {
        let dir = std::path::Path::new("fuzz/corpus").join(target);
        std::fs::create_dir_all(&dir)?;
        for (i, input) in inputs.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i}")), input)?;
        }
    }
    Ok(())
}
