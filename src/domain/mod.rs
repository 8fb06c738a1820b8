//! The functional core: plain data in, plain data out. Nothing in here does I/O, spawns tasks,
//! talks HTTP or SQL, or reads the clock — time is always a parameter.

pub mod actions;
pub mod doc;
