//! The pages of `_changes` after this one, asked for while this one is merged: in a long pull the server prepares the next pages while this device checks and writes the current one, instead of each waiting for the other.
//!
//! Only a full page asks ahead (more is waiting), so an idle poll never doubles its requests,
//! and at most `DEPTH` pages wait unread. An answer is used only for exactly the request it
//! was asked for (same server, database, checkpoint, body choice and sync run: turning sync
//! off or signing in again starts a new run, so nothing fetched under an earlier sign-in is
//! used); anything else stops the pages asked ahead, and the page is asked for again. It is
//! still the server's answer, checked like any other when it is read; a `_changes` page asked
//! a moment earlier is as valid as one asked now, since what came after it is in later pages.

use std::cell::RefCell;

use futures::StreamExt;
use futures::channel::mpsc;
use serde_json::Value;

use super::http::{Couch, CouchError};

/// Changes asked for per request, with their documents (`include_docs`): a page carries the
/// events and records it names, so most pulls need no `_bulk_get` at all.
pub(super) const CHANGES_PAGE: usize = 1000;

/// Pages fetched and waiting to be merged, at most (one more may be on its way): enough to
/// keep the server busy while a page of case records is merged (about twice a page's fetch,
/// measured at 10k), and a bound on what waits in memory.
const DEPTH: usize = 2;

type Fetched = (String, Result<Value, CouchError>);

struct Ahead {
    generation: u64,
    pages: mpsc::Receiver<Fetched>,
}

thread_local! {
    static AHEAD: RefCell<Option<Ahead>> = const { RefCell::new(None) };
}

/// The `_changes` request for the page after `since` ("" for the start), with the documents'
/// bodies unless `light`.
pub(super) fn changes_path(since: &str, light: bool) -> String {
    let since = if since.is_empty() {
        "0".to_string()
    } else {
        String::from(js_sys::encode_uri_component(since))
    };
    let docs_too = if light { "" } else { "&include_docs=true" };
    format!("_changes?since={since}&limit={CHANGES_PAGE}{docs_too}")
}

/// A sequence as the next request names it (CouchDB's are strings, pouchdb-server's numbers).
pub(super) fn seq_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The sequence after a full page, when one is: where the page after it starts.
fn next_since(page: &Value) -> Option<String> {
    let full = page
        .get("results")
        .and_then(Value::as_array)
        .is_some_and(|r| r.len() >= CHANGES_PAGE);
    let seq = page.get("last_seq").map(seq_text).unwrap_or_default();
    (full && !seq.is_empty()).then_some(seq)
}

/// Starts asking for the pages from `since` on (with bodies unless `light`), each as soon as
/// the one before it arrives and is full, unless pages are already being asked for ahead in
/// this run.
pub(super) fn ask_from(couch: &Couch, since: &str, light: bool) {
    let generation = super::current_generation();
    let running = AHEAD.with(|ahead| {
        ahead
            .borrow()
            .as_ref()
            .is_some_and(|a| a.generation == generation)
    });
    if running {
        return;
    }
    let (mut send, pages) = mpsc::channel::<Fetched>(DEPTH.saturating_sub(1));
    let couch = couch.clone();
    let mut since = since.to_string();
    leptos::task::spawn_local(async move {
        loop {
            let url = couch.url(&changes_path(&since, light));
            let answer = super::http::request("GET", &url, None).await;
            let next = answer.as_ref().ok().and_then(next_since);
            // Waits while `DEPTH` pages are unread; ends when they are no longer wanted.
            if futures::SinkExt::send(&mut send, (url, answer))
                .await
                .is_err()
            {
                return;
            }
            match next {
                // A page that does not move on is the pull's to report, not to ask again.
                Some(seq) if seq != since && super::current_generation() == generation => {
                    since = seq
                }
                _ => return,
            }
        }
    });
    AHEAD.with(|ahead| *ahead.borrow_mut() = Some(Ahead { generation, pages }));
}

/// Drops the pages asked ahead and not yet read (their chain stops at its next answer): the
/// run that asked for them is over (sync turned off, signed in again).
pub(super) fn forget() {
    AHEAD.with(|ahead| ahead.borrow_mut().take());
}

/// `GET path`: the next page asked for ahead when it is for this very request and arrived,
/// otherwise asked now (a failed early request is asked again rather than reported, since
/// the failure may be over, and the pages asked ahead are dropped).
pub(super) async fn get(couch: &Couch, path: &str) -> Result<Value, CouchError> {
    let url = couch.url(path);
    let taken = AHEAD.with(|ahead| ahead.borrow_mut().take());
    if let Some(mut ahead) = taken
        && ahead.generation == super::current_generation()
        && let Some((asked, Ok(answer))) = ahead.pages.next().await
        && asked == url
    {
        let more = next_since(&answer).is_some();
        // Put back for the page after it, unless this was the last: nothing more comes then.
        if more && ahead.generation == super::current_generation() {
            AHEAD.with(|slot| {
                let mut slot = slot.borrow_mut();
                if slot.is_none() {
                    *slot = Some(ahead);
                }
            });
        }
        return Ok(answer);
    }
    couch.get(path).await
}
