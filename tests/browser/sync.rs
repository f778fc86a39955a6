//! Team sync in real IndexedDB: progress and reviews kept across a reopen, started afresh when unreadable (an unreadable reviews record kept aside, never written over), refusals capped; an answer over the size cap refused before it reaches wasm memory; removals noted with the save and a pulled removal written alongside worksheets.

use escalation_desk::storage::open_database;
use escalation_desk::storage::schema::META;
use escalation_desk::storage::sync::{
    self, MAX_REFUSED, SYNC_REVIEWS, SYNC_REVIEWS_UNREADABLE, SyncProgress,
};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use uuid::Uuid;
use wasm_bindgen_test::*;

use super::{held_by, put_raw, unique_name};

#[wasm_bindgen_test]
async fn sync_progress_survives_a_reopen_and_a_damaged_one_reads_as_a_fresh_start() {
    let name = unique_name("sync-progress");
    let db = open_database(&name).await.unwrap();
    assert_eq!(sync::load(&db).await.unwrap(), SyncProgress::default());
    let mut progress = SyncProgress {
        target: "/couch/team".into(),
        since: "12-g1AAAA".into(),
        ..SyncProgress::default()
    };
    progress
        .cases
        .insert(Uuid::from_u128(7), (3, "2-abc".into()));
    progress.settled = 2;
    sync::save(&db, &progress).await.unwrap();
    db.close();
    let db = open_database(&name).await.unwrap();
    assert_eq!(sync::load(&db).await.unwrap(), progress);

    // A damaged document costs a pull from the start, which changes nothing already here.
    put_raw(&db, META, "sync_progress", "{\"since\": [").await;
    assert_eq!(sync::load(&db).await.unwrap(), SyncProgress::default());
}

#[wasm_bindgen_test]
fn refusals_are_kept_once_and_only_the_newest_fifty() {
    let mut progress = SyncProgress::default();
    for n in 0..(MAX_REFUSED + 10) {
        escalation_desk::app::sync::replicate::remember_refusal(
            &mut progress,
            format!("case:{n}: bad"),
        );
        escalation_desk::app::sync::replicate::remember_refusal(
            &mut progress,
            format!("case:{n}: bad"),
        );
    }
    assert_eq!(progress.refused.len(), MAX_REFUSED);
    assert_eq!(progress.refused.first().unwrap(), "case:10: bad");
    assert_eq!(
        progress.refused.last().unwrap(),
        &format!("case:{}: bad", MAX_REFUSED + 9)
    );
}

async fn read_meta(db: &Database, key: &str) -> Option<String> {
    let tx = db.transaction(META).build().unwrap();
    let store = tx.object_store(META).unwrap();
    store.get(key).primitive().unwrap().await.unwrap()
}

#[wasm_bindgen_test]
async fn an_unreadable_reviews_record_is_kept_aside_not_written_over_and_the_reviews_go_on() {
    let name = unique_name("sync-reviews");
    let db = open_database(&name).await.unwrap();
    let damaged = "{\"target\": \"/couch/team\", \"docs\": [unfinished";
    put_raw(&db, META, SYNC_REVIEWS, damaged).await;
    assert_eq!(sync::load_reviews(&db).await.unwrap(), Default::default());

    let after = sync::update_reviews(&db, |reviews| {
        reviews.target = "/couch/team".into();
        reviews.unpushed.insert("cf:a:b".into());
    })
    .await
    .unwrap();
    assert_eq!(after.target, "/couch/team");
    assert_eq!(sync::load_reviews(&db).await.unwrap(), after);
    assert_eq!(
        read_meta(&db, SYNC_REVIEWS_UNREADABLE).await.as_deref(),
        Some(damaged)
    );

    // A second damaged record does not replace the first one kept.
    put_raw(&db, META, SYNC_REVIEWS, "not json").await;
    sync::update_reviews(&db, |_| {}).await.unwrap();
    assert_eq!(
        read_meta(&db, SYNC_REVIEWS_UNREADABLE).await.as_deref(),
        Some(damaged)
    );
    db.close();
}

