//! Tests for evidence files: names made safe, types read from bytes, what a case holds, and what the boundary refuses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use chrono::TimeZone;
use proptest::prelude::*;

use super::*;
use crate::domain::validate::Validate;

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, minute, 0).unwrap()
}

fn hash(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn file(n: u8, name: &str) -> AttachedFile {
    AttachedFile {
        sha256: hash(n),
        name: name.into(),
        size: 1_000 + u64::from(n),
        media_type: "application/pdf".into(),
    }
}

fn a_case() -> Case {
    crate::domain::sample::generate(7, 1, 1001, at(0))
        .into_iter()
        .next()
        .unwrap()
        .case
}

#[test]
fn names_lose_folders_controls_direction_marks_and_reserved_devices() {
    for (given, expected) in [
        ("statement.pdf", "statement.pdf"),
        ("C:\\Users\\mei\\Desktop\\proof.png", "proof.png"),
        ("../../etc/passwd", "passwd"),
        ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
        ("a\u{0}b\nc.txt", "abc.txt"),
        ("what?<now>.csv", "what__now_.csv"),
        ("...hidden", "hidden"),
        ("trailing. . ", "trailing"),
        ("CON.txt", "_CON.txt"),
        ("com1", "_com1"),
        ("COM10.txt", "COM10.txt"),
        ("", "attachment"),
        ("///", "attachment"),
        ("\u{202E}", "attachment"),
    ] {
        assert_eq!(clean_name(given), expected, "for {given:?}");
    }
}

#[test]
fn a_long_name_is_cut_keeping_its_extension() {
    let long = format!("{}.pdf", "x".repeat(500));
    let clean = clean_name(&long);
    assert_eq!(clean.chars().count(), MAX_NAME_CHARS);
    assert!(clean.ends_with(".pdf"));
}

#[test]
fn the_type_comes_from_the_bytes_never_the_name() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(showing(png, "photo.png"), Showing::Image("image/png"));
    assert_eq!(showing(png, "anything.svg"), Showing::Image("image/png"));
    assert_eq!(
        showing(b"\xff\xd8\xff\xe0", "a.jpg"),
        Showing::Image("image/jpeg")
    );
    assert_eq!(showing(b"GIF89a....", "a.gif"), Showing::Image("image/gif"));
    assert_eq!(
        showing(b"RIFF\x10\0\0\0WEBPVP8 ", "a.webp"),
        Showing::Image("image/webp")
    );
    assert_eq!(
        showing(b"RIFF\x10\0\0\0WAVEfmt ", "a.webp"),
        Showing::DownloadOnly
    );
    assert_eq!(showing(b"%PDF-1.7\n", "letter.pdf"), Showing::Pdf);
    // Markup is never rendered, whatever it is called.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
    assert_eq!(showing(svg, "statement.png"), Showing::DownloadOnly);
    assert_eq!(showing(svg, "statement.svg"), Showing::DownloadOnly);
    assert_eq!(
        showing(b"<html><script>x()</script>", "page.html"),
        Showing::DownloadOnly
    );
    // Text is shown as text only when named so and readable as UTF-8.
    assert_eq!(
        showing(b"date,amount\n2026-12-01,10.00\n", "acquirer.csv"),
        Showing::Text
    );
    assert_eq!(showing(b"<b>hi</b>", "notes.txt"), Showing::Text);
    assert_eq!(showing(b"plain", "notes.exe"), Showing::DownloadOnly);
    assert_eq!(showing(b"bin\0ary", "dump.txt"), Showing::DownloadOnly);
    assert_eq!(showing(b"\xff\xfe bad", "latin.txt"), Showing::DownloadOnly);
    // A sample cut inside a character is still text.
    assert_eq!(
        showing("caf\u{e9}".as_bytes().split_last().unwrap().1, "a.txt"),
        Showing::Text
    );
    assert_eq!(showing(b"", "empty.bin"), Showing::DownloadOnly);
}

#[test]
fn sizes_read_as_a_person_would_say_them() {
    assert_eq!(size_label(812), "812 bytes");
    assert_eq!(size_label(14_540), "14.2 KB");
    assert_eq!(size_label(3_250_000), "3.1 MB");
    assert_eq!(size_label(MAX_FILE_BYTES), "25 MB");
    assert_eq!(size_label(10_743_000_000), "10 GB");
    assert_eq!(size_label(u64::MAX), "17179869184 GB");
    assert_eq!(refusal("big.pdf", MAX_FILE_BYTES), None);
    assert_eq!(
        refusal("big.pdf", MAX_FILE_BYTES + 1).unwrap(),
        "big.pdf is 25 MB; files over 25 MB are not attached. Link it from the evidence instead."
    );
    assert!(refusal("none.txt", 0).unwrap().contains("empty"));
}

