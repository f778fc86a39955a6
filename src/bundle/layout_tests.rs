//! The layout scanner: it finds the same files serde does, in chunks of any size, and is not fooled by strings, nesting, escapes or a broken list.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use proptest::prelude::*;

use super::*;
use crate::bundle::files;
use crate::bundle::v1::read;

const GOLDEN: &str = include_str!("../../tests/fixtures/bundle-v1-files.json");

fn scan_in_chunks(text: &[u8], size: usize) -> Result<Layout, BundleError> {
    let mut scanner = Scanner::new();
    for chunk in text.chunks(size.max(1)) {
        scanner.feed(chunk);
    }
    scanner.finish()
}

/// The entries as serde reads them from the whole text, as (sha256, size, base64).
fn expected(text: &str) -> Vec<(String, u64, String)> {
    let value: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    value["files"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|f| {
                    (
                        f["sha256"].as_str().unwrap().to_string(),
                        f["size"].as_u64().unwrap(),
                        f["base64"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn found(text: &str, layout: &Layout) -> Vec<(String, u64, String)> {
    layout
        .entries
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let entry = &text[r.start as usize..r.end as usize];
            let f = files::entry(i, entry).unwrap();
            (f.sha256.to_string(), f.size, f.base64.to_string())
        })
        .collect()
}

#[test]
fn the_golden_bundle_splits_into_the_same_bundle_and_the_same_files_in_any_chunk_size() {
    let whole = read(GOLDEN).unwrap();
    let files_expected = expected(GOLDEN);
    assert!(!files_expected.is_empty(), "the fixture carries files");
    for size in [1, 2, 3, 7, 64, 4096, GOLDEN.len()] {
        let layout = scan_in_chunks(GOLDEN.as_bytes(), size).unwrap();
        assert_eq!(read(&layout.rest).unwrap(), whole, "chunk size {size}");
        assert!(expected(&layout.rest).is_empty());
        assert_eq!(found(GOLDEN, &layout), files_expected, "chunk size {size}");
    }
}

#[test]
fn a_bundle_without_files_is_its_own_rest() {
    let text = include_str!("../../tests/fixtures/bundle-v1.json");
    let layout = of_text(text).unwrap();
    assert_eq!(layout.rest, text);
    assert!(layout.entries.is_empty());
}

#[test]
fn a_byte_order_mark_is_dropped_from_the_rest_but_offsets_stay_those_of_the_file() {
    let text = format!("\u{feff}{GOLDEN}");
    let layout = scan_in_chunks(text.as_bytes(), 5).unwrap();
    assert!(layout.rest.starts_with('{'));
    assert_eq!(found(&text, &layout), expected(GOLDEN));
}

#[test]
fn files_named_in_strings_or_deeper_objects_are_not_the_section() {
    let text = r#"{"note":"\"files\":[{\"x\":1}]","contents":{"files":[1,2]},"files":[{"a":"]\\\"}"}],"z":"files"}"#;
    let layout = of_text(text).unwrap();
    assert_eq!(
        layout.rest,
        r#"{"note":"\"files\":[{\"x\":1}]","contents":{"files":[1,2]},"files":[],"z":"files"}"#
    );
    assert_eq!(layout.entries.len(), 1);
    let r = &layout.entries[0];
    assert_eq!(&text[r.start as usize..r.end as usize], r#"{"a":"]\\\"}"}"#);
}

#[test]
fn a_top_level_name_written_with_escapes_is_still_files() {
    let text = r#"{"fil\u0065s":[ {"k":1} , {"k":2} ]}"#;
    let layout = of_text(text).unwrap();
    assert_eq!(layout.rest, r#"{"fil\u0065s":[]}"#);
    assert_eq!(layout.entries.len(), 2);
}

#[test]
fn an_empty_list_and_a_null_have_no_entries_and_anything_else_is_refused() {
    assert_eq!(of_text(r#"{"files": [ ]}"#).unwrap().entries, vec![]);
    let null = of_text(r#"{"files":null,"a":[1]}"#).unwrap();
    assert_eq!(null.rest, r#"{"files":null,"a":[1]}"#);
    assert!(null.entries.is_empty());
    for not_a_list in [
        r#"{"files":5}"#,
        r#"{"files":{"a":[1]}}"#,
        r#"{"files":"[]"}"#,
    ] {
        match of_text(not_a_list) {
            Err(BundleError::Invalid { path, reason }) => {
                assert_eq!(path, "files", "{not_a_list}");
                assert_eq!(reason, "expected a list of files");
            }
            other => panic!("{not_a_list}: {other:?}"),
        }
    }
    // Only the top level's `files` is the section: a deeper one or a later name is not.
    assert!(of_text(r#"{"a":{"files":5},"files":[],"b":5}"#).is_ok());
}

#[test]
fn a_broken_list_is_refused_by_where_it_breaks() {
    let cases = [
        (r#"{"files":[{"a":1},]}"#, "files[1]"),
        (r#"{"files":[,{"a":1}]}"#, "files[0]"),
        (r#"{"files":[{"a":1},,{"b":2}]}"#, "files[1]"),
        (r#"{"files":[{"a":1}"#, "files"),
        (r#"{"files":[{"a":1}}"#, "files"),
    ];
    for (text, path) in cases {
        match of_text(text) {
            Err(BundleError::Invalid { path: p, .. }) => assert_eq!(p, path, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn too_many_entries_are_refused_before_any_is_read() {
    let mut text = String::from(r#"{"files":["#);
    for i in 0..=files::MAX_CARRIED_FILES {
        if i > 0 {
            text.push(',');
        }
        text.push('0');
    }
    text.push_str("]}");
    let error = of_text(&text).unwrap_err().to_string();
    assert!(error.contains("at most 10000"), "{error}");
}

#[test]
fn an_entry_longer_than_any_file_takes_is_refused_by_its_index() {
    let big = "A".repeat(MAX_ENTRY_BYTES as usize);
    let text = format!(r#"{{"files":[{{"base64":"QUJD"}},{{"base64":"{big}"}}]}}"#);
    match of_text(&text) {
        Err(BundleError::Invalid { path, reason }) => {
            assert_eq!(path, "files[1]");
            assert!(reason.contains("MB"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_that_is_not_utf8_outside_the_files_is_refused() {
    let mut bytes = br#"{"a":""#.to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(br#""}"#);
    assert!(matches!(
        scan_in_chunks(&bytes, 3),
        Err(BundleError::Invalid { .. })
    ));
}

#[test]
fn an_entry_that_is_not_a_carried_file_is_refused_by_its_path() {
    let error = files::entry(3, r#"{"sha256":"ab","size":3,"base64":"QUJD"}"#).unwrap_err();
    assert_eq!(
        error,
        BundleError::Invalid {
            path: "files[3].sha256".into(),
            reason: "expected 64 lowercase hex digits".into()
        }
    );
    let trailing = files::entry(0, r#"{"sha256":"ab","size":3,"base64":"QUJD"} x"#).unwrap_err();
    assert!(matches!(trailing, BundleError::Invalid { path, .. } if path == "files[0]"));
    let wrong_type = files::entry(1, r#"{"size":"three"}"#).unwrap_err();
    assert!(matches!(wrong_type, BundleError::Invalid { path, .. } if path == "files[1].size"));
}

fn json_string() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r#"[a-z"\\{}\[\],:é ]{0,12}"#).unwrap()
}

proptest! {
    /// Whatever the strings hold and however the bytes are cut, the scanner agrees with serde.
    #[test]
    fn any_chunking_of_any_bundle_like_text_agrees_with_serde(
        before in proptest::collection::vec(json_string(), 0..4),
        after in proptest::collection::vec(json_string(), 0..4),
        entries in proptest::collection::vec(json_string(), 0..5),
        size in 1usize..40,
    ) {
        let field = |i: usize, s: &String| format!("\"k{i}\":{}", serde_json::to_string(s).unwrap());
        let mut parts: Vec<String> = before.iter().enumerate().map(|(i, s)| field(i, s)).collect();
        let list: Vec<String> = entries
            .iter()
            .map(|s| format!("{{\"sha256\":{},\"size\":1,\"base64\":\"QQ==\",\"n\":[{}]}}", serde_json::to_string(s).unwrap(), serde_json::to_string(s).unwrap()))
            .collect();
        parts.push(format!("\"files\" : [ {} ]", list.join(" , ")));
        parts.extend(after.iter().enumerate().map(|(i, s)| field(i + 10, s)));
        let text = format!("{{{}}}", parts.join(","));
        let layout = scan_in_chunks(text.as_bytes(), size).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut without: serde_json::Value = value.clone();
        without["files"] = serde_json::json!([]);
        let rest: serde_json::Value = serde_json::from_str(&layout.rest).unwrap();
        prop_assert_eq!(rest, without);
        prop_assert_eq!(layout.entries.len(), entries.len());
        for (i, r) in layout.entries.iter().enumerate() {
            let entry: serde_json::Value = serde_json::from_str(&text[r.start as usize..r.end as usize]).unwrap();
            prop_assert_eq!(&entry, &value["files"][i]);
        }
    }
}

proptest! {
    /// The golden bundle damaged byte by byte: never a panic, and whenever the damaged text is
    /// still JSON, the scanner agrees with serde about the rest and every entry.
    #[test]
    fn a_damaged_golden_bundle_never_panics_and_valid_json_still_agrees_with_serde(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), prop::sample::select(&b"\"\\{}[],: a0"[..])), 1..6),
        size in 1usize..5000,
    ) {
        let mut bytes = GOLDEN.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let scanned = scan_in_chunks(&bytes, size);
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return Ok(());
        };
        let Some(list) = value.get("files").and_then(serde_json::Value::as_array) else {
            return Ok(());
        };
        let layout = scanned.unwrap();
        let mut without = value.clone();
        without["files"] = serde_json::json!([]);
        let rest: serde_json::Value = serde_json::from_str(&layout.rest).unwrap();
        prop_assert_eq!(rest, without);
        prop_assert_eq!(layout.entries.len(), list.len());
        for (r, wanted) in layout.entries.iter().zip(list) {
            let entry: serde_json::Value = serde_json::from_slice(&bytes[r.start as usize..r.end as usize]).unwrap();
            prop_assert_eq!(&entry, wanted);
        }
    }
}

#[test]
fn text_past_the_limit_is_refused_without_being_kept_and_a_file_that_is_no_object_at_once() {
    let text = format!("{{\"a\":\"{}\"}}", "x".repeat(100));
    let mut scanner = Scanner::with_limit(50);
    for chunk in text.as_bytes().chunks(7) {
        scanner.feed(chunk);
        assert!(scanner.rest.len() <= 50);
    }
    assert_eq!(scanner.finish(), Err(BundleError::TooLargeWithoutFiles));
    let mut just_fits = Scanner::with_limit(text.len());
    just_fits.feed(text.as_bytes());
    assert_eq!(just_fits.finish().unwrap().rest, text);
    for (bytes, first) in [
        (&b"\0\0\0{}"[..], "0x00 at 0"),
        (&b"  \n[1]"[..], "0x5b at 3"),
    ] {
        match scan_in_chunks(bytes, 2) {
            Err(BundleError::NotJson(reason)) => assert!(reason.ends_with(first), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}
