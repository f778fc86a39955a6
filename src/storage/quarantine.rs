//! Safe mode's storage: every stored record listed without computing anything from it, a record set aside into the quarantine store (never deleted), put back, and a raw backup of everything.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use wasm_bindgen::JsValue;

use super::StorageError;
use super::cases::read_all;
use super::paged::{self, Pages, page_text};
use super::records::{
    QuarantineEntry, decode_case, decode_clock_log, decode_document, decode_log, decode_playbook,
    decode_problem, decode_quarantine, decode_rca, encode_quarantine,
};
use super::schema::{
    CASE_PAGES, CLOCK_PAGES, DRAFTS, LOG_PAGES, META, PLAYBOOKS, PROBLEMS, QUARANTINE, RCAS,
    TEXT_PAGES,
};
use super::settings::{PARTNERS, SLA_SETTINGS, TEAM_SETTINGS, TEMPLATES};
use super::transactions::{begin, begin_writing};

/// The four stores a case lives in, by case id.
const CASE_STORES: [&str; 4] = [CASE_PAGES, LOG_PAGES, TEXT_PAGES, CLOCK_PAGES];
/// Stores of one record per key.
const RECORD_STORES: [&str; 3] = [PROBLEMS, RCAS, PLAYBOOKS];
/// Settings documents in `meta`.
const DOCUMENTS: [&str; 4] = [TEAM_SETTINGS, SLA_SETTINGS, TEMPLATES, PARTNERS];

/// What can be set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A case with its log, search text and clock log.
    Case(String),
    /// A problem, worksheet or playbook.
    Record { store: &'static str, key: String },
    /// A settings document in `meta`.
    Document(&'static str),
    /// A whole page that cannot be read as pages are.
    Page { store: &'static str, page: u32 },
}

impl Target {
    fn kind(&self) -> &'static str {
        match self {
            Target::Case(_) => "case",
            Target::Record { .. } => "record",
            Target::Document(_) => "document",
            Target::Page { .. } => "page",
        }
    }

    fn key(&self) -> String {
        match self {
            Target::Case(id) => id.clone(),
            Target::Record { key, .. } => key.clone(),
            Target::Document(key) => (*key).to_string(),
            Target::Page { page, .. } => page.to_string(),
        }
    }
}

/// One stored record as safe mode lists it: what it is, and why it cannot be read, if it cannot.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub target: Target,
    /// "Case ESC-1042 · Payouts held", "Problem PRB-3 · …", "Page 17 of log_pages".
    pub label: String,
    pub problem: Option<String>,
}

/// Every stored record, read but not computed from: unreadable ones first, then by label.
pub async fn list(db: &Database) -> Result<Vec<Listed>, StorageError> {
    let tx = begin(
        db,
        [
            CASE_PAGES,
            LOG_PAGES,
            TEXT_PAGES,
            CLOCK_PAGES,
            PROBLEMS,
            RCAS,
            PLAYBOOKS,
            META,
        ],
    )?;
    let stores = CASE_STORES.map(|name| tx.object_store(name).map(|s| (s, name)));
    let [a, b, c, d] = stores;
    let (a, b, c, d) = (a?, b?, c?, d?);
    let mut cases: BTreeMap<String, (Option<String>, Vec<String>)> = BTreeMap::new();
    let damaged = paged::read_in_runs(
        &[(&a.0, a.1), (&b.0, b.1), (&c.0, c.1), (&d.0, d.1)],
        |store, key, text| {
            let entry = cases.entry(key.to_owned()).or_default();
            match store {
                0 => match decode_case(key, text) {
                    Ok(case) => entry.0 = Some(format!("Case {} · {}", case.key, case.title)),
                    Err(e) => entry.1.push(e.to_string()),
                },
                1 => {
                    if let Some(first) = decode_log(key, text).unreadable.first() {
                        entry.1.push(format!("its log: {first}"));
                    }
                }
                3 => {
                    if let Err(e) = decode_clock_log(key, text) {
                        entry.1.push(format!("its clock log: {e}"));
                    }
                }
                _ => {}
            }
        },
    )
    .await?;
    let mut listed: Vec<Listed> = damaged
        .into_iter()
        .map(|e| {
            let (store, page) = match &e {
                StorageError::Corrupt { store, key, .. } => (
                    *store,
                    key.trim_start_matches("page ").parse().unwrap_or_default(),
                ),
                _ => (CASE_PAGES, 0),
            };
            Listed {
                target: Target::Page { store, page },
                label: format!("Page {page} of {store}"),
                problem: Some(e.to_string()),
            }
        })
        .collect();
    for (id, (label, problems)) in cases {
        listed.push(Listed {
            label: label.unwrap_or_else(|| format!("Case {id} (no readable case record)")),
            problem: problems.into_iter().next(),
            target: Target::Case(id),
        });
    }
    for store in RECORD_STORES {
        let (keys, values) = read_all(&tx.object_store(store)?).await?;
        for (key, text) in keys.into_iter().zip(values) {
            let read = match store {
                PROBLEMS => {
                    decode_problem(&key, &text).map(|p| format!("Problem {} · {}", p.key, p.title))
                }
                RCAS => decode_rca(&key, &text)
                    .map(|r| format!("Worksheet {} · {}", r.key, r.content.title)),
                _ => decode_playbook(&key, &text)
                    .map(|p| format!("Playbook · {}", p.current().title)),
            };
            let (label, problem) = match read {
                Ok(label) => (label, None),
                Err(e) => (format!("{store} record {key}"), Some(e.to_string())),
            };
            listed.push(Listed {
                target: Target::Record { store, key },
                label,
                problem,
            });
        }
    }
    let meta = tx.object_store(META)?;
    for key in DOCUMENTS {
        let stored: Option<String> = meta.get(key).primitive()?.await?;
        let Some(text) = stored else { continue };
        let problem = check_document(key, &text).err().map(|e| e.to_string());
        listed.push(Listed {
            target: Target::Document(key),
            label: format!("Settings: {key}"),
            problem,
        });
    }
    listed.sort_by(|x, y| {
        y.problem
            .is_some()
            .cmp(&x.problem.is_some())
            .then_with(|| x.label.cmp(&y.label))
    });
    Ok(listed)
}

