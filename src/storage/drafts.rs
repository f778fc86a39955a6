//! Unsent text (a half-typed note, an unfinished intake form), saved as the user types so a reload loses nothing.

use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;

use super::schema::DRAFTS;
use super::transactions::{begin, begin_writing};
use super::{DraftKey, StorageError};

/// Stores `text` under `key`, replacing any earlier draft. An empty text deletes the draft.
pub async fn save_draft(db: &Database, key: &DraftKey, text: &str) -> Result<(), StorageError> {
    let tx = begin_writing(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    if text.is_empty() {
        store.delete(key.to_string()).build()?;
    } else {
        store.put(text).with_key(key.to_string()).build()?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn load_draft(db: &Database, key: &DraftKey) -> Result<Option<String>, StorageError> {
    let tx = begin(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    read_text(&store, key.to_string()).await
}

/// The text stored under `key` in `drafts`. The app stores only text there; anything else (an
/// older build's value, an extension's, one written by hand) is read as its JSON, so it is
/// shown and kept like any draft rather than failing every later write of its form.
async fn read_text(store: &ObjectStore<'_>, key: String) -> Result<Option<String>, StorageError> {
    let stored: Option<wasm_bindgen::JsValue> = store.get(key).primitive()?.await?;
    Ok(stored.map(|value| {
        value.as_string().unwrap_or_else(|| {
            js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|json| json.as_string())
                .unwrap_or_else(|| "(a stored draft that is not text)".into())
        })
    }))
}

/// Where the drafts set aside for `key` are kept, with who wrote the draft stored now. A draft
/// is one per form per device: when a writer (a form in a tab) replaces a draft it has not seen
/// (another tab's typing, or an earlier visit's draft that arrived after typing began), the
/// replaced text is kept here rather than lost. Kept until the form is saved for real.
fn set_aside_key(key: &DraftKey) -> String {
    format!("aside:{key}")
}

/// What `set_aside_key` holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SetAside {
    /// The writer of the draft stored under the form's key now, if known.
    #[serde(default)]
    pub writer: Option<String>,
    /// Replaced drafts, oldest first, at most one per writer (its newest replaced text).
    #[serde(default)]
    pub kept: Vec<KeptDraft>,
}

/// One replaced draft, as its writer left it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptDraft {
    pub from: String,
    pub text: String,
}

impl SetAside {
    /// Keeps `replaced`, the draft stored now, as its writer's replaced draft (an older one from
    /// that writer is dropped).
    fn keep_replaced(&mut self, replaced: &str) {
        let from = self.writer.clone().unwrap_or_else(|| "earlier".into());
        self.kept.retain(|k| k.from != from);
        self.kept.push(KeptDraft {
            from,
            text: replaced.to_string(),
        });
    }

    /// The kept drafts not written by `writer`, oldest first.
    fn kept_from_others(self, writer: &str) -> Vec<String> {
        self.kept
            .into_iter()
            .filter(|k| k.from != writer)
            .map(|k| k.text)
            .collect()
    }
}

/// A stored `SetAside`. A record that is not one (damaged, or written by hand) is kept whole
/// as one replaced draft rather than dropped: it is someone's text.
pub fn decode_set_aside(stored: &str) -> SetAside {
    serde_json::from_str::<SetAside>(stored).unwrap_or_else(|_| SetAside {
        writer: None,
        kept: vec![KeptDraft {
            from: "unknown".into(),
            text: stored.to_string(),
        }],
    })
}

fn encode_set_aside(aside: &SetAside) -> String {
    // Strings and lists of them always serialise; the fallback keeps the record readable.
    serde_json::to_string(aside).unwrap_or_default()
}

async fn read_set_aside(store: &ObjectStore<'_>, key: &DraftKey) -> Result<SetAside, StorageError> {
    let stored = read_text(store, set_aside_key(key)).await?;
    Ok(stored.as_deref().map(decode_set_aside).unwrap_or_default())
}

/// Writes `aside` for `key`, or removes the record when it holds nothing.
fn write_set_aside(
    store: &ObjectStore<'_>,
    key: &DraftKey,
    aside: &SetAside,
) -> Result<(), StorageError> {
    if *aside == SetAside::default() {
        store.delete(set_aside_key(key)).build()?;
    } else {
        store
            .put(encode_set_aside(aside))
            .with_key(set_aside_key(key))
            .build()?;
    }
    Ok(())
}

/// Stores `text` (empty: none) as the draft `key`, written by `writer`. If the draft it replaces
/// was left by another writer and `seen` says this writer never had that text (it did not put
/// it back into its form), that text is set aside first, so two tabs typing into one form, or
/// typing that began before an earlier draft was read, never lose the other text. This
/// writer's own set-aside text is dropped: its newest text is the draft now.
pub async fn save_draft_as(
    db: &Database,
    key: &DraftKey,
    text: &str,
    writer: &str,
    seen: impl Fn(&str) -> bool,
) -> Result<(), StorageError> {
    let tx = begin_writing(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    let mut aside = read_set_aside(&store, key).await?;
    // The stored draft is read only when another writer may have left it: a form's steady
    // typing replaces its own draft (up to 1 MB of call notes) without reading it back.
    if aside.writer.as_deref() != Some(writer) {
        let stored = read_text(&store, key.to_string()).await?;
        if let Some(other) = stored.as_deref()
            && other != text
            && !seen(other)
        {
            aside.keep_replaced(other);
        }
    }
    aside.kept.retain(|k| k.from != writer);
    if text.is_empty() {
        store.delete(key.to_string()).build()?;
        aside.writer = None;
    } else {
        store.put(text).with_key(key.to_string()).build()?;
        aside.writer = Some(writer.to_string());
    }
    write_set_aside(&store, key, &aside)?;
    tx.commit().await?;
    Ok(())
}

/// Keeps `text`, the unsaved text `writer`'s form holds now, unless storage holds it already (as
/// the draft, or set aside from this writer): a save in another tab deletes what that tab's form
/// had (`delete_consumed`), which can be this text, and a form still showing it must not be left
/// with nothing stored until its next keystroke. Written as the draft when there is none now or it is
/// this writer's, otherwise set aside beside the other writer's draft. Whether anything was
/// written.
pub async fn keep_unless_held(
    db: &Database,
    key: &DraftKey,
    text: &str,
    writer: &str,
) -> Result<bool, StorageError> {
    let tx = begin_writing(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    let mut aside = read_set_aside(&store, key).await?;
    let stored = read_text(&store, key.to_string()).await?;
    let held = text.is_empty()
        || stored.as_deref() == Some(text)
        || aside
            .kept
            .iter()
            .any(|k| k.from == writer && k.text == text);
    if !held {
        aside.kept.retain(|k| k.from != writer);
        if stored.is_none() || aside.writer.as_deref() == Some(writer) {
            store.put(text).with_key(key.to_string()).build()?;
            aside.writer = Some(writer.to_string());
        } else {
            aside.kept.push(KeptDraft {
                from: writer.to_string(),
                text: text.to_string(),
            });
        }
        write_set_aside(&store, key, &aside)?;
    }
    tx.commit().await?;
    Ok(!held)
}

/// Removes from what is set aside for `key` the texts in `shown` (those a person read in the
/// form's notice and chose to discard); anything set aside since they read it stays.
pub async fn discard_set_aside(
    db: &Database,
    key: &DraftKey,
    shown: &[String],
) -> Result<(), StorageError> {
    let tx = begin_writing(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    let mut aside = read_set_aside(&store, key).await?;
    aside.kept.retain(|k| !shown.contains(&k.text));
    write_set_aside(&store, key, &aside)?;
    tx.commit().await?;
    Ok(())
}

/// What one form knows of its draft when it is saved for real: which texts that save consumes.
/// Anything else stored for the form (another tab's typing the form never had, even from a tab
/// closed since) is someone's unsaved text, and the save leaves it stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormDraft {
    pub key: DraftKey,
    /// The form's writer (see `save_draft_as`): its own draft and set-aside text go.
    pub writer: String,
    /// The `fingerprint` of the stored draft the form put back into its fields, if it did.
    pub put_back: Option<u64>,
    /// The set-aside texts the form's notice quotes: the person has read them beside the form.
    pub quoted: Vec<String>,
}

impl FormDraft {
    /// Whether another writer's stored `draft` is one this form had: put back, or quoted.
    fn had(&self, draft: &str) -> bool {
        self.put_back == Some(fingerprint(draft))
            || self.quoted.iter().any(|quoted| quoted == draft)
    }
}

/// A fingerprint of a draft's text, so a form can remember which stored draft it put back
/// without keeping a second copy of up to 1 MB of call notes.
pub fn fingerprint(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Deletes, in `tx`, what `form` had of its draft: the form was saved for real. Its own draft and
/// set-aside text go, with what it put back or quoted. Text from other writers the form never
/// had stays, so a tab closed with its typing stored loses nothing to another tab's save; if the
/// draft itself went, the newest such text becomes the draft, to be put back on the next visit.
pub(super) async fn delete_consumed(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    form: &FormDraft,
) -> Result<(), StorageError> {
    let store = tx.object_store(DRAFTS)?;
    let mut aside = read_set_aside(&store, &form.key).await?;
    // The form's own draft (the usual save) goes unread: up to 1 MB of call notes need not be
    // copied out only to be deleted.
    let draft_consumed = aside.writer.as_deref() == Some(form.writer.as_str())
        || read_text(&store, form.key.to_string())
            .await?
            .as_deref()
            .is_none_or(|draft| form.had(draft));
    aside
        .kept
        .retain(|kept| kept.from != form.writer && !form.quoted.contains(&kept.text));
    if draft_consumed {
        match aside.kept.pop() {
            Some(newest) => {
                store
                    .put(newest.text)
                    .with_key(form.key.to_string())
                    .build()?;
                aside.writer = Some(newest.from);
            }
            None => {
                store.delete(form.key.to_string()).build()?;
                aside.writer = None;
            }
        }
    }
    write_set_aside(&store, &form.key, &aside)?;
    Ok(())
}

/// `delete_consumed` in a transaction of its own, for a save whose record lives elsewhere (the
/// SLA settings).
pub async fn consume_draft(db: &Database, form: &FormDraft) -> Result<(), StorageError> {
    let tx = begin_writing(db, DRAFTS)?;
    delete_consumed(&tx, form).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets `earlier`, the draft stored under `key`, aside as its writer's, in one transaction, so
/// it outlives the notice that shows it and the tab that showed it.
pub async fn set_aside_draft(
    db: &Database,
    key: &DraftKey,
    earlier: &str,
) -> Result<(), StorageError> {
    let tx = begin_writing(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    let mut aside = read_set_aside(&store, key).await?;
    aside.keep_replaced(earlier);
    write_set_aside(&store, key, &aside)?;
    tx.commit().await?;
    Ok(())
}

/// The drafts set aside for `key` and not written by `writer`, oldest first.
pub async fn load_set_aside(
    db: &Database,
    key: &DraftKey,
    writer: &str,
) -> Result<Vec<String>, StorageError> {
    let tx = begin(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    Ok(read_set_aside(&store, key).await?.kept_from_others(writer))
}

/// The draft `key` and the drafts set aside for it by other writers than `writer`, in one
/// transaction: what a form reads when it opens.
pub async fn load_draft_and_set_aside(
    db: &Database,
    key: &DraftKey,
    writer: &str,
) -> Result<(Option<String>, Vec<String>), StorageError> {
    let tx = begin(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    let draft = read_text(&store, key.to_string()).await?;
    let aside = read_set_aside(&store, key).await?;
    Ok((draft, aside.kept_from_others(writer)))
}
