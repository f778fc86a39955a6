//! One round of CouchDB's replication protocol for cases: pull (`_changes` since the checkpoint, `_bulk_get` of what is missing, each document checked, merged with the bundle merge's rules) and push (`_revs_diff` and `_bulk_docs` with `new_edits=false` for events, case records on their server revision).

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::http::{Couch, CouchError};
use crate::app::AppState;
use crate::app::exchange;
use crate::app::state::database_ready;
use crate::bundle::couch::{self as docs, DocId, Refused};
use crate::bundle::v1::EventV1;
use crate::domain::Case;
use crate::domain::merge::{self, Choice, ConflictId, Incoming};
use crate::storage::sync as progress_store;
pub use crate::storage::sync::SyncProgress;

/// Changes asked for per request, with their documents (`include_docs`): a page carries the
/// events and records it names, so most pulls need no `_bulk_get` at all.
const CHANGES_PAGE: usize = 1000;
/// Case records pushed per request (with their events first).
const PUSH_BATCH: usize = 500;
/// Event documents pushed per `_bulk_docs`.
const EVENTS_PER_POST: usize = 1000;
/// Documents asked for per `_bulk_get`.
const BULK_GET: usize = 500;

/// What a round did, for the header and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    pub pulled_docs: usize,
    pub cases_changed_here: usize,
    pub pushed_cases: usize,
    pub pushed_events: usize,
    /// Fields both sides changed: the server's value was kept, and both changes stay in the log.
    pub settled_both_changed: usize,
    /// Cases whose push met a newer server revision: pulled and merged next round.
    pub push_conflicts: usize,
    /// Local cases not yet on the server after this round.
    pub waiting: usize,
    pub refused: Vec<Refused>,
    /// More changes wait on the server (the page was full).
    pub more: bool,
    /// All refusals and settled fields so far, as kept in the progress document.
    pub refused_so_far: Vec<String>,
    pub settled_so_far: u64,
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
            Ok(_) => {}
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

