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
use escalation_desk::storage::records::{encode_event, event_key};
use escalation_desk::storage::schema::{CASE_EVENTS, CASES};
use escalation_desk::storage::{
    StorageError, cases, drafts, open_database, open_database_at_version,
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

#[wasm_bindgen_test]
async fn migration_from_schema_1_keeps_cases_backfills_the_log_and_reads_v1_records() {
    let name = unique_name("migrate");
    // Build the database exactly as the first schema left it: a v1 record, no event log.
    let old = open_database_at_version(&name, 1).await.unwrap();
    let v1 = include_str!("../fixtures/storage/case-record-v1.json").trim();
    put_raw(&old, CASES, "00000000-0000-0000-0000-000000001234", v1).await;
    old.close();

    let db = open_database(&name).await.unwrap();
    assert_eq!(
        db.version() as u32,
        escalation_desk::storage::CURRENT_VERSION
    );
    let loaded = cases::load_cases(&db).await.unwrap();
    assert!(loaded.unreadable.is_empty(), "{:?}", loaded.unreadable);
    let case = &loaded.items[0];
    assert_eq!(
        (case.key.to_string().as_str(), case.title.as_str()),
        ("ESC-1042", "Refunds fail in JPY only")
    );
    assert_eq!(
        (case.account.name.as_str(), case.contact_email()),
        ("Sakura Mart", "pay@sakura.example")
    );
    assert_eq!(
        (case.priority, case.status, case.revision),
        (Priority::P2, CaseStatus::WaitingOnPartner, 3)
    );
    let events = cases::load_events(&db, case.id).await.unwrap().items;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].at, case.created_at);
    assert!(matches!(&events[0].kind, EventKind::Created { title, .. } if title == &case.title));
}

#[wasm_bindgen_test]
async fn migration_from_schema_2_builds_search_text_from_existing_notes() {
    let name = unique_name("migrate3");
    let legacy = scratch().await;
    let case = create(&legacy, "Payouts held", 1).await;
    copy_to_schema(&legacy, &name, 2).await;
    let old = open_database_at_version(&name, 2).await.unwrap();
    let (_, note) = case
        .note(
            "Wire ref ZX-99812 from Treasury",
            Uuid::from_u128(5),
            "Mei",
            at(10),
        )
        .unwrap();
    put_raw(&old, CASE_EVENTS, &event_key(&note), &encode_event(&note)).await;
    old.close();

    let db = open_database(&name).await.unwrap();
    let texts = cases::load_case_texts(&db).await.unwrap();
    assert_eq!(
        texts.get(&case.id).map(String::as_str),
        Some("wire ref zx-99812 from treasury\n")
    );
}

