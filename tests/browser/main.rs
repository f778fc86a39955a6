//! Storage tests in headless Chromium: migrations, transactions and drafts against real IndexedDB.
#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, TimeZone, Utc};
use escalation_desk::domain::case::CaseKey;
use escalation_desk::domain::{Case, CaseStatus, EventKind, NewCaseInput, Severity};
use escalation_desk::storage::records::encode_case;
use escalation_desk::storage::schema::CASES;
use escalation_desk::storage::{
    StorageError, cases, drafts, open_database, open_database_at_version,
};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Every test gets its own database, so tests never see each other's data.
fn unique_name(test: &str) -> String {
    format!("test-{test}-{}", escalation_desk::ui::browser::new_id())
}

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, hour, 0, 0).unwrap()
}

fn valid_input(title: &str) -> escalation_desk::domain::ValidNewCase {
    NewCaseInput {
        title: title.into(),
        account: "Kopi Collective".into(),
        contact_email: "ops@kopi.example".into(),
        severity: "S2".into(),
    }
    .validate()
    .unwrap()
}

#[wasm_bindgen_test]
async fn migration_from_schema_1_keeps_cases_and_backfills_their_log() {
    let name = unique_name("migrate");
    // Build the database exactly as the first schema left it: cases with no event log.
    let old = open_database_at_version(&name, 1).await.unwrap();
    let legacy = Case {
        id: Uuid::from_u128(42),
        key: CaseKey::from_number(1001),
        title: "Payouts held since Monday".into(),
        account: "Kopi Collective".into(),
        contact_email: "ops@kopi.example".into(),
        severity: Severity::S1,
        status: CaseStatus::WaitingOnPartner,
        created_at: at(3),
        updated_at: at(5),
        revision: 4,
    };
    {
        let tx = old
            .transaction(CASES)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .unwrap();
        tx.object_store(CASES)
            .unwrap()
            .put(encode_case(&legacy))
            .with_key(legacy.id.to_string())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    old.close();

    let db = open_database(&name).await.unwrap();
    assert_eq!(
        db.version() as u32,
        escalation_desk::storage::CURRENT_VERSION
    );
    assert_eq!(
        cases::load_cases(&db).await.unwrap().items,
        vec![legacy.clone()]
    );
    let events = cases::load_events(&db, legacy.id).await.unwrap().items;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].at, legacy.created_at);
    assert!(
        matches!(&events[0].kind, EventKind::Created { title, severity: Severity::S1 } if title == &legacy.title)
    );
}

#[wasm_bindgen_test]
async fn creating_cases_allocates_keys_in_order_and_logs_creation() {
    let db = open_database(&unique_name("create")).await.unwrap();
    let first = cases::create_case(
        &db,
        valid_input("First"),
        Uuid::from_u128(1),
        Uuid::from_u128(11),
        "Mei",
        at(9),
        None,
    )
    .await
    .unwrap();
    let second = cases::create_case(
        &db,
        valid_input("Second"),
        Uuid::from_u128(2),
        Uuid::from_u128(12),
        "Mei",
        at(10),
        None,
    )
    .await
    .unwrap();
    assert_eq!(first.key.to_string(), "ESC-1001");
    assert_eq!(second.key.to_string(), "ESC-1002");
    let mut stored = cases::load_cases(&db).await.unwrap().items;
    stored.sort_by_key(|c| c.key.clone());
    assert_eq!(stored, vec![first.clone(), second]);
    assert_eq!(
        cases::load_events(&db, first.id).await.unwrap().items.len(),
        1
    );
}

#[wasm_bindgen_test]
async fn a_stale_write_fails_and_leaves_case_and_log_untouched() {
    let db = open_database(&unique_name("conflict")).await.unwrap();
    let case = cases::create_case(
        &db,
        valid_input("Refunds fail"),
        Uuid::from_u128(1),
        Uuid::from_u128(2),
        "Mei",
        at(9),
        None,
    )
    .await
    .unwrap();
    // Another tab renames the case first.
    let (theirs, their_event) = case
        .retitle("Refunds fail in JPY", Uuid::from_u128(3), "Raj", at(10))
        .unwrap();
    cases::save_change(&db, case.revision, &theirs, &their_event, None)
        .await
        .unwrap();
    // This tab, still holding revision 1, tries to add a note.
    let (mine, my_event) = case
        .note("Called the merchant", Uuid::from_u128(4), "Mei", at(11))
        .unwrap();
    let error = cases::save_change(&db, case.revision, &mine, &my_event, None)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        StorageError::Conflict {
            what: "ESC-1001".into(),
            expected: 1,
            found: 2
        }
    );
    assert_eq!(cases::load_cases(&db).await.unwrap().items, vec![theirs]);
    let kinds: Vec<_> = cases::load_events(&db, case.id)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(
        kinds
            .iter()
            .all(|k| !matches!(k, EventKind::NoteAdded { .. })),
        "{kinds:?}"
    );
    assert_eq!(kinds.len(), 2);
}