fn check_document(key: &str, text: &str) -> Result<(), StorageError> {
    use crate::domain::{partners, settings, sla, templates};
    match key {
        TEAM_SETTINGS => decode_document::<settings::TeamSettings>(key, text).map(drop),
        SLA_SETTINGS => decode_document::<sla::SlaSettings>(key, text).map(drop),
        TEMPLATES => decode_document::<templates::TemplateLibrary>(key, text).map(drop),
        _ => decode_document::<partners::PartnerDirectory>(key, text).map(drop),
    }
}

/// Moves `target` and everything that goes with it into the quarantine store, in one
/// transaction: after it, the app no longer reads it, and nothing of it is lost.
pub async fn set_aside(
    db: &Database,
    target: &Target,
    label: &str,
    at: DateTime<Utc>,
) -> Result<(), StorageError> {
    let tx = begin_writing(
        db,
        [
            CASE_PAGES,
            LOG_PAGES,
            TEXT_PAGES,
            CLOCK_PAGES,
            PROBLEMS,
            RCAS,
            PLAYBOOKS,
            META,
            QUARANTINE,
        ],
    )?;
    let texts = take(&tx, target).await?;
    if texts.is_empty() {
        return Err(StorageError::NotFound(format!(
            "{label} (already set aside?)"
        )));
    }
    let entry = QuarantineEntry {
        kind: target.kind().into(),
        key: target.key(),
        label: label.into(),
        texts,
        set_aside_at: at,
    };
    let id = format!("{}-{}-{}", at.timestamp_millis(), entry.kind, entry.key);
    tx.object_store(QUARANTINE)?
        .put(encode_quarantine(&entry))
        .with_key(id)
        .build()?;
    tx.commit().await?;
    Ok(())
}

/// Removes what `target` names from where the app reads it and returns every text removed.
async fn take(
    tx: &Transaction<'_>,
    target: &Target,
) -> Result<Vec<(String, String, String)>, StorageError> {
    let mut texts = Vec::new();
    match target {
        Target::Case(id) => {
            for store in CASE_STORES {
                let mut pages = Pages::open(tx, store)?;
                pages.load([id.as_str()]).await?;
                if let Some(text) = pages.get(id).map(str::to_owned) {
                    pages.delete(id);
                    pages.put_changed()?;
                    texts.push((store.to_string(), id.clone(), text));
                }
            }
        }
        Target::Record { store, key } => {
            let records = tx.object_store(store)?;
            let stored: Option<String> = records.get(key.as_str()).primitive()?.await?;
            if let Some(text) = stored {
                records.delete(key.as_str()).build()?;
                texts.push(((*store).to_string(), key.clone(), text));
            }
        }
        Target::Document(key) => {
            let meta = tx.object_store(META)?;
            let stored: Option<String> = meta.get(*key).primitive()?.await?;
            if let Some(text) = stored {
                meta.delete(*key).build()?;
                texts.push((META.to_string(), (*key).to_string(), text));
            }
        }
        Target::Page { store, page } => {
            let pages = tx.object_store(store)?;
            let value: Option<JsValue> = pages.get(*page).primitive()?.await?;
            if let Some(value) = value.filter(|v| !v.is_undefined()) {
                // A page that is not even text is kept as the bytes' lossy text, and says so.
                let text = page_text(value.clone()).unwrap_or_else(|why| {
                    let bytes = js_sys::Uint8Array::new(&value).to_vec();
                    format!("[{why}] {}", String::from_utf8_lossy(&bytes))
                });
                pages.delete(*page).build()?;
                texts.push(((*store).to_string(), page.to_string(), text));
            }
        }
    }
    Ok(texts)
}

