//! The queue's first screen as it last stood (its first rows, its total and each view's count), kept apart from the case store so a returning person sees their queue while every case is still being read.
//!
//! It is a cache of what was already on screen, never a source of truth: nothing is written
//! from it, the live queue replaces it the moment every case and deadline is in, and a stored
//! copy that fails `checked` is dropped and rebuilt rather than shown.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::case::{Case, CaseKey, CaseStatus};
use super::playbooks::progress_from_marks;
use super::priority::Priority;
use super::queue::reminder_of;
use super::sla::board::Summary;
use super::sla::{ClockMark, Health};

/// Rows kept: more than the tallest screen shows at 41 px a row.
pub const PREVIEW_ROWS: usize = 40;
/// Characters kept of each text cell; a queue cell shows one line, so more is never seen.
pub const PREVIEW_TEXT_CHARS: usize = 200;
/// Saved views counted; more than anyone keeps, and a bound on what a stored copy may hold.
pub const PREVIEW_VIEWS: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuePreview {
    pub rows: Vec<PreviewRow>,
    /// How many cases the default view held.
    pub total: usize,
    /// Each view's name and how many cases it held, in the order the queue lists them.
    pub views: Vec<(String, usize)>,
}

/// One row as the queue painted it; the SLA badge is recomputed at the time it is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub key: CaseKey,
    pub title: String,
    pub account: String,
    pub priority: Priority,
    pub status: CaseStatus,
    /// Empty when unassigned.
    pub owner: String,
    pub sla: Summary,
    /// Playbook steps settled and in all, when the case has a checklist.
    pub checklist: Option<(usize, usize)>,
    /// When the case's follow-up reminder is due, if it has one.
    pub follow_up: Option<DateTime<Utc>>,
}

/// Why a stored preview is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewRefused {
    TooManyRows(usize),
    TooManyViews(usize),
    TextTooLong { row: usize },
    ChecklistOutOfRange { row: usize },
}

impl std::fmt::Display for PreviewRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooManyRows(n) => write!(f, "{n} rows, more than {PREVIEW_ROWS}"),
            Self::TooManyViews(n) => write!(f, "{n} views, more than {PREVIEW_VIEWS}"),
            Self::TextTooLong { row } => write!(
                f,
                "row {row} has a text over {PREVIEW_TEXT_CHARS} characters"
            ),
            Self::ChecklistOutOfRange { row } => {
                write!(f, "row {row} has more checklist steps settled than it has")
            }
        }
    }
}

/// The first screen of a queue: `picked` is the view's order as indices into `cases`, and
/// `board` the SLA summaries parallel to `cases`. An index that names no case is skipped.
pub fn preview_of(
    cases: &[Case],
    picked: &[usize],
    board: &[Summary],
    marks: &HashMap<Uuid, Vec<ClockMark>>,
    views: &[(String, usize)],
) -> QueuePreview {
    let rows = picked
        .iter()
        .filter_map(|&i| Some((cases.get(i)?, board.get(i).copied())))
        .take(PREVIEW_ROWS)
        .map(|(case, summary)| {
            let case_marks = marks.get(&case.id).map(Vec::as_slice).unwrap_or_default();
            PreviewRow {
                key: case.key.clone(),
                title: clipped(&case.title),
                account: clipped(&case.account.name),
                priority: case.priority,
                status: case.status,
                owner: clipped(&case.owner),
                sla: summary.unwrap_or(Summary::NONE),
                checklist: progress_from_marks(case_marks).map(|p| (p.settled, p.total)),
                follow_up: reminder_of(case_marks).map(|r| r.at),
            }
        })
        .collect();
    QueuePreview {
        rows,
        total: picked.len(),
        views: views
            .iter()
            .take(PREVIEW_VIEWS)
            .map(|(name, count)| (clipped(name), *count))
            .collect(),
    }
}

impl QueuePreview {
    /// A stored copy is untrusted (another version of the app, or a hand edit, may have
    /// written it): it is shown only if it is something `preview_of` could have made.
    pub fn checked(self) -> Result<QueuePreview, PreviewRefused> {
        if self.rows.len() > PREVIEW_ROWS {
            return Err(PreviewRefused::TooManyRows(self.rows.len()));
        }
        if self.views.len() > PREVIEW_VIEWS {
            return Err(PreviewRefused::TooManyViews(self.views.len()));
        }
        let too_long = |text: &str| text.chars().count() > PREVIEW_TEXT_CHARS;
        for (row, r) in self.rows.iter().enumerate() {
            if too_long(&r.title) || too_long(&r.account) || too_long(&r.owner) {
                return Err(PreviewRefused::TextTooLong { row });
            }
            if r.checklist.is_some_and(|(settled, total)| settled > total) {
                return Err(PreviewRefused::ChecklistOutOfRange { row });
            }
        }
        if self.views.iter().any(|(name, _)| too_long(name)) {
            return Err(PreviewRefused::TextTooLong { row: 0 });
        }
        Ok(self)
    }

    /// How many cases the named view held, if the preview counted it.
    pub fn count_of(&self, view: &str) -> Option<usize> {
        self.views
            .iter()
            .find(|(name, _)| name == view)
            .map(|(_, n)| *n)
    }
}

impl PreviewRow {
    /// The stored summary as it stands at `now`: a deadline that has passed since it was kept
    /// is a breach, so the badge's colour never says "on track" beside the word "overdue".
    pub fn sla_at(&self, now: DateTime<Utc>) -> Summary {
        match self.sla.due {
            Some((due, _))
                if due <= now && matches!(self.sla.health, Health::OnTrack | Health::AtRisk) =>
            {
                Summary {
                    health: Health::Breached,
                    ..self.sla
                }
            }
            _ => self.sla,
        }
    }

    /// Whether the follow-up reminder is due at `now`.
    pub fn follow_up_due(&self, now: DateTime<Utc>) -> bool {
        self.follow_up.is_some_and(|at| at <= now)
    }
}

/// At most `PREVIEW_TEXT_CHARS` characters, cut on a character boundary.
fn clipped(text: &str) -> String {
    text.chars().take(PREVIEW_TEXT_CHARS).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "queue_preview_tests.rs"]
mod tests;
