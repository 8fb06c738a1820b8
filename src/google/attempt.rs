//! One attempt of one generated-crate call: the per-attempt timeout, the [`FailureProbe`] that
//! records what the crate drops, and the classification into [`GoogleError`].
//!
//! Every adapter method needs exactly these steps around its call, and the three crates' call
//! builders share no trait a function could take, so the steps are a macro: the caller names
//! the built call and how it is sent, the macro writes the rest.
//!
//! [`FailureProbe`]: super::errors::FailureProbe
//! [`GoogleError`]: super::errors::GoogleError

/// `attempt!(policy, call, doit())` sends `call` (a built request of any of the crates) with
/// a fresh `FailureProbe` as its delegate, cuts it off after `policy.request_timeout`, and
/// evaluates to `Result<_, GoogleError>` of what the send method returns. The send method is
/// written out because it differs: `doit()`, `doit_without_upload()`, `upload(body, mime)`.
macro_rules! attempt {
    ($policy:expr, $call:expr, $($send:tt)+) => {{
        let timeout = $policy.request_timeout;
        let mut probe = $crate::google::errors::FailureProbe::default();
        let outcome = tokio::time::timeout(timeout, $call.delegate(&mut probe).$($send)+).await;
        probe.finish(outcome, timeout)
    }};
}

pub(crate) use attempt;