/// Everything set aside, newest first, under the key `put_back` takes.
pub async fn set_aside_entries(
    db: &Database,
) -> Result<Vec<(String, Result<QuarantineEntry, StorageError>)>, StorageError> {
    let tx = begin(db, QUARANTINE)?;
    let (keys, values) = read_all(&tx.object_store(QUARANTINE)?).await?;
    let mut entries: Vec<_> = keys
        .into_iter()
        .zip(values)
        .map(|(key, text)| {
            let entry = decode_quarantine(&key, &text);
            (key, entry)
        })
        .collect();
    entries.reverse();
    Ok(entries)
}

/// Puts a set-aside record back where it came from, if its place is still free; nothing is
/// written over a record that has taken its place since.
pub async fn put_back(db: &Database, quarantine_key: &str) -> Result<(), StorageError> {
    let tx = begin_writing(
        db,
        [
            CASE_PAGES,
            LOG_PAGES,
            TEXT_PAGES,
            CLOCK_PAGES,
            PROBLEMS,
            RCAS,
            PLAYBOOKS,
            META,
            QUARANTINE,
        ],
    )?;
    let quarantine = tx.object_store(QUARANTINE)?;
    let stored: Option<String> = quarantine.get(quarantine_key).primitive()?.await?;
    let text = stored.ok_or_else(|| StorageError::NotFound(quarantine_key.to_string()))?;
    let entry = decode_quarantine(quarantine_key, &text)?;
    let taken = |what: &str| {
        StorageError::Rejected(format!(
            "{what} holds another record now, so '{}' stays set aside; download it instead",
            entry.label
        ))
    };
    for (store, key, text) in &entry.texts {
        let store = stored_name(store).ok_or_else(|| taken(store))?;
        if entry.kind == "page" {
            let pages = tx.object_store(store)?;
            let page: u32 = key.parse().map_err(|_| taken(key))?;
            let existing: Option<JsValue> = pages.get(page).primitive()?.await?;
            if existing.is_some_and(|v| !v.is_undefined()) {
                return Err(taken(&format!("page {page} of {store}")));
            }
            pages.put(paged::page_value(text)).with_key(page).build()?;
        } else if CASE_STORES.contains(&store) {
            let mut pages = Pages::open(&tx, store)?;
            pages.load([key.as_str()]).await?;
            if pages.get(key).is_some() {
                return Err(taken(&format!("its place in {store}")));
            }
            pages.put(key, text.clone());
            pages.put_changed()?;
        } else {
            let records = tx.object_store(store)?;
            let existing: Option<JsValue> = records.get(key.as_str()).primitive()?.await?;
            if existing.is_some_and(|v| !v.is_undefined()) {
                return Err(taken(&format!("its place in {store}")));
            }
            records.put(text.as_str()).with_key(key.as_str()).build()?;
        }
    }
    quarantine.delete(quarantine_key).build()?;
    tx.commit().await?;
    Ok(())
}

/// The store a quarantine entry names, if it is one a record can be put back into.
fn stored_name(name: &str) -> Option<&'static str> {
    CASE_STORES
        .into_iter()
        .chain(RECORD_STORES)
        .chain([META])
        .find(|s| *s == name)
}

/// Every store's every record as stored text, unreadable ones and the quarantine included, in
/// one JSON file: what safe mode's "Back up everything" downloads. Not a bundle (a bundle
/// holds only what can be read); a recovery copy to keep, or to hand to someone who can help.
/// Snapshots (`backups`) are left out: each is a bundle of an earlier state, and can be
/// restored from the Data page.
pub async fn raw_dump(db: &Database, at: DateTime<Utc>) -> Result<String, StorageError> {
    let stores = [
        CASE_PAGES,
        LOG_PAGES,
        TEXT_PAGES,
        CLOCK_PAGES,
        PROBLEMS,
        RCAS,
        PLAYBOOKS,
        META,
        DRAFTS,
        QUARANTINE,
    ];
    let tx = begin(db, stores)?;
    let mut out = serde_json::Map::new();
    for name in stores {
        let store = tx.object_store(name)?;
        let keys = store.get_all_keys::<JsValue>().build()?;
        let values = store.get_all::<JsValue>().build()?;
        let keys: Vec<JsValue> = keys.await?.collect::<Result<_, _>>()?;
        let values: Vec<JsValue> = values.await?.collect::<Result<_, _>>()?;
        let records: Vec<serde_json::Value> = keys
            .into_iter()
            .zip(values)
            .map(|(key, value)| {
                serde_json::json!({ "key": shown(&key), "value": stored_text(value) })
            })
            .collect();
        out.insert(name.to_string(), serde_json::Value::Array(records));
    }
    let dump = serde_json::json!({
        "format": "escalation-desk.raw-backup",
        "version": 1,
        "exported_at": at.to_rfc3339(),
        "note": "Every stored record as stored, unreadable ones included. Paged stores hold many cases per page. Not a bundle: keep it, or give it to whoever helps you recover.",
        "stores": out,
    });
    Ok(dump.to_string())
}

