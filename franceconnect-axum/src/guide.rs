//! The guide of this adapter: several platforms in one application, with
//! its example. The engine's guides, for both adapters, are in
//! [`franceconnect_tower::guide`]; [the crate's front page](crate) lists
//! them all.

#[doc = include_str!("../docs/citizens-and-agents.md")]
pub mod citizens_and_agents {}
