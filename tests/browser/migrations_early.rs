//! Migrations from the first schemas (1 to 3): cases, logs and search text survive every upgrade.

use super::*;

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
