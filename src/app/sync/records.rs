//! Team sync of whole records (playbooks, templates, partner teams, problems, RCA worksheets): push what changed here since it was last agreed with the server, merge what a teammate changed, and raise a team review holding this device's version when both changed one.
//!
//! The documents and the decision are `bundle::couch_records`; the write is the bundle merge's
//! (`exchange::apply_pulled`), so a pulled record is checked and written exactly as an imported
//! one. Taking a set-aside version back is an ordinary local write, which the next round pushes.
//! Copies set aside before reviews of whole records existed (stop 46) stay listed here, for
//! this device's person to restore or discard.

use std::cell::RefCell;
use std::collections::HashMap;

use leptos::prelude::*;
use serde_json::{Value, json};

use super::SyncView;
use super::http::Couch;
use super::replicate::{
    Round, RoundError, SyncProgress, note_pushed, note_refused_pushes, refused_as_is,
    remember_refusal,
};
use crate::app::state::{database_ready, note_write};
use crate::app::{AppError, AppState, exchange};
use crate::bundle::couch_bulk::BulkAnswer;
use crate::bundle::couch_record_review::RecordReview;
use crate::bundle::couch_records::{
    self as docs, Arrival, RecordDoc, RecordV1, arrival, check_record, record_doc,
};
use crate::bundle::couch_removals::read_removal;
use crate::domain::device::OnDevice;
use crate::domain::merge::{self, Choice, ConflictId, Incoming};
use crate::storage::settings;
use crate::storage::sync as progress_store;
pub use crate::storage::sync_records::SetAside;
use crate::storage::sync_records::{self as stored, StoredSetAside};

/// Records pushed per `_bulk_docs`.
const PUSH_BATCH: usize = 500;

thread_local! {
    /// Content hashes of records with a local revision, by document id, with the revision
    /// they were computed at: the loop asks every second what changed, and a worksheet's hash
    /// is worth computing again only once it was saved again.
    static HASHES: RefCell<HashMap<String, (u64, String)>> = RefCell::new(HashMap::new());
}

/// The records here that `keep` wants (given each one's document id and local revision), as
/// documents carry them. Read in place: a record left out is never copied.
fn records_here(state: AppState, keep: impl Fn(&str, u64) -> bool) -> Vec<RecordV1> {
    state.playbooks.with_untracked(|playbooks| {
        state.problems.with_untracked(|problems| {
            state.rcas.with_untracked(|rcas| {
                state.templates.with_untracked(|templates| {
                    state.partners.with_untracked(|partners| {
                        state.settings.with_untracked(|team| {
                            state.sla_settings.with_untracked(|sla| {
                                docs::records_where(
                                    docs::Whole {
                                        playbooks,
                                        templates: &templates.templates,
                                        partners: &partners.teams,
                                        problems,
                                        rcas,
                                        team,
                                        sla,
                                    },
                                    &keep,
                                )
                            })
                        })
                    })
                })
            })
        })
    })
}

/// Whether the record `doc_id` at local `revision` is known to be as last agreed with the
/// server: its hash at this revision is cached and is the agreed one. Such a record is not
/// copied or hashed by the check each second.
fn known_agreed(doc_id: &str, revision: u64, progress: &SyncProgress) -> bool {
    revision != 0
        && HASHES.with(|cache| {
            cache.borrow().get(doc_id).is_some_and(|(at, hash)| {
                *at == revision
                    && progress
                        .records
                        .get(doc_id)
                        .is_some_and(|(agreed, _)| agreed == hash)
            })
        })
}

/// A record's content hash, from the cache when its revision has not moved.
fn hash_of(record: &RecordV1, doc_id: &str) -> String {
    let revision = record.local_revision();
    if revision == 0 {
        return record.content_hash();
    }
    HASHES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((at, hash)) = cache.get(doc_id)
            && *at == revision
        {
            return hash.clone();
        }
        let hash = record.content_hash();
        cache.insert(doc_id.to_string(), (revision, hash.clone()));
        hash
    })
}