#[wasm_bindgen_test]
async fn migration_from_schema_3_keeps_case_log_and_search_text_and_adds_every_later_store() {
    use escalation_desk::domain::sla::MarkKind;
    use escalation_desk::storage::records::encode_case;
    use escalation_desk::storage::schema::CASE_TEXT;
    let name = unique_name("migrate3to6");
    // Written as schema 3 left data: a case, its log with a status move, and its search text.
    let scratch = open_database(&unique_name("scratch")).await.unwrap();
    let case = create(&scratch, "Refund stuck at the issuer", 1).await;
    let created = cases::load_events(&scratch, case.id).await.unwrap().items;
    let old = open_database_at_version(&name, 3).await.unwrap();
    put_raw(&old, CASES, &case.id.to_string(), &encode_case(&case)).await;
    let moved = escalation_desk::domain::CaseEvent {
        id: Uuid::from_u128(77),
        case_id: case.id,
        at: at(11),
        actor: "Mei".into(),
        kind: EventKind::StatusChanged {
            from: CaseStatus::New,
            to: CaseStatus::Triaged,
            resolution: None,
        },
    };
    for event in created.iter().chain([&moved]) {
        put_raw(&old, CASE_EVENTS, &event_key(event), &encode_event(event)).await;
    }
    put_raw(
        &old,
        CASE_TEXT,
        &case.id.to_string(),
        "arn 7412 from the issuer\n",
    )
    .await;
    old.close();

    let db = open_database(&name).await.unwrap();
    assert_eq!(
        db.version() as u32,
        escalation_desk::storage::CURRENT_VERSION
    );
    assert_eq!(
        cases::load_cases(&db).await.unwrap().items,
        vec![case.clone()]
    );
    let events = cases::load_events(&db, case.id).await.unwrap().items;
    assert_eq!(events.len(), created.len() + 1);
    assert_eq!(events.last().unwrap(), &moved);
    let texts = cases::load_case_texts(&db).await.unwrap();
    assert_eq!(
        texts.get(&case.id).map(String::as_str),
        Some("arn 7412 from the issuer\n")
    );
    // Step 5 backfilled the clock log from the events; steps 4 and 6 added their stores.
    let (logs, unreadable) = cases::load_clock_logs(&db).await.unwrap();
    assert!(unreadable.is_empty());
    assert!(logs[&case.id].iter().any(|m| m.kind
        == MarkKind::Status {
            to: CaseStatus::Triaged
        }));
    assert!(
        escalation_desk::storage::problems::load_problems(&db)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(
        escalation_desk::storage::playbooks::load_playbooks(&db)
            .await
            .unwrap()
            .items
            .len(),
        6
    );
}

#[wasm_bindgen_test]
async fn creating_cases_allocates_keys_in_order_and_logs_creation() {
    let db = open_database(&unique_name("create")).await.unwrap();
    let first = create(&db, "First", 1).await;
    let second = create(&db, "Second", 2).await;
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
    let case = create(&db, "Refunds fail", 1).await;
    // Another tab renames the case first.
    let (theirs, their_event) = case
        .retitle("Refunds fail in JPY", Uuid::from_u128(3), "Raj", at(10))
        .unwrap();
    cases::save_change(&db, case.revision, &theirs, &[their_event], None)
        .await
        .unwrap();
    // This tab, still holding revision 1, tries to add a note.
    let (mine, my_event) = case
        .note("Called the merchant", Uuid::from_u128(4), "Mei", at(11))
        .unwrap();
    let error = cases::save_change(&db, case.revision, &mine, &[my_event], None)
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
    assert!(
        cases::load_case_texts(&db).await.unwrap().is_empty(),
        "the refused note is not searchable either"
    );
}

#[wasm_bindgen_test]
async fn a_bulk_change_with_one_stale_case_writes_none_of_them() {
    let db = open_database(&unique_name("bulk")).await.unwrap();
    let mut all = Vec::new();
    for n in 1..=5 {
        all.push(create(&db, &format!("Case {n}"), n).await);
    }
    let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
    let ctx = EditContext {
        matrix: &matrix,
        requirements: &requirements,
        actor: "Raj",
        now: at(12),
    };
    let mut ids = (100u128..).map(Uuid::from_u128);
    let mut changes: Vec<Change> = all
        .iter()
        .map(|c| {
            let (next, events) = c
                .apply(CaseEdit::Owner("Aisha".into()), &ctx, || {
                    ids.next().unwrap()
                })
                .unwrap();
            Change {
                expected_revision: c.revision,
                next,
                events,
            }
        })
        .collect();
    // The last case was changed elsewhere after this tab read it.
    changes[4].expected_revision = 0;
    let error = cases::save_changes(&db, &changes).await.unwrap_err();
    assert!(matches!(error, StorageError::Conflict { .. }), "{error:?}");
    let stored = cases::load_cases(&db).await.unwrap().items;
    assert!(
        stored.iter().all(|c| c.owner == "Mei"),
        "nothing was written"
    );

    changes[4].expected_revision = all[4].revision;
    cases::save_changes(&db, &changes).await.unwrap();
    let stored = cases::load_cases(&db).await.unwrap().items;
    assert!(stored.iter().all(|c| c.owner == "Aisha" && c.revision == 2));
}

#[wasm_bindgen_test]
async fn a_transaction_that_errors_after_writing_commits_nothing() {
    let db = open_database(&unique_name("rollback")).await.unwrap();
    let case = create(&db, "Original", 1).await;
    // The pattern every storage function follows: writes, then `?` on an error before `commit()`.
    async fn write_then_fail(db: &Database, case: &Case) -> indexed_db_futures::Result<()> {
        use escalation_desk::storage::page::{Page, page_of};
        use escalation_desk::storage::schema::CASE_PAGES;
        let tx = db
            .transaction(CASE_PAGES)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(CASE_PAGES)?;
        let mut changed = case.clone();
        changed.title = "Overwritten".into();
        let key = case.id.to_string();
        let mut page = Page::default();
        page.insert(
            &key,
            escalation_desk::storage::records::encode_case(&changed),
        );
        store
            .put(escalation_desk::storage::paged::page_value(
                &page.encode().unwrap(),
            ))
            .with_key(page_of(&key))
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
    let case = create(&db, "Drafts", 1).await;
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
    cases::save_change(&db, case.revision, &next, &[event], Some(&key))
        .await
        .unwrap();
    assert_eq!(drafts::load_draft(&db, &key).await.unwrap(), None);
    let texts = cases::load_case_texts(&db).await.unwrap();
    assert_eq!(
        texts.get(&case.id).map(String::as_str),
        Some("half a thought, finished\n")
    );

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
    let case = create(&db, "Long call", 1).await;
    let text: String = "Call notes 😊 & <b>not html</b>\n"
        .chars()
        .cycle()
        .take(1 << 20)
        .collect();
    let (next, event) = case.note(&text, Uuid::from_u128(3), "Mei", at(10)).unwrap();
    cases::save_change(&db, case.revision, &next, &[event], None)
        .await
        .unwrap();
    let events = cases::load_events(&db, case.id).await.unwrap().items;
    assert_eq!(events.last().unwrap().kind, EventKind::NoteAdded { text });
}

#[wasm_bindgen_test]
async fn a_one_megabyte_call_note_is_logged_whole_and_its_draft_goes_with_it() {
    let db = open_database(&unique_name("bigcall")).await.unwrap();
    let case = create(&db, "Long call", 1).await;
    let notes: String = "Caller said: 払い戻し & <img src=x onerror=alert(1)>\n"
        .chars()
        .cycle()
        .take(1 << 20)
        .collect();
    let key = format!("call:{}", case.id);
    drafts::save_draft(&db, &key, &notes).await.unwrap();
    let kind = EventKind::CallLogged {
        outcome: escalation_desk::domain::events::CallOutcome::Reached,
        duration_seconds: 1260,
        notes: notes.clone(),
        next_steps: "Chase Risk".into(),
    };
    let (next, event) = case
        .record(kind.clone(), Uuid::from_u128(3), "Mei", at(10))
        .unwrap();
    cases::save_change(&db, case.revision, &next, &[event], Some(&key))
        .await
        .unwrap();
    let events = cases::load_events(&db, case.id).await.unwrap().items;
    assert_eq!(events.last().unwrap().kind, kind);
    assert_eq!(drafts::load_draft(&db, &key).await.unwrap(), None);
    // A call that reached the user is a response on the clock log.
    let logs = cases::load_clock_logs(&db).await.unwrap().0;
    assert!(
        logs[&case.id]
            .iter()
            .any(|m| m.kind == escalation_desk::domain::sla::MarkKind::Response)
    );
}

#[wasm_bindgen_test]
async fn templates_and_partner_teams_start_from_the_starter_sets_and_a_save_consumes_its_draft() {
    use escalation_desk::storage::settings;
    let db = open_database(&unique_name("templates")).await.unwrap();
    let mut library = settings::load_templates(&db).await.unwrap();
    assert!(library.templates.len() >= 5);
    library.templates[0].name = "Acknowledge (edited)".into();
    drafts::save_draft(&db, "templates", "{\"templates\":[]}")
        .await
        .unwrap();
    settings::save_templates(&db, &library, "templates")
        .await
        .unwrap();
    assert_eq!(settings::load_templates(&db).await.unwrap(), library);
    assert_eq!(drafts::load_draft(&db, "templates").await.unwrap(), None);

    let mut directory = settings::load_partners(&db).await.unwrap();
    assert!(directory.find("Risk Operations").is_some());
    directory.teams.truncate(1);
    settings::save_partners(&db, &directory, "partners")
        .await
        .unwrap();
    assert_eq!(settings::load_partners(&db).await.unwrap(), directory);
}

#[wasm_bindgen_test]
async fn migration_to_schema_6_seeds_the_starter_playbooks_and_saves_check_the_revision() {
    use escalation_desk::domain::playbooks::PlaybookContent;
    use escalation_desk::storage::playbooks::{load_playbooks, save_playbook};
    let name = unique_name("playbooks");
    let legacy = scratch().await;
    let case = create(&legacy, "Kept across the upgrade", 1).await;
    copy_to_schema(&legacy, &name, 5).await;
    let db = open_database(&name).await.unwrap();
    assert_eq!(cases::load_cases(&db).await.unwrap().items, vec![case]);
    let loaded = load_playbooks(&db).await.unwrap();
    assert!(loaded.unreadable.is_empty());
    assert_eq!(loaded.items.len(), 6);
    let library = loaded.items;
    let playbook = library
        .iter()
        .find(|p| p.current().title == "Refund failed")
        .unwrap()
        .clone();

    let mut content: PlaybookContent = playbook.current().clone();
    content.steps.truncate(6);
    let revised = playbook
        .revise(content, "Shorter", "Mei", at(10), &library)
        .unwrap();
    save_playbook(&db, Some(playbook.revision), &revised, None)
        .await
        .unwrap();
    // A second tab still holding revision 1 is refused, and the stored copy is untouched.
    let stale = playbook.set_archived(true);
    let refused = save_playbook(&db, Some(playbook.revision), &stale, None).await;
    assert!(
        matches!(refused, Err(StorageError::Conflict { .. })),
        "{refused:?}"
    );
    let stored = load_playbooks(&db).await.unwrap().items;
    let now = stored.iter().find(|p| p.id == playbook.id).unwrap();
    assert_eq!(now, &revised);
    assert_eq!(now.get_version(1).unwrap().content.steps.len(), 7);
    // Creating over an existing id is a conflict too.
    assert!(save_playbook(&db, None, &revised, None).await.is_err());
}

#[wasm_bindgen_test]
async fn a_database_from_a_newer_app_is_refused_not_downgraded() {
    let name = unique_name("newer");
    let future =
        open_database_at_version(&name, escalation_desk::storage::CURRENT_VERSION + 1).await;
    match future {
        Err(StorageError::NewerSchema { .. }) => {}
        Ok(db) => panic!("opened a schema newer than this build: {}", db.version()),
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn sample_data_is_written_in_one_go_after_existing_cases_with_search_text() {
    let db = open_database(&unique_name("sample")).await.unwrap();
    create(&db, "Mine", 1).await;
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
    assert!(
        !cases::load_case_texts(&db).await.unwrap().is_empty(),
        "sample notes are searchable"
    );
}

#[wasm_bindgen_test]
async fn migration_from_schema_4_builds_each_clock_log_from_the_event_log() {
    use escalation_desk::domain::sla::{ClockMark, MarkKind};
    let name = unique_name("migrate5");
    let legacy = scratch().await;
    let case = create(&legacy, "Payouts held", 1).await;
    copy_to_schema(&legacy, &name, 4).await;
    let old = open_database_at_version(&name, 4).await.unwrap();
    let sent = escalation_desk::domain::CaseEvent {
        id: Uuid::from_u128(7),
        case_id: case.id,
        at: at(10),
        actor: "Mei".into(),
        kind: EventKind::EmailSent {
            to: "ops@kopi.example".into(),
            cc: String::new(),
            subject: "On it".into(),
            body: "We own this now.".into(),
        },
    };
    put_raw(&old, CASE_EVENTS, &event_key(&sent), &encode_event(&sent)).await;
    old.close();

    let db = open_database(&name).await.unwrap();
    let (logs, unreadable) = cases::load_clock_logs(&db).await.unwrap();
    assert!(unreadable.is_empty());
    assert_eq!(
        logs.get(&case.id),
        Some(&vec![ClockMark {
            at: at(10),
            kind: MarkKind::Response
        }])
    );
}

#[wasm_bindgen_test]
async fn logged_events_keep_the_clock_log_in_step_and_a_repeated_breach_is_stored_once() {
    use escalation_desk::domain::sla::{MarkKind, SlaTarget};
    let db = open_database(&unique_name("clocklog")).await.unwrap();
    let case = create(&db, "Refunds fail", 1).await;
    let (next, waiting) = case
        .apply(
            CaseEdit::Status {
                to: CaseStatus::Triaged,
                resolution: String::new(),
            },
            &EditContext {
                matrix: &PriorityMatrix::default(),
                requirements: &ScopingRequirements {
                    required: Default::default(),
                },
                actor: "Mei",
                now: at(10),
            },
            || Uuid::from_u128(11),
        )
        .unwrap();
    cases::save_change(&db, case.revision, &next, &waiting, None)
        .await
        .unwrap();
    let breach = escalation_desk::domain::CaseEvent {
        id: Uuid::from_u128(12),
        case_id: case.id,
        at: at(11),
        actor: "SLA clock".into(),
        kind: EventKind::SlaBreached {
            target: SlaTarget::FirstResponse,
            cycle: at(9),
            due: at(11),
        },
    };
    // Two tabs log the same breach: one record, one mark.
    cases::append_events(&db, std::slice::from_ref(&breach))
        .await
        .unwrap();
    cases::append_events(&db, std::slice::from_ref(&breach))
        .await
        .unwrap();
    let (logs, _) = cases::load_clock_logs(&db).await.unwrap();
    let kinds: Vec<MarkKind> = logs[&case.id].iter().map(|m| m.kind.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            MarkKind::Status {
                to: CaseStatus::Triaged
            },
            MarkKind::Breach {
                target: SlaTarget::FirstResponse,
                cycle: at(9)
            }
        ]
    );
    let events = cases::load_events(&db, case.id).await.unwrap().items;
    assert_eq!(events.len(), 3, "created, triaged, one breach");
    let reloaded = cases::load_cases(&db).await.unwrap().items;
    assert_eq!(
        reloaded[0].revision, next.revision,
        "a breach never bumps the case"
    );
}

#[wasm_bindgen_test]
fn the_sla_board_reuses_results_only_while_they_are_still_true() {
    use escalation_desk::app::board::compute_board;
    use escalation_desk::domain::sla::{ClockMark, CompiledSla, Health, SlaSettings};
    use std::collections::HashMap;
    use std::sync::Arc;
    // Monday 30 Nov 2026, 09:00 in Singapore; the standard policy answers first response in 240 min.
    let monday = Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap();
    let engine = Arc::new(CompiledSla::new(SlaSettings::default(), monday).unwrap());
    let mut cases: Vec<Case> = escalation_desk::domain::sample::generate(3, 3, 1, monday)
        .into_iter()
        .map(|s| s.case)
        .collect();
    for case in &mut cases {
        case.created_at = monday;
        case.status = CaseStatus::New;
        case.priority = Priority::P3;
        case.account.tier = escalation_desk::domain::Tier::Standard;
    }
    let marks: HashMap<Uuid, Vec<ClockMark>> = HashMap::new();
    let board = compute_board(&cases, &marks, &engine, monday);
    assert!(board.rows.iter().all(|r| r.health == Health::OnTrack));

    // An edit to one case is seen at once.
    cases[1].status = CaseStatus::Resolved;
    cases[1].revision += 1;
    let board = compute_board(&cases, &marks, &engine, monday);
    assert_eq!(board.rows[1].health, Health::Idle);
    assert_eq!(board.rows[0].health, Health::OnTrack);

    // Time reaching the warning, then the deadline, is seen without any edit.
    let board = compute_board(
        &cases,
        &marks,
        &engine,
        monday + chrono::Duration::minutes(200),
    );
    assert_eq!(board.rows[0].health, Health::AtRisk);
    let board = compute_board(
        &cases,
        &marks,
        &engine,
        monday + chrono::Duration::minutes(241),
    );
    assert_eq!(board.rows[0].health, Health::Breached);
    assert_eq!(board.unlogged.len(), 2, "one breach event per open case");

    // A reload that reorders the cases still pairs each result with its own case.
    cases.reverse();
    let board = compute_board(
        &cases,
        &marks,
        &engine,
        monday + chrono::Duration::minutes(241),
    );
    assert_eq!(board.rows[1].health, Health::Idle);
    assert_eq!(board.rows[0].health, Health::Breached);
}

/// What a test compares to prove an operation left the database exactly as it was.
async fn fingerprint(db: &Database) -> (Vec<Case>, usize, usize, u32) {
    use escalation_desk::storage::exchange;
    let stored = exchange::read_everything(db).await.unwrap();
    let mut cases = stored.cases;
    cases.sort_by_key(|c| c.key.clone());
    let events = stored.events.values().map(Vec::len).sum();
    let (clocks, texts) = escalation_desk::storage::paged::read_derived(db)
        .await
        .unwrap();
    (
        cases,
        events,
        clocks.len() + texts.len(),
        stored.next_case_number,
    )
}

/// A bundle of `size` cases from another device, plus a retitled copy of `mine`.
async fn bundle_for(
    db: &Database,
    mine: &Case,
    size: usize,
) -> escalation_desk::domain::merge::MergeResult {
    use escalation_desk::domain::merge::{self, CaseWithEvents, Incoming};
    use escalation_desk::storage::exchange;
    let mut incoming = Incoming::default();
    for sample in escalation_desk::domain::sample::generate(21, size, 5001, at(8)) {
        incoming.cases.push(CaseWithEvents {
            case: sample.case,
            events: sample.events,
        });
    }
    let mut events = cases::load_events(db, mine.id).await.unwrap().items;
    let (retitled, event) = mine
        .retitle(
            "Refunds fail in JPY (from Raj)",
            Uuid::from_u128(77),
            "Raj",
            at(12),
        )
        .unwrap();
    events.push(event);
    incoming.cases.push(CaseWithEvents {
        case: retitled,
        events,
    });
    let ids: Vec<Uuid> = incoming.cases.iter().map(|c| c.case.id).collect();
    let local = exchange::read_for_merge(db, &ids).await.unwrap();
    let plan = merge::plan(incoming, local);
    assert_eq!(plan.case_counts().new, size);
    assert_eq!(plan.case_counts().updated, 1);
    plan.resolve(&Default::default()).unwrap()
}

#[wasm_bindgen_test]
async fn an_import_killed_midway_leaves_the_database_exactly_as_it_was() {
    use escalation_desk::storage::exchange;
    use futures::FutureExt;
    let db = open_database(&unique_name("import-killed")).await.unwrap();
    let mine = create(&db, "Refunds fail", 1).await;
    create(&db, "Payout held", 2).await;
    let before = fingerprint(&db).await;
    let result = bundle_for(&db, &mine, 1200).await;

    // Stop the import the moment its first chunk of writes is in flight, as a closed tab would.
    let (started, on_started) = futures::channel::oneshot::channel::<()>();
    let started = std::cell::RefCell::new(Some(started));
    let report = |done: usize, _total: usize| {
        if done > 0
            && let Some(tx) = started.borrow_mut().take()
        {
            let _ = tx.send(());
        }
    };
    // Boxed, so that dropping it really drops the transaction (a pinned local would live on).
    let mut import = Box::pin(exchange::apply_merge(&db, &result, &report).fuse());
    let mut killed = on_started.fuse();
    futures::select! {
        finished = import => panic!("the import finished before it could be stopped: {finished:?}"),
        _ = killed => {}
    }
    drop(import);
    assert_eq!(
        fingerprint(&db).await,
        before,
        "nothing of the stopped import was kept"
    );

    // Run to the end, the same import lands whole.
    exchange::apply_merge(&db, &result, &|_, _| {})
        .await
        .unwrap();
    let (cases, events, _, next) = fingerprint(&db).await;
    assert_eq!(cases.len(), 1202);
    assert!(events > before.1 + 1200);
    assert!(next >= 5001 + 1200);
    let renamed = cases.iter().find(|c| c.id == mine.id).unwrap();
    assert_eq!(renamed.title, "Refunds fail in JPY (from Raj)");
}

#[wasm_bindgen_test]
async fn an_import_refuses_to_land_over_a_case_edited_since_its_preview() {
    use escalation_desk::storage::exchange;
    let db = open_database(&unique_name("import-stale")).await.unwrap();
    let mine = create(&db, "Refunds fail", 1).await;
    let result = bundle_for(&db, &mine, 3).await;
    // Another tab adds a note after the preview was computed.
    let (noted, note) = mine
        .note("Called the merchant", Uuid::from_u128(88), "Mei", at(13))
        .unwrap();
    cases::save_change(&db, mine.revision, &noted, &[note], None)
        .await
        .unwrap();
    let before = fingerprint(&db).await;
    let error = exchange::apply_merge(&db, &result, &|_, _| {})
        .await
        .unwrap_err();
    assert!(matches!(error, StorageError::Conflict { .. }), "{error}");
    assert_eq!(fingerprint(&db).await, before);
}

#[wasm_bindgen_test]
async fn a_restore_replaces_the_records_but_keeps_drafts_and_snapshots() {
    use escalation_desk::storage::exchange::{self, BackupInfo, Replacement};
    let db = open_database(&unique_name("restore")).await.unwrap();
    create(&db, "Refunds fail", 1).await;
    drafts::save_draft(&db, "note:x", "half a sentence")
        .await
        .unwrap();
    let info = BackupInfo {
        id: "b1".into(),
        at: at(9),
        reason: "Before importing x.json".into(),
        cases: 1,
        bytes: 2,
    };
    exchange::save_backup(&db, &info, "{}").await.unwrap();
    let sample = escalation_desk::domain::sample::generate(4, 3, 2001, at(8));
    let replacement = Replacement {
        cases: sample
            .into_iter()
            .map(|s| escalation_desk::domain::merge::CaseWithEvents {
                case: s.case,
                events: s.events,
            })
            .collect(),
        playbooks: Vec::new(),
        problems: Vec::new(),
        rcas: Vec::new(),
        templates: Vec::new(),
        partners: Vec::new(),
        settings: None,
    };
    exchange::replace_everything(&db, replacement, at(12), &|_, _| {})
        .await
        .unwrap();
    let (cases, _, derived, next) = fingerprint(&db).await;
    let keys: Vec<String> = cases.iter().map(|c| c.key.to_string()).collect();
    assert_eq!(keys, ["ESC-2001", "ESC-2002", "ESC-2003"]);
    assert!(
        derived > 0,
        "search text and clocks are rebuilt for the restored cases"
    );
    assert_eq!(next, 2004);
    assert_eq!(
        drafts::load_draft(&db, "note:x").await.unwrap().as_deref(),
        Some("half a sentence")
    );
    assert_eq!(exchange::list_backups(&db).await.unwrap(), vec![info]);
}

#[wasm_bindgen_test]
async fn migration_to_schema_7_keeps_everything_and_adds_the_snapshot_store() {
    use escalation_desk::storage::exchange::{self, BackupInfo};
    let name = unique_name("snapshots");
    let old = scratch().await;
    let case = create(&old, "Kept across the upgrade", 1).await;
    let (noted, note) = case
        .note(
            "Merchant sent the bank letter",
            Uuid::from_u128(9),
            "Mei",
            at(10),
        )
        .unwrap();
    cases::save_change(&old, case.revision, &noted, &[note], None)
        .await
        .unwrap();
    drafts::save_draft(&old, "intake", "half-typed")
        .await
        .unwrap();
    let before = fingerprint(&old).await;
    copy_to_schema(&old, &name, 6).await;

    let db = open_database(&name).await.unwrap();
    assert_eq!(fingerprint(&db).await, before);
    assert_eq!(
        drafts::load_draft(&db, "intake").await.unwrap().as_deref(),
        Some("half-typed")
    );
    assert!(exchange::list_backups(&db).await.unwrap().is_empty());
    let info = BackupInfo {
        id: "first".into(),
        at: at(11),
        reason: "Before importing x.json".into(),
        cases: 1,
        bytes: 7,
    };
    exchange::save_backup(&db, &info, "{\"a\":1}")
        .await
        .unwrap();
    assert_eq!(
        exchange::load_backup(&db, "first").await.unwrap(),
        "{\"a\":1}"
    );
    // Only the newest five are kept, oldest dropped first.
    for hour in 12..18 {
        let mut later = info.clone();
        later.id = format!("at-{hour}");
        later.at = at(hour);
        exchange::save_backup(&db, &later, "{}").await.unwrap();
    }
    let kept: Vec<String> = exchange::list_backups(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(kept, ["at-17", "at-16", "at-15", "at-14", "at-13"]);
    assert!(exchange::load_backup(&db, "first").await.is_err());
}

#[wasm_bindgen_test]
async fn migration_to_schema_8_keeps_everything_and_worksheets_save_with_a_revision_check() {
    use escalation_desk::domain::rca::{Claim, Decision, RcaContent, RcaStatus};
    use escalation_desk::storage::rcas;
    let name = unique_name("rcas");
    let legacy = scratch().await;
    let case = create(&legacy, "Kept across the upgrade", 1).await;
    let before = fingerprint(&legacy).await;
    copy_to_schema(&legacy, &name, 7).await;

    let db = open_database(&name).await.unwrap();
    assert_eq!(fingerprint(&db).await, before);
    assert!(rcas::load_rcas(&db).await.unwrap().items.is_empty());

    let content = RcaContent {
        title: "Payouts held".into(),
        case_ids: vec![case.id],
        partner_teams: vec!["Risk Operations".into()],
        ..RcaContent::default()
    };
    // An untitled worksheet is refused and uses up no number.
    let refused = rcas::create_rca(
        &db,
        RcaContent::default(),
        Uuid::from_u128(70),
        "Mei",
        at(10),
    )
    .await;
    assert!(matches!(refused, Err(StorageError::Rejected(why)) if why.starts_with("Title")));
    let first = rcas::create_rca(&db, content.clone(), Uuid::from_u128(71), "Mei", at(10))
        .await
        .unwrap();
    let second = rcas::create_rca(&db, content.clone(), Uuid::from_u128(72), "Mei", at(11))
        .await
        .unwrap();
    assert_eq!(
        (first.key.to_string(), second.key.to_string()),
        ("RCA-1".into(), "RCA-2".into())
    );

    // A save consumes the editor's draft in the same transaction.
    drafts::save_draft(&db, "rca:x", "{}").await.unwrap();
    let mut edited = first.content.clone();
    edited.whys.push(Claim {
        id: Uuid::from_u128(80),
        text: "Retries counted as new payouts".into(),
        evidence: vec![],
    });
    let saved = first.edit(edited, "Mei", at(12)).unwrap();
    rcas::save_rca(&db, first.revision, &saved, Some("rca:x"))
        .await
        .unwrap();
    assert_eq!(drafts::load_draft(&db, "rca:x").await.unwrap(), None);

    // Another tab still holding revision 1 is refused, and the stored worksheet is untouched.
    let stale = first
        .move_to(RcaStatus::Rejected, "Other tab", at(13))
        .unwrap();
    let result = rcas::save_rca(&db, first.revision, &stale, None).await;
    assert!(
        matches!(
            result,
            Err(StorageError::Conflict {
                expected: 1,
                found: 2,
                ..
            })
        ),
        "{result:?}"
    );

    let review = saved.move_to(RcaStatus::InReview, "Mei", at(14)).unwrap();
    rcas::save_rca(&db, saved.revision, &review, None)
        .await
        .unwrap();
    let signed = review
        .sign(
            "Risk Operations",
            "Priya",
            Decision::Agree,
            "",
            "Mei",
            at(15),
        )
        .unwrap();
    rcas::save_rca(&db, review.revision, &signed, None)
        .await
        .unwrap();
    let stored = rcas::load_rcas(&db).await.unwrap().items;
    assert_eq!(
        stored.iter().map(|r| r.key.0).collect::<Vec<_>>(),
        vec![2, 1],
        "newest first"
    );
    let reread = stored.into_iter().find(|r| r.id == first.id).unwrap();
    assert_eq!(reread, signed);
    assert_eq!(rcas::load_rca(&db, first.id).await.unwrap(), Some(signed));
    assert_eq!(reread.status, RcaStatus::Validated);
    assert!(
        reread.missing_validations().is_empty(),
        "the stored hash still matches the stored content"
    );
}

#[wasm_bindgen_test]
async fn migration_to_schema_9_moves_every_event_record_into_its_case_log_unreadable_ones_too() {
    let name = unique_name("logs");
    let legacy = scratch().await;
    let (first, second, noted, note) = two_cases_one_noted(&legacy).await;
    copy_to_schema(&legacy, &name, 8).await;
    // A record no version can read, between the first case's two events.
    let old = open_database_at_version(&name, 8).await.unwrap();
    let damaged_key = format!("{}|{:015}|damaged", first.id, at(9).timestamp_millis() + 1);
    put_raw(&old, CASE_EVENTS, &damaged_key, "{\"v\":1,\"half a rec").await;
    old.close();

    let db = open_database(&name).await.unwrap();
    assert!(!db.object_store_names().any(|n| n == CASE_EVENTS));
    let log = cases::load_events(&db, first.id).await.unwrap();
    assert_eq!(log.items.len(), 2);
    assert_eq!(log.items[1], note);
    assert_eq!(log.unreadable.len(), 1, "{:?}", log.unreadable);
    assert!(
        log.unreadable[0].to_string().contains("line 2"),
        "{}",
        log.unreadable[0]
    );
    assert_eq!(
        cases::load_events(&db, second.id)
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    // Appending keeps the unreadable line exactly as it was, for whoever can mend it.
    let (again, later) = noted
        .note("Payout released", Uuid::from_u128(10), "Mei", at(11))
        .unwrap();
    cases::save_change(
        &db,
        noted.revision,
        &again,
        std::slice::from_ref(&later),
        None,
    )
    .await
    .unwrap();
    let stored = raw_paged(&db, escalation_desk::storage::schema::LOG_PAGES).await;
    let text = &stored
        .iter()
        .find(|(k, _)| k == &first.id.to_string())
        .unwrap()
        .1;
    assert!(text.contains("{\"v\":1,\"half a rec"), "{text}");
    let log = cases::load_events(&db, first.id).await.unwrap();
    assert_eq!(log.items.last(), Some(&later));
    assert_eq!(log.items.len(), 3);
}

#[wasm_bindgen_test]
async fn migration_to_schema_10_moves_every_per_case_record_onto_pages_unreadable_ones_too() {
    use escalation_desk::storage::schema::{CASE_LOGS, CASE_PAGES, CASE_TEXT, CLOCK_LOG};
    let name = unique_name("pages");
    let legacy = scratch().await;
    let (first, _, noted, note) = two_cases_one_noted(&legacy).await;
    let texts_before = cases::load_case_texts(&legacy).await.unwrap();
    let clocks_before = cases::load_clock_logs(&legacy).await.unwrap().0;
    assert!(!texts_before.is_empty());
    copy_to_schema(&legacy, &name, 9).await;
    let old = open_database_at_version(&name, 9).await.unwrap();
    put_raw(&old, CASES, "damaged-record", "{\"v\":1,\"title\":").await;
    old.close();

    let db = open_database(&name).await.unwrap();
    for gone in [CASES, CASE_LOGS, CASE_TEXT, CLOCK_LOG] {
        assert!(
            !db.object_store_names().any(|n| n == gone),
            "{gone} is still there"
        );
    }
    let loaded = cases::load_cases(&db).await.unwrap();
    let mut titles: Vec<String> = loaded.items.iter().map(|c| c.title.clone()).collect();
    titles.sort();
    assert_eq!(titles, ["Payouts held", "Refund stuck"]);
    assert_eq!(loaded.unreadable.len(), 1, "{:?}", loaded.unreadable);
    assert!(loaded.unreadable[0].to_string().contains("damaged-record"));
    let log = cases::load_events(&db, first.id).await.unwrap();
    assert_eq!((log.items.len(), log.items.last()), (2, Some(&note)));
    assert_eq!(cases::load_case_texts(&db).await.unwrap(), texts_before);
    assert_eq!(cases::load_clock_logs(&db).await.unwrap().0, clocks_before);
    // The damaged record is carried over verbatim, for whoever can mend it.
    let stored = raw_paged(&db, CASE_PAGES).await;
    assert!(
        stored
            .iter()
            .any(|(k, v)| k == "damaged-record" && v == "{\"v\":1,\"title\":")
    );
    // And the paged stores take edits: the noted case changes again and reads back.
    let (again, later) = noted
        .note("Payout released", Uuid::from_u128(10), "Mei", at(11))
        .unwrap();
    cases::save_change(
        &db,
        noted.revision,
        &again,
        std::slice::from_ref(&later),
        None,
    )
    .await
    .unwrap();
    assert_eq!(cases::load_case(&db, first.id).await.unwrap(), Some(again));
    assert_eq!(
        cases::load_events(&db, first.id)
            .await
            .unwrap()
            .items
            .last(),
        Some(&later)
    );
}

#[wasm_bindgen_test]
async fn an_import_adds_to_a_log_that_gained_an_event_since_its_preview() {
    use escalation_desk::domain::sla::{ClockMark, MarkKind};
    use escalation_desk::storage::exchange;
    let db = open_database(&unique_name("import-append")).await.unwrap();
    let mine = create(&db, "Refunds fail", 1).await;
    let result = bundle_for(&db, &mine, 3).await;
    // After the preview, another tab logs an email, which adds to the log without a new revision.
    let sent = escalation_desk::domain::CaseEvent {
        id: Uuid::from_u128(66),
        case_id: mine.id,
        at: at(11),
        actor: "Mei".into(),
        kind: EventKind::EmailSent {
            to: "ops@kopi.example".into(),
            cc: String::new(),
            subject: "On it".into(),
            body: "We own this now.".into(),
        },
    };
    cases::append_events(&db, std::slice::from_ref(&sent))
        .await
        .unwrap();
    exchange::apply_merge(&db, &result, &|_, _| {})
        .await
        .unwrap();
    let ids: Vec<Uuid> = cases::load_events(&db, mine.id)
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(
        ids,
        [
            Uuid::from_u128(1001),
            Uuid::from_u128(66),
            Uuid::from_u128(77)
        ]
    );
    let (clocks, _) = cases::load_clock_logs(&db).await.unwrap();
    assert!(clocks[&mine.id].contains(&ClockMark {
        at: at(11),
        kind: MarkKind::Response
    }));
}

/// Puts `record` for case `id` onto its page in `store` beside what the page already holds,
/// bypassing every check, as an older build or another program could have written it.
async fn put_on_page(db: &Database, store: &'static str, id: &str, record: &str) {
    use escalation_desk::storage::paged::Pages;
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    let mut pages = Pages::open(&tx, store).unwrap();
    pages.load([id]).await.unwrap();
    pages.put(id, record.to_string());
    pages.put_changed().unwrap();
    tx.commit().await.unwrap();
}

/// Issue 21: a stored case from year 262142 stopped the queue on every load. Now it is
/// reported with its rule and skipped; every other case loads.
#[wasm_bindgen_test]
async fn a_stored_out_of_range_case_is_reported_and_every_other_case_loads() {
    use escalation_desk::storage::schema::CASE_PAGES;
    let db = open_database(&unique_name("poison")).await.unwrap();
    let good = create(&db, "Refunds fail", 1).await;
    let mut far = create(&db, "From the far future", 2).await;
    far.created_at = DateTime::<Utc>::MAX_UTC;
    far.updated_at = DateTime::<Utc>::MAX_UTC;
    let id = far.id.to_string();
    put_on_page(
        &db,
        CASE_PAGES,
        &id,
        &escalation_desk::storage::records::encode_case(&far),
    )
    .await;
    let loaded = cases::load_cases(&db).await.unwrap();
    assert_eq!(loaded.items, vec![good]);
    assert_eq!(loaded.unreadable.len(), 1);
    let why = loaded.unreadable[0].to_string();
    assert!(
        why.contains("created_at: expected a time from 1970-01-01 to 2199-12-31"),
        "{why}"
    );
    // And the same rule refuses to write such a case in the first place.
    let err = cases::save_change(&db, 1, &far, &[], None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not saved: created_at"), "{err}");
}

#[wasm_bindgen_test]
async fn a_case_set_aside_is_kept_whole_and_can_be_put_back() {
    use escalation_desk::storage::quarantine::{self, Target};
    let db = open_database(&unique_name("aside")).await.unwrap();
    let keep = create(&db, "Refunds fail", 1).await;
    let aside = create(&db, "Payouts held", 2).await;
    let target = Target::Case(aside.id.to_string());
    quarantine::set_aside(&db, &target, "Case ESC-1002 · Payouts held", at(10))
        .await
        .unwrap();
    assert_eq!(
        cases::load_cases(&db).await.unwrap().items,
        vec![keep.clone()]
    );
    let entries = quarantine::set_aside_entries(&db).await.unwrap();
    assert_eq!(entries.len(), 1);
    let (key, entry) = &entries[0];
    let entry = entry.as_ref().unwrap();
    assert_eq!(entry.kind, "case");
    let stores: Vec<&str> = entry.texts.iter().map(|(s, _, _)| s.as_str()).collect();
    assert!(
        stores.contains(&"case_pages") && stores.contains(&"log_pages"),
        "{stores:?}"
    );
    assert!(raw_dump_contains(&db, "Payouts held").await);
    quarantine::put_back(&db, key).await.unwrap();
    let mut back = cases::load_cases(&db).await.unwrap().items;
    back.sort_by_key(|c| c.key.number());
    assert_eq!(back, vec![keep, aside.clone()]);
    assert_eq!(
        cases::load_events(&db, aside.id).await.unwrap().items.len(),
        1
    );
    assert!(quarantine::set_aside_entries(&db).await.unwrap().is_empty());
}

async fn raw_dump_contains(db: &Database, text: &str) -> bool {
    escalation_desk::storage::quarantine::raw_dump(db, at(11))
        .await
        .unwrap()
        .contains(text)
}

/// A restore clears the record stores; what it cannot read is moved aside first, never lost.
#[wasm_bindgen_test]
async fn a_restore_sets_aside_what_it_cannot_read() {
    use escalation_desk::storage::exchange::{self, Replacement};
    use escalation_desk::storage::schema::{CASE_PAGES, PROBLEMS};
    let db = open_database(&unique_name("restore-aside")).await.unwrap();
    create(&db, "Refunds fail", 1).await;
    put_on_page(&db, CASE_PAGES, "not-a-case", "{\"v\":2,\"title\":").await;
    put_raw(&db, PROBLEMS, "broken-problem", "{\"v\":1,").await;
    let replacement = Replacement {
        cases: Vec::new(),
        playbooks: Vec::new(),
        problems: Vec::new(),
        rcas: Vec::new(),
        templates: Vec::new(),
        partners: Vec::new(),
        settings: None,
    };
    exchange::replace_everything(&db, replacement, at(12), &|_, _| {})
        .await
        .unwrap();
    let entries = escalation_desk::storage::quarantine::set_aside_entries(&db)
        .await
        .unwrap();
    let texts: Vec<String> = entries
        .iter()
        .flat_map(|(_, e)| e.as_ref().unwrap().texts.iter().map(|(_, _, t)| t.clone()))
        .collect();
    assert!(
        texts.contains(&"{\"v\":2,\"title\":".to_string()),
        "{texts:?}"
    );
    assert!(texts.contains(&"{\"v\":1,".to_string()), "{texts:?}");
    assert!(cases::load_cases(&db).await.unwrap().items.is_empty());
}
