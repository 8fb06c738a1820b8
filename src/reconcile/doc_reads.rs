//! The doc of one series during one pass, read at most once unless we write to it, so the
//! observation, the harvests and the section writes of the same doc share one `documents.get`.

use super::series_doc::SeriesDoc;
use crate::domain::doc::Doc;
use crate::google::{Clients, GoogleError};

pub(super) struct DocReads<'c> {
    clients: &'c Clients,
    pub doc: SeriesDoc,
    read: Option<Doc>,
    /// The tab the last read was of: a re-read after a write stays on it.
    tab: Option<String>,
}

impl<'c> DocReads<'c> {
    /// Starts from `read` if the doc was already read this pass.
    pub fn new(clients: &'c Clients, doc: SeriesDoc, read: Option<Doc>) -> Self {
        let tab = read.as_ref().and_then(|d| d.tab_id.clone());
        DocReads {
            clients,
            doc,
            read,
            tab,
        }
    }

    /// The doc as last read, reading it if needed.
    pub async fn read(&mut self) -> Result<&Doc, GoogleError> {
        let doc = match self.read.take() {
            Some(doc) => doc,
            None => read_doc(self.clients, &self.doc.id, self.tab.as_deref()).await?,
        };
        self.tab = doc.tab_id.clone();
        Ok(self.read.insert(doc))
    }

    /// Forgets the read after a write or a conflict.
    pub fn invalidate(&mut self) {
        self.read = None;
    }

    pub fn clients(&self) -> &'c Clients {
        self.clients
    }
}

/// One `documents.get`, parsed, on tab `tab` if the doc still has it (else the tab with our
/// sections, else the first: `domain::doc_json`). A body we cannot parse is a permanent
/// failure of that read.
pub(super) async fn read_doc(
    clients: &Clients,
    id: &str,
    tab: Option<&str>,
) -> Result<Doc, GoogleError> {
    let json = clients.docs.get(id).await?;
    Doc::from_json_in(&json, tab).map_err(|e| GoogleError::Permanent {
        code: Some(200),
        reason: Some("unreadableDocument".into()),
        message: format!("document {id}: {e}"),
    })
}