#[wasm_bindgen_test]
async fn set_aside_copies_keep_the_newest_two_hundred_and_an_unreadable_list_is_kept_aside() {
    use escalation_desk::storage::sync_records::{
        self as records, MAX_SET_ASIDE, SYNC_SET_ASIDE_UNREADABLE, SetAside,
    };
    let name = unique_name("sync-set-aside");
    let db = open_database(&name).await.unwrap();
    let copy = |n: usize| SetAside {
        doc_id: format!("rec:problem:{n}"),
        label: format!("PRB-{n}"),
        kind: "Problem".into(),
        kept_from: "alice".into(),
        at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        mine: serde_json::json!({ "kind": "problem", "n": n }),
    };
    for n in 0..(MAX_SET_ASIDE + 5) {
        records::update_set_aside(&db, |stored| stored.items.push(copy(n)))
            .await
            .unwrap();
    }
    let stored = records::load_set_aside(&db).await.unwrap();
    assert_eq!(stored.items.len(), MAX_SET_ASIDE);
    assert_eq!(stored.items.first().unwrap().doc_id, "rec:problem:5");

    // A damaged list is kept as it was under its own key; the copies go on from none.
    let damaged = "{\"target\": \"/couch/team\", \"items\": [{\"doc_id\": ";
    put_raw(&db, META, "sync_set_aside", damaged).await;
    assert!(records::load_set_aside(&db).await.unwrap().items.is_empty());
    let after = records::update_set_aside(&db, |stored| stored.items.push(copy(1)))
        .await
        .unwrap();
    assert_eq!(after.items, vec![copy(1)]);
    assert_eq!(
        read_meta(&db, SYNC_SET_ASIDE_UNREADABLE).await.as_deref(),
        Some(damaged)
    );

    // What a pulled record merges against: the starter records on a fresh database.
    let here = records::read_records_for_sync(&db).await.unwrap();
    assert!(!here.playbooks.is_empty());
    assert!(!here.templates.is_empty());
    assert!(here.cases.is_empty());
}

#[wasm_bindgen_test]
async fn a_playbook_that_cannot_be_read_stops_a_merge_and_a_sync_rather_than_being_written_over() {
    use escalation_desk::storage::exchange;
    use escalation_desk::storage::schema::PLAYBOOKS;
    use escalation_desk::storage::sync_records as records;
    let name = unique_name("sync-unreadable-record");
    let db = open_database(&name).await.unwrap();
    // Readable: both reads succeed on the starter records.
    assert!(records::read_records_for_sync(&db).await.is_ok());
    assert!(exchange::read_for_merge(&db, &[]).await.is_ok());

    put_raw(&db, PLAYBOOKS, "damaged-playbook", "{\"v\":1,\"half a rec").await;
    let sync_error = records::read_records_for_sync(&db).await.unwrap_err();
    assert!(
        sync_error.to_string().contains("damaged-playbook"),
        "{sync_error}"
    );
    // The import's merge refuses it too; it used to leave the playbook out of what it compared
    // against, so a bundle's version of it would have been written over the damaged one.
    let merge_error = exchange::read_for_merge(&db, &[]).await.unwrap_err();
    assert!(
        merge_error.to_string().contains("damaged-playbook"),
        "{merge_error}"
    );
}

#[wasm_bindgen_test]
async fn a_template_or_partner_team_removed_in_an_editor_is_noted_with_the_save_for_sync() {
    use escalation_desk::storage::DraftKey;
    use escalation_desk::storage::settings;
    use escalation_desk::storage::sync_removed::{self as removed, Removed};
    let name = unique_name("sync-removed");
    let db = open_database(&name).await.unwrap();
    let library = settings::load_templates(&db).await.unwrap();
    let gone = library.templates.first().unwrap().id.clone();
    let mut fewer = library.clone();
    fewer.templates.retain(|t| t.id != gone);
    settings::save_templates(
        &db,
        Some(&library),
        &fewer,
        &held_by(&DraftKey::Templates, "editor", &[]),
    )
    .await
    .unwrap();
    let noted = removed::load_removals(&db).await.unwrap();
    assert_eq!(
        noted.items,
        vec![Removed {
            kind: "template".into(),
            id: gone.clone()
        }]
    );

    // A save refused as changed elsewhere notes nothing: the removal never happened.
    let mut fewer_still = fewer.clone();
    fewer_still.templates.pop();
    assert!(
        settings::save_templates(
            &db,
            Some(&library),
            &fewer_still,
            &held_by(&DraftKey::Templates, "editor", &[])
        )
        .await
        .is_err()
    );
    assert_eq!(removed::load_removals(&db).await.unwrap().items.len(), 1);

    // A partner team renamed only in case is the same team; one taken out is noted by its
    // name in lower case.
    let directory = settings::load_partners(&db).await.unwrap();
    let mut renamed = directory.clone();
    let first = renamed.teams.first_mut().unwrap();
    first.name = first.name.to_uppercase();
    settings::save_partners(
        &db,
        Some(&directory),
        &renamed,
        &held_by(&DraftKey::Partners, "editor", &[]),
    )
    .await
    .unwrap();
    assert_eq!(removed::load_removals(&db).await.unwrap().items.len(), 1);
    let mut without = renamed.clone();
    let out = without.teams.remove(0).name;
    settings::save_partners(
        &db,
        Some(&renamed),
        &without,
        &held_by(&DraftKey::Partners, "editor", &[]),
    )
    .await
    .unwrap();
    let noted = removed::load_removals(&db).await.unwrap();
    assert_eq!(
        noted.items.last(),
        Some(&Removed {
            kind: "partner".into(),
            id: out.to_lowercase()
        })
    );
}

