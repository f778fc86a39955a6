//! What a page going into the back/forward cache gives up (`storage::transactions::abort_open`): the transactions it still has open, and only those.

use super::*;
use escalation_desk::storage::schema::DRAFTS;
use escalation_desk::storage::transactions::{abort_open, begin, begin_writing};
use indexed_db_futures::transaction::Transaction;

async fn stored(db: &Database, key: &str) -> Option<String> {
    let tx = begin(db, DRAFTS).unwrap();
    tx.object_store(DRAFTS)
        .unwrap()
        .get(key)
        .primitive()
        .unwrap()
        .await
        .unwrap()
}

/// A write of `text` under `key`, put but not yet committed.
fn writing<'a>(db: &'a Database, key: &str, text: &str) -> Transaction<'a> {
    let tx = begin_writing(db, DRAFTS).unwrap();
    tx.object_store(DRAFTS)
        .unwrap()
        .put(text)
        .with_key(key)
        .build()
        .unwrap();
    tx
}

#[wasm_bindgen_test]
async fn a_write_still_open_when_the_page_leaves_is_aborted_and_writes_nothing() {
    let db = open_database(&unique_name("leaving")).await.unwrap();
    let tx = writing(&db, "left", "typed before leaving");
    assert_eq!(abort_open(), 1, "the open write is the one aborted");
    assert!(tx.commit().await.is_err(), "an aborted write cannot commit");
    // Nothing of it landed, and its store is free at once for the next write.
    assert_eq!(stored(&db, "left").await, None);
    let next = writing(&db, "after", "written after");
    next.commit().await.unwrap();
    assert_eq!(stored(&db, "after").await.as_deref(), Some("written after"));
}

#[wasm_bindgen_test]
async fn a_finished_write_is_left_alone() {
    let db = open_database(&unique_name("leaving-done")).await.unwrap();
    let tx = writing(&db, "done", "kept");
    tx.commit().await.unwrap();
    assert_eq!(abort_open(), 0, "a committed transaction refuses the abort");
    assert_eq!(stored(&db, "done").await.as_deref(), Some("kept"));
}
