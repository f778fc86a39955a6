//! The SQL console: the messages between page and worker, and (with the `sql-engine` feature, which only the worker is built with) the SQLite engine.

#[cfg(feature = "sql-engine")]
pub mod engine;
pub mod protocol;
pub mod tables;
