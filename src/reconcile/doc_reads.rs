//! The doc of one series during one pass, read at most once unless we write to it, so the
//! observation, the harvests and the section writes of the same doc share one `documents.get`.

use super::series_doc::SeriesDoc;
use crate::domain::doc::Doc;
use crate::google::{Clients, GoogleError};

pub(super) struct DocReads<'c> {
    clients: &'c Clients,
    pub doc: SeriesDoc,
    read: Option<Doc>,
}

impl<'c> DocReads<'c> {
    /// Starts from `read` if the doc was already read this pass.
    pub fn new(clients: &'c Clients, doc: SeriesDoc, read: Option<Doc>) -> Self {
        DocReads { clients, doc, read }
    }

    /// The doc as last read, reading it if needed.
    pub async fn read(&mut self) -> Result<&Doc, GoogleError> {
        let doc = match self.read.take() {
            Some(doc) => doc,
            None => read_doc(self.clients, &self.doc.id).await?,
        };
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

/// One `documents.get`, parsed. A body we cannot parse is a permanent failure of that read.
pub(super) async fn read_doc(clients: &Clients, id: &str) -> Result<Doc, GoogleError> {
    let json = clients.docs.get(id).await?;
    Doc::from_json(&json).map_err(|e| GoogleError::Permanent {
        code: Some(200),
        reason: Some("unreadableDocument".into()),
        message: format!("document {id}: {e}"),
    })
}
