//! Issue 29 §5: what a user copies compiles in a user's crate. Each crate
//! here is made in a temporary directory outside the workspace, with only
//! the dependencies the README and the testing guide tell a user to add
//! (path dependencies standing for the git ones), and the samples they
//! show copied verbatim: the README's applications, the embedded-mock
//! application, and the test an application copies. `cargo check` starts
//! from this workspace's `Cargo.lock` (the versions tested here), and
//! fetches from the registry what a user's features need beyond it.
//!
//! It builds the dependencies again with a user's features (minutes on two
//! cores): it runs with the services suites (`FC_TEST_SERVICES=1`, as
//! `scripts/test.sh` and CI set it).

use std::path::{Path, PathBuf};
use std::process::Command;

use franceconnect_tests::harness::services_enabled;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// A crate named `name` in a fresh temporary directory: `manifest`'s
/// dependencies, and each `(path in the crate, file of this workspace)`
/// copied; `cargo check --all-targets` must pass.
fn check_user_crate(name: &str, dependencies: &str, files: &[(&str, &str)]) {
    let root = workspace();
    let dir = std::env::temp_dir().join(format!("franceconnect-user-crate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    // Its own workspace: the crate belongs to no other.
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n{dependencies}"
    )
    .replace("{root}", &root.display().to_string());
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "//! A user's crate.\n").unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    for (to, from) in files {
        let to = dir.join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join(from), &to).unwrap_or_else(|e| panic!("{from}: {e}"));
    }
    let output = Command::new(env!("CARGO"))
        .args(["check", "--all-targets", "--quiet"])
        .current_dir(&dir)
        // Shared with the workspace's builds: what matches is reused.
        .env("CARGO_TARGET_DIR", root.join("target/user-crates"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "{name}: a user's crate does not compile what the docs show:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_axum_samples_compile_in_a_user_s_crate() {
    if !services_enabled("cargo and minutes of building") {
        return;
    }
    // The README's installation lines, and the testing guide's
    // dev-dependencies.
    let dependencies = r#"[dependencies]
franceconnect-axum = { path = "{root}/franceconnect-axum", features = ["mock"] }
axum = "0.8"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
tracing = "0.1"
tracing-subscriber = "0.3"

[dev-dependencies]
franceconnect-mock = { path = "{root}/franceconnect-mock", default-features = false }
reqwest = { version = "0.12", default-features = false, features = ["cookies"] }
"#;
    check_user_crate(
        "axum-user",
        dependencies,
        &[
            ("examples/readme.rs", "franceconnect-axum/examples/axum_readme.rs"),
            (
                "examples/citizens_and_agents.rs",
                "franceconnect-axum/examples/axum_citizens_and_agents.rs",
            ),
            (
                "examples/embedded_mock.rs",
                "franceconnect-axum/examples/axum_embedded_mock.rs",
            ),
            (
                "tests/sign_in_with_the_mock.rs",
                "franceconnect-axum/tests/sign_in_with_the_mock.rs",
            ),
        ],
    );
}

#[test]
fn the_actix_samples_compile_in_a_user_s_crate() {
    if !services_enabled("cargo and minutes of building") {
        return;
    }
    let dependencies = r#"[dependencies]
franceconnect-actix = { path = "{root}/franceconnect-actix" }
actix-web = "4"
tracing = "0.1"
tracing-subscriber = "0.3"
"#;
    check_user_crate(
        "actix-user",
        dependencies,
        &[("examples/readme.rs", "franceconnect-actix/examples/actix_readme.rs")],
    );
}
