//! The guides: how to register a service, run it on several platforms or
//! instances, test, observe and troubleshoot it, and why it is built the
//! way it is. Each is a Markdown file of this crate's `docs/` folder, shown
//! here as a module with nothing else in it; [the crate's front page](crate)
//! lists them.
//!
//! The Rust blocks of these guides are doc tests of this crate, except those
//! of [`several_instances`] and [`observing`], which name the adapters and
//! their features (`postgres`, `metrics`): the workspace's test crate
//! (`tests/src/lib.rs`) compiles those two.

#[doc = include_str!("../docs/quickstart.md")]
pub mod quickstart {}

#[doc = include_str!("../docs/registering.md")]
pub mod registering {}

#[doc = include_str!("../docs/proconnect.md")]
pub mod proconnect {}

#[cfg_attr(not(doctest), doc = include_str!("../docs/several-instances.md"))]
#[cfg_attr(doctest, doc = "Compiled as doc tests of the workspace's test crate.")]
pub mod several_instances {}

#[doc = include_str!("../docs/states-apis.md")]
pub mod states_apis {}

#[doc = include_str!("../docs/buttons.md")]
pub mod buttons {}

#[doc = include_str!("../docs/pages.md")]
pub mod pages {}

#[doc = include_str!("../docs/sign-in-hook.md")]
pub mod sign_in_hook {}

#[doc = include_str!("../docs/protecting-routes.md")]
pub mod protecting_routes {}

#[doc = include_str!("../docs/testing.md")]
pub mod testing {}

#[cfg_attr(not(doctest), doc = include_str!("../docs/observing.md"))]
#[cfg_attr(doctest, doc = "Compiled as doc tests of the workspace's test crate.")]
pub mod observing {}

#[doc = include_str!("../docs/using-the-engine.md")]
pub mod using_the_engine {}

#[doc = include_str!("../docs/troubleshooting.md")]
pub mod troubleshooting {}

#[doc = include_str!("../docs/architecture.md")]
pub mod architecture {}

#[doc = include_str!("../docs/security.md")]
pub mod security {}

#[doc = include_str!("../docs/design-notes.md")]
pub mod design_notes {}
