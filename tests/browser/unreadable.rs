//! What cannot be read is never lost: an import onto a grown log, an out-of-range stored case reported and skipped, a case set aside and put back, a restore that sets aside what it cannot read.

use super::*;

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

#[wasm_bindgen_test]
fn a_kept_first_screen_comes_back_and_a_damaged_one_is_dropped_not_shown() {
    use escalation_desk::domain::queue_preview::preview_of;
    use escalation_desk::storage::queue_preview::{QUEUE_PREVIEW_KEY, clear, load, save};
    use gloo_storage::Storage;
    let raw = gloo_storage::LocalStorage::raw();
    clear();
    assert_eq!(load(), None);
    let cases: Vec<Case> = escalation_desk::domain::sample::generate(3, 3, 1001, at(9))
        .into_iter()
        .map(|s| s.case)
        .collect();
    let kept = preview_of(
        &cases,
        &[2, 0, 1],
        &[],
        &Default::default(),
        &[("Open".into(), 3)],
    );
    save(&kept);
    assert_eq!(load(), Some(kept));
    let too_long = format!(
        r#"{{"rows":[{{"key":"ESC-1001","title":"{}","account":"","priority":"P1","status":"New","owner":"","sla":{{"health":"Idle","due":null,"paused_left":null}},"checklist":null,"follow_up":null}}],"total":1,"views":[]}}"#,
        "x".repeat(5000)
    );
    for damaged in [
        "{",
        "null",
        r#"{"rows":[],"total":-1,"views":[]}"#,
        r#"{"rows":[{"key":"<b>ESC</b>"}],"total":1,"views":[]}"#,
        too_long.as_str(),
    ] {
        raw.set_item(QUEUE_PREVIEW_KEY, damaged).unwrap();
        assert_eq!(load(), None, "shown: {damaged:.80}");
        assert_eq!(
            raw.get_item(QUEUE_PREVIEW_KEY).unwrap(),
            None,
            "kept: {damaged:.80}"
        );
    }
}
