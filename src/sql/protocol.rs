//! The messages between the SQL console page and its Web Worker.

use serde::{Deserialize, Serialize};

pub use crate::sql::tables::QueryResult;

/// What the worker sends back, as JSON text. Requests go the other way as plain JS objects
/// (`{op: "load", names, rows}` / `{op: "run", id, sql, cap}`); each table's rows are one
/// `sql::tables::encode_rows` string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply")]
pub enum Reply {
    /// The worker's wasm is running and waiting for data.
    Ready,
    Loaded {
        rows: usize,
        millis: f64,
    },
    LoadFailed {
        message: String,
    },
    Result {
        id: u32,
        result: QueryResult,
        millis: f64,
    },
    Failed {
        id: u32,
        message: String,
        offset: Option<usize>,
    },
}
