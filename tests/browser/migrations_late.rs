//! Migrations to schemas 7 to 10: snapshots, worksheets, events moved into logs and per-case records onto pages, unreadable records kept.

use super::*;

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
    drafts::save_draft(&old, &DraftKey::Intake, "half-typed")
        .await
        .unwrap();
    let before = fingerprint(&old).await;
    copy_to_schema(&old, &name, 6).await;

    let db = open_database(&name).await.unwrap();
    assert_eq!(fingerprint(&db).await, before);
    assert_eq!(
        drafts::load_draft(&db, &DraftKey::Intake)
            .await
            .unwrap()
            .as_deref(),
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
    drafts::save_draft(&db, &DraftKey::Rca(first.id), "{}")
        .await
        .unwrap();
    let mut edited = first.content.clone();
    edited.whys.push(Claim {
        id: Uuid::from_u128(80),
        text: "Retries counted as new payouts".into(),
        evidence: vec![],
    });
    let saved = first.edit(edited, "Mei", at(12)).unwrap();
    rcas::save_rca(
        &db,
        first.revision,
        &saved,
        Some(&put_back(&DraftKey::Rca(first.id), "{}")),
    )
    .await
    .unwrap();
    assert_eq!(
        drafts::load_draft(&db, &DraftKey::Rca(first.id))
            .await
            .unwrap(),
        None
    );

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
