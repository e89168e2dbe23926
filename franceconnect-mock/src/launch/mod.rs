//! Starting and driving the mock: the builders a user configures, the
//! listener they serve on, and the handles they return.

pub(crate) mod federation;
pub(crate) mod federation_handle;
pub(crate) mod listener;
pub(crate) mod mock_handle;
pub(crate) mod provider;
