//! The applications shown in the README and in the guides are the compiled
//! examples, verbatim: a user who copies one gets code that builds. (Every
//! other Rust block is a doc test: the README's and those of the guides
//! that name the adapters with their features are this crate's,
//! `ReadmeDoctests` and the `…GuideDoctests`; the other guides are their
//! own crate's.)

/// The README and every guide, with the path each is read from.
const DOCUMENTS: &[(&str, &str)] = &[
    ("README.md", include_str!("../../README.md")),
    (
        "franceconnect-axum/docs/citizens-and-agents.md",
        include_str!("../../franceconnect-axum/docs/citizens-and-agents.md"),
    ),
    (
        "franceconnect-tower/docs/architecture.md",
        include_str!("../../franceconnect-tower/docs/architecture.md"),
    ),
    (
        "franceconnect-tower/docs/buttons.md",
        include_str!("../../franceconnect-tower/docs/buttons.md"),
    ),
    (
        "franceconnect-tower/docs/design-notes.md",
        include_str!("../../franceconnect-tower/docs/design-notes.md"),
    ),
    (
        "franceconnect-tower/docs/observing.md",
        include_str!("../../franceconnect-tower/docs/observing.md"),
    ),
    (
        "franceconnect-tower/docs/states-apis.md",
        include_str!("../../franceconnect-tower/docs/states-apis.md"),
    ),
    (
        "franceconnect-tower/docs/pages.md",
        include_str!("../../franceconnect-tower/docs/pages.md"),
    ),
    (
        "franceconnect-tower/docs/proconnect.md",
        include_str!("../../franceconnect-tower/docs/proconnect.md"),
    ),
    (
        "franceconnect-tower/docs/protecting-routes.md",
        include_str!("../../franceconnect-tower/docs/protecting-routes.md"),
    ),
    (
        "franceconnect-tower/docs/quickstart.md",
        include_str!("../../franceconnect-tower/docs/quickstart.md"),
    ),
    (
        "franceconnect-tower/docs/registering.md",
        include_str!("../../franceconnect-tower/docs/registering.md"),
    ),
    (
        "franceconnect-tower/docs/security.md",
        include_str!("../../franceconnect-tower/docs/security.md"),
    ),
    (
        "franceconnect-tower/docs/several-instances.md",
        include_str!("../../franceconnect-tower/docs/several-instances.md"),
    ),
    (
        "franceconnect-tower/docs/sign-in-hook.md",
        include_str!("../../franceconnect-tower/docs/sign-in-hook.md"),
    ),
    (
        "franceconnect-tower/docs/testing.md",
        include_str!("../../franceconnect-tower/docs/testing.md"),
    ),
    (
        "franceconnect-tower/docs/troubleshooting.md",
        include_str!("../../franceconnect-tower/docs/troubleshooting.md"),
    ),
    (
        "franceconnect-tower/docs/using-the-engine.md",
        include_str!("../../franceconnect-tower/docs/using-the-engine.md"),
    ),
    (
        "franceconnect-cli/docs/operating.md",
        include_str!("../../franceconnect-cli/docs/operating.md"),
    ),
];

fn document(path: &str) -> &'static str {
    DOCUMENTS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("{path} is not in DOCUMENTS"))
}

#[test]
fn the_readme_and_the_guides_show_the_compiled_examples() {
    for (document_path, path, example) in [
        (
            "README.md",
            "franceconnect-axum/examples/axum_readme.rs",
            include_str!("../../franceconnect-axum/examples/axum_readme.rs"),
        ),
        (
            "README.md",
            "franceconnect-actix/examples/actix_readme.rs",
            include_str!("../../franceconnect-actix/examples/actix_readme.rs"),
        ),
        (
            "franceconnect-axum/docs/citizens-and-agents.md",
            "franceconnect-axum/examples/axum_citizens_and_agents.rs",
            include_str!("../../franceconnect-axum/examples/axum_citizens_and_agents.rs"),
        ),
    ] {
        assert!(
            document(document_path).contains(&format!("```rust,no_run\n{example}```")),
            "{document_path}'s copy of {path} differs from the file: paste the file again"
        );
    }
}

#[test]
fn no_block_of_the_readme_or_the_guides_escapes_the_compiler() {
    for (path, text) in DOCUMENTS {
        assert!(!text.contains("rust,ignore"), "a block of {path} escapes the compiler");
        for fence in text.lines().filter(|l| l.starts_with("```") && l.len() > 3) {
            let lang = &fence[3..];
            assert!(
                ["rust", "rust,no_run", "sh", "text", "toml", "sql"].contains(&lang),
                "{path}: a ```{lang} block: say `rust` (or `rust,no_run`) for Rust, or the block's language"
            );
        }
        assert!(
            !text.lines().any(|l| l == "```") || balanced_fences(text),
            "{path}: a block opens without a language, which rustdoc compiles as Rust"
        );
    }
}

/// Every opening fence names its language: the bare ``` lines are exactly
/// the closing ones.
fn balanced_fences(text: &str) -> bool {
    let mut open = false;
    for line in text.lines().filter(|l| l.starts_with("```")) {
        if open {
            if line != "```" {
                return false;
            }
            open = false;
        } else {
            if line == "```" {
                return false;
            }
            open = true;
        }
    }
    !open
}

#[test]
fn the_readme_lists_every_guide() {
    let readme = document("README.md");
    for (path, _) in DOCUMENTS.iter().filter(|(p, _)| *p != "README.md") {
        assert!(readme.contains(&format!("]({path})")), "README.md does not link {path}");
    }
    assert!(
        readme.lines().count() <= 250,
        "README.md is a path, not the reference: the guides hold the rest"
    );
}
