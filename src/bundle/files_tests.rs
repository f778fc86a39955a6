//! The files section: a round trip through a real bundle, the golden fixture, and every way a carried file can lie about itself.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::TimeZone;
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::bundle::v1::{Exporter, Selection, read};
use crate::domain::attachment::AttachedFile;
use crate::domain::device::OnDevice;
use crate::domain::{CaseEvent, EventKind};

const STATEMENT: &[u8] = b"Balance on 30 Nov: 1,204.50 EUR\nPayout 8841 returned by the bank.\n";

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
}

/// The v1 sample with `bytes` attached to its first case as `name` (and a second file attached
/// then removed, which an export must not carry).
fn with_files(files: &[(&str, &[u8])]) -> OnDevice {
    let mut source = crate::bundle::v1::tests::source();
    let case = source.cases[0].clone();
    let log = source.events.get_mut(&case.id).unwrap();
    let mut n = 0;
    for (name, bytes) in files {
        n += 1;
        log.push(CaseEvent {
            id: Uuid::from_u128(5000 + n),
            case_id: case.id,
            at: at(40 + n as i64),
            actor: "Maya".into(),
            kind: EventKind::FileAttached {
                file: AttachedFile {
                    sha256: sha256_hex(bytes),
                    name: (*name).into(),
                    size: bytes.len() as u64,
                    media_type: "text/plain".into(),
                },
            },
        });
    }
    let removed = b"wrong account's statement";
    log.push(CaseEvent {
        id: Uuid::from_u128(6001),
        case_id: case.id,
        at: at(50),
        actor: "Maya".into(),
        kind: EventKind::FileAttached {
            file: AttachedFile {
                sha256: sha256_hex(removed),
                name: "wrong.txt".into(),
                size: removed.len() as u64,
                media_type: "text/plain".into(),
            },
        },
    });
    log.push(CaseEvent {
        id: Uuid::from_u128(6002),
        case_id: case.id,
        at: at(51),
        actor: "Maya".into(),
        kind: EventKind::FileRemoved {
            sha256: sha256_hex(removed),
            name: "wrong.txt".into(),
        },
    });
    source
}

/// One carried file's JSON as the export writes it: its head, its base64, its tail.
fn carried_json(sha256: &str, bytes: &[u8]) -> String {
    format!(
        "{}{}{CARRIED_TAIL}",
        carried_head(sha256, bytes.len() as u64),
        STANDARD.encode(bytes)
    )
}

/// The carried files of a bundle's text, read as the app reads them: its layout, then each
/// entry parsed, decoded and checked against its hash on its own.
fn read_files(text: &str) -> Result<Vec<Vec<u8>>, BundleError> {
    let layout = crate::bundle::layout::of_text(text)?;
    layout
        .entries
        .iter()
        .enumerate()
        .map(|(i, range)| {
            let file = entry(i, &text[range.start as usize..range.end as usize])?;
            decode(i, &file)
        })
        .collect()
}

fn bundle_of(source: &OnDevice) -> BundleV1 {
    BundleV1::build(
        source.clone(),
        &Selection::Cases(vec![source.cases[0].id]),
        Exporter {
            name: "Maya".into(),
            device: "device-1".into(),
        },
        "0.1.0",
        at(60),
    )
}

/// The text an export with files writes: the bundle, then each held file.
fn export_with_files(bundle: &BundleV1, bytes_of: &dyn Fn(&str) -> Vec<u8>) -> String {
    let mut text = open_section(&bundle.to_json()).unwrap();
    for (i, file) in held_by(bundle).iter().enumerate() {
        if i > 0 {
            text.push_str(SEPARATOR);
        }
        text.push_str(&carried_json(&file.sha256, &bytes_of(&file.sha256)));
    }
    text.push_str(CLOSE_SECTION);
    text
}

#[test]
fn an_export_carries_the_files_its_cases_hold_and_they_come_back_byte_for_byte() {
    let png: &[u8] = &[0x89, b'P', b'N', b'G', 0, 0xff, 0x10, 7];
    let source = with_files(&[("statement.txt", STATEMENT), ("error.png", png)]);
    let bundle = bundle_of(&source);
    let held = held_by(&bundle);
    // The removed file is not held, so it is not carried.
    assert_eq!(
        held,
        vec![
            CheckedFile {
                sha256: sha256_hex(STATEMENT),
                size: STATEMENT.len() as u64
            },
            CheckedFile {
                sha256: sha256_hex(png),
                size: png.len() as u64
            },
        ]
    );
    let text = export_with_files(&bundle, &|hash| {
        if hash == sha256_hex(STATEMENT) {
            STATEMENT.to_vec()
        } else {
            png.to_vec()
        }
    });
    // The bundle part reads exactly as it would without the section.
    assert_eq!(read(&text).unwrap(), read(&bundle.to_json()).unwrap());
    let files = read_files(&text).unwrap();
    assert_eq!(files, vec![STATEMENT.to_vec(), png.to_vec()]);
    let hashes: Vec<String> = files.iter().map(|b| sha256_hex(b)).collect();
    let held_hashes: Vec<String> = held.iter().map(|h| h.sha256.clone()).collect();
    assert_eq!(hashes, held_hashes);
}