#[test]
fn a_case_holds_each_file_once_until_it_is_removed() {
    let case = a_case();
    let (case, first) = case
        .attach_file(
            file(1, "letter.pdf"),
            &[],
            Uuid::from_u128(10),
            "Mei",
            at(1),
        )
        .unwrap();
    let mut log = vec![first];
    let held = files_on_case(&log);
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].actor, "Mei");
    // The same bytes again, under another name, are refused and name the copy it has.
    let again = case.attach_file(
        file(1, "copy.pdf"),
        &held,
        Uuid::from_u128(11),
        "Mei",
        at(2),
    );
    assert_eq!(
        again.unwrap_err().to_string(),
        "this case already holds that file, as letter.pdf"
    );
    let (case, second) = case
        .attach_file(
            file(2, "proof.png"),
            &held,
            Uuid::from_u128(12),
            "Ana",
            at(3),
        )
        .unwrap();
    log.push(second);
    assert_eq!(case.revision, a_case().revision + 2);
    let held = files_on_case(&log);
    let (case, removed) = case
        .remove_file(&hash(1), &held, Uuid::from_u128(13), "Ana", at(4))
        .unwrap();
    assert_eq!(removed.headline(), "Ana removed letter.pdf");
    log.push(removed);
    let names: Vec<String> = files_on_case(&log)
        .into_iter()
        .map(|h| h.file.name)
        .collect();
    assert_eq!(names, ["proof.png"]);
    // Removing what is not there is refused; attaching it again holds it again.
    let held = files_on_case(&log);
    assert!(
        case.remove_file(&hash(1), &held, Uuid::from_u128(14), "Ana", at(5))
            .is_err()
    );
    let (_, back) = case
        .attach_file(
            file(1, "letter.pdf"),
            &held,
            Uuid::from_u128(15),
            "Ana",
            at(6),
        )
        .unwrap();
    log.push(back);
    let held = files_on_case(&log);
    assert_eq!(held.len(), 2);
    assert_eq!(held[1].at, at(6));
}

#[test]
fn attaching_cleans_the_name_and_type_and_refuses_bad_sizes() {
    let case = a_case();
    let mut hostile = file(3, "../\u{202E}gpj.exe");
    hostile.media_type = "text/html; charset=<script>".into();
    let (_, event) = case
        .attach_file(hostile, &[], Uuid::from_u128(20), "Mei", at(1))
        .unwrap();
    let EventKind::FileAttached { file: kept } = &event.kind else {
        panic!("not an attachment: {:?}", event.kind);
    };
    assert_eq!(kept.name, "gpj.exe");
    assert_eq!(kept.media_type, "text/htmlcharsetscript");
    assert_eq!(event.headline(), "Mei attached gpj.exe (1003 bytes)");
    let mut huge = file(4, "huge.bin");
    huge.size = MAX_FILE_BYTES + 1;
    assert!(
        case.attach_file(huge, &[], Uuid::from_u128(21), "Mei", at(1))
            .is_err()
    );
    let mut short = file(5, "short.bin");
    short.sha256 = "abc".into();
    assert!(
        case.attach_file(short, &[], Uuid::from_u128(22), "Mei", at(1))
            .is_err()
    );
}

#[test]
fn the_boundary_refuses_hostile_file_events() {
    let event = |kind: EventKind| CaseEvent {
        id: Uuid::from_u128(30),
        case_id: Uuid::from_u128(31),
        at: at(1),
        actor: "Mei".into(),
        kind,
    };
    let check = |kind: EventKind| match event(kind).violations("e") {
        Ok(()) => "ok".to_string(),
        Err(found) => found[0].to_string(),
    };
    assert_eq!(
        check(EventKind::FileAttached {
            file: file(1, "ok.pdf")
        }),
        "ok"
    );
    let mut bad = file(1, "ok.pdf");
    bad.sha256 = "ABC".into();
    assert!(check(EventKind::FileAttached { file: bad }).starts_with("e.kind.file.sha256:"));
    let named = |name: &str| EventKind::FileAttached {
        file: file(1, name),
    };
    assert!(check(named("../x.pdf")).starts_with("e.kind.file.name: not a clean file name"));
    assert!(check(named("x\u{202E}.pdf")).starts_with("e.kind.file.name:"));
    assert!(check(named("")).starts_with("e.kind.file.name:"));
    let mut big = file(1, "ok.pdf");
    big.size = 0;
    assert!(check(EventKind::FileAttached { file: big }).starts_with("e.kind.file.size:"));
    let mut typed = file(1, "ok.pdf");
    typed.media_type = "text/html; x".into();
    assert!(check(EventKind::FileAttached { file: typed }).starts_with("e.kind.file.media_type:"));
    let removed = |sha256: &str, name: &str| EventKind::FileRemoved {
        sha256: sha256.into(),
        name: name.into(),
    };
    assert_eq!(check(removed(&hash(1), "ok.pdf")), "ok");
    assert!(check(removed("zz", "ok.pdf")).starts_with("e.kind.sha256:"));
}

proptest! {
    /// Whatever a name holds, the clean one is short, has no folders or hidden controls, is
    /// clean already (so the boundary accepts what attaching wrote), and never empty.
    #[test]
    fn any_name_cleans_to_a_safe_fixed_point(name in any::<String>()) {
        let clean = clean_name(&name);
        prop_assert!(!clean.is_empty());
        prop_assert!(clean.chars().count() <= MAX_NAME_CHARS);
        prop_assert!(!clean.contains(['/', '\\', '<', '>', ':', '"', '|', '?', '*']));
        prop_assert!(!clean.chars().any(|c| c.is_control() || is_direction_mark(c)));
        prop_assert!(!clean.starts_with('.'));
        prop_assert_eq!(clean_name(&clean), clean.clone());
    }

    #[test]
    fn any_media_type_cleans_to_a_fixed_point(declared in any::<String>()) {
        let clean = clean_media_type(&declared);
        prop_assert!(clean.chars().count() <= MAX_MEDIA_TYPE_CHARS);
        prop_assert_eq!(clean_media_type(&clean), clean.clone());
    }

    #[test]
    fn any_bytes_get_a_showing_without_panicking(head in proptest::collection::vec(any::<u8>(), 0..64), name in any::<String>()) {
        let _ = showing(&head, &name);
    }
}
