//! Team sync's conflict review: a field or a whole record both sides changed is settled to the team's value at once and raised as a review document; anyone in the team keeps that value or takes the one set aside, and the resolution reaches every device.
//!
//! Reviews live apart from the sync progress (`storage::sync::StoredReviews`), each change one
//! transaction, so a review resolved in one tab while another tab syncs is never overwritten.
//! The syncing tab pushes what changed here and takes in what the server has; the first
//! resolution to reach the server is the one every device keeps.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::SyncView;
use super::http::{Couch, CouchError};
use super::replicate::{Round, RoundError};
use crate::app::state::database_ready;
use crate::app::{AppError, AppState, cases};
use crate::browser;
use crate::bundle::couch::Refused;
use crate::bundle::couch_conflict::{conflict_doc, read_conflict_doc};
use crate::bundle::couch_record_review::{
    RecordReview, is_record_review_doc, read_record_review_doc, record_review_doc,
};
use crate::domain::merge::team::{TeamConflict, TeamResolution, Took};
use crate::storage::sync::{self as stored, MAX_REVIEWS, StoredReviews};

/// What a review is about: one field of a case, or a whole record.
#[derive(Debug, Clone, PartialEq)]
pub enum Review {
    Field(TeamConflict),
    Record(RecordReview),
}

impl Review {
    pub fn is_open(&self) -> bool {
        self.resolution().is_none()
    }

    pub fn resolution(&self) -> Option<&TeamResolution> {
        match self {
            Review::Field(c) => c.resolution.as_ref(),
            Review::Record(r) => r.resolution.as_ref(),
        }
    }

    pub fn raised_at(&self) -> DateTime<Utc> {
        match self {
            Review::Field(c) => c.raised_at,
            Review::Record(r) => r.raised_at,
        }
    }

    /// The case it is about; none for a record.
    pub fn case_id(&self) -> Option<Uuid> {
        match self {
            Review::Field(c) => Some(c.case_id),
            Review::Record(_) => None,
        }
    }

    pub fn late_take(&self) -> Option<&TeamResolution> {
        match self {
            Review::Field(c) => c.late_take.as_ref(),
            Review::Record(r) => r.late_take.as_ref(),
        }
    }

    /// The review as the server kept it (`self`), carrying the take this device gave at the same
    /// time (`ours`) when that take changed the case or record against the kept answer; `None`
    /// when the server's review already says what the record holds.
    fn with_late_take_of(&self, ours: &Review) -> Option<Review> {
        let late = TeamResolution::late_take(
            self.resolution()?,
            self.late_take(),
            ours.resolution().into_iter().chain(ours.late_take()),
        )?;
        let mut merged = self.clone();
        match &mut merged {
            Review::Field(c) => c.late_take = Some(late),
            Review::Record(r) => r.late_take = Some(late),
        }
        Some(merged)
    }

    /// Its document, written by `author` on top of server revision `rev`.
    fn to_doc(&self, author: &str, rev: Option<String>) -> Result<Value, serde_json::Error> {
        match self {
            Review::Field(c) => serde_json::to_value(conflict_doc(c, author, rev)),
            Review::Record(r) => serde_json::to_value(record_review_doc(r, author, rev)),
        }
    }

    /// In words, for the list of resolved ones.
    pub fn describe(&self) -> String {
        match self {
            Review::Field(c) => c.describe(),
            Review::Record(r) => r.describe(),
        }
    }
}

/// A review document from the server or as stored here, checked by its kind: its id, and its
/// server revision.
fn read_review(doc: &Value) -> Result<(String, Option<String>, Review), Refused> {
    let id = doc.get("_id").and_then(Value::as_str).unwrap_or_default();
    if is_record_review_doc(id) {
        let (doc, review) = read_record_review_doc(doc)?;
        Ok((doc.id, doc.rev, Review::Record(review)))
    } else {
        let (doc, conflict) = read_conflict_doc(doc)?;
        Ok((doc.id, doc.rev, Review::Field(conflict)))
    }
}