/// Pulls one page of changes, with their documents. A plain request, polled by the loop:
/// pouchdb-server 4.2 ignores `timeout` on a long poll that sees no change and holds it open.
pub async fn pull(
    state: AppState,
    couch: &Couch,
    device: &str,
    progress: &mut SyncProgress,
    round: &mut Round,
) -> Result<(), RoundError> {
    let since = if progress.since.is_empty() {
        "0".to_string()
    } else {
        String::from(js_sys::encode_uri_component(&progress.since))
    };
    let changes = couch
        .get(&format!(
            "_changes?since={since}&limit={CHANGES_PAGE}&include_docs=true"
        ))
        .await?;
    let results = changes
        .get("results")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    round.more = results.len() >= CHANGES_PAGE;
    let last_seq = changes.get("last_seq").map(seq_text).unwrap_or_default();
    let mut page = Page::default();
    let mut events_of: Vec<(Uuid, String, Value)> = Vec::new();
    for change in results {
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
                if let Some(doc) = change.get("doc") {
                    page.case_docs.insert(case, doc.clone());
                }
            }
            DocId::Event { case, .. } => {
                if let Some(doc) = change.get("doc") {
                    events_of.push((case, id.to_string(), doc.clone()));
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
    round.pulled_docs += results.len();
    if !page.touched.is_empty() {
        let refused_before = round.refused.len();
        let settled_before = round.settled_both_changed;
        let seen = page.seen.clone();
        apply_cases(state, couch, progress, page, round).await?;
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
        let db = database_ready().await?;
        progress_store::save(&db, progress).await?;
    }
    // Written only when the sequence moved: an idle round costs no write on either side.
    if !last_seq.is_empty() && last_seq != progress.since {
        progress.since = last_seq.clone();
        let db = database_ready().await?;
        progress_store::save(&db, progress).await?;
        couch
            .put(
                &checkpoint_id(device),
                &checkpoint_body(couch, device, &last_seq).await,
            )
            .await?;
    }
    Ok(())
}

/// What one page of changes brought: the case records to merge (in the order they came) and
/// the records' documents the page carried (events wait in the progress).
#[derive(Default)]
struct Page {
    touched: Vec<Uuid>,
    seen: HashSet<Uuid>,
    case_docs: HashMap<Uuid, Value>,
}

async fn checkpoint_body(couch: &Couch, device: &str, last_seq: &str) -> Value {
    // A `_local` document is replaced on its revision like any other.
    let current = couch.get(&checkpoint_id(device)).await.ok();
    match current.as_ref().and_then(|c| c.get("_rev")) {
        Some(rev) => json!({ "_rev": rev, "last_seq": last_seq, "device": device }),
        None => json!({ "last_seq": last_seq, "device": device }),
    }
}

/// Keeps a refusal in the progress document, once, dropping the oldest past the cap.
pub fn remember_refusal(progress: &mut SyncProgress, line: String) {
    if progress.refused.contains(&line) {
        return;
    }
    progress.refused.push(line);
    let excess = progress
        .refused
        .len()
        .saturating_sub(progress_store::MAX_REFUSED);
    progress.refused.drain(..excess);
}

fn seq_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The documents of `ids` (`_bulk_get`), each its latest revision; ids not on the server are left out.
async fn bulk_get(couch: &Couch, ids: &[String]) -> Result<Vec<Value>, CouchError> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(BULK_GET) {
        let body =
            json!({ "docs": chunk.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>() });
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

/// Checks and merges the changed case records of a page, with the events they name that this
/// device lacks (from the page, else fetched). A refused document is reported and its case
/// left as it is here. Reads and shows only the cases the page names.
async fn apply_cases(
    state: AppState,
    couch: &Couch,
    progress: &mut SyncProgress,
    mut page: Page,
    round: &mut Round,
) -> Result<(), RoundError> {
    let db = database_ready().await?;
    let mut local = progress_store::read_for_sync(&db, &page.touched).await?;
    // The other cases here are known by number only, so a new case never takes one's key.
    local.numbers_elsewhere = state.cases.with_untracked(|all| {
        all.iter()
            .filter(|c| !page.seen.contains(&c.id))
            .map(|c| c.key.number())
            .collect()
    });
    let mut raw_cases: Vec<Value> = Vec::with_capacity(page.touched.len());
    let mut absent: Vec<String> = Vec::new();
    for id in &page.touched {
        match page.case_docs.remove(id) {
            Some(doc) => raw_cases.push(doc),
            None => absent.push(docs::case_doc_id(*id)),
        }
    }
    raw_cases.extend(bulk_get(couch, &absent).await?);
    let mut case_docs = Vec::with_capacity(raw_cases.len());
    for raw in &raw_cases {
        match docs::read_case_doc(raw) {
            Ok(doc) => case_docs.push(doc),
            Err(refusal) => round.refused.push(refusal),
        }
    }
    // Events: those already here, then the ones the page carried, then the rest from the server.
    let mut events: HashMap<Uuid, EventV1> = HashMap::new();
    for log in local.events.values() {
        for e in log {
            events.insert(
                e.id,
                EventV1 {
                    id: e.id,
                    at: e.at,
                    actor: e.actor.clone(),
                    kind: e.kind.clone(),
                },
            );
        }
    }
    let mut bad_cases: HashSet<Uuid> = HashSet::new();
    let mut read_event =
        |raw: &Value, events: &mut HashMap<Uuid, EventV1>| match docs::read_event_doc(raw) {
            Ok(doc) => {
                events.insert(doc.event.id, doc.event);
            }
            Err(refusal) => {
                if let DocId::Event { case, .. } = docs::doc_id(&refusal.id) {
                    bad_cases.insert(case);
                }
                round.refused.push(refusal);
            }
        };
    let mut missing: Vec<String> = Vec::new();
    for doc in &case_docs {
        for id in doc
            .events
            .iter()
            .filter(|id| !events.contains_key(id))
            .copied()
            .collect::<Vec<_>>()
        {
            let doc_id = docs::event_doc_id(doc.case.id, id);
            match progress.pending_events.remove(&doc_id) {
                Some(raw) => read_event(&raw, &mut events),
                None => missing.push(doc_id),
            }
        }
    }
    for raw in bulk_get(couch, &missing).await? {
        read_event(&raw, &mut events);
    }
    let mut incoming = Incoming::default();
    let mut server_revs: HashMap<Uuid, (String, Vec<Uuid>)> = HashMap::new();
    for doc in &case_docs {
        if bad_cases.contains(&doc.case.id) {
            continue;
        }
        match docs::assemble(doc, &events) {
            Ok(case) => {
                server_revs.insert(
                    doc.case.id,
                    (doc.rev.clone().unwrap_or_default(), doc.events.clone()),
                );
                incoming.cases.push(case.to_domain());
            }
            Err(refusal) => round.refused.push(refusal),
        }
    }
    if incoming.cases.is_empty() {
        return Ok(());
    }
    let server_cases: HashMap<Uuid, Case> = incoming
        .cases
        .iter()
        .map(|c| (c.case.id, c.case.clone()))
        .collect();
    let local_logs: HashMap<Uuid, HashSet<Uuid>> = local
        .events
        .iter()
        .map(|(id, log)| (*id, log.iter().map(|e| e.id).collect()))
        .collect();
    let plan = merge::plan(incoming, local);
    // Both sides changed a field: the server's value is kept (the first to reach the server),
    // so every device settles the same way; both changes stay in the case's log.
    let choices: HashMap<ConflictId, Choice> = plan
        .conflicts()
        .into_iter()
        .map(|c| (c, Choice::Theirs))
        .collect();
    round.settled_both_changed += choices.len();
    let resolved = plan
        .resolve(&choices)
        .map_err(|e| crate::app::AppError::Refused(e.to_string()))?;
    let merged_logs: HashMap<Uuid, HashSet<Uuid>> = resolved
        .cases
        .iter()
        .map(|w| (w.case.id, w.all_events.iter().map(|e| e.id).collect()))
        .collect();
    round.cases_changed_here += merged_logs.len();
    if !resolved.is_empty() {
        exchange::apply_pulled(state, &resolved).await?;
    }
    // Record the server's revision of each case. A case here that is now exactly the server's
    // (same record, same log) counts as pushed; one that holds more (a change made here, merged
    // with theirs) is marked unpushed (revision 0 is never a real one), so the next push sends it.
    let here: HashMap<Uuid, Case> = state.cases.with_untracked(|all| {
        all.iter()
            .filter(|c| server_revs.contains_key(&c.id))
            .map(|c| (c.id, c.clone()))
            .collect()
    });
    for (id, (rev, server_log)) in server_revs {
        let Some(here) = here.get(&id) else { continue };
        let here_log = merged_logs
            .get(&id)
            .or_else(|| local_logs.get(&id))
            .cloned()
            .unwrap_or_default();
        let server_log: HashSet<Uuid> = server_log.into_iter().collect();
        let same = here_log == server_log
            && server_cases
                .get(&id)
                .is_some_and(|theirs| same_record(theirs, here));
        progress
            .cases
            .insert(id, (if same { here.revision } else { 0 }, rev));
    }
    Ok(())
}

/// Whether `case` changed here since it was last pushed (or pulled exactly as the server has it).
fn unpushed(progress: &SyncProgress, case: &Case) -> bool {
    progress
        .cases
        .get(&case.id)
        .is_none_or(|(pushed, _)| *pushed != case.revision)
}

/// How many cases changed here since they were last pushed: what waits for the server.
pub fn waiting_here(state: AppState, progress: &SyncProgress) -> usize {
    state
        .cases
        .with_untracked(|all| all.iter().filter(|c| unpushed(progress, c)).count())
}

/// Two case records alike in everything a person sees (revision and save time are each
/// device's own).
fn same_record(a: &Case, b: &Case) -> bool {
    let mut a = a.clone();
    a.revision = b.revision;
    a.updated_at = b.updated_at;
    a == *b
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
            refusals_of(&answer, &mut round.refused);
            round.pushed_events += chunk.len();
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
    let answer = couch
        .post("_bulk_docs", &json!({ "docs": records }))
        .await?;
    refusals_of(&answer, &mut round.refused);
    for (case, result) in batch.iter().zip(answer.as_array().into_iter().flatten()) {
        if let Some(rev) = result.get("rev").and_then(Value::as_str)
            && result.get("error").is_none()
        {
            progress
                .cases
                .insert(case.id, (case.revision, rev.to_string()));
            round.pushed_cases += 1;
        } else if result.get("error").and_then(Value::as_str) == Some("conflict") {
            round.push_conflicts += 1;
        }
    }
    round.waiting = round.waiting.saturating_sub(round.pushed_cases);
    for refusal in &round.refused {
        remember_refusal(progress, refusal.to_string());
    }
    let db = database_ready().await?;
    progress_store::save(&db, progress).await?;
    Ok(())
}

/// Documents the server refused (its validation function says why), other than conflicts.
fn refusals_of(answer: &Value, refused: &mut Vec<Refused>) {
    for result in answer.as_array().into_iter().flatten() {
        let Some(error) = result.get("error").and_then(Value::as_str) else {
            continue;
        };
        if error == "conflict" {
            continue;
        }
        let reason = result
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or(error);
        refused.push(Refused {
            id: result
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .chars()
                .take(200)
                .collect(),
            reason: format!(
                "the server refused it: {}",
                reason.chars().take(300).collect::<String>()
            ),
        });
    }
}