#[test]
fn a_bundle_without_the_section_carries_nothing() {
    let bundle = bundle_of(&with_files(&[("statement.txt", STATEMENT)]));
    assert!(read_files(&bundle.to_json()).unwrap().is_empty());
    assert!(read_files(r#"{"files":null}"#).unwrap().is_empty());
}

const GOLDEN_FILES: &str = include_str!("../../tests/fixtures/bundle-v1-files.json");

#[test]
fn golden_v1_with_a_file_still_imports_and_its_bytes_match_their_hash() {
    let bundle = read(GOLDEN_FILES).expect("the golden bundle with a file imports");
    let held = held_by(&bundle);
    assert_eq!(held.len(), 1);
    let files = read_files(GOLDEN_FILES).unwrap();
    assert_eq!(files, vec![STATEMENT.to_vec()]);
    assert_eq!(sha256_hex(&files[0]), held[0].sha256);
}

/// Regenerates the fixture with a carried file; run by hand only when a new format version is born.
#[test]
#[ignore]
fn write_golden_v1_files() {
    let bundle = bundle_of(&with_files(&[("statement.txt", STATEMENT)]));
    let pretty = serde_json::to_string_pretty(&bundle).unwrap();
    let mut text = open_section(&pretty).unwrap();
    text.push_str(&carried_json(&sha256_hex(STATEMENT), STATEMENT));
    text.push_str(CLOSE_SECTION);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    std::fs::write(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/bundle-v1-files.json"
        ),
        serde_json::to_string_pretty(&value).unwrap(),
    )
    .unwrap();
}

fn refusal(files_json: &str) -> String {
    let text = format!(r#"{{"format":"escalation-desk.bundle","version":1,"files":{files_json}}}"#);
    match read_files(&text) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("accepted: {files_json}"),
    }
}

#[test]
fn a_carried_file_that_lies_is_refused_with_its_path_and_why() {
    let good = carried_json(&sha256_hex(STATEMENT), STATEMENT);
    let value: serde_json::Value = serde_json::from_str(&good).unwrap();
    let with = |field: &str, v: serde_json::Value| {
        let mut changed = value.clone();
        changed[field] = v;
        format!("[{changed}]")
    };
    let base64 = value["base64"].as_str().unwrap().to_string();
    let mut flipped = base64.clone().into_bytes();
    flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
    let cases = [
        (
            with("sha256", "abc".into()),
            "files[0].sha256: expected 64 lowercase hex",
        ),
        (
            with("sha256", sha256_hex(STATEMENT).to_uppercase().into()),
            "files[0].sha256",
        ),
        (
            with("sha256", sha256_hex(b"other").into()),
            "do not match their hash",
        ),
        (with("size", 0.into()), "files[0].size: 0 bytes"),
        (with("size", (MAX_FILE_BYTES + 1).into()), "files[0].size"),
        (with("size", (-1).into()), "files[0].size"),
        (with("size", 1_000_000.into()), "files[0].base64:"),
        (
            with("base64", format!("{base64}AAAA").into()),
            "files[0].base64:",
        ),
        (
            with("base64", String::from_utf8(flipped).unwrap().into()),
            "do not match their hash",
        ),
        (
            with("base64", "!".repeat(base64.len()).into()),
            "not base64",
        ),
        (with("base64", 7.into()), "files[0].base64"),
        (
            format!(
                r#"[{{"sha256":"{}","size":3,"base64":"QUJD\/"}}]"#,
                sha256_hex(b"ABC")
            ),
            "without escapes",
        ),
        ("{}".into(), "files: expected a list of files"),
        ("5".into(), "files: expected a list of files"),
        ("[1]".into(), "files[0]"),
        (
            format!(
                "[{good},{}]",
                with("sha256", "z".into()).trim_matches(['[', ']'])
            ),
            "files[1].sha256",
        ),
    ];
    for (files, expected) in cases {
        let message = refusal(&files);
        assert!(message.contains(expected), "{files:.120}: {message}");
    }
}

#[test]
fn more_files_than_the_cap_are_refused_before_any_is_decoded() {
    let one = carried_json(&sha256_hex(b"a"), b"a");
    let many = vec![one; MAX_CARRIED_FILES + 1].join(",");
    assert!(refusal(&format!("[{many}]")).contains("at most"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// Any bytes round-trip; any change to the carried text is refused or reads the same bytes.
    #[test]
    fn carried_bytes_round_trip_and_damage_is_caught(
        bytes in proptest::collection::vec(any::<u8>(), 1..600),
        at in any::<proptest::sample::Index>(),
        with in any::<u8>(),
    ) {
        let hash = sha256_hex(&bytes);
        let good = format!("{{\"files\":[{}]}}", carried_json(&hash, &bytes));
        prop_assert_eq!(read_files(&good).unwrap(), vec![bytes.clone()]);
        let mut damaged = good.into_bytes();
        let i = at.index(damaged.len());
        damaged[i] = with;
        if let Ok(text) = String::from_utf8(damaged)
            && let Ok(files) = read_files(&text)
            && let Some(read_back) = files.first()
        {
            prop_assert_eq!(read_back, &bytes);
        }
    }
}

#[test]
fn a_second_list_of_files_is_refused_rather_than_ignored() {
    let one = carried_json(&sha256_hex(b"a"), b"a");
    let text = format!(r#"{{"files":[{one}],"contents":{{}},"files":[{one}]}}"#);
    let message = read_files(&text).unwrap_err().to_string();
    assert!(message.contains("twice"), "{message}");
}

#[test]
fn redaction_keeps_every_file_hash_so_the_log_still_names_its_files() {
    let source = with_files(&[("statement-wei-ling-tan.txt", STATEMENT)]);
    let mut bundle = bundle_of(&source);
    let before = held_by(&bundle);
    crate::bundle::redact::redact(&mut bundle).unwrap();
    assert_eq!(held_by(&bundle), before);
    assert!(read(&bundle.to_json()).is_ok());
}
