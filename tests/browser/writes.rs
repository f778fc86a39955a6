//! Writes against real IndexedDB: case keys, stale writes, one transaction per bulk change, 1 MB notes, libraries, playbooks, sample data, clock logs and the SLA board.

use super::*;

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
    let key = DraftKey::Call(case.id);
    drafts::save_draft(&db, &key, &notes).await.unwrap();
    let kind = EventKind::CallLogged {
        outcome: escalation_desk::domain::case::events::CallOutcome::Reached,
        duration_seconds: 1260,
        notes: notes.clone(),
        next_steps: "Chase Risk".into(),
    };
    let (next, event) = case
        .record(kind.clone(), Uuid::from_u128(3), "Mei", at(10))
        .unwrap();
    cases::save_change(
        &db,
        case.revision,
        &next,
        &[event],
        Some(&put_back(&key, &notes)),
    )
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
    let started_from = settings::load_templates(&db).await.unwrap();
    let mut library = started_from.clone();
    assert!(library.templates.len() >= 5);
    library.templates[0].name = "Acknowledge (edited)".into();
    drafts::save_draft(&db, &DraftKey::Templates, "{\"templates\":[]}")
        .await
        .unwrap();
    settings::save_templates(
        &db,
        Some(&started_from),
        &library,
        &put_back(&DraftKey::Templates, "{\"templates\":[]}"),
    )
    .await
    .unwrap();
    assert_eq!(settings::load_templates(&db).await.unwrap(), library);
    assert_eq!(
        drafts::load_draft(&db, &DraftKey::Templates).await.unwrap(),
        None
    );

    let mut directory = settings::load_partners(&db).await.unwrap();
    assert!(directory.find("Risk Operations").is_some());
    let started_from = directory.clone();
    directory.teams.truncate(1);
    settings::save_partners(
        &db,
        Some(&started_from),
        &directory,
        &held_by(&DraftKey::Partners, "editor", &[]),
    )
    .await
    .unwrap();
    assert_eq!(settings::load_partners(&db).await.unwrap(), directory);

    // Another tab's editor, opened before that save, is refused and changes nothing; saving
    // over it is a choice it can still make.
    let mut late = started_from.clone();
    late.teams.truncate(2);
    drafts::save_draft(&db, &DraftKey::Partners, "{\"teams\":[]}")
        .await
        .unwrap();
    assert_eq!(
        settings::save_partners(
            &db,
            Some(&started_from),
            &late,
            &put_back(&DraftKey::Partners, "{\"teams\":[]}")
        )
        .await,
        Err(StorageError::ChangedElsewhere("the partner teams".into()))
    );
    assert_eq!(settings::load_partners(&db).await.unwrap(), directory);
    assert!(
        drafts::load_draft(&db, &DraftKey::Partners)
            .await
            .unwrap()
            .is_some(),
        "a refused save keeps the draft"
    );
    settings::save_partners(
        &db,
        None,
        &late,
        &put_back(&DraftKey::Partners, "{\"teams\":[]}"),
    )
    .await
    .unwrap();
    assert_eq!(settings::load_partners(&db).await.unwrap(), late);
    // The templates saved above are what the next editor starts from: saving from them works.
    settings::save_templates(
        &db,
        Some(&library),
        &started_templates_again(&library),
        &held_by(&DraftKey::Templates, "editor", &[]),
    )
    .await
    .unwrap();
}

fn started_templates_again(
    library: &escalation_desk::domain::templates::TemplateLibrary,
) -> escalation_desk::domain::templates::TemplateLibrary {
    let mut next = library.clone();
    next.templates.truncate(3);
    next
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
    let written = cases::load_sample_data(&db, |first| {
        escalation_desk::domain::sample_desk::desk(7, 50, first, at(12))
    })
    .await
    .unwrap();
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
