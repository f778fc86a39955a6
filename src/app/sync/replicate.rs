//! One round of CouchDB's replication protocol for cases: pull (`_changes` since the checkpoint, `_bulk_get` of what is missing, each document checked, merged with the bundle merge's rules) and push (`_revs_diff` and `_bulk_docs` with `new_edits=false` for events, case records on their server revision).

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::ahead::{CHANGES_PAGE, changes_path, seq_text};
use super::http::{Couch, CouchError};
use crate::app::AppState;
use crate::app::state::database_ready;
use crate::bundle::couch::{self as docs, DocId, Refused};
use crate::bundle::couch_bulk::BulkAnswer;
use crate::bundle::couch_record_review::is_record_review_doc;
use crate::bundle::couch_records as records;
use crate::domain::Case;
use crate::storage::sync as progress_store;
pub use crate::storage::sync::SyncProgress;

/// Case records pushed per request (with their events first).
const PUSH_BATCH: usize = 500;
/// Event documents pushed per `_bulk_docs`.
const EVENTS_PER_POST: usize = 1000;
/// Documents asked for per `_bulk_get`.
const BULK_GET: usize = 500;
/// Pages of a long pull between saves of its progress (here, and the server's checkpoint).
const SAVE_EVERY: u32 = 10;

/// What a round did, for the header and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    pub pulled_docs: usize,
    pub cases_changed_here: usize,
    pub pushed_cases: usize,
    pub pushed_events: usize,
    /// Whole records (playbooks, templates, partner teams, problems, worksheets) pushed.
    pub pushed_records: usize,
    /// Whole records a pull wrote here.
    pub records_changed_here: usize,
    /// Records both sides changed: the team's version was written here and this device's set aside.
    pub set_aside: usize,
    /// Fields both sides changed: the server's value was kept, and both changes stay in the log.
    pub settled_both_changed: usize,
    /// Cases whose push met a newer server revision: pulled and merged next round.
    pub push_conflicts: usize,
    /// Local cases not yet on the server after this round.
    pub waiting: usize,
    /// Cases and records made or changed here that the server refused as they are now.
    pub not_accepted: usize,
    pub refused: Vec<Refused>,
    /// More changes wait on the server (the page was full).
    pub more: bool,
    /// Cases made here that gave their number to a teammate's case, in words.
    pub renumbered: Vec<String>,
    /// All refusals, renumberings and settled fields so far, as kept in the progress document.
    pub refused_so_far: Vec<String>,
    pub renumbered_so_far: Vec<String>,
    pub settled_so_far: u64,
    /// Reviews were raised, received or pushed this round: the page's list is read again.
    pub reviews_touched: bool,
    /// Reviews changed here still wait to go up after this round: the next round tries again.
    pub reviews_waiting: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("{0}")]
    Couch(#[from] CouchError),
    #[error("{0}")]
    App(#[from] crate::app::AppError),
    #[error("{0}")]
    Storage(#[from] crate::storage::StorageError),
}

/// The checkpoint document this device keeps on the server.
fn checkpoint_id(device: &str) -> String {
    format!("_local/escalation-desk-{device}")
}

/// Progress for `couch` as stored here, started afresh when it was for another server or
/// database, or when the server no longer has this device's checkpoint (a server that lost its
/// data is refilled). The loop keeps it in memory and asks again only at start, after an error
/// and once a minute.
pub async fn progress_for(couch: &Couch, device: &str) -> Result<SyncProgress, RoundError> {
    let mut progress = stored_progress(couch).await?;
    if !progress.since.is_empty() {
        match couch.get(&checkpoint_id(device)).await {
            Ok(found) => {
                progress.checkpoint_rev =
                    found.get("_rev").and_then(Value::as_str).map(str::to_owned);
            }
            Err(CouchError::NotFound(_)) => {
                progress = SyncProgress {
                    target: progress.target,
                    ..SyncProgress::default()
                };
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(progress)
}

/// The progress stored on this device for `couch`, without asking the server (offline).
pub async fn stored_progress(couch: &Couch) -> Result<SyncProgress, RoundError> {
    let db = database_ready().await?;
    let target = format!("{}{}", couch.server, couch.database);
    let progress = progress_store::load(&db).await?;
    Ok(if progress.target == target {
        progress
    } else {
        SyncProgress {
            target,
            ..SyncProgress::default()
        }
    })
}

/// Pulls one page of changes, with their documents, or (right after this device pushed, when
/// the page is mostly its own documents coming back) with ids and revisions only, fetching the
/// few it lacks by id: a first push of 10k cases no longer downloads its own bodies again. A
/// plain request, polled by the loop: pouchdb-server 4.2 ignores `timeout` on a long poll that
/// sees no change and holds it open.
pub async fn pull(
    state: AppState,
    couch: &Couch,
    device: &str,
    author: &str,
    progress: &mut SyncProgress,
    round: &mut Round,
) -> Result<(), RoundError> {
    let noted_at_start = (
        round.refused.len(),
        round.renumbered.len(),
        round.settled_both_changed,
    );
    let mut changes =
        super::ahead::get(couch, &changes_path(&progress.since, progress.light_pull)).await?;
    // Taken out of the answer, so each document moves to where it goes rather than copied.
    let results = match changes.get_mut("results") {
        Some(Value::Array(list)) => std::mem::take(list),
        _ => Vec::new(),
    };
    let count = results.len();
    round.more = count >= CHANGES_PAGE;
    if !round.more {
        progress.caught_up = true;
    }
    let last_seq = changes.get("last_seq").map(seq_text).unwrap_or_default();
    // A full page says more follows from its `last_seq`; one that does not move past where it
    // was asked from would be asked for again at once, for ever (a cache in front of the
    // server that ignores `since` answers so). It is reported, and retried with the back-off
    // of any failed round, rather than spinning.
    if round.more && (last_seq.is_empty() || last_seq == progress.since) {
        let from = match progress.since.as_str() {
            "" => "the start".to_string(),
            since => format!("\"{}\"", since.chars().take(40).collect::<String>()),
        };
        return Err(RoundError::Couch(CouchError::BadAnswer(format!(
            "a full page of changes that does not move on from {from}"
        ))));
    }
    let mut page = Page::default();
    let mut events_of: Vec<(Uuid, String, Value)> = Vec::new();
    let mut review_docs: Vec<Value> = Vec::new();
    let mut reviews_to_get: Vec<String> = Vec::new();
    let mut record_docs: Vec<Value> = Vec::new();
    let mut records_to_get: Vec<String> = Vec::new();
    let mut removals_to_get: Vec<(String, String)> = Vec::new();
    // Changes that are this device's own documents coming back (a record at a revision it
    // knows, an event of a case it pushed): they decide whether the next page is light.
    let mut own_echo = 0usize;
    for mut change in results {
        let doc = change.get_mut("doc").map(Value::take);
        let Some(id) = change.get("id").and_then(Value::as_str) else {
            continue;
        };
        let rev = change
            .pointer("/changes/0/rev")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match docs::doc_id(id) {
            // Only a record at a revision this device does not already know (its own push
            // comes back here, and is skipped).
            DocId::Case(case)
                if progress
                    .cases
                    .get(&case)
                    .is_none_or(|(_, known)| known != rev) =>
            {
                if page.seen.insert(case) {
                    page.touched.push(case);
                }
                if let Some(doc) = doc {
                    page.case_docs.insert(case, doc);
                }
            }
            DocId::Case(_) => own_echo += 1,
            DocId::Event { case, .. } => {
                if progress.cases.contains_key(&case) && !page.seen.contains(&case) {
                    own_echo += 1;
                }
                // Without its body (a light page), an event is fetched by id when its record
                // arrives, like any event not yet here.
                if let Some(doc) = doc {
                    events_of.push((case, id.to_string(), doc));
                }
            }
            DocId::Conflict { .. } => match doc {
                Some(doc) => review_docs.push(doc),
                None => reviews_to_get.push(id.to_string()),
            },
            // A review of a whole record: its id names the record, not a case.
            DocId::Other if is_record_review_doc(id) => match doc {
                Some(doc) => review_docs.push(doc),
                None => reviews_to_get.push(id.to_string()),
            },
            // A whole record at a revision this device has not agreed on (its own push comes
            // back here, and is skipped).
            DocId::Other if records::is_record_doc(id) => {
                if progress
                    .records
                    .get(id)
                    .is_some_and(|(_, known)| known == rev)
                {
                    own_echo += 1;
                } else if let Some(doc) = doc {
                    record_docs.push(doc);
                } else if change.get("deleted").and_then(Value::as_bool) == Some(true) {
                    removals_to_get.push((id.to_string(), rev.to_string()));
                } else {
                    records_to_get.push(id.to_string());
                }
            }
            _ => {}
        }
    }
    // Events of a case whose record is here (this device's own push coming back) are not
    // kept; the others wait for their record, in this page or a later one.
    for (case, id, doc) in events_of {
        if page.seen.contains(&case) || !progress.cases.contains_key(&case) {
            progress.pending_events.insert(id, doc);
        }
    }
    if progress.pending_events.len() > progress_store::MAX_PENDING_EVENTS {
        progress.pending_events.clear();
    }
    if count > 0 {
        progress.light_pull = own_echo.saturating_mul(2) >= count;
    }
    // A full page: the next ones are asked for now, and the server prepares them while this
    // one is checked and written.
    if round.more && !last_seq.is_empty() {
        super::ahead::ask_from(couch, &last_seq, progress.light_pull);
    }
    review_docs.extend(bulk_get(couch, &reviews_to_get).await?);
    round.pulled_docs += count;
    let refused_before_reviews = round.refused.len();
    super::reviews::receive(&progress.target, review_docs, round).await?;
    for refusal in round.refused.iter().skip(refused_before_reviews) {
        remember_refusal(progress, refusal.to_string());
    }
    // Records before cases: a case may name a problem that arrives in the same page.
    record_docs.extend(bulk_get(couch, &records_to_get).await?);
    record_docs.extend(bulk_get_at(couch, &removals_to_get).await?);
    if !record_docs.is_empty() {
        super::records::receive(state, progress, author, record_docs, round).await?;
    }
    let page_empty = page.touched.is_empty();
    if !page_empty {
        let refused_before = round.refused.len();
        let renumbered_before = round.renumbered.len();
        let settled_before = round.settled_both_changed;
        let seen = page.seen.clone();
        super::pulled::apply_cases(state, couch, author, progress, page, round).await?;
        // What these records named has been merged; events left over were already here.
        progress.pending_events.retain(
            |id, _| !matches!(docs::doc_id(id), DocId::Event { case, .. } if seen.contains(&case)),
        );
        progress.settled = progress
            .settled
            .saturating_add(round.settled_both_changed.saturating_sub(settled_before) as u64);
        for refusal in round.refused.iter().skip(refused_before) {
            remember_refusal(progress, refusal.to_string());
        }
        for line in round.renumbered.iter().skip(renumbered_before) {
            remember(&mut progress.renumbered, line.clone());
        }
    }
    // Saved only when something moved: an idle round costs no write on either side. The
    // page's cases are merged (committed) by now, so the new sequence is saved with them. A
    // long pull saves every few pages rather than after each: a stop in between pulls those
    // pages again, and merging them again changes nothing. The end of a pull, and a page that
    // noted something for the person (a refusal, a renumbering, a settled field), save at once.
    let seq_moved = !last_seq.is_empty() && last_seq != progress.since;
    if seq_moved {
        progress.since = last_seq;
    }
    if seq_moved || !page_empty {
        progress.pages_unsaved = progress.pages_unsaved.saturating_add(1);
        let noted = round.refused.len() != noted_at_start.0
            || round.renumbered.len() != noted_at_start.1
            || round.settled_both_changed != noted_at_start.2;
        if !round.more
            || noted
            || progress.checkpoint_rev.is_none()
            || progress.pages_unsaved >= SAVE_EVERY
        {
            save_progress(progress).await?;
            // The server's checkpoint says only that this device has pulled from here (a
            // device whose checkpoint the server lost starts over). A page that brought
            // anything moved the sequence, so the checkpoint is behind whenever this saves.
            write_checkpoint(couch, device, progress).await?;
        }
    }
    Ok(())
}

/// Saves `progress` here, with nothing unsaved left after it.
pub async fn save_progress(progress: &mut SyncProgress) -> Result<(), RoundError> {
    let db = database_ready().await?;
    progress_store::save(&db, progress).await?;
    progress.pages_unsaved = 0;
    Ok(())
}

/// Saves what a long pull merged but had not saved yet, before its progress is read again from
/// storage (after an error, and once a minute), so those pages are not pulled again and what
/// waits offline is counted right.
pub async fn save_unsaved(progress: Option<SyncProgress>) -> Result<(), RoundError> {
    match progress {
        Some(mut progress) if progress.pages_unsaved > 0 => save_progress(&mut progress).await,
        _ => Ok(()),
    }
}

/// Writes this device's checkpoint on the server at `progress.since`, on the revision last
/// seen. A write that meets another revision (the checkpoint outlived this device's progress)
/// reads the current one and writes again, once.
async fn write_checkpoint(
    couch: &Couch,
    device: &str,
    progress: &mut SyncProgress,
) -> Result<(), CouchError> {
    let id = checkpoint_id(device);
    let body = |rev: Option<&String>| match rev {
        Some(rev) => json!({ "_rev": rev, "last_seq": progress.since, "device": device }),
        None => json!({ "last_seq": progress.since, "device": device }),
    };
    let written = match couch
        .put(&id, &body(progress.checkpoint_rev.as_ref()))
        .await
    {
        Err(CouchError::Server { status: 409, .. }) => {
            let current = couch.get(&id).await?;
            let rev = current
                .get("_rev")
                .and_then(Value::as_str)
                .map(str::to_owned);
            couch.put(&id, &body(rev.as_ref())).await?
        }
        other => other?,
    };
    progress.checkpoint_rev = written
        .get("rev")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(())
}

/// What one page of changes brought: the case records to merge (in the order they came) and
/// the records' documents the page carried (events wait in the progress).
#[derive(Default)]
pub(super) struct Page {
    pub(super) touched: Vec<Uuid>,
    pub(super) seen: HashSet<Uuid>,
    pub(super) case_docs: HashMap<Uuid, Value>,
}

/// Keeps a refusal in the progress document, once, dropping the oldest past the cap.
pub fn remember_refusal(progress: &mut SyncProgress, line: String) {
    remember(&mut progress.refused, line);
}

/// Keeps `line` in a list of the progress document, once, dropping the oldest past the cap.
fn remember(list: &mut Vec<String>, line: String) {
    if list.contains(&line) {
        return;
    }
    list.push(line);
    let excess = list.len().saturating_sub(progress_store::MAX_REFUSED);
    list.drain(..excess);
}

/// The documents of `ids` (`_bulk_get`), each its latest revision; ids not on the server are left out.
pub(super) async fn bulk_get(couch: &Couch, ids: &[String]) -> Result<Vec<Value>, CouchError> {
    let asks: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
    bulk_get_asks(couch, &asks).await
}

/// The documents of `wanted` at the revisions given: how a removed (deleted) document is read,
/// since asked for without its revision the server answers only "deleted".
async fn bulk_get_at(couch: &Couch, wanted: &[(String, String)]) -> Result<Vec<Value>, CouchError> {
    let asks: Vec<Value> = wanted
        .iter()
        .map(|(id, rev)| json!({ "id": id, "rev": rev }))
        .collect();
    bulk_get_asks(couch, &asks).await
}

async fn bulk_get_asks(couch: &Couch, asks: &[Value]) -> Result<Vec<Value>, CouchError> {
    let mut found = Vec::with_capacity(asks.len());
    for chunk in asks.chunks(BULK_GET) {
        let body = json!({ "docs": chunk });
        let answer = couch.post("_bulk_get", &body).await?;
        for result in answer
            .get("results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for doc in result
                .get("docs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(ok) = doc.get("ok") {
                    found.push(ok.clone());
                }
            }
        }
    }
    Ok(found)
}

/// Whether `case` changed here since it was last pushed (or pulled exactly as the server has it).
/// A case the server refused as it is now is not: it waits for a change here.
pub(super) fn unpushed(progress: &SyncProgress, case: &Case) -> bool {
    progress
        .cases
        .get(&case.id)
        .is_none_or(|(pushed, _)| *pushed != case.revision)
        && (progress.refused_pushes.is_empty()
            || !refused_as_is(
                progress,
                &docs::case_doc_id(case.id),
                &case.revision.to_string(),
            ))
}

/// Whether the server refused this very version of a document at a push.
pub(super) fn refused_as_is(progress: &SyncProgress, doc_id: &str, version: &str) -> bool {
    progress
        .refused_pushes
        .get(doc_id)
        .is_some_and(|refused| refused == version)
}

/// Notes what a push's answer said of each document sent, given as (id, version): a refused
/// one is not sent again until its version here changes; a saved one is forgotten.
pub(super) fn note_refused_pushes<'a>(
    progress: &mut SyncProgress,
    answer: &BulkAnswer,
    sent: impl Iterator<Item = (String, &'a str)>,
) {
    for (id, version) in sent {
        if answer.refused.iter().any(|refusal| refusal.id == id) {
            progress.refused_pushes.insert(id, version.to_string());
        } else if answer.saved.contains_key(&id) {
            progress.refused_pushes.remove(&id);
        }
    }
}

/// How many cases and whole records changed here since they were last pushed: what waits for
/// the server.
pub fn waiting_here(state: AppState, progress: &SyncProgress) -> usize {
    state
        .cases
        .with_untracked(|all| all.iter().filter(|c| unpushed(progress, c)).count())
        .saturating_add(super::records::waiting_here(state, progress))
        .saturating_add(super::removals::waiting_here(state, progress))
}

/// Pushes up to a page of the cases changed here since they were last pushed: their events the
/// server lacks (`_revs_diff`, then `_bulk_docs` with `new_edits=false`, as replication does),
/// then their records on the server revision this device last saw.
pub async fn push(
    state: AppState,
    couch: &Couch,
    author: &str,
    progress: &mut SyncProgress,
    round: &mut Round,
) -> Result<(), RoundError> {
    let changed: Vec<Case> = state.cases.with_untracked(|all| {
        all.iter()
            .filter(|c| unpushed(progress, c))
            .cloned()
            .collect()
    });
    round.waiting = changed.len();
    if changed.is_empty() {
        return Ok(());
    }
    let batch: Vec<Case> = changed.into_iter().take(PUSH_BATCH).collect();
    let ids: Vec<Uuid> = batch.iter().map(|c| c.id).collect();
    let local = progress_store::read_for_sync(&database_ready().await?, &ids).await?;
    let mut event_docs: HashMap<String, Value> = HashMap::new();
    let mut asked = serde_json::Map::new();
    for case in &batch {
        for event in local.events.get(&case.id).into_iter().flatten() {
            let doc = docs::event_doc(event, author);
            let rev = doc.rev.clone().unwrap_or_default();
            asked.insert(doc.id.clone(), json!([rev]));
            event_docs.insert(
                doc.id.clone(),
                serde_json::to_value(&doc).unwrap_or_default(),
            );
        }
    }
    if !asked.is_empty() {
        let diff = couch.post("_revs_diff", &Value::Object(asked)).await?;
        let missing: Vec<Value> = diff
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(id, _)| event_docs.remove(id))
            .collect();
        for chunk in missing.chunks(EVENTS_PER_POST) {
            let answer = couch
                .post("_bulk_docs", &json!({ "docs": chunk, "new_edits": false }))
                .await?;
            // With new_edits=false the server answers only for documents it refused.
            let answer = BulkAnswer::read(&answer);
            note_pushed(progress, true, &answer.refused);
            round.refused.extend(answer.refused);
            round.pushed_events = round.pushed_events.saturating_add(chunk.len());
        }
    }
    let records: Vec<Value> = batch
        .iter()
        .map(|case| {
            let log = local.events.get(&case.id).map_or(&[][..], Vec::as_slice);
            let rev = progress.cases.get(&case.id).map(|(_, rev)| rev.clone());
            serde_json::to_value(docs::case_doc(case, log, author, rev)).unwrap_or_default()
        })
        .collect();
    let answer = BulkAnswer::read(
        &couch
            .post("_bulk_docs", &json!({ "docs": records }))
            .await?,
    );
    for case in &batch {
        if let Some(rev) = answer.saved.get(&docs::case_doc_id(case.id)) {
            progress.cases.insert(case.id, (case.revision, rev.clone()));
            round.pushed_cases = round.pushed_cases.saturating_add(1);
        }
    }
    let versions: Vec<(String, String)> = batch
        .iter()
        .map(|case| (docs::case_doc_id(case.id), case.revision.to_string()))
        .collect();
    note_refused_pushes(
        progress,
        &answer,
        versions.iter().map(|(id, v)| (id.clone(), v.as_str())),
    );
    round.push_conflicts = round.push_conflicts.saturating_add(answer.conflicts.len());
    round.waiting = round.waiting.saturating_sub(round.pushed_cases);
    note_pushed(progress, round.pushed_cases > 0, &answer.refused);
    round.refused.extend(answer.refused);
    let db = database_ready().await?;
    progress_store::save(&db, progress).await?;
    Ok(())
}

/// After a push: what was just pushed comes back in the next pages, so the pull asks for ids
/// and revisions only; and each refusal is kept in the progress document for Settings.
pub(super) fn note_pushed(progress: &mut SyncProgress, pushed: bool, refused: &[Refused]) {
    if pushed {
        progress.light_pull = true;
    }
    for refusal in refused {
        remember_refusal(
            progress,
            format!("{refusal} (sent from here and kept here; sent again once it changes)"),
        );
    }
}
