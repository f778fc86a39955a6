//! Evidence files in real IndexedDB: bytes stored once per hash, kept while any case holds them, and never half-written.

use super::*;
use escalation_desk::domain::attachment::{AttachedFile, files_on_case};
use escalation_desk::storage::files;

fn blob(text: &str) -> js_sys::ArrayBuffer {
    js_sys::Uint8Array::from(text.as_bytes()).buffer()
}

async fn blob_text(blob: &web_sys::Blob) -> String {
    wasm_bindgen_futures::JsFuture::from(blob.text())
        .await
        .unwrap()
        .as_string()
        .unwrap()
}

fn pdf(hash: char, name: &str) -> AttachedFile {
    AttachedFile {
        sha256: hash.to_string().repeat(64),
        name: name.into(),
        size: 9,
        media_type: "application/pdf".into(),
    }
}

async fn attach(db: &Database, case: &Case, file: AttachedFile, bytes: &str, n: u128) -> Case {
    let log = cases::load_events(db, case.id).await.unwrap().items;
    let (next, event) = case
        .attach_file(
            file,
            &files_on_case(&log),
            Uuid::from_u128(n),
            "Mei",
            at(10),
        )
        .unwrap();
    files::attach(db, case.revision, &next, &event, &blob(bytes))
        .await
        .unwrap();
    next
}

async fn remove(db: &Database, case: &Case, hash: char, n: u128) -> Case {
    let log = cases::load_events(db, case.id).await.unwrap().items;
    let (next, event) = case
        .remove_file(
            &hash.to_string().repeat(64),
            &files_on_case(&log),
            Uuid::from_u128(n),
            "Mei",
            at(11),
        )
        .unwrap();
    files::remove(db, case.revision, &next, &event)
        .await
        .unwrap();
    next
}