/// The records changed here since they were last agreed with the server, with their hashes.
fn unpushed(state: AppState, progress: &SyncProgress) -> Vec<(RecordV1, String)> {
    records_here(state, |doc_id, revision| {
        !known_agreed(doc_id, revision, progress)
    })
    .into_iter()
    .filter_map(|record| {
        let id = record.doc_id();
        let hash = hash_of(&record, &id);
        let agreed = progress.records.get(&id).map(|(h, _)| h.as_str());
        (agreed != Some(hash.as_str()) && !refused_as_is(progress, &id, &hash))
            .then_some((record, hash))
    })
    .collect()
}

/// How many records changed here wait for the server.
pub fn waiting_here(state: AppState, progress: &SyncProgress) -> usize {
    unpushed(state, progress).len()
}

/// Pushes up to a batch of the records changed here, each on the server revision this device
/// last agreed on. One a teammate changed meanwhile answers "conflict": the next pull brings
/// theirs, and the merge decides (theirs stays, this one is set aside).
pub async fn push(
    state: AppState,
    couch: &Couch,
    author: &str,
    progress: &mut SyncProgress,
    round: &mut Round,
) -> Result<(), RoundError> {
    let changed = unpushed(state, progress);
    round.waiting = round.waiting.saturating_add(changed.len());
    if changed.is_empty() {
        return Ok(());
    }
    let batch: Vec<(RecordV1, String)> = changed.into_iter().take(PUSH_BATCH).collect();
    let bodies: Vec<Value> = batch
        .iter()
        .map(|(record, _)| {
            let rev = progress
                .records
                .get(&record.doc_id())
                .map(|(_, rev)| rev.clone());
            serde_json::to_value(record_doc(record.clone(), author, rev)).unwrap_or_default()
        })
        .collect();
    let answer = BulkAnswer::read(&couch.post("_bulk_docs", &json!({ "docs": bodies })).await?);
    let mut pushed = 0usize;
    for (record, hash) in &batch {
        let id = record.doc_id();
        if let Some(rev) = answer.saved.get(&id) {
            progress.records.insert(id, (hash.clone(), rev.clone()));
            pushed = pushed.saturating_add(1);
        }
    }
    note_refused_pushes(
        progress,
        &answer,
        batch
            .iter()
            .map(|(record, hash)| (record.doc_id(), hash.as_str())),
    );
    round.push_conflicts = round.push_conflicts.saturating_add(answer.conflicts.len());
    round.pushed_records = round.pushed_records.saturating_add(pushed);
    round.waiting = round.waiting.saturating_sub(pushed);
    note_pushed(progress, pushed > 0, &answer.refused);
    round.refused.extend(answer.refused);
    progress_store::save(&database_ready().await?, progress).await?;
    Ok(())
}

