//! Unsaved text kept while a person types: write it, read it back on the next visit, remove it; the one place drafts reach storage.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::AppError;
use super::state::{database_ready, database_when_open};
/// Which form a draft belongs to; pages name drafts only through it.
pub use crate::storage::DraftKey;
use crate::storage::drafts as stored;
/// What a saving form had of its draft (the save consumes that and nothing else), and the
/// fingerprint it remembers a put-back draft by.
pub use crate::storage::drafts::{FormDraft, fingerprint};

/// Keeps one form's draft writes in the order they were asked for. Each write waits for the
/// database (typing can start before start-up has opened it), and waiting writes wake in no
/// particular order; a write that wakes after a later one has begun is dropped, since it holds
/// older text. IndexedDB runs the writes that do begin in the order they began.
#[derive(Clone, Default)]
pub struct DraftOrder {
    issued: Arc<AtomicU64>,
    begun: Arc<AtomicU64>,
}

/// One write's place in its form's `DraftOrder`, taken when its text is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DraftTurn(u64);

impl DraftOrder {
    /// The next place in line.
    pub fn turn(&self) -> DraftTurn {
        DraftTurn(
            self.issued
                .fetch_add(1, Ordering::Relaxed)
                .saturating_add(1),
        )
    }

    /// Drops every write asked for so far that has not begun: the text is being saved for real
    /// (that transaction deletes the draft) and a late write must not bring the draft back.
    pub fn supersede(&self) {
        let DraftTurn(now) = self.turn();
        self.begun.fetch_max(now, Ordering::Relaxed);
    }

    /// Whether `turn` may begin now (no later turn has begun and nothing superseded it), and if
    /// so marks it begun, so every earlier turn is dropped from here on.
    pub fn begin(&self, DraftTurn(turn): DraftTurn) -> bool {
        self.begun.fetch_max(turn, Ordering::Relaxed) < turn
    }
}

/// What became of one ordered draft write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    Written,
    /// A later write or a real save came first; this older text was not written.
    Superseded,
}

/// Keeps `text` as the draft `key` once the database is open, in `turn` of `order`; an empty
/// text removes the draft. `writer` names the form that typed it (one per form on a page);
/// a draft another writer left there, that `seen` says this one never had, is set aside
/// rather than replaced (two tabs typing into one form).
pub async fn keep_in_turn(
    order: &DraftOrder,
    turn: DraftTurn,
    key: &DraftKey,
    text: &str,
    writer: &str,
    seen: impl Fn(&str) -> bool,
) -> Result<Kept, AppError> {
    let db = database_ready().await?;
    if !order.begin(turn) {
        return Ok(Kept::Superseded);
    }
    stored::save_draft_as(&db, key, text, writer, seen).await?;
    Ok(Kept::Written)
}

/// Keeps `text`, what `writer`'s form holds unsaved, in `turn` of `order`, unless storage holds
/// it already: another tab's save deleted the form's draft (and what was set aside for it)
/// while this form still shows its own text. Whether anything was written.
pub async fn keep_if_lost(
    order: &DraftOrder,
    turn: DraftTurn,
    key: &DraftKey,
    text: &str,
    writer: &str,
) -> Result<bool, AppError> {
    let db = database_ready().await?;
    if !order.begin(turn) {
        return Ok(false);
    }
    Ok(stored::keep_unless_held(&db, key, text, writer).await?)
}

/// Removes what `form` had of its draft once the database is open: the person discarded what
/// the form showed. Another tab's text the form never had stays stored. The form's pending
/// writes must have been superseded first (`DraftOrder::supersede`), or one of them could bring
/// the draft back.
pub async fn remove(form: &FormDraft) -> Result<(), AppError> {
    stored::consume_draft(&database_ready().await?, form).await?;
    Ok(())
}

/// The draft `key`, once the database is open: `Ok(None)` when there is definitely none, an
/// error when it could not be read (a caller must then not start a new draft over it).
pub async fn read(key: &DraftKey) -> Result<Option<String>, AppError> {
    let Some(db) = database_when_open().await else {
        return Err(AppError::Refused("the database is not open".into()));
    };
    Ok(stored::load_draft(&db, key).await?)
}

/// Keeps `earlier`, the draft `key` held before the person typed something else, with the form
/// until it is saved for real: their typing replaces the draft, and this keeps what it replaced.
pub async fn set_aside(key: &DraftKey, earlier: &str) -> Result<(), AppError> {
    stored::set_aside_draft(&database_ready().await?, key, earlier).await?;
    Ok(())
}

/// Discards the set-aside texts `shown` for `key`: the person read them in the form's notice
/// and asked for them to go. Texts set aside since then stay.
pub async fn discard_set_aside(key: &DraftKey, shown: &[String]) -> Result<(), AppError> {
    stored::discard_set_aside(&database_ready().await?, key, shown).await?;
    Ok(())
}

/// The draft `key` as `read` gives it, and the drafts set aside for it by other writers than
/// `writer` (other tabs, earlier visits), oldest first: what a form reads when it opens.
pub async fn read_with_set_aside(
    key: &DraftKey,
    writer: &str,
) -> Result<(Option<String>, Vec<String>), AppError> {
    let Some(db) = database_when_open().await else {
        return Err(AppError::Refused("the database is not open".into()));
    };
    Ok(stored::load_draft_and_set_aside(&db, key, writer).await?)
}
