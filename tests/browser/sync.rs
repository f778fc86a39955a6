//! Team sync's progress and reviews in real IndexedDB: kept across a reopen, started afresh when unreadable (an unreadable reviews record kept aside, never written over), and refusals capped.

use escalation_desk::storage::open_database;
use escalation_desk::storage::schema::META;
use escalation_desk::storage::sync::{
    self, MAX_REFUSED, SYNC_REVIEWS, SYNC_REVIEWS_UNREADABLE, SyncProgress,
};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use uuid::Uuid;
use wasm_bindgen_test::*;

use super::{put_raw, unique_name};

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