#[wasm_bindgen_test]
async fn the_same_file_on_two_cases_is_stored_once_and_kept_until_neither_holds_it() {
    let db = open_database(&unique_name("files-dedupe")).await.unwrap();
    let one = create(&db, "Payout held", 1).await;
    let two = create(&db, "Payout held again", 2).await;
    let one = attach(&db, &one, pdf('a', "letter.pdf"), "%PDF-1.7 A", 10).await;
    let two = attach(&db, &two, pdf('a', "same-letter.pdf"), "%PDF-1.7 A", 11).await;
    let stored = raw_keys(&db, escalation_desk::storage::schema::FILES).await;
    assert_eq!(stored, vec!["a".repeat(64)], "one copy of the bytes");
    // The log of each case says it holds the file, under its own name.
    let names = |log: Vec<escalation_desk::domain::CaseEvent>| {
        files_on_case(&log)
            .into_iter()
            .map(|f| f.file.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(cases::load_events(&db, one.id).await.unwrap().items),
        ["letter.pdf"]
    );
    assert_eq!(
        names(cases::load_events(&db, two.id).await.unwrap().items),
        ["same-letter.pdf"]
    );
    // Removed from one case, the bytes stay for the other.
    let _one = remove(&db, &one, 'a', 12).await;
    let kept = files::load(&db, &"a".repeat(64))
        .await
        .unwrap()
        .expect("still held by case two");
    assert_eq!(blob_text(&kept).await, "%PDF-1.7 A");
    assert_eq!(
        files::held(&db, &["a".repeat(64), "b".repeat(64)])
            .await
            .unwrap(),
        [true, false]
    );
    // Removed from the last case, they go.
    let _two = remove(&db, &two, 'a', 13).await;
    assert!(files::load(&db, &"a".repeat(64)).await.unwrap().is_none());
    assert!(
        raw_keys(&db, escalation_desk::storage::schema::FILE_REFS)
            .await
            .is_empty()
    );
}

#[wasm_bindgen_test]
async fn an_attachment_over_a_stale_case_writes_neither_the_event_nor_the_bytes() {
    let db = open_database(&unique_name("files-stale")).await.unwrap();
    let case = create(&db, "Frozen account", 1).await;
    // Another tab saved first: the revision this attachment was planned on is gone.
    let (moved, note) = case
        .note("called the bank", Uuid::from_u128(20), "Ana", at(10))
        .unwrap();
    cases::save_change(&db, case.revision, &moved, &[note], None)
        .await
        .unwrap();
    let (next, event) = case
        .attach_file(
            pdf('c', "proof.pdf"),
            &[],
            Uuid::from_u128(21),
            "Mei",
            at(10),
        )
        .unwrap();
    let refused = files::attach(&db, case.revision, &next, &event, &blob("%PDF-1.7 C")).await;
    assert!(
        matches!(refused, Err(StorageError::Conflict { .. })),
        "{refused:?}"
    );
    assert!(
        raw_keys(&db, escalation_desk::storage::schema::FILES)
            .await
            .is_empty()
    );
    let log = cases::load_events(&db, case.id).await.unwrap().items;
    assert!(files_on_case(&log).is_empty());
}

#[wasm_bindgen_test]
async fn bytes_a_bundle_carried_are_stored_once_and_never_replace_what_is_here() {
    let db = open_database(&unique_name("files-carried")).await.unwrap();
    let case = create(&db, "Payout returned", 1).await;
    let _case = attach(&db, &case, pdf('d', "letter.pdf"), "%PDF-1.7 D", 30).await;
    let hash = "d".repeat(64);
    // Already here: nothing is written, and the stored bytes stay as they were.
    assert!(
        !files::store_carried(&db, &hash, &blob("other"))
            .await
            .unwrap()
    );
    let kept = files::load_bytes(&db, &hash).await.unwrap().unwrap();
    assert_eq!(js_sys::Uint8Array::new(&kept).to_vec(), b"%PDF-1.7 D");
    // New: stored once, readable as bytes and as a Blob.
    let new = "e".repeat(64);
    assert!(
        files::store_carried(&db, &new, &blob("carried"))
            .await
            .unwrap()
    );
    assert!(
        !files::store_carried(&db, &new, &blob("carried"))
            .await
            .unwrap()
    );
    let loaded = files::load(&db, &new).await.unwrap().unwrap();
    assert_eq!(blob_text(&loaded).await, "carried");
    assert_eq!(
        files::held(&db, &[hash, new, "f".repeat(64)])
            .await
            .unwrap(),
        vec![true, true, false]
    );
    assert!(
        files::load_bytes(&db, &"f".repeat(64))
            .await
            .unwrap()
            .is_none()
    );
}

/// Every key of `store`.
async fn raw_keys(db: &Database, store: &str) -> Vec<String> {
    let tx = db.transaction(store).build().unwrap();
    tx.object_store(store)
        .unwrap()
        .get_all_keys::<String>()
        .await
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The golden bundle with files as a picked file would be: a Blob of many small parts, so
/// every slice the reader takes crosses parts.
fn picked(text: &str) -> web_sys::Blob {
    let parts = js_sys::Array::new();
    for piece in text.as_bytes().chunks(1000) {
        parts.push(&js_sys::Uint8Array::from(piece));
    }
    web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
}

#[wasm_bindgen_test]
async fn a_picked_bundle_is_read_in_slices_into_the_same_bundle_and_files_checked_one_by_one() {
    use escalation_desk::app::carry;
    use escalation_desk::bundle::v1;
    const GOLDEN: &str = include_str!("../fixtures/bundle-v1-files.json");
    let opened = carry::open_file(&picked(GOLDEN)).await.unwrap();
    assert_eq!(v1::read(&opened.rest).unwrap(), v1::read(GOLDEN).unwrap());
    let checked = carry::check_carried(&opened.carried, &|_, _| {})
        .await
        .unwrap();
    let whole: serde_json::Value = serde_json::from_str(GOLDEN).unwrap();
    let serde_says = whole["files"].as_array().unwrap();
    assert_eq!(checked.len(), serde_says.len());
    for (ours, theirs) in checked.iter().zip(serde_says) {
        assert_eq!(
            (ours.sha256.as_str(), ours.size),
            (
                theirs["sha256"].as_str().unwrap(),
                theirs["size"].as_u64().unwrap()
            )
        );
    }
    // One base64 character changed in the file: refused by its path when it is checked.
    let first = serde_says.first().unwrap()["base64"].as_str().unwrap();
    let swapped = if first.starts_with('A') { "B" } else { "A" };
    let tampered = GOLDEN.replacen(first, &format!("{swapped}{}", &first[1..]), 1);
    let opened = carry::open_file(&picked(&tampered)).await.unwrap();
    let error = carry::check_carried(&opened.carried, &|_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("files[0].sha256"), "{error}");
}
