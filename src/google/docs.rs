//! Docs v1: read a document as wire JSON, and apply one batch of edits guarded by a revision.
//!
//! Writes carry `writeControl.requiredRevisionId` from the read they were planned on, so a
//! person typing in the doc meanwhile turns our write into [`GoogleError::RevisionConflict`]
//! (re-read, re-plan) instead of text landing in the wrong place. That guard is also what makes
//! retrying a write safe: if a timed-out attempt was in fact applied, the retry conflicts rather
//! than inserting twice. A write without a required revision is therefore retried only when
//! Google refused it outright (rate limits), never after a timeout or 5xx.

use google_docs1::api::{
    BatchUpdateDocumentRequest, BatchUpdateDocumentResponse, Request, WriteControl,
};
use google_docs1::Docs;
use serde_json::Value;

use super::attempt::attempt;
use super::connector::HttpsConnector;
use super::errors::GoogleError;
use super::quota::Gate;
use super::retry::{retry_if, with_retry, RetryPolicy};
use super::scopes;
use super::wire::body_json;

/// Docs v1 as one served user.
pub struct DocsApi {
    hub: Docs<HttpsConnector>,
    policy: RetryPolicy,
    /// Docs counts reads and writes against separate budgets (`google::quota`).
    reads: Gate,
    writes: Gate,
}

impl DocsApi {
    pub(crate) fn new(
        hub: Docs<HttpsConnector>,
        policy: RetryPolicy,
        reads: Gate,
        writes: Gate,
    ) -> Self {
        DocsApi {
            hub,
            policy,
            reads,
            writes,
        }
    }

    /// The document as Google's wire JSON with every tab (`includeTabsContent=true`: each
    /// tab's content under `tabs[].documentTab`), ready for `domain::doc`, which picks the tab
    /// our sections are in. Without it Google shows only the first tab, which moves when a
    /// person adds a tab before ours ("Work with tabs"). Its `revisionId` is what
    /// [`DocsApi::batch_update`] requires.
    pub async fn get(&self, document_id: &str) -> Result<Value, GoogleError> {
        with_retry(
            &self.policy,
            &self.reads,
            "docs.documents.get",
            || async move {
                let call = self
                    .hub
                    .documents()
                    .get(document_id)
                    .include_tabs_content(true)
                    .add_scope(scopes::DOCUMENTS);
                let (response, document) = attempt!(self.policy, call, doit())?;
                Ok(body_json(response, &document).await)
            },
        )
        .await
    }

    /// The document's current `revisionId` alone (`documents.get` with the `fields` mask
    /// `revisionId`): the cheap "did it change?" for docs Drive's change list cannot report
    /// (adopted docs under `drive.file`), and the cheapest call that proves the `documents`
    /// scope. `None` when Google sent no revision.
    pub async fn revision_id(&self, document_id: &str) -> Result<Option<String>, GoogleError> {
        with_retry(
            &self.policy,
            &self.reads,
            "docs.documents.get",
            || async move {
                let call = self
                    .hub
                    .documents()
                    .get(document_id)
                    .param("fields", "revisionId")
                    .add_scope(scopes::DOCUMENTS);
                let (_, document) = attempt!(self.policy, call, doit())?;
                Ok(document.revision_id)
            },
        )
        .await
    }

    /// Applies `requests` in order, in one `batchUpdate`. With `required_revision_id`, a refusal
    /// because the document changed is [`GoogleError::RevisionConflict`].
    pub async fn batch_update(
        &self,
        document_id: &str,
        requests: Vec<Request>,
        required_revision_id: Option<String>,
    ) -> Result<BatchUpdateDocumentResponse, GoogleError> {
        let guarded = required_revision_id.is_some();
        let body = BatchUpdateDocumentRequest {
            requests: Some(requests),
            write_control: required_revision_id.map(|id| WriteControl {
                required_revision_id: Some(id),
                target_revision_id: None,
            }),
        };
        let body = &body;
        let retryable = if guarded {
            GoogleError::is_retryable
        } else {
            GoogleError::is_refusal
        };
        retry_if(
            &self.policy,
            &self.writes,
            "docs.documents.batchUpdate",
            retryable,
            || async move {
                let call = self
                    .hub
                    .documents()
                    .batch_update(body.clone(), document_id)
                    .add_scope(scopes::DOCUMENTS);
                let result = attempt!(self.policy, call, doit()).map(|(_, reply)| reply);
                if guarded {
                    result.map_err(GoogleError::into_revision_conflict)
                } else {
                    result
                }
            },
        )
        .await
    }
}
