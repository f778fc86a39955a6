//! Tests for reading a dropped `.eml`: the fields a specialist logs, the files it carries, and hostile files refused or read safely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;

use super::*;

/// An email as a mail client saves it: a text body, a PDF and a PNG.
const LETTER: &str = "From: Ana Ruiz <ana@example.com>\r\n\
To: desk@example.com\r\n\
Subject: =?utf-8?B?UmU6IHBheW91dCBzdHVjayDigJMgYmFuayBsZXR0ZXI=?=\r\n\
Date: Thu, 3 Dec 2026 09:14:00 +0100\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
\r\n\
--outer\r\n\
Content-Type: multipart/alternative; boundary=\"alt\"\r\n\
\r\n\
--alt\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Hola, here is the letter from my bank. Se=F1or, please hurry.\r\n\
--alt\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<p>Hola, here is the letter <script>alert(1)</script></p>\r\n\
--alt--\r\n\
--outer\r\n\
Content-Type: application/pdf; name=\"bank letter.pdf\"\r\n\
Content-Disposition: attachment; filename=\"bank letter.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK\r\n\
--outer\r\n\
Content-Type: image/png\r\n\
Content-Disposition: inline; filename=\"../../screen.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==\r\n\
--outer--\r\n";

#[test]
fn a_saved_email_gives_its_sender_date_subject_body_and_files() {
    let read = read_email("Re payout.eml", LETTER.as_bytes()).unwrap();
    assert_eq!(read.from, "Ana Ruiz <ana@example.com>");
    assert_eq!(read.subject, "Re: payout stuck – bank letter");
    assert_eq!(read.date, "Thu, 3 Dec 2026 09:14:00 +0100");
    assert_eq!(
        read.body,
        "Sent: Thu, 3 Dec 2026 09:14:00 +0100\n\nHola, here is the letter from my bank. Señor, please hurry."
    );
    assert!(!read.body_incomplete);
    let names: Vec<&str> = read.attachments.iter().map(|a| a.name.as_str()).collect();
    // The HTML twin of the text body is not a file; the folder in a name is dropped.
    assert_eq!(names, ["bank letter.pdf", "screen.png"]);
    assert!(read.attachments[0].bytes.starts_with(b"%PDF-1.4"));
    assert_eq!(read.attachments[0].media_type, "application/pdf");
    assert!(read.attachments[1].bytes.starts_with(b"\x89PNG"));
    assert!(read.skipped.is_empty());
}

#[test]
fn emails_are_told_from_other_files_by_name_or_type() {
    assert!(is_email_file("Re: payout.EML", ""));
    assert!(is_email_file("message", "message/rfc822"));
    assert!(!is_email_file("letter.pdf", "application/pdf"));
    assert!(!is_email_file("eml.txt", "text/plain"));
}

#[test]
fn a_plain_email_without_mime_is_its_own_body() {
    let raw = "From: bo@example.com\nSubject: hello\n\nJust text.\nTwo lines.\n";
    let read = read_email("x.eml", raw.as_bytes()).unwrap();
    assert_eq!(read.from, "bo@example.com");
    assert_eq!(read.subject, "hello");
    assert_eq!(read.date, "");
    assert_eq!(read.body, "Just text.\nTwo lines.");
    assert!(read.attachments.is_empty());
}

#[test]
fn an_html_only_email_keeps_the_html_as_a_file_and_never_as_the_body() {
    let raw = "From: c@example.com\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n<img src=x onerror=alert(1)>hi\r\n";
    let read = read_email("x.eml", raw.as_bytes()).unwrap();
    assert!(!read.body.contains("<img"), "{}", read.body);
    assert!(read.body_incomplete);
    assert_eq!(read.attachments.len(), 1);
    assert_eq!(read.attachments[0].name, "attachment-1.html");
}

#[test]
fn header_values_are_one_line_and_cut_to_what_the_log_takes() {
    let long = "x".repeat(LINE + 500);
    let raw = format!("From: a@b.c\r\nSubject: {long}\r\n  folded\ttail\r\n\r\nbody");
    let read = read_email("x.eml", raw.as_bytes()).unwrap();
    assert_eq!(read.subject.chars().count(), LINE);
    assert!(!read.subject.contains('\n') && !read.subject.contains('\t'));
}

