//! Storage tests in headless Chromium: migrations, transactions, bulk writes and drafts against real IndexedDB.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]
#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, TimeZone, Utc};
use escalation_desk::domain::priority::{Priority, PriorityMatrix};
use escalation_desk::domain::triage::ScopingRequirements;
use escalation_desk::domain::{Case, CaseEdit, CaseStatus, EditContext, EventKind, NewCaseInput};
use escalation_desk::storage::cases::Change;
use escalation_desk::storage::drafts::FormDraft;
use escalation_desk::storage::records::{encode_event, event_key};
use escalation_desk::storage::schema::{CASE_EVENTS, CASES};
use escalation_desk::storage::{
    DraftKey, StorageError, cases, drafts, open_database, open_database_at_version,
};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Every test gets its own database, so tests never see each other's data.
fn unique_name(test: &str) -> String {
    format!("test-{test}-{}", escalation_desk::browser::new_id())
}

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, hour, 0, 0).unwrap()
}

async fn create(db: &Database, title: &str, n: u128) -> Case {
    let input = NewCaseInput {
        title: title.into(),
        account: "Kopi Collective".into(),
        contact_email: "ops@kopi.example".into(),
        severity: "S2".into(),
    }
    .validate()
    .unwrap();
    cases::create_case(
        db,
        input,
        &PriorityMatrix::default(),
        Uuid::from_u128(n),
        Uuid::from_u128(1000 + n),
        "Mei",
        at(9),
        None,
    )
    .await
    .unwrap()
}

async fn put_raw(db: &Database, store: &str, key: &str, value: &str) {
    put_raw_value(db, store, key, value.into()).await;
}

/// Stores `value` as it is (not text) under `key`: what an older build, an extension or a hand
/// in the console could leave.
async fn put_raw_value(db: &Database, store: &str, key: &str, value: wasm_bindgen::JsValue) {
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    tx.object_store(store)
        .unwrap()
        .put(value)
        .with_key(key)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Every key and text value of `store`.
async fn raw_all(db: &Database, store: &str) -> Vec<(String, String)> {
    let tx = db.transaction(store).build().unwrap();
    let store = tx.object_store(store).unwrap();
    let keys: Vec<String> = store
        .get_all_keys::<String>()
        .await
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let values: Vec<String> = store
        .get_all::<String>()
        .await
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    keys.into_iter().zip(values).collect()
}

/// Every record of the paged store `store` (see `storage::page`), flattened to key and text.
async fn raw_paged(db: &Database, store: &str) -> Vec<(String, String)> {
    use escalation_desk::storage::page::Page;
    let tx = db.transaction(store).build().unwrap();
    let pages: Vec<wasm_bindgen::JsValue> = tx
        .object_store(store)
        .unwrap()
        .get_all::<wasm_bindgen::JsValue>()
        .await
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    pages
        .into_iter()
        .flat_map(|value| {
            let text = escalation_desk::storage::paged::page_text(value).unwrap();
            Page::decode(&text).unwrap().into_entries()
        })
        .collect()
}

/// Every record of `store` as the schemas before 10 kept it, one per case: the four per-case
/// stores are read from the pages that hold them now.
async fn records_before_pages(db: &Database, store: &str) -> Vec<(String, String)> {
    use escalation_desk::storage::schema::*;
    match store {
        CASES => raw_paged(db, CASE_PAGES).await,
        CASE_LOGS => raw_paged(db, LOG_PAGES).await,
        CASE_TEXT => raw_paged(db, TEXT_PAGES).await,
        CLOCK_LOG => raw_paged(db, CLOCK_PAGES).await,
        _ => raw_all(db, store).await,
    }
}

/// Creates database `name` at schema `version` holding what `scratch` (a current database,
/// filled through today's code) holds, stored as that schema stored it: each event its own
/// `case_events` record, and only the stores that schema had.
async fn copy_to_schema(scratch: &Database, name: &str, version: u32) {
    use escalation_desk::storage::records::decode_log;
    use escalation_desk::storage::schema::{CASE_LOGS, META};
    let old = open_database_at_version(name, version).await.unwrap();
    let stores: Vec<String> = old.object_store_names().collect();
    for store in &stores {
        if store == CASE_EVENTS {
            for (key, log) in records_before_pages(scratch, CASE_LOGS).await {
                for event in decode_log(&key, &log).items {
                    put_raw(&old, CASE_EVENTS, &event_key(&event), &encode_event(&event)).await;
                }
            }
        } else if store == META {
            // Settings documents are text, the next case number is a number: only the number
            // matters to these tests.
            let tx = scratch.transaction(META).build().unwrap();
            let next: Option<u32> = tx
                .object_store(META)
                .unwrap()
                .get("next_case_number")
                .primitive()
                .unwrap()
                .await
                .unwrap();
            let write = old
                .transaction(META)
                .with_mode(TransactionMode::Readwrite)
                .build()
                .unwrap();
            if let Some(next) = next {
                write
                    .object_store(META)
                    .unwrap()
                    .put(next)
                    .with_key("next_case_number")
                    .await
                    .unwrap();
            }
            write.commit().await.unwrap();
        } else {
            for (key, value) in records_before_pages(scratch, store).await {
                put_raw(&old, store, &key, &value).await;
            }
        }
    }
    old.close();
}

/// "Payouts held" and "Refund stuck", the first with a note: the first case as created, the
/// second, the first as noted, and the note.
async fn two_cases_one_noted(
    db: &Database,
) -> (Case, Case, Case, escalation_desk::domain::CaseEvent) {
    let first = create(db, "Payouts held", 1).await;
    let second = create(db, "Refund stuck", 2).await;
    let (noted, note) = first
        .note("Bank letter received", Uuid::from_u128(9), "Mei", at(10))
        .unwrap();
    cases::save_change(
        db,
        first.revision,
        &noted,
        std::slice::from_ref(&note),
        None,
    )
    .await
    .unwrap();
    (first, second, noted, note)
}

/// A current database to fill through today's code before copying it to an older schema.
async fn scratch() -> Database {
    open_database(&unique_name("scratch")).await.unwrap()
}

mod components;
mod exchange;
mod files;
mod leaving;
mod migrations_early;
mod migrations_late;
mod sync;
mod unreadable;
mod unsent;
mod writes;

// Helpers more than one group uses.
use exchange::{bundle_for, fingerprint};

/// What a form that wrote `key`'s draft as `writer` has of it when it saves, quoting `quoted`
/// from its set-aside notice.
fn held_by(key: &DraftKey, writer: &str, quoted: &[&str]) -> FormDraft {
    FormDraft {
        key: key.clone(),
        writer: writer.into(),
        put_back: None,
        quoted: quoted.iter().map(|text| text.to_string()).collect(),
    }
}

/// What a form that put `key`'s stored draft `text` back into its fields has of it.
fn put_back(key: &DraftKey, text: &str) -> FormDraft {
    FormDraft {
        key: key.clone(),
        writer: "this form".into(),
        put_back: Some(drafts::fingerprint(text)),
        quoted: Vec::new(),
    }
}
