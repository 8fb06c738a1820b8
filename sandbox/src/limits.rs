//! The request body limit: the router enforces it ([`server`](super::server)) and the refusal
//! names it ([`rejections`](super::rejections)); it lives here so neither imports the other.

/// Google refuses request bodies far smaller than this for the methods we serve; anything
/// larger is an attack or a bug, and answering it from memory would let one test exhaust RAM.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