#[test]
fn a_twenty_megabyte_body_is_read_and_cut_and_says_so() {
    let raw = format!(
        "From: a@b.c\r\nSubject: big\r\n\r\n{}",
        "lorem ipsum ".repeat(20 * 1024 * 1024 / 12)
    );
    let read = read_email("big.eml", raw.as_bytes()).unwrap();
    assert!(read.body_incomplete);
    assert!(read.body.chars().count() < MAX_BODY_CHARS + 100);
    assert!(
        read.body
            .ends_with("the whole email is attached as a file]")
    );
}

#[test]
fn empty_oversized_and_headerless_files_are_refused_by_name() {
    assert_eq!(
        read_email("a.eml", b"").unwrap_err().to_string(),
        "a.eml is empty (0 bytes); there is no email in it."
    );
    let huge = vec![b'a'; usize::try_from(MAX_EML_BYTES).unwrap() + 1];
    let err = read_email("huge.eml", &huge).unwrap_err().to_string();
    assert!(err.starts_with("huge.eml is 40 MB"), "{err}");
    let err = read_email("notes.eml", b"\r\n\r\njust some text")
        .unwrap_err()
        .to_string();
    assert!(err.contains("no mail headers"), "{err}");
}

#[test]
fn deeply_nested_or_shattered_multiparts_are_refused_before_parsing() {
    let mut nested = String::from("From: a@b.c\r\n");
    for depth in 0..90 {
        nested.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{depth}\"\r\n\r\n--b{depth}\r\n"
        ));
    }
    nested.push_str("Content-Type: text/plain\r\n\r\ndeep\r\n");
    let err = read_email("nest.eml", nested.as_bytes()).unwrap_err();
    assert!(matches!(err, EmailFileError::TooManyParts { .. }), "{err}");

    let mut many =
        String::from("From: a@b.c\r\nContent-Type: multipart/mixed; boundary=\"z\"\r\n\r\n");
    for _ in 0..(MAX_PARTS + 5) {
        many.push_str("--z\r\nContent-Type: application/octet-stream\r\n\r\nAA\r\n");
    }
    many.push_str("--z--\r\n");
    let err = read_email("many.eml", many.as_bytes()).unwrap_err();
    assert!(matches!(err, EmailFileError::TooManyParts { .. }), "{err}");
}

#[test]
fn files_past_the_cap_or_empty_are_skipped_and_named() {
    let mut raw = String::from(
        "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=\"z\"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nsee files\r\n",
    );
    raw.push_str("--z\r\nContent-Type: application/pdf; name=\"empty.pdf\"\r\n\r\n\r\n");
    for n in 0..(MAX_ATTACHMENTS + 1) {
        raw.push_str(&format!(
            "--z\r\nContent-Disposition: attachment; filename=\"f{n}.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\r\n"
        ));
    }
    raw.push_str("--z--\r\n");
    let read = read_email("files.eml", raw.as_bytes()).unwrap();
    assert_eq!(read.body, "see files");
    assert_eq!(read.attachments.len(), MAX_ATTACHMENTS);
    assert_eq!(read.skipped.len(), 2, "{:?}", read.skipped);
    assert!(read.skipped[0].starts_with("empty.pdf is empty"));
    assert!(read.skipped[1].starts_with("f20.csv: at most 20 files"));
}

#[test]
fn wrong_encodings_are_read_as_best_they_can_be() {
    let raw = "From: =?x-unknown?Q?=FF?= <a@b.c>\r\nSubject: =?utf-8?B?!!!notbase64?=\r\n\
Content-Type: text/plain; charset=no-such-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@ not base64 @@@\r\n";
    // Whatever it makes of them, it answers and never panics.
    let _ = read_email("odd.eml", raw.as_bytes());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any bytes at all: an answer, never a panic.
    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let _ = read_email("fuzz.eml", &bytes);
    }

    /// A real email cut, spliced and corrupted anywhere: an answer, never a panic, and what
    /// it reads always fits the log.
    #[test]
    fn a_mangled_email_is_read_or_refused(
        cut in 0..LETTER.len(),
        at in 0..LETTER.len(),
        junk in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = LETTER.as_bytes().to_vec();
        bytes.truncate(cut.max(1));
        let at = at.min(bytes.len());
        bytes.splice(at..at, junk);
        if let Ok(read) = read_email("mangled.eml", &bytes) {
            prop_assert!(read.from.chars().count() <= LINE);
            prop_assert!(read.subject.chars().count() <= LINE);
            prop_assert!(read.attachments.len() <= MAX_ATTACHMENTS);
            prop_assert!(read.attachments.iter().all(|a| !a.bytes.is_empty()));
        }
    }
}
