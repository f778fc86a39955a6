//! Drafts against real IndexedDB: written, read back, set aside when another writer replaces one, and deleted with the save that consumes them.

use super::*;

#[wasm_bindgen_test]
async fn drafts_round_trip_and_a_saved_note_consumes_only_what_its_form_had() {
    let db = open_database(&unique_name("drafts")).await.unwrap();
    let case = create(&db, "Drafts", 1).await;
    let key = DraftKey::Note(case.id);
    assert_eq!(drafts::load_draft(&db, &key).await.unwrap(), None);
    drafts::save_draft(&db, &key, "half a thought")
        .await
        .unwrap();
    assert_eq!(
        drafts::load_draft(&db, &key).await.unwrap().as_deref(),
        Some("half a thought")
    );
    // Two tabs typing into one form: each write keeps the other tab's newest text aside, one
    // entry per tab, until the save; a draft the writer put back into its form is not kept.
    // The draft above had no named writer, and tab one never had it: it is kept too.
    let never = |_: &str| false;
    drafts::save_draft_as(&db, &key, "tab one's text", "tab-1", never)
        .await
        .unwrap();
    drafts::save_draft_as(&db, &key, "tab two's text", "tab-2", never)
        .await
        .unwrap();
    drafts::save_draft_as(&db, &key, "tab two's text, longer", "tab-2", never)
        .await
        .unwrap();
    assert_eq!(
        drafts::load_set_aside(&db, &key, "tab-3").await.unwrap(),
        ["half a thought", "tab one's text"]
    );
    assert_eq!(
        drafts::load_set_aside(&db, &key, "tab-1").await.unwrap(),
        ["half a thought"],
        "what it replaced, never its own text"
    );
    drafts::save_draft_as(&db, &key, "tab one again", "tab-1", never)
        .await
        .unwrap();
    assert_eq!(
        drafts::load_set_aside(&db, &key, "tab-3").await.unwrap(),
        ["half a thought", "tab two's text, longer"]
    );
    drafts::save_draft_as(&db, &key, "tab three", "tab-3", |t| t == "tab one again")
        .await
        .unwrap();
    assert_eq!(
        drafts::load_set_aside(&db, &key, "tab-4").await.unwrap(),
        ["half a thought", "tab two's text, longer"]
    );
    // What a form reads when it opens: the draft and the others' set-aside texts, together.
    let (draft, kept) = drafts::load_draft_and_set_aside(&db, &key, "tab-4")
        .await
        .unwrap();
    assert_eq!(draft.as_deref(), Some("tab three"));
    assert_eq!(kept, ["half a thought", "tab two's text, longer"]);
    assert_eq!(
        drafts::decode_set_aside("{not json").kept[0].text,
        "{not json"
    );

    let (next, event) = case
        .note(
            "half a thought, finished",
            Uuid::from_u128(3),
            "Mei",
            at(10),
        )
        .unwrap();
    // Tab three saves: its own draft goes, with the text its notice quoted. Tab two's text it
    // never had (that tab may be closed by now) stays, as the draft the next visit puts back.
    let tab_three = held_by(&key, "tab-3", &["half a thought"]);
    cases::save_change(&db, case.revision, &next, &[event], Some(&tab_three))
        .await
        .unwrap();
    let (draft, kept) = drafts::load_draft_and_set_aside(&db, &key, "tab-4")
        .await
        .unwrap();
    assert_eq!(draft.as_deref(), Some("tab two's text, longer"));
    assert!(kept.is_empty(), "{kept:?}");
    // Tab two's own save (here without a case) consumes it.
    drafts::consume_draft(&db, &held_by(&key, "tab-2", &[]))
        .await
        .unwrap();
    assert_eq!(drafts::load_draft(&db, &key).await.unwrap(), None);
    assert!(
        drafts::load_set_aside(&db, &key, "tab-4")
            .await
            .unwrap()
            .is_empty()
    );
    let texts = cases::load_case_texts(&db).await.unwrap();
    assert_eq!(
        texts.get(&case.id).map(String::as_str),
        Some("half a thought, finished\n")
    );

    drafts::save_draft(&db, &DraftKey::Intake, "x")
        .await
        .unwrap();
    drafts::save_draft(&db, &DraftKey::Intake, "")
        .await
        .unwrap();
    assert_eq!(
        drafts::load_draft(&db, &DraftKey::Intake).await.unwrap(),
        None,
        "an empty draft deletes itself"
    );
}

