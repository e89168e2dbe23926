//! Who may see a page, and who may sign in: the guard and its requirements
//! (signed in, citizen or agent, level reached or a step-up), the levels as
//! types, the application's sign-in hook, and the cross-site check of a
//! logout.

pub(crate) mod cross_site;
pub(crate) mod guard;
pub mod level;
pub(crate) mod sign_in_hook;
