//! Where Drive reaches into Docs: a Google Doc created or renamed through Drive must exist (or
//! be retitled) in the Docs API too, under the same id.

use crate::state::World;

/// Creates the Docs document for a new Google Doc and returns its id (Drive uses the same id).
pub fn create_document(w: &mut World, title: &str) -> String {
    w.docs.create(title)
}

/// Keeps the Docs title in step with a Drive rename.
pub fn retitle(w: &mut World, id: &str, title: &str) {
    let _ = w.docs.set_title(id, title);
}