/// Merges the record documents of a pulled page: each checked (a refused one is reported and
/// changes nothing), then, by what changed where since the last agreement, taken, noted or
/// taken with this device's version set aside first (so a failed write loses nothing).
pub async fn receive(
    state: AppState,
    progress: &mut SyncProgress,
    author: &str,
    raw: Vec<Value>,
    round: &mut Round,
) -> Result<(), RoundError> {
    let mut arrived: Vec<RecordDoc> = Vec::with_capacity(raw.len());
    let mut removed: Vec<(String, String)> = Vec::new();
    for doc in &raw {
        let read = read_removal(doc).and_then(|removal| match removal {
            Some(id) => Ok(Err(id)),
            None => docs::read_record_doc(doc).map(Ok),
        });
        match read {
            Ok(Ok(doc)) => arrived.push(doc),
            Ok(Err(id)) => {
                let rev = doc.get("_rev").and_then(Value::as_str).unwrap_or_default();
                removed.push((id, rev.to_string()));
            }
            Err(refusal) => {
                remember_refusal(progress, refusal.to_string());
                round.refused.push(refusal);
            }
        }
    }
    if !removed.is_empty() {
        super::removals::receive(state, progress, removed, round).await?;
    }
    if arrived.is_empty() {
        return Ok(());
    }
    // Decided on what is stored, read once: the write below checks that nothing it replaces
    // moved since (a save in another tab meanwhile is set aside or kept, never written over).
    let db = database_ready().await?;
    let local = stored::read_records_for_sync(&db).await?;
    let here: HashMap<String, RecordV1> = stored_records(&local)
        .into_iter()
        .map(|r| (r.doc_id(), r))
        .collect();
    let now = crate::browser::now();
    let mut take: Vec<RecordV1> = Vec::new();
    let mut set_aside: Vec<RecordReview> = Vec::new();
    let mut agreed: Vec<(String, String, String)> = Vec::new();
    for doc in arrived {
        let theirs = doc.record.content_hash();
        let mine = here.get(&doc.id);
        let mine_hash = mine.map(|m| hash_of(m, &doc.id));
        let last = progress.records.get(&doc.id).map(|(h, _)| h.as_str());
        match arrival(&theirs, mine_hash.as_deref(), last) {
            Arrival::Same | Arrival::StaysRemoved => {}
            Arrival::Take => take.push(doc.record.clone()),
            Arrival::TakeAndSetAsideMine => {
                if let Some(mine) = mine {
                    set_aside.push(RecordReview {
                        id: crate::browser::new_id(),
                        record: doc.id.clone(),
                        kept_from: doc.author.clone(),
                        set_aside: mine.clone(),
                        raised_by: author.to_string(),
                        raised_at: now,
                        resolution: None,
                        late_take: None,
                    });
                }
                take.push(doc.record.clone());
            }
        }
        agreed.push((doc.id, theirs, doc.rev.unwrap_or_default()));
    }
    if !set_aside.is_empty() {
        // The team's review holds this device's version: kept before it is written over.
        round.set_aside = round.set_aside.saturating_add(set_aside.len());
        super::reviews::raise_records(&progress.target, set_aside, author, round).await?;
    }
    if !take.is_empty() {
        let changed = write_over(state, take, local).await?;
        round.records_changed_here = round.records_changed_here.saturating_add(changed);
    }
    for (id, hash, rev) in agreed {
        progress.records.insert(id, (hash, rev));
    }
    progress_store::save(&db, progress).await?;
    Ok(())
}

/// The records of a stored read, as documents carry them.
fn stored_records(local: &OnDevice) -> Vec<RecordV1> {
    docs::records_here(docs::Whole::of(local))
}

/// Writes `records` over the copies in `local` (each one replaces its copy whole: the
/// settings as they are, the rest with the bundle merge's checked write), and shows them. Each
/// write refuses if what it replaces changed since `local` was read. Returns how many records
/// were written.
async fn write_over(
    state: AppState,
    records: Vec<RecordV1>,
    local: OnDevice,
) -> Result<usize, AppError> {
    let docs::Split { merged, team, sla } = docs::split(records);
    let db = database_ready().await?;
    let mut settings_written = 0usize;
    if let Some(team) = team {
        settings::save_settings(&db, Some(&local.team), &team).await?;
        state.settings.set(team);
        settings_written = settings_written.saturating_add(1);
    }
    if let Some(sla) = sla {
        settings::save_sla_settings(&db, Some(&local.sla), &sla).await?;
        state.sla_settings.set(sla);
        settings_written = settings_written.saturating_add(1);
    }
    if settings_written > 0 {
        note_write();
    }
    if merged == Incoming::default() {
        return Ok(settings_written);
    }
    let plan = merge::plan(merged, local);
    let choices: HashMap<ConflictId, Choice> = plan
        .conflicts()
        .into_iter()
        .map(|c| (c, Choice::Theirs))
        .collect();
    let resolved = plan
        .resolve(&choices)
        .map_err(|e| AppError::Refused(e.to_string()))?;
    let written = [
        resolved.playbooks.len(),
        resolved.problems.len(),
        resolved.rcas.len(),
        usize::from(resolved.templates.is_some()),
        usize::from(resolved.partners.is_some()),
        settings_written,
    ]
    .into_iter()
    .fold(0usize, usize::saturating_add);
    if !resolved.is_empty() {
        exchange::apply_pulled(state, &resolved).await?;
    }
    Ok(written)
}