/// A stored key as text.
fn shown(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| value.as_f64().map(|n| n.to_string()))
        .unwrap_or_else(|| format!("{value:?}"))
}

/// A stored value as text: page bytes decoded, strings as they are, anything else as JSON.
fn stored_text(value: JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    match page_text(value.clone()) {
        Ok(text) => text,
        Err(_) => js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| format!("{value:?}")),
    }
}

/// Inside a restore's transaction, before it clears the record stores: moves every record that
/// cannot be read into the quarantine store, so a restore never deletes what it could not read.
/// Returns how many were kept. `tx` must cover the paged stores, problems, worksheets,
/// playbooks and the quarantine store.
pub(super) async fn keep_unreadable(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
) -> Result<usize, StorageError> {
    let stores = CASE_STORES.map(|name| tx.object_store(name).map(|s| (s, name)));
    let [a, b, c, d] = stores;
    let (a, b, c, d) = (a?, b?, c?, d?);
    let paged = [(&a.0, a.1), (&b.0, b.1), (&c.0, c.1), (&d.0, d.1)];
    // First, which cases cannot be read; then everything stored for those, across the stores.
    let mut bad: BTreeMap<String, String> = BTreeMap::new();
    let damaged = paged::read_in_runs(&paged, |store, key, text| {
        let problem = match store {
            0 => decode_case(key, text).err().map(|e| e.to_string()),
            1 => decode_log(key, text)
                .unreadable
                .first()
                .map(ToString::to_string),
            3 => decode_clock_log(key, text).err().map(|e| e.to_string()),
            _ => None,
        };
        if let Some(problem) = problem {
            bad.entry(key.to_owned()).or_insert(problem);
        }
    })
    .await?;
    let mut entries: Vec<QuarantineEntry> = Vec::new();
    if !bad.is_empty() {
        let mut texts: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
        paged::read_in_runs(&paged, |store, key, text| {
            if bad.contains_key(key) {
                let name = CASE_STORES.get(store).copied().unwrap_or_default();
                texts.entry(key.to_owned()).or_default().push((
                    name.to_owned(),
                    key.to_owned(),
                    text.to_owned(),
                ));
            }
        })
        .await?;
        for (key, problem) in bad {
            entries.push(QuarantineEntry {
                kind: "case".into(),
                key: key.clone(),
                label: format!("Case {key}, unreadable at a restore: {problem}"),
                texts: texts.remove(&key).unwrap_or_default(),
                set_aside_at: at,
            });
        }
    }
    for error in damaged {
        if let StorageError::Corrupt { store, key, .. } = &error {
            let Ok(page) = key.trim_start_matches("page ").parse::<u32>() else {
                continue;
            };
            let target = Target::Page { store, page };
            let texts = take(tx, &target).await?;
            entries.push(QuarantineEntry {
                kind: "page".into(),
                key: page.to_string(),
                label: format!("Page {page} of {store}, unreadable at a restore: {error}"),
                texts,
                set_aside_at: at,
            });
        }
    }
    for store in RECORD_STORES {
        let (keys, values) = read_all(&tx.object_store(store)?).await?;
        for (key, text) in keys.into_iter().zip(values) {
            let problem = match store {
                PROBLEMS => decode_problem(&key, &text).err(),
                RCAS => decode_rca(&key, &text).err(),
                _ => decode_playbook(&key, &text).err(),
            };
            if let Some(problem) = problem {
                entries.push(QuarantineEntry {
                    kind: "record".into(),
                    key: key.clone(),
                    label: format!("{store} record {key}, unreadable at a restore: {problem}"),
                    texts: vec![(store.to_string(), key, text)],
                    set_aside_at: at,
                });
            }
        }
    }
    let quarantine = tx.object_store(QUARANTINE)?;
    for (n, entry) in entries.iter().enumerate() {
        let id = format!("{}-{}-{}-{n}", at.timestamp_millis(), entry.kind, entry.key);
        quarantine
            .put(encode_quarantine(entry))
            .with_key(id)
            .build()?;
    }
    Ok(entries.len())
}
