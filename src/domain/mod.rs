//! The functional core: plain data in, plain data out. Nothing in here does I/O, spawns tasks,
//! talks HTTP or SQL, or reads the clock — time is always a parameter.

pub mod doc;
pub mod doc_check;
pub mod doc_json;
#[cfg(test)]
pub(crate) mod doc_build;
pub mod date_text;
pub mod sections;
pub mod edit;
pub mod template;
