//! Import and restore against real IndexedDB: a killed import changes nothing, a stale preview is refused, a restore keeps drafts and snapshots.

use super::*;

/// What a test compares to prove an operation left the database exactly as it was.
pub(crate) async fn fingerprint(db: &Database) -> (Vec<Case>, usize, usize, u32) {
    use escalation_desk::storage::exchange;
    let stored = exchange::read_everything(db).await.unwrap().on_device;
    let mut cases = stored.cases;
    cases.sort_by_key(|c| c.key.clone());
    let events = stored.events.values().map(Vec::len).sum();
    let (clocks, texts) = escalation_desk::storage::cases::read_derived(db)
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
pub(crate) async fn bundle_for(
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
    drafts::save_draft(
        &db,
        &DraftKey::Note(uuid::Uuid::from_u128(7)),
        "half a sentence",
    )
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
        drafts::load_draft(&db, &DraftKey::Note(uuid::Uuid::from_u128(7)))
            .await
            .unwrap()
            .as_deref(),
        Some("half a sentence")
    );
    assert_eq!(exchange::list_backups(&db).await.unwrap(), vec![info]);
}