/// Starts the stored copies afresh when they were for another team database.
fn for_target(stored: &mut StoredSetAside, target: &str) {
    if stored.target != target {
        *stored = StoredSetAside {
            target: target.to_string(),
            ..StoredSetAside::default()
        };
    }
}

/// The copies set aside for the team database `target`, newest first.
pub async fn set_aside(target: &str) -> Result<Vec<SetAside>, AppError> {
    let stored = stored::load_set_aside(&database_ready().await?).await?;
    let mut items = if stored.target == target {
        stored.items
    } else {
        Vec::new()
    };
    items.reverse();
    Ok(items)
}

/// Reads the set-aside copies into the page's list.
pub async fn show(view: SyncView, target: &str) {
    if let Ok(items) = set_aside(target).await
        && view.set_aside.with_untracked(|s| *s != items)
    {
        view.set_aside.set(items);
    }
}

/// Puts this device's set-aside version of `doc_id` back in place of the team's (checked
/// again first: a stored copy is untrusted too), then drops the copy. The restored record is
/// an ordinary change here, which the next round sends to the team. Returns what it restored,
/// in words.
pub async fn restore(state: AppState, view: SyncView, doc_id: &str) -> Result<String, AppError> {
    let target = state
        .prefs
        .with_untracked(|p| format!("{}{}", p.sync.server, p.sync.database));
    let copies = set_aside(&target).await?;
    let Some(copy) = copies.into_iter().find(|c| c.doc_id == doc_id) else {
        return Err(AppError::Refused(
            "that copy is no longer set aside (restored or discarded in another tab)".into(),
        ));
    };
    let mine: RecordV1 = serde_json::from_value(copy.mine.clone())
        .map_err(|e| AppError::Refused(format!("the stored copy cannot be read: {e}")))?;
    if mine.doc_id() != doc_id {
        return Err(AppError::Refused(format!(
            "the stored copy was refused: {}",
            docs_refused(doc_id).reason
        )));
    }
    let written = put_back(state, mine).await?;
    discard(view, &target, doc_id).await?;
    Ok(if written == 0 {
        // A playbook whose versions are all in the team's already: nothing to put back.
        format!(
            "{} \"{}\" already holds everything your version had; the copy was dropped",
            copy.kind, copy.label
        )
    } else {
        format!("{} \"{}\" is back as it was here", copy.kind, copy.label)
    })
}

/// Puts a set-aside version of a record back in place of the copy here (checked again first:
/// a stored or pulled version is untrusted too). An ordinary change here, which the next round
/// sends to the team. Returns how many records were written (none when a playbook's versions
/// are all in the one here already).
pub(super) async fn put_back(state: AppState, record: RecordV1) -> Result<usize, AppError> {
    check_record(&record.doc_id(), &record).map_err(|r| {
        AppError::Refused(format!("the version set aside was refused: {}", r.reason))
    })?;
    let local = stored::read_records_for_sync(&database_ready().await?).await?;
    let written = write_over(state, vec![record], local).await?;
    note_write();
    Ok(written)
}

fn docs_refused(doc_id: &str) -> crate::bundle::couch::Refused {
    crate::bundle::couch::Refused {
        id: doc_id.chars().take(200).collect(),
        reason: "it names another record".into(),
    }
}

/// Drops the set-aside copy of `doc_id` for good (the team's version stays), and lists the rest.
pub async fn discard(view: SyncView, target: &str, doc_id: &str) -> Result<(), AppError> {
    let target_owned = target.to_string();
    let id = doc_id.to_string();
    stored::update_set_aside(&database_ready().await?, move |stored| {
        for_target(stored, &target_owned);
        stored.items.retain(|c| c.doc_id != id);
    })
    .await?;
    show(view, target).await;
    Ok(())
}
