//! The functional core: plain data in, plain data out. Nothing in here does I/O, spawns tasks,
//! talks HTTP or SQL, or reads the clock — time is always a parameter.

pub mod date_text;
pub mod doc;
#[cfg(test)]
pub(crate) mod doc_build;
pub mod doc_check;
pub mod doc_json;
pub mod edit;
pub mod sections;
pub mod template;
