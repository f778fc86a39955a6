//! Team sync of removals: an email template or partner team removed in an editor here is removed on the server (CouchDB's deletion, on the revision last agreed), and one a teammate removed is removed here unless it changed here since.
//!
//! The documents and the decision are `bundle::couch_removals`. The removal list is written
//! with the editor's save (`storage::sync_removed`), so only what a person removed is sent: a
//! restore, or a record safe mode set aside, removes nothing for the team.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};

use leptos::prelude::*;
use serde_json::{Value, json};

use super::http::Couch;
use super::replicate::{Round, RoundError, SyncProgress, note_pushed};
use crate::app::state::database_ready;
use crate::app::{AppState, exchange};
use crate::bundle::couch_bulk::BulkAnswer;
use crate::bundle::couch_removals::{
    Removal, hash_here, is_removable, removable_ids_here, removal, removal_doc, remove_here,
    removed_doc_id,
};
use crate::domain::merge::{Expected, MergeResult};
use crate::storage::settings;
use crate::storage::sync as progress_store;
use crate::storage::sync_removed::{self as noted, Removed};

thread_local! {
    /// The agreed records missing here when the removal list was last read and left nothing
    /// to send.
    static LAST_GONE: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// Sends the removals noted here: each one agreed with the server and not back here is
/// deleted there on the revision last agreed. One a teammate changed meanwhile (a conflict)
/// stays removed here and comes back with the next pull: an edit wins over a removal that did
/// not see it. Each answered removal leaves the list; one the server never answered stays.
pub async fn push(
    state: AppState,
    couch: &Couch,
    author: &str,
    progress: &mut SyncProgress,
    round: &mut Round,
) -> Result<(), RoundError> {
    // Something can be removed only when a record agreed with the server is gone from here;
    // the list is read when one goes, not every second.
    if waiting_here(state, progress) == 0 {
        return Ok(());
    }
    let db = database_ready().await?;
    let list = noted::load_removals(&db).await?;
    let here = doc_ids_here(state);
    let mut settled: Vec<Removed> = Vec::new();
    let mut send: Vec<(Removed, String, String)> = Vec::new();
    for item in list.items {
        match removed_doc_id(&item.kind, &item.id) {
            // Back here (an undo, or a team of the same name added again), never on the
            // server, or a kind never removed: nothing to remove there.
            Some(id) if !here.contains(&id) => match progress.records.get(&id) {
                Some((_, rev)) => {
                    let rev = rev.clone();
                    send.push((item, id, rev));
                }
                None => settled.push(item),
            },
            _ => settled.push(item),
        }
    }
    let mut still_noted = 0usize;
    if !send.is_empty() {
        round.waiting = round.waiting.saturating_add(send.len());
        let bodies: Vec<Value> = send
            .iter()
            .map(|(_, id, rev)| removal_doc(id, rev, author))
            .collect();
        let answer = BulkAnswer::read(&couch.post("_bulk_docs", &json!({ "docs": bodies })).await?);
        let mut removed = 0usize;
        for (item, id, _) in send {
            still_noted = still_noted.saturating_add(1);
            let answered = if answer.saved.contains_key(&id) {
                progress.records.remove(&id);
                removed = removed.saturating_add(1);
                true
            } else {
                answer.conflicts.contains(&id) || answer.refused.iter().any(|r| r.id == id)
            };
            if answered {
                settled.push(item);
                still_noted = still_noted.saturating_sub(1);
            }
        }
        round.pushed_records = round.pushed_records.saturating_add(removed);
        round.waiting = round.waiting.saturating_sub(removed);
        round.push_conflicts = round.push_conflicts.saturating_add(answer.conflicts.len());
        note_pushed(progress, removed > 0, &answer.refused);
        round.refused.extend(answer.refused);
        progress_store::save(&db, progress).await?;
    }
    if !settled.is_empty() {
        noted::update_removals(&db, |list| {
            list.items.retain(|item| !settled.contains(item))
        })
        .await?;
    }
    // Everything noted was answered (or had nothing to send): not read again until another
    // agreed record goes from here.
    if still_noted == 0 {
        let now_gone = gone_here(state, progress);
        LAST_GONE.with(|last| *last.borrow_mut() = now_gone);
    }
    Ok(())
}

/// The templates and partner teams agreed with the server and no longer here.
fn gone_here(state: AppState, progress: &SyncProgress) -> BTreeSet<String> {
    let here = doc_ids_here(state);
    progress
        .records
        .keys()
        .filter(|id| is_removable(id) && !here.contains(*id))
        .cloned()
        .collect()
}

/// How many removals may wait for the server: records gone from here since the removal list
/// was last found to hold nothing more to send (a removal made offline counts until it is sent).
pub fn waiting_here(state: AppState, progress: &SyncProgress) -> usize {
    let gone = gone_here(state, progress);
    LAST_GONE.with(|last| {
        let mut last = last.borrow_mut();
        // One back here (pulled again after a conflict, or undone) counts again if it goes.
        last.retain(|id| gone.contains(id));
        gone.difference(&last).count()
    })
}

/// The document ids of the templates and partner teams shown here.
fn doc_ids_here(state: AppState) -> HashSet<String> {
    state.templates.with_untracked(|library| {
        state
            .partners
            .with_untracked(|directory| removable_ids_here(&library.templates, &directory.teams))
    })
}

/// Applies removals pulled from the server (`(document id, revision)`, each already checked):
/// a copy unchanged here since the last agreement is removed, with a write that refuses if
/// the library or directory moved since it was read; a copy changed here stays, and its
/// progress entry moves to the removal's revision so the next push puts it back for everyone.
pub async fn receive(
    state: AppState,
    progress: &mut SyncProgress,
    removals: Vec<(String, String)>,
    round: &mut Round,
) -> Result<(), RoundError> {
    let db = database_ready().await?;
    // Only the two documents a removal can change are read: an unrelated record that cannot
    // be read must not hold up a removal. The write below compares both with what was read,
    // so a change made meanwhile (another tab's save) refuses it and the next round retries.
    let stored_templates = settings::load_templates(&db).await?.templates;
    let stored_partners = settings::load_partners(&db).await?.teams;
    let mut templates = stored_templates.clone();
    let mut partners = stored_partners.clone();
    let mut removed_here = 0usize;
    for (id, rev) in removals {
        let mine_hash = hash_here(&templates, &partners, &id);
        let agreed = progress.records.get(&id).map(|(hash, _)| hash.clone());
        match removal(mine_hash.as_deref(), agreed.as_deref()) {
            Removal::RemoveHere => {
                remove_here(&mut templates, &mut partners, &id);
                progress.records.remove(&id);
                removed_here = removed_here.saturating_add(1);
            }
            Removal::KeepMine => {
                progress
                    .records
                    .insert(id, (agreed.unwrap_or_default(), rev));
            }
            Removal::NotHere => {
                progress.records.remove(&id);
            }
        }
    }
    if removed_here > 0 {
        let templates_changed = templates != stored_templates;
        let partners_changed = partners != stored_partners;
        let result = MergeResult {
            templates: templates_changed.then_some(templates),
            partners: partners_changed.then_some(partners),
            expected: Expected {
                templates: templates_changed.then_some(stored_templates),
                partners: partners_changed.then_some(stored_partners),
                ..Expected::default()
            },
            ..MergeResult::default()
        };
        exchange::apply_pulled(state, &result).await?;
        round.records_changed_here = round.records_changed_here.saturating_add(removed_here);
    }
    progress_store::save(&db, progress).await?;
    Ok(())
}
