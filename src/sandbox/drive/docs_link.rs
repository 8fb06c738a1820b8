//! Where Drive reaches into Docs: a Google Doc created or renamed through Drive must exist (or
//! be retitled) in the Docs API too, under the same id.
//!
//! SHIM until the `sandbox-docs` branch is merged: its `DocsState` offers
//! `create(&mut self, title: &str) -> String` (mints the document id) and
//! `set_title(&mut self, id: &str, title: &str) -> Result<(), DocsError>`. Once it is on main,
//! replace the two bodies below with `w.docs.create(title)` and
//! `let _ = w.docs.set_title(id, title);` — nothing else in Drive changes.

use crate::sandbox::state::World;

/// Creates the Docs document for a new Google Doc and returns its id (Drive uses the same id).
pub fn create_document(w: &mut World, title: &str) -> String {
    let _ = title;
    w.ids.next("doc")
}

/// Keeps the Docs title in step with a Drive rename.
pub fn retitle(w: &mut World, id: &str, title: &str) {
    let _ = (w, id, title);
}