#[wasm_bindgen_test]
async fn a_transaction_that_errors_after_writing_commits_nothing() {
    let db = open_database(&unique_name("rollback")).await.unwrap();
    let case = cases::create_case(
        &db,
        valid_input("Original"),
        Uuid::from_u128(1),
        Uuid::from_u128(2),
        "Mei",
        at(9),
        None,
    )
    .await
    .unwrap();
    // The pattern every storage function follows: writes, then `?` on an error before `commit()`.
    async fn write_then_fail(
        db: &indexed_db_futures::database::Database,
        case: &Case,
    ) -> indexed_db_futures::Result<()> {
        let tx = db
            .transaction(CASES)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(CASES)?;
        let mut changed = case.clone();
        changed.title = "Overwritten".into();
        store
            .put(encode_case(&changed))
            .with_key(case.id.to_string())
            .build()?;
        // An invalid key is refused by IndexedDB, and `?` returns before commit.
        store.put("x").with_key(f64::NAN).build()?;
        tx.commit().await
    }
    assert!(write_then_fail(&db, &case).await.is_err());
    assert_eq!(cases::load_cases(&db).await.unwrap().items, vec![case]);
}

#[wasm_bindgen_test]
async fn drafts_round_trip_and_a_consumed_draft_is_deleted_with_the_note() {
    let db = open_database(&unique_name("drafts")).await.unwrap();
    let case = cases::create_case(
        &db,
        valid_input("Drafts"),
        Uuid::from_u128(1),
        Uuid::from_u128(2),
        "Mei",
        at(9),
        None,
    )
    .await
    .unwrap();
    let key = format!("note:{}", case.id);
    assert_eq!(drafts::load_draft(&db, &key).await.unwrap(), None);
    drafts::save_draft(&db, &key, "half a thought")
        .await
        .unwrap();
    assert_eq!(
        drafts::load_draft(&db, &key).await.unwrap().as_deref(),
        Some("half a thought")
    );

    let (next, event) = case
        .note(
            "half a thought, finished",
            Uuid::from_u128(3),
            "Mei",
            at(10),
        )
        .unwrap();
    cases::save_change(&db, case.revision, &next, &event, Some(&key))
        .await
        .unwrap();
    assert_eq!(drafts::load_draft(&db, &key).await.unwrap(), None);

    drafts::save_draft(&db, "intake", "x").await.unwrap();
    drafts::save_draft(&db, "intake", "").await.unwrap();
    assert_eq!(
        drafts::load_draft(&db, "intake").await.unwrap(),
        None,
        "an empty draft deletes itself"
    );
}

#[wasm_bindgen_test]
async fn a_one_megabyte_note_is_stored_whole() {
    let db = open_database(&unique_name("bignote")).await.unwrap();
    let case = cases::create_case(
        &db,
        valid_input("Long call"),
        Uuid::from_u128(1),
        Uuid::from_u128(2),
        "Mei",
        at(9),
        None,
    )
    .await
    .unwrap();
    let text: String = "Call notes 😊 & <b>not html</b>\n"
        .chars()
        .cycle()
        .take(1 << 20)
        .collect();
    let (next, event) = case.note(&text, Uuid::from_u128(3), "Mei", at(10)).unwrap();
    cases::save_change(&db, case.revision, &next, &event, None)
        .await
        .unwrap();
    let events = cases::load_events(&db, case.id).await.unwrap().items;
    assert_eq!(events.last().unwrap().kind, EventKind::NoteAdded { text });
}

#[wasm_bindgen_test]
async fn a_database_from_a_newer_app_is_refused_not_downgraded() {
    let name = unique_name("newer");
    let future =
        open_database_at_version(&name, escalation_desk::storage::CURRENT_VERSION + 1).await;
    // The current build refuses to open its own future schema, whichever way the browser reports it.
    match future {
        Err(StorageError::NewerSchema { .. }) => {}
        Ok(db) => panic!("opened a schema newer than this build: {}", db.version()),
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn sample_data_is_written_in_one_go_after_existing_cases() {
    let db = open_database(&unique_name("sample")).await.unwrap();
    cases::create_case(
        &db,
        valid_input("Mine"),
        Uuid::from_u128(1),
        Uuid::from_u128(2),
        "Mei",
        at(9),
        None,
    )
    .await
    .unwrap();
    let written = cases::load_sample_data(&db, 7, 50, at(12)).await.unwrap();
    assert_eq!(written, 50);
    let all = cases::load_cases(&db).await.unwrap().items;
    assert_eq!(all.len(), 51);
    let mut numbers: Vec<u32> = all.iter().map(|c| c.key.number()).collect();
    numbers.sort();
    assert_eq!(
        numbers,
        (1001..=1051).collect::<Vec<_>>(),
        "sample keys follow the existing case"
    );
}
