//! The SQL console's engine: SQLite (through rusqlite) over a read-only, in-memory copy of the desk's data.
//!
//! The same code runs natively in tests and inside the console's Web Worker, so the example
//! queries, the write refusal and the error positions are tested without a browser.

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, types::ValueRef};

use crate::sql::tables::{
    Cell, CellRef, QueryResult, TABLES, create_statements, decode_rows, insert_statement,
};

/// Why a load or a query failed; each message is SQLite's own where it has one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SqlError {
    /// The statement does not parse or names something unknown. `offset` is the character
    /// (not byte) position SQLite points at, when it gives one.
    #[error("{message}")]
    Invalid {
        message: String,
        offset: Option<usize>,
    },
    #[error(
        "this console only reads: the statement would change data or settings. Your cases live in the app; this is a read-only copy"
    )]
    WriteRefused,
    #[error("run one statement at a time (something follows the first ';')")]
    SeveralStatements,
    #[error("write a statement to run")]
    Empty,
    #[error("loading {table}: {message}")]
    Load { table: String, message: String },
    #[error("{0}")]
    Engine(String),
}

pub struct Engine {
    connection: Connection,
}

impl Engine {
    /// An empty database with every table created and nothing loaded.
    pub fn new() -> Result<Engine, SqlError> {
        let connection =
            Connection::open_in_memory().map_err(|e| SqlError::Engine(e.to_string()))?;
        for statement in create_statements() {
            connection
                .execute(&statement, [])
                .map_err(|e| SqlError::Engine(e.to_string()))?;
        }
        Ok(Engine { connection })
    }

    /// Fills the tables from `extract`'s encoded rows in one transaction, then makes the
    /// connection read-only. Returns the rows loaded.
    pub fn load(&mut self, tables: &[(&str, &str)]) -> Result<usize, SqlError> {
        let tx = self
            .connection
            .transaction()
            .map_err(|e| SqlError::Engine(e.to_string()))?;
        let mut loaded = 0;
        for (name, rows) in tables {
            let table = TABLES
                .iter()
                .find(|t| t.name == *name)
                .ok_or_else(|| SqlError::Load {
                    table: (*name).to_owned(),
                    message: "no such table".into(),
                })?;
            let failed = |message: String| SqlError::Load {
                table: table.name.to_owned(),
                message,
            };
            let mut insert = tx
                .prepare(&insert_statement(table))
                .map_err(|e| failed(e.to_string()))?;
            loaded += decode_rows(rows, table.columns.len(), |cells| {
                let values = cells.iter().map(|cell| {
                    rusqlite::types::ToSqlOutput::Borrowed(match cell {
                        CellRef::Null => ValueRef::Null,
                        CellRef::Int(n) => ValueRef::Integer(*n),
                        CellRef::Real(x) => ValueRef::Real(*x),
                        CellRef::Text(t) => ValueRef::Text(t.as_bytes()),
                    })
                });
                insert
                    .execute(rusqlite::params_from_iter(values))
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .map_err(failed)?;
        }
        tx.commit().map_err(|e| SqlError::Engine(e.to_string()))?;
        // Three guards from here on: the authorizer refuses anything but reading as a statement is
        // prepared, `run` checks SQLite's own read-only flag, and the connection is query-only.
        self.connection
            .pragma_update(None, "query_only", true)
            .map_err(|e| SqlError::Engine(e.to_string()))?;
        self.connection
            .authorizer(Some(only_reading))
            .map_err(|e| SqlError::Engine(e.to_string()))?;
        Ok(loaded)
    }

    /// Runs one read-only statement and returns at most `cap` rows.
    pub fn run(&self, sql: &str, cap: usize) -> Result<QueryResult, SqlError> {
        if sql.trim().trim_end_matches(';').trim().is_empty() {
            return Err(SqlError::Empty);
        }
        let mut statement = self.connection.prepare(sql).map_err(|e| invalid(e, sql))?;
        if !statement.readonly() {
            return Err(SqlError::WriteRefused);
        }
        let columns: Vec<String> = statement.column_names().map(str::to_owned).collect();
        let width = columns.len();
        let mut rows = Vec::new();
        let mut capped = false;
        let mut cursor = statement.query([]).map_err(|e| invalid(e, sql))?;
        while let Some(row) = cursor.next().map_err(|e| invalid(e, sql))? {
            if rows.len() == cap {
                capped = true;
                break;
            }
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                let value = row.get_ref(i).map_err(|e| invalid(e, sql))?;
                cells.push(match value {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(n) => Cell::Int(n),
                    ValueRef::Real(x) => Cell::Real(x),
                    ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Cell::Text(format!("<{} bytes>", b.len())),
                });
            }
            rows.push(cells);
        }
        Ok(QueryResult {
            columns,
            rows,
            capped,
        })
    }
}

/// Runs the load and a query on `rows` generated rows per table and throws the result away.
/// A fresh worker's code starts out in the browser's quick baseline compiler; this makes the
/// loading and querying paths hot, so they are optimised before the real data arrives (the page
/// is still reading it from IndexedDB meanwhile).
pub fn warm_up(rows: usize) -> Result<(), SqlError> {
    let mut engine = Engine::new()?;
    let mut tables = Vec::new();
    for table in TABLES {
        let sample: Vec<Vec<Cell>> = (0..rows)
            .map(|i| {
                table
                    .columns
                    .iter()
                    .map(|c| match c.kind {
                        "INTEGER" => Cell::Int(i64::try_from(i).unwrap_or(0)),
                        _ => Cell::Text(format!("{} {i} warm-up text of a typical length", c.name)),
                    })
                    .collect()
            })
            .collect();
        tables.push((table.name, crate::sql::tables::encode_rows(&sample)));
    }
    let borrowed: Vec<(&str, &str)> = tables.iter().map(|(n, t)| (*n, t.as_str())).collect();
    engine.load(&borrowed)?;
    engine.run("SELECT status, count(*) FROM cases GROUP BY status", 100)?;
    Ok(())
}

/// Pragmas that only report (`PRAGMA table_info(cases)`); any other pragma with a value sets something.
const REPORTING_PRAGMAS: [&str; 5] = [
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
];

fn only_reading(context: AuthContext<'_>) -> Authorization {
    match context.action {
        AuthAction::Read { .. }
        | AuthAction::Select
        | AuthAction::Function { .. }
        | AuthAction::Recursive => Authorization::Allow,
        AuthAction::Pragma {
            pragma_name,
            pragma_value,
        } if pragma_value.is_none()
            || REPORTING_PRAGMAS.contains(&pragma_name.to_ascii_lowercase().as_str()) =>
        {
            Authorization::Allow
        }
        _ => Authorization::Deny,
    }
}

fn invalid(error: rusqlite::Error, sql: &str) -> SqlError {
    match error {
        rusqlite::Error::SqlInputError { msg, offset, .. } => SqlError::Invalid {
            message: msg,
            // SQLite counts bytes; the editor counts characters.
            offset: usize::try_from(offset)
                .ok()
                .map(|bytes| sql.get(..bytes).map_or(bytes, |head| head.chars().count())),
        },
        rusqlite::Error::MultipleStatement => SqlError::SeveralStatements,
        rusqlite::Error::SqliteFailure(code, _)
            if matches!(
                code.code,
                rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::AuthorizationForStatementDenied
            ) =>
        {
            SqlError::WriteRefused
        }
        other => SqlError::Invalid {
            message: other.to_string(),
            offset: None,
        },
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
