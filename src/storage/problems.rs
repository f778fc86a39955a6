//! Problem records and the one-transaction resolve that carries a problem's fix to its cases.

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use uuid::Uuid;

use super::StorageError;
use super::cases::{Change, read_all, write_changes};
use super::records::{Loaded, decode_all, decode_problem, encode_problem};
use super::schema::{
    CASE_PAGES, CLOCK_PAGES, LOG_PAGES, META, NEXT_PROBLEM_NUMBER, PROBLEMS, TEXT_PAGES,
};
use super::transactions::{begin, begin_writing};
use crate::domain::problem::{Problem, ProblemKey};

pub async fn load_problems(db: &Database) -> Result<Loaded<Problem>, StorageError> {
    let tx = begin(db, PROBLEMS)?;
    let (keys, values) = read_all(&tx.object_store(PROBLEMS)?).await?;
    Ok(decode_all(&keys, &values, decode_problem))
}

/// Opens a problem with the next `PRB-` number, allocated in the same transaction.
pub async fn create_problem(
    db: &Database,
    title: &str,
    description: &str,
    id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Problem, StorageError> {
    let tx = begin_writing(db, [PROBLEMS, META])?;
    let meta = tx.object_store(META)?;
    let stored: Option<u32> = meta.get(NEXT_PROBLEM_NUMBER).primitive()?.await?;
    let number = stored.unwrap_or(1);
    let problem = Problem::open(title, description, id, ProblemKey(number), actor, now)
        .map_err(|e| StorageError::Rejected(e.to_string()))?;
    super::records::refuse_invalid(&problem)?;
    tx.object_store(PROBLEMS)?
        .put(encode_problem(&problem))
        .with_key(problem.id.to_string())
        .build()?;
    meta.put(number.saturating_add(1))
        .with_key(NEXT_PROBLEM_NUMBER)
        .build()?;
    tx.commit().await?;
    Ok(problem)
}

/// Saves the resolved problem and every cascaded case change together: all of it, or none.
pub async fn resolve_problem(
    db: &Database,
    expected_revision: u64,
    resolved: &Problem,
    cascade: &[Change],
) -> Result<(), StorageError> {
    let tx = begin_writing(
        db,
        [PROBLEMS, CASE_PAGES, LOG_PAGES, TEXT_PAGES, CLOCK_PAGES],
    )?;
    super::records::refuse_invalid(resolved)?;
    let problems = tx.object_store(PROBLEMS)?;
    let key = resolved.id.to_string();
    let stored: Option<String> = problems.get(key.as_str()).primitive()?.await?;
    let current = match stored {
        Some(text) => decode_problem(&key, &text)?,
        None => return Err(StorageError::NotFound(format!("problem {}", resolved.key))),
    };
    if current.revision != expected_revision {
        return Err(StorageError::Conflict {
            what: resolved.key.to_string(),
            expected: expected_revision,
            found: current.revision,
        });
    }
    problems
        .put(encode_problem(resolved))
        .with_key(key)
        .build()?;
    write_changes(&tx, &Change::as_batch(cascade)).await?;
    tx.commit().await?;
    Ok(())
}