#[wasm_bindgen_test]
async fn a_pulled_template_removal_lands_on_a_device_holding_worksheets_and_still_refuses_a_library_changed_meanwhile()
 {
    use escalation_desk::domain::merge::{Expected, MergeResult};
    use escalation_desk::domain::rca::RcaContent;
    use escalation_desk::storage::{DraftKey, exchange, rcas, settings};
    let name = unique_name("sync-removal-rcas");
    let db = open_database(&name).await.unwrap();
    // A specialist's device holds worksheets; a removal is decided on the library alone.
    let worksheet = RcaContent {
        title: "Payouts held".into(),
        ..RcaContent::default()
    };
    rcas::create_rca(&db, worksheet, Uuid::from_u128(81), "Mei", crate::at(10))
        .await
        .unwrap();
    let library = settings::load_templates(&db).await.unwrap().templates;
    let mut fewer = library.clone();
    fewer.remove(0);
    let removal = |expected: Vec<_>| MergeResult {
        templates: Some(fewer.clone()),
        expected: Expected {
            templates: Some(expected),
            ..Expected::default()
        },
        ..MergeResult::default()
    };
    // Compared as an import compares them, the worksheets would have to be exactly the set
    // given: an empty one (what a removal used to pass) refuses the write.
    let mut as_before = removal(library.clone());
    as_before.expected.rcas = Some(std::collections::HashMap::new());
    let refused = exchange::apply_merge(&db, &as_before, &|_, _| {})
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("RCA worksheets"), "{refused}");
    exchange::apply_merge(&db, &removal(library.clone()), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(
        settings::load_templates(&db).await.unwrap().templates,
        fewer
    );
    assert_eq!(rcas::load_rcas(&db).await.unwrap().items.len(), 1);

    // Another tab saved the library after the removal was decided: refused, nothing written.
    let mut edited = fewer.clone();
    edited[0].subject = "[{{case.key}}] Edited in another tab".into();
    let stored = settings::load_templates(&db).await.unwrap();
    let edited_library = escalation_desk::domain::templates::TemplateLibrary {
        templates: edited.clone(),
    };
    settings::save_templates(
        &db,
        Some(&stored),
        &edited_library,
        &held_by(&DraftKey::Templates, "editor", &[]),
    )
    .await
    .unwrap();
    let error = exchange::apply_merge(&db, &removal(fewer.clone()), &|_, _| {})
        .await
        .unwrap_err();
    assert!(error.to_string().contains("email templates"), "{error}");
    assert_eq!(
        settings::load_templates(&db).await.unwrap().templates,
        edited
    );
}

/// A body of `len` zero bytes, as a Blob.
fn zeros(len: u32) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::new_with_length(len));
    web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
}

#[wasm_bindgen_test]
async fn an_answer_over_the_cap_is_refused_whether_its_length_is_declared_or_not() {
    use escalation_desk::app::sync::http::{CouchError, MAX_ANSWER_BYTES, read_capped, request};
    let over = u32::try_from(MAX_ANSWER_BYTES).unwrap() + 1;
    let failed = |_| CouchError::Unreachable("read failed".into());

    // Within the cap, the body arrives whole, in order.
    let small = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str("{\"ok\":true}"));
    let small = web_sys::Blob::new_with_str_sequence(&small).unwrap();
    let response = web_sys::Response::new_with_opt_blob(Some(&small)).unwrap();
    assert_eq!(
        read_capped(&response, &failed).await.unwrap(),
        b"{\"ok\":true}"
    );

    // A body with no declared length (as a chunked answer) is refused by what arrived.
    let response = web_sys::Response::new_with_opt_blob(Some(&zeros(over))).unwrap();
    assert_eq!(response.headers().get("Content-Length").unwrap(), None);
    let refused = read_capped(&response, &failed).await.unwrap_err();
    assert!(
        matches!(&refused, CouchError::BadAnswer(why) if why.contains("over the 64 MB")),
        "{refused:?}"
    );

    // Through `fetch`, as every request to the server goes (a Blob's answer declares its length).
    let url = web_sys::Url::create_object_url_with_blob(&zeros(over)).unwrap();
    let refused = request("GET", &url, None).await.unwrap_err();
    web_sys::Url::revoke_object_url(&url).unwrap();
    assert!(
        matches!(&refused, CouchError::BadAnswer(why) if why.contains("over the 64 MB")),
        "{refused:?}"
    );
}
