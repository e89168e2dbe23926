//! The README's application snippets are the compiled examples, verbatim:
//! a user who copies one gets code that builds. (Every other Rust block of
//! the README is compiled as a doc test of this crate: `ReadmeDoctests`.)

#[test]
fn the_readme_shows_the_compiled_examples() {
    let readme = include_str!("../../README.md");
    for (path, example) in [
        (
            "franceconnect-axum/examples/axum_readme.rs",
            include_str!("../../franceconnect-axum/examples/axum_readme.rs"),
        ),
        (
            "franceconnect-axum/examples/axum_citizens_and_agents.rs",
            include_str!("../../franceconnect-axum/examples/axum_citizens_and_agents.rs"),
        ),
        (
            "franceconnect-actix/examples/actix_readme.rs",
            include_str!("../../franceconnect-actix/examples/actix_readme.rs"),
        ),
    ] {
        assert!(
            readme.contains(&format!("```rust,no_run\n{example}```")),
            "the README's copy of {path} differs from the file: paste the file again"
        );
    }
    assert!(!readme.contains("rust,ignore"), "a README snippet escapes the compiler");
}
