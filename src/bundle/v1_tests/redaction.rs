//! Bundle tests, continued: a redacted bundle keeps no contact detail and still imports.

use super::*;

#[test]
fn redaction_leaves_no_contact_detail_and_still_imports() {
    let mut source = source();
    source.cases[0].contacts[0].name = "Maya Tan".into();
    source.cases[0].contacts[0].phone = "+65 6123 4567".into();
    let id = source.cases[0].id;
    source.events.get_mut(&id).unwrap().push(CaseEvent {
        id: Uuid::from_u128(555),
        case_id: id,
        at: at(40),
        actor: "Maya".into(),
        kind: EventKind::NoteAdded {
            text: "Maya Tan read card 4000 0566 5566 5556 over the phone".into(),
        },
    });
    let mut bundle = export(&source, &Selection::Everything);
    let secrets: Vec<String> = source
        .cases
        .iter()
        .flat_map(|c| {
            c.contacts
                .iter()
                .map(|k| k.email.clone())
                .chain([c.account.name.clone()])
        })
        .chain([
            "Maya Tan".into(),
            "6123 4567".into(),
            "4000 0566 5566 5556".into(),
        ])
        .collect();
    let report = redact(&mut bundle).unwrap();
    let text = bundle.to_json();
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{secret} survived redaction"
        );
    }
    assert!(report.emails >= 1 && report.names >= 1 && report.accounts >= 1);
    assert!(report.phones >= 1);
    assert_eq!(report.cards, 1);
    let read = read(&text).expect("a redacted bundle is still a valid bundle");
    assert_eq!(read.redaction, Some(report));
    assert_eq!(read.contents.cases.len(), source.cases.len());
    assert!(bundle.file_name(false).ends_with("-redacted.json"));
}

proptest::proptest! {
    // 2,000 cases each by default; PROPTEST_CASES=200000 for a long run.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
    ))]
    /// Arbitrary bytes are refused with a reason, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = read(&text);
        let _ = crate::bundle::encrypted::open_envelope(&text);
    }

    /// A real bundle with bytes cut out or changed is refused or read, never a panic.
    #[test]
    fn damaged_bundles_never_panic(cut in 0usize..6000, len in 0usize..40, byte in proptest::prelude::any::<u8>()) {
        let mut text = GOLDEN_V1.as_bytes().to_vec();
        let start = cut.min(text.len());
        let end = (start + len).min(text.len());
        text.splice(start..end, [byte]);
        let text = String::from_utf8_lossy(&text);
        if let Ok(bundle) = read(&text) {
            let _ = plan(bundle.incoming(), Default::default());
        }
    }
}

/// Issue 21: a problem id whose last groups read as a Luhn-valid card number
/// (`…-4111-111111111111`) was rewritten to "[card 1]", and turning the redacted JSON back into
/// a bundle hit an `expect` and stopped the app. Ids are never text to redact.
#[test]
fn an_id_that_looks_like_a_card_number_survives_redaction() {
    let mut source = source();
    let odd = Uuid::parse_str("abcdefab-cdef-abcd-4111-111111111111").unwrap();
    source.problems[0].id = odd;
    for case in source.cases.iter_mut().filter(|c| c.problem_id.is_some()) {
        case.problem_id = Some(odd);
    }
    let mut bundle = export(&source, &Selection::Everything);
    redact(&mut bundle).expect("ids are left alone");
    assert_eq!(bundle.contents.problems[0].id, odd);
    assert!(
        bundle
            .contents
            .cases
            .iter()
            .any(|c| c.problem_id == Some(odd))
    );
}