#[wasm_bindgen_test]
async fn a_form_still_showing_its_text_after_another_tab_saved_stores_it_again_once() {
    let db = open_database(&unique_name("drafts-kept")).await.unwrap();
    let case = create(&db, "Kept", 1).await;
    let key = DraftKey::Note(case.id);
    let never = |_: &str| false;
    // Storage already holds the text (as the draft or set aside from that writer): nothing to do.
    drafts::save_draft_as(&db, &key, "tab one's text", "tab-1", never)
        .await
        .unwrap();
    assert!(
        !drafts::keep_unless_held(&db, &key, "tab one's text", "tab-1")
            .await
            .unwrap()
    );
    drafts::save_draft_as(&db, &key, "tab two's text", "tab-2", never)
        .await
        .unwrap();
    assert!(
        !drafts::keep_unless_held(&db, &key, "tab one's text", "tab-1")
            .await
            .unwrap()
    );
    // Tab two saves the note, having quoted tab one's text in its notice: both go. Tab one,
    // still showing its text, stores it again; it becomes the draft.
    let (next, event) = case
        .note("tab two's text", Uuid::from_u128(3), "Mei", at(10))
        .unwrap();
    let tab_two = held_by(&key, "tab-2", &["tab one's text"]);
    cases::save_change(&db, case.revision, &next, &[event], Some(&tab_two))
        .await
        .unwrap();
    assert_eq!(drafts::load_draft(&db, &key).await.unwrap(), None);
    assert!(
        drafts::keep_unless_held(&db, &key, "tab one's text", "tab-1")
            .await
            .unwrap()
    );
    assert_eq!(
        drafts::load_draft(&db, &key).await.unwrap().as_deref(),
        Some("tab one's text")
    );
    assert!(
        !drafts::keep_unless_held(&db, &key, "", "tab-2")
            .await
            .unwrap(),
        "an empty form keeps nothing"
    );
    // Another writer's draft is there: the text is set aside beside it, not over it, one entry
    // per writer, and the writer's own newer text replaces its older entry.
    drafts::save_draft_as(&db, &key, "tab three", "tab-3", never)
        .await
        .unwrap();
    assert!(
        drafts::keep_unless_held(&db, &key, "tab two's newer text", "tab-2")
            .await
            .unwrap()
    );
    let (draft, kept) = drafts::load_draft_and_set_aside(&db, &key, "tab-3")
        .await
        .unwrap();
    assert_eq!(draft.as_deref(), Some("tab three"));
    assert_eq!(kept, ["tab one's text", "tab two's newer text"]);
    // The writer's own draft, older than what its form shows: replaced in place.
    assert!(
        drafts::keep_unless_held(&db, &key, "tab three, longer", "tab-3")
            .await
            .unwrap()
    );
    assert_eq!(
        drafts::load_draft(&db, &key).await.unwrap().as_deref(),
        Some("tab three, longer")
    );
    // The person discards what their notice quoted; text set aside since then stays, and so
    // does the draft itself.
    drafts::save_draft_as(&db, &key, "tab four", "tab-4", never)
        .await
        .unwrap();
    drafts::discard_set_aside(
        &db,
        &key,
        &["tab one's text".into(), "tab two's newer text".into()],
    )
    .await
    .unwrap();
    let (draft, kept) = drafts::load_draft_and_set_aside(&db, &key, "tab-4")
        .await
        .unwrap();
    assert_eq!(draft.as_deref(), Some("tab four"));
    assert_eq!(kept, ["tab three, longer"]);
}

#[wasm_bindgen_test]
async fn a_stored_draft_that_is_not_text_is_shown_and_kept_and_never_blocks_the_form() {
    let db = open_database(&unique_name("drafts-odd")).await.unwrap();
    let case = create(&db, "Odd drafts", 1).await;
    let key = DraftKey::Note(case.id);
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &"text".into(), &"left by an old build".into()).unwrap();
    put_raw_value(&db, "drafts", &key.to_string(), object.into()).await;
    put_raw_value(&db, "drafts", &format!("aside:{key}"), 42.into()).await;

    // Read as their JSON, both shown: nothing fails and nothing is dropped.
    let (draft, kept) = drafts::load_draft_and_set_aside(&db, &key, "tab-1")
        .await
        .unwrap();
    assert_eq!(draft.as_deref(), Some(r#"{"text":"left by an old build"}"#));
    assert_eq!(kept, ["42"]);
    // The form's typing is stored over it, and the odd draft is set aside, not lost.
    drafts::save_draft_as(&db, &key, "typed today", "tab-1", |_| false)
        .await
        .unwrap();
    let (draft, kept) = drafts::load_draft_and_set_aside(&db, &key, "tab-2")
        .await
        .unwrap();
    assert_eq!(draft.as_deref(), Some("typed today"));
    assert_eq!(kept, ["42", r#"{"text":"left by an old build"}"#]);
}

#[wasm_bindgen_test]
async fn a_save_leaves_a_draft_its_form_never_had_and_consumes_one_it_put_back() {
    let db = open_database(&unique_name("drafts-held")).await.unwrap();
    let case = create(&db, "Held", 1).await;
    let key = DraftKey::Note(case.id);
    let never = |_: &str| false;
    // A tab, closed since, left its note as the draft; the saving form never had it.
    drafts::save_draft_as(&db, &key, "the closed tab's note", "tab-1", never)
        .await
        .unwrap();
    let (next, event) = case
        .note("saved in tab two", Uuid::from_u128(3), "Mei", at(10))
        .unwrap();
    cases::save_change(
        &db,
        case.revision,
        &next,
        &[event],
        Some(&held_by(&key, "tab-2", &[])),
    )
    .await
    .unwrap();
    assert_eq!(
        drafts::load_draft(&db, &key).await.unwrap().as_deref(),
        Some("the closed tab's note")
    );
    // A form that put that draft back into its fields has it: its save consumes it.
    drafts::consume_draft(&db, &put_back(&key, "the closed tab's note"))
        .await
        .unwrap();
    assert_eq!(drafts::load_draft(&db, &key).await.unwrap(), None);
}