/// One review as a page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub id: String,
    pub review: Review,
    /// Raised or resolved here, not yet on the server.
    pub waiting: bool,
}

/// The reviews kept for the team database `target`, open ones first, then newest first; a
/// stored document that fails its checks is left out.
pub async fn list(target: &str) -> Result<Vec<ReviewRow>, AppError> {
    let db = database_ready().await?;
    let reviews = stored::load_reviews(&db).await?;
    Ok(rows(&reviews, target))
}

fn rows(reviews: &StoredReviews, target: &str) -> Vec<ReviewRow> {
    if reviews.target != target {
        return Vec::new();
    }
    let mut rows: Vec<ReviewRow> = reviews
        .docs
        .iter()
        .filter_map(|(id, doc)| {
            let (_, _, review) = read_review(doc).ok()?;
            Some(ReviewRow {
                id: id.clone(),
                review,
                waiting: reviews.unpushed.contains(id),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.review
            .is_open()
            .cmp(&a.review.is_open())
            .then(b.review.raised_at().cmp(&a.review.raised_at()))
    });
    rows
}

/// Refreshes the page's list from what is stored (after a round or a resolution); whether it
/// changed.
pub async fn show(view: SyncView, target: &str) -> bool {
    if let Ok(rows) = list(target).await
        && view.reviews.with_untracked(|r| *r != rows)
    {
        view.reviews.set(rows);
        return true;
    }
    false
}

/// Starts the stored reviews afresh when they were for another team database.
fn for_target(reviews: &mut StoredReviews, target: &str) {
    if reviews.target != target {
        *reviews = StoredReviews {
            target: target.to_string(),
            ..StoredReviews::default()
        };
    }
}

/// Drops the oldest resolved reviews past the cap (open ones are kept: each still waits for a
/// person).
fn cap(reviews: &mut StoredReviews) {
    let excess = reviews.docs.len().saturating_sub(MAX_REVIEWS);
    if excess == 0 {
        return;
    }
    let mut resolved: Vec<(String, String)> = reviews
        .docs
        .iter()
        .filter(|(id, _)| !reviews.unpushed.contains(*id))
        .filter_map(|(id, doc)| {
            let (_, _, review) = read_review(doc).ok()?;
            review.resolution().map(|r| (r.at.to_rfc3339(), id.clone()))
        })
        .collect();
    resolved.sort();
    for (_, id) in resolved.into_iter().take(excess) {
        reviews.docs.remove(&id);
    }
}

/// Keeps the reviews a pulled merge raised, to be pushed next.
pub(super) async fn raise(
    target: &str,
    raised: Vec<TeamConflict>,
    author: &str,
    round: &mut Round,
) -> Result<(), RoundError> {
    let docs = raised
        .iter()
        .map(|conflict| {
            let doc = conflict_doc(conflict, author, None);
            (doc.id.clone(), serde_json::to_value(doc))
        })
        .collect();
    keep_raised(target, docs, round).await
}

/// Keeps the reviews of whole records a pull set aside, to be pushed next. Kept before the
/// team's version is written over this device's, so a failed write loses nothing.
pub(super) async fn raise_records(
    target: &str,
    raised: Vec<RecordReview>,
    author: &str,
    round: &mut Round,
) -> Result<(), RoundError> {
    let docs = raised
        .iter()
        .map(|review| {
            let doc = record_review_doc(review, author, None);
            (doc.id.clone(), serde_json::to_value(doc))
        })
        .collect();
    keep_raised(target, docs, round).await
}

async fn keep_raised(
    target: &str,
    docs: Vec<(String, Result<Value, serde_json::Error>)>,
    round: &mut Round,
) -> Result<(), RoundError> {
    if docs.is_empty() {
        return Ok(());
    }
    let mut written = Vec::with_capacity(docs.len());
    for (id, doc) in docs {
        // A review that cannot be written as JSON must not vanish quietly.
        let doc = doc.map_err(|e| AppError::Refused(format!("a review could not be kept: {e}")))?;
        written.push((id, doc));
    }
    round.reviews_touched = true;
    let db = database_ready().await?;
    stored::update_reviews(&db, |reviews| {
        for_target(reviews, target);
        for (id, doc) in written {
            reviews.docs.insert(id.clone(), doc);
            reviews.unpushed.insert(id);
        }
        cap(reviews);
    })
    .await?;
    Ok(())
}

/// Takes in review documents from the server, each checked (a refused one is reported and
/// nothing else changes). A review changed here and not yet pushed keeps its change on the
/// server's revision, unless the server's is already resolved: the first resolution wins, and a
/// take answered here meanwhile against a keep there is added to it and sent again, since it has
/// changed the record all the same.
pub(super) async fn receive(
    target: &str,
    raws: Vec<Value>,
    round: &mut Round,
) -> Result<(), RoundError> {
    let mut checked: Vec<(String, Option<String>, Review, Value)> = Vec::new();
    for raw in raws {
        match read_review(&raw) {
            Ok((id, rev, review)) => checked.push((id, rev, review, raw)),
            Err(refusal) => round.refused.push(refusal),
        }
    }
    if checked.is_empty() {
        return Ok(());
    }
    round.reviews_touched = true;
    let db = database_ready().await?;
    stored::update_reviews(&db, |reviews| {
        for_target(reviews, target);
        for (id, rev, server, raw) in checked {
            let ours_waiting = reviews.unpushed.contains(&id);
            let Some(ours) = reviews.docs.get_mut(&id).filter(|_| ours_waiting) else {
                reviews.unpushed.remove(&id);
                reviews.docs.insert(id, raw);
                continue;
            };
            if server.is_open() {
                if let Some(object) = ours.as_object_mut() {
                    object.insert("_rev".into(), json!(rev));
                }
                continue;
            }
            let author = raw
                .get("author")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let with_ours = read_review(ours)
                .ok()
                .and_then(|(_, _, ours)| server.with_late_take_of(&ours))
                .and_then(|merged| merged.to_doc(author, rev).ok());
            match with_ours {
                Some(doc) => *ours = doc,
                None => {
                    reviews.unpushed.remove(&id);
                    reviews.docs.insert(id, raw);
                }
            }
        }
        cap(reviews);
    })
    .await?;
    Ok(())
}

/// Whether two versions of one review document say the same, whoever wrote them on whichever
/// revision.
fn same_review(a: &Value, b: &Value) -> bool {
    let body = |doc: &Value| {
        let mut doc = doc.clone();
        if let Some(object) = doc.as_object_mut() {
            object.remove("_rev");
            object.remove("author");
        }
        doc
    };
    body(a) == body(b)
}

/// Pushes the reviews raised or resolved here, each on the server revision last seen. One the
/// server already changed (409) is read again and taken in, and goes again next round if it
/// is still this device's to send (`round.reviews_waiting`). The loop calls it only when
/// something may wait: at start, after a write in any tab, and while one is left.
pub(super) async fn push(
    couch: &Couch,
    target: &str,
    author: &str,
    round: &mut Round,
) -> Result<(), RoundError> {
    let db = database_ready().await?;
    let reviews = stored::load_reviews(&db).await?;
    if reviews.target != target || reviews.unpushed.is_empty() {
        return Ok(());
    }
    let sent: Vec<(String, Value)> = reviews
        .unpushed
        .iter()
        .filter_map(|id| {
            let mut doc = reviews.docs.get(id)?.clone();
            // Whoever sends this revision writes it (the server's design document checks).
            doc.as_object_mut()?.insert("author".into(), json!(author));
            Some((id.clone(), doc))
        })
        .collect();
    if sent.is_empty() {
        return Ok(());
    }
    round.reviews_touched = true;
    let docs: Vec<&Value> = sent.iter().map(|(_, d)| d).collect();
    let answer = couch.post("_bulk_docs", &json!({ "docs": docs })).await?;
    let mut written: Vec<(String, String, Value)> = Vec::new();
    let mut stale: Vec<String> = Vec::new();
    for ((id, doc), result) in sent
        .into_iter()
        .zip(answer.as_array().into_iter().flatten())
    {
        match (
            result.get("rev").and_then(Value::as_str),
            result.get("error").and_then(Value::as_str),
        ) {
            (Some(rev), None) => written.push((id, rev.to_string(), doc)),
            (_, Some("conflict")) => stale.push(id),
            (_, Some(error)) => round.refused.push(crate::bundle::couch::Refused {
                id: id.chars().take(200).collect(),
                reason: format!(
                    "the server refused it: {}",
                    result
                        .get("reason")
                        .and_then(Value::as_str)
                        .unwrap_or(error)
                        .chars()
                        .take(300)
                        .collect::<String>()
                ),
            }),
            _ => {}
        }
    }
    let after = stored::update_reviews(&db, |reviews| {
        for (id, rev, doc) in written {
            // Pushed as sent: unless this tab changed it again meanwhile, it is on the server.
            let same = reviews
                .docs
                .get(&id)
                .is_some_and(|now| same_review(now, &doc));
            let mut doc = doc;
            if let Some(object) = doc.as_object_mut() {
                object.insert("_rev".into(), json!(rev));
            }
            if same {
                reviews.unpushed.remove(&id);
                reviews.docs.insert(id, doc);
            } else if let Some(now) = reviews.docs.get_mut(&id).and_then(Value::as_object_mut) {
                now.insert("_rev".into(), json!(rev));
            }
        }
    })
    .await?;
    round.reviews_waiting = !after.unpushed.is_empty();
    for id in stale {
        match couch.get(&id).await {
            Ok(current) => receive(target, vec![current], round).await?,
            Err(CouchError::NotFound(_)) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

/// Settles review `id` for the team: `Took::Kept` leaves the case or record as it is;
/// `Took::SetAside` gives the case the set-aside value (an edit, logged like any other) or puts
/// the set-aside version of the record back (an ordinary change here, which the next round
/// sends). The review is marked resolved by this person here and reaches the team with the next
/// round. Returns what was done, in words.
pub async fn resolve(
    state: AppState,
    view: SyncView,
    id: &str,
    took: Took,
) -> Result<String, AppError> {
    let settings = state.prefs.with_untracked(|p| p.sync.clone());
    let target = format!("{}{}", settings.server, settings.database);
    let db = database_ready().await?;
    let reviews = stored::load_reviews(&db).await?;
    let doc = reviews
        .docs
        .get(id)
        .filter(|_| reviews.target == target)
        .ok_or_else(|| AppError::Refused("this review is no longer on this device".into()))?;
    let (_, rev, review) = read_review(doc)
        .map_err(|r| AppError::Refused(format!("this review cannot be read: {r}")))?;
    if let Some(done) = review.resolution() {
        return Err(AppError::Refused(format!(
            "{} already resolved this review",
            done.by
        )));
    }
    let by = if settings.user.is_empty() {
        state.actor()
    } else {
        settings.user.clone()
    };
    let now = browser::now();
    let resolved = match review {
        Review::Field(conflict) => {
            if took == Took::SetAside {
                let current = cases::stored_case(state, conflict.case_id)
                    .await
                    .ok_or(AppError::Gone)?;
                if let Some(edit) = conflict.edit_taking_set_aside(&current) {
                    cases::edit(state, conflict.case_id, vec![edit], None, None).await?;
                }
            }
            Review::Field(conflict.resolved(&by, now, took))
        }
        Review::Record(review) => {
            if took == Took::SetAside {
                super::records::put_back(state, review.set_aside.clone()).await?;
            }
            Review::Record(review.resolved(&by, now, took))
        }
    };
    let words = resolved.describe();
    let written = resolved
        .to_doc(&by, rev)
        .map_err(|e| AppError::Refused(e.to_string()))?;
    let review_id = id.to_string();
    stored::update_reviews(&db, move |reviews| {
        if reviews.target == target {
            reviews.docs.insert(review_id.clone(), written);
            reviews.unpushed.insert(review_id);
        }
    })
    .await?;
    // The tab that syncs (this one or another) sends it at once.
    crate::app::state::note_write();
    show(view, &format!("{}{}", settings.server, settings.database)).await;
    Ok(words)
}
