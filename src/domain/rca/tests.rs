//! Tests for RCA worksheets: the content hash, sign-off staleness, status rules, input checks and the Markdown export.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use super::*;
use chrono::TimeZone;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn content() -> RcaContent {
    RcaContent {
        title: "Payouts held after a risk rule change".into(),
        owner: "Dana Reyes".into(),
        authors: vec!["Dana Reyes".into(), "Sam Okafor".into()],
        case_ids: vec![id(1), id(2)],
        partner_teams: vec!["Risk Operations".into(), "Payouts Engineering".into()],
        summary: "A velocity rule held 312 payouts for two days.".into(),
        users_affected: Some(312),
        money_affected: Some(Money::new(
            8_400_000,
            crate::domain::money::Currency::parse("SGD").unwrap(),
        )),
        products: vec!["Payouts".into()],
        started_at: Some(at(10, 8)),
        ended_at: Some(at(12, 9)),
        detection: "Merchant escalation".into(),
        detected_at: Some(at(10, 14)),
        evidence: vec![Evidence {
            number: 1,
            kind: EvidenceKind::Link,
            title: "Rule change log".into(),
            detail: "https://risk.example/changes/881".into(),
        }],
        whys: vec![Claim {
            id: id(10),
            text: "The new rule counted retries as new payouts".into(),
            evidence: vec![1],
        }],
        actions: vec![Action {
            title: "Exclude retries from the velocity count".into(),
            owner: "Priya N".into(),
            team: "Risk Operations".into(),
            due: Some(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            ..Action::new(id(20), ActionKind::Corrective)
        }],
        category: "Configuration or rule change".into(),
        ..RcaContent::default()
    }
}

fn draft() -> Rca {
    Rca::create(id(99), RcaKey(4), content(), "Dana Reyes", at(13, 9)).unwrap()
}

fn in_review() -> Rca {
    draft()
        .move_to(RcaStatus::InReview, "Dana Reyes", at(13, 10))
        .unwrap()
}

fn validated() -> Rca {
    in_review()
        .sign(
            "Risk Operations",
            "Priya N",
            Decision::Agree,
            "",
            "Dana",
            at(13, 11),
        )
        .unwrap()
        .sign(
            "Payouts Engineering",
            "Lee W",
            Decision::AgreeWithChanges,
            "Name the retry job",
            "Dana",
            at(13, 12),
        )
        .unwrap()
}

#[test]
fn same_content_same_hash_and_any_change_changes_it() {
    let a = content();
    let hash = content_hash(&a);
    assert_eq!(hash.len(), 64);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(content_hash(&a.clone()), hash);
    let round_trip: RcaContent = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(content_hash(&round_trip), hash);

    let mut b = a.clone();
    b.whys[0].text.push('.');
    assert_ne!(content_hash(&b), hash);
    let mut c = a.clone();
    c.actions[0].verification.result = "No repeats in 30 days".into();
    assert_ne!(content_hash(&c), hash);
    let mut d = a.clone();
    d.users_affected = Some(313);
    assert_ne!(content_hash(&d), hash);
}

/// Writes `value` with every object's keys in reverse order, as another tool might.
fn reversed_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            keys.reverse();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}: {}", Value::String(k.clone()), reversed_json(&map[k])))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(reversed_json)
                .collect::<Vec<_>>()
                .join(",")
        ),
        scalar => scalar.to_string(),
    }
}

#[test]
fn field_order_does_not_change_the_hash() {
    let a = content();
    let value = serde_json::to_value(&a).unwrap();
    let shuffled = reversed_json(&value);
    assert!(shuffled.starts_with("{ \"whys\""), "{}", &shuffled[..40]);
    let parsed: RcaContent = serde_json::from_str(&shuffled).unwrap();
    assert_eq!(content_hash(&parsed), content_hash(&a));

    let mut forward = String::new();
    write_canonical(&value, &mut forward);
    let mut backward = String::new();
    write_canonical(&serde_json::from_str(&shuffled).unwrap(), &mut backward);
    assert_eq!(forward, backward);
    assert!(forward.starts_with("{\"actions\":"));
}

#[test]
fn status_and_signoffs_are_not_part_of_the_hash() {
    let before = draft().hash();
    let signed = validated();
    assert_eq!(signed.status, RcaStatus::Validated);
    assert_eq!(signed.hash(), before);
}

#[test]
fn signoffs_go_stale_when_the_content_changes_and_current_when_it_changes_back() {
    let signed = validated();
    assert!(matches!(
        signed.signoff_state("Risk Operations"),
        SignOffState::Current(_)
    ));
    let mut edited_content = signed.content.clone();
    edited_content.whys[0].text = "Retries looked like new payouts".into();
    let edited = signed.edit(edited_content, "Dana", at(14, 9)).unwrap();
    assert!(matches!(
        edited.signoff_state("Risk Operations"),
        SignOffState::Stale(s) if s.validator == "Priya N"
    ));
    assert!(matches!(
        edited.signoff_state("payouts engineering"),
        SignOffState::Stale(_)
    ));
    // A validated worksheet whose content changed is no longer validated.
    assert_eq!(edited.status, RcaStatus::InReview);
    assert_eq!(edited.status_log.last().unwrap().to, RcaStatus::InReview);

    // The sign-off is bound to content, not to time: putting the words back makes it current.
    let reverted = edited
        .edit(signed.content.clone(), "Dana", at(14, 10))
        .unwrap();
    assert!(matches!(
        reverted.signoff_state("Risk Operations"),
        SignOffState::Current(_)
    ));
    assert!(reverted.missing_validations().is_empty());
}

#[test]
fn status_rules() {
    let d = draft();
    assert_eq!(d.status, RcaStatus::Draft);
    assert!(matches!(
        d.move_to(RcaStatus::Published, "x", at(13, 10)),
        Err(RcaError::NotAllowed {
            from: RcaStatus::Draft,
            to: RcaStatus::Published
        })
    ));
    assert!(matches!(
        d.move_to(RcaStatus::Validated, "x", at(13, 10)),
        Err(RcaError::NotAllowed { .. })
    ));

    // Review needs a why and partner teams.
    let mut bare = content();
    bare.whys.clear();
    bare.partner_teams.clear();
    let bare = Rca::create(id(98), RcaKey(5), bare, "x", at(13, 9)).unwrap();
    let Err(RcaError::Invalid(missing)) = bare.move_to(RcaStatus::InReview, "x", at(13, 10)) else {
        panic!("review without whys or teams must be refused");
    };
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].contains("at least one why"));
    assert!(missing[1].contains("partner teams"));

    // Sign-offs only while in review.
    assert!(matches!(
        d.sign("Risk Operations", "Priya", Decision::Agree, "", "x", at(13, 10)),
        Err(RcaError::Invalid(p)) if p[0].contains("in review")
    ));

    let review = in_review();
    assert_eq!(review.revision, 2);
    // Validation needs every team.
    let Err(RcaError::SignOffs(missing)) = review.move_to(RcaStatus::Validated, "x", at(13, 11))
    else {
        panic!("validation without sign-offs must be refused");
    };
    assert_eq!(
        missing,
        vec![
            "Risk Operations: no sign-off yet".to_string(),
            "Payouts Engineering: no sign-off yet".to_string()
        ]
    );
    let one = review
        .sign(
            "risk operations",
            "Priya N",
            Decision::Agree,
            "",
            "x",
            at(13, 11),
        )
        .unwrap();
    assert_eq!(
        one.status,
        RcaStatus::InReview,
        "one of two teams is not enough"
    );
    assert_eq!(
        one.signoffs[0].team, "Risk Operations",
        "the team is named as listed"
    );

    let v = validated();
    let published = v.move_to(RcaStatus::Published, "Dana", at(15, 9)).unwrap();
    assert_eq!(published.status, RcaStatus::Published);
    assert!(matches!(
        published.edit(content(), "x", at(15, 10)),
        Err(RcaError::Published(RcaKey(4)))
    ));
    let reopened = published
        .move_to(RcaStatus::Draft, "Dana", at(15, 11))
        .unwrap();
    assert_eq!(reopened.status, RcaStatus::Draft);
    assert_eq!(
        reopened.status_log.iter().map(|s| s.to).collect::<Vec<_>>(),
        vec![
            RcaStatus::InReview,
            RcaStatus::Validated,
            RcaStatus::Published,
            RcaStatus::Draft
        ]
    );
    assert!(matches!(
        reopened
            .move_to(RcaStatus::Rejected, "x", at(15, 12))
            .map(|r| r.status),
        Ok(RcaStatus::Rejected)
    ));
}

#[test]
fn publishing_with_stale_missing_or_disagreeing_signoffs_lists_them() {
    let v = validated();
    // A disagreement recorded later replaces that team's agreement.
    let disputed = v
        .sign(
            "Payouts Engineering",
            "Lee W",
            Decision::Disagree,
            "Retries were not the trigger",
            "x",
            at(13, 13),
        )
        .unwrap();
    let Err(RcaError::SignOffs(missing)) = disputed.move_to(RcaStatus::Published, "x", at(13, 14))
    else {
        panic!("a disagreement must block publishing");
    };
    assert_eq!(
        missing,
        vec!["Payouts Engineering: Lee W disagreed (\"Retries were not the trigger\")".to_string()]
    );

    let mut more = v.content.clone();
    more.partner_teams.push("Card Network Liaison".into());
    let edited = v.edit(more, "x", at(14, 9)).unwrap();
    let back_to_validated = edited.move_to(RcaStatus::Validated, "x", at(14, 10));
    let Err(RcaError::SignOffs(missing)) = back_to_validated else {
        panic!("stale sign-offs must block validation");
    };
    assert_eq!(missing.len(), 3);
    assert!(
        missing[0]
            .starts_with("Risk Operations: Priya N's sign-off of 2026-11-13 11:00 UTC is stale")
    );
    assert!(missing[1].starts_with("Payouts Engineering: Lee W's sign-off"));
    assert_eq!(missing[2], "Card Network Liaison: no sign-off yet");
}

#[test]
fn signoff_input_is_checked() {
    let review = in_review();
    assert!(matches!(
        review.sign("Legal", "Ana", Decision::Agree, "", "x", at(13, 11)),
        Err(RcaError::Invalid(p)) if p[0].contains("'Legal' is not one of this worksheet's partner teams")
    ));
    let Err(RcaError::Invalid(p)) = review.sign(
        "Risk Operations",
        " ",
        Decision::Disagree,
        "",
        "x",
        at(13, 11),
    ) else {
        panic!("a nameless disagreement must be refused");
    };
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].starts_with("Validator"));
    assert!(p[1].starts_with("Comments"));
    let signed = review
        .sign(
            "Risk Operations",
            "Priya",
            Decision::Agree,
            "",
            "x",
            at(13, 11),
        )
        .unwrap();
    assert_eq!(signed.signoffs[0].content_hash, review.hash());
    assert_eq!(signed.signoffs[0].at, at(13, 11));
}

#[test]
fn bad_input_is_refused_with_where_and_why() {
    let mut c = content();
    c.whys.push(Claim {
        id: id(11),
        text: "   ".into(),
        evidence: vec![7],
    });
    c.actions.push(Action {
        title: "Alert on held payout volume".into(),
        due: Some(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
        ..Action::new(id(21), ActionKind::Detection)
    });
    c.evidence.push(Evidence {
        number: 2,
        kind: EvidenceKind::Link,
        title: "Dashboard".into(),
        detail: "javascript:alert(1)".into(),
    });
    c.ended_at = Some(at(9, 8));
    let problems = c.problems();
    assert_eq!(
        problems,
        vec![
            "Impact: the end (2026-11-09 08:00 UTC) is before the start (2026-11-10 08:00 UTC)".to_string(),
            "Evidence E2: a link needs a web address starting with https:// or http://".to_string(),
            "Why 2 has no text: say why the step above it happened, or remove it".to_string(),
            "Why 2 cites E7, which is not in the evidence list".to_string(),
            "Action 2 ('Alert on held payout volume') has no owner: name the person who will do it".to_string(),
            "Action 2 ('Alert on held payout volume') is due 2026-11-01, before the incident started (2026-11-10)".to_string(),
        ]
    );
    let stored = draft();
    assert_eq!(
        stored.edit(c, "x", at(14, 9)),
        Err(RcaError::Invalid(problems))
    );
    assert_eq!(
        stored.edit(content(), "x", at(14, 9)),
        Err(RcaError::NoChange)
    );
    let untitled = RcaContent::default();
    assert!(matches!(
        Rca::create(id(1), RcaKey(1), untitled, "x", at(1, 1)),
        Err(RcaError::Invalid(p)) if p[0].starts_with("Title")
    ));
}

#[test]
fn overdue_actions_are_open_and_past_due() {
    let mut c = content();
    let due = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    c.actions.push(Action {
        title: "Done already".into(),
        owner: "Lee".into(),
        due: Some(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
        status: ActionStatus::Done,
        ..Action::new(id(22), ActionKind::Preventive)
    });
    c.actions.push(Action {
        title: "No date".into(),
        owner: "Lee".into(),
        ..Action::new(id(23), ActionKind::Mitigation)
    });
    let rca = Rca::create(id(1), RcaKey(1), c, "x", at(13, 9)).unwrap();
    assert!(
        rca.overdue_actions(due).is_empty(),
        "due today is not overdue"
    );
    let late = rca.overdue_actions(due.succ_opt().unwrap());
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].id, id(20));
}

#[test]
fn root_cause_categories_are_counted_without_rejected_worksheets() {
    let mut a = draft();
    a.content.category = "Product defect".into();
    let mut b = draft();
    b.content.category = "Product defect".into();
    let c = draft();
    let mut d = draft();
    d.content.category = "Human error".into();
    let rejected = d.move_to(RcaStatus::Rejected, "x", at(14, 1)).unwrap();
    let mut e = draft();
    e.content.category = String::new();
    assert_eq!(
        category_counts(&[a, b, c, rejected, e]),
        vec![
            ("Product defect".to_string(), 2),
            ("Configuration or rule change".to_string(), 1),
            ("Not categorised yet".to_string(), 1),
        ]
    );
}

#[test]
fn markdown_export_reads_as_the_worksheet_and_typed_markup_stays_text() {
    let mut rca = validated();
    rca.content.whys.push(Claim {
        id: id(12),
        text: "<script>window.__pwned=1</script> and *stars*".into(),
        evidence: vec![],
    });
    let time = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let names = ExportNames {
        cases: vec!["ESC-1 Payouts held".into()],
        problem: None,
        time: &time,
    };
    let md = to_markdown(&rca, &names, NaiveDate::from_ymd_opt(2026, 12, 5).unwrap());
    assert!(md.starts_with("# RCA-4: Payouts held after a risk rule change\n"));
    assert!(md.contains("- **Money affected:** SGD 84,000.00"));
    assert!(md.contains("- **Time to detect:** 6h 00m"));
    assert!(md.contains("1. The new rule counted retries as new payouts (evidence: E1)"));
    assert!(md.contains("2. \\<script\\>window.\\_\\_pwned=1\\</script\\> and \\*stars\\*"));
    assert!(md.contains("Exclude retries from the velocity count — owner Priya N, team Risk Operations, due 2026-12-01, ticket —, Open **OVERDUE**"));
    // The why added above changed the content, so both sign-offs print as stale.
    assert_eq!(md.matches("**STALE**").count(), 2);
    let html = crate::domain::markdown::render_markdown(&md);
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains("*stars*"));
}

#[test]
fn another_tabs_save_is_kept_and_only_fields_both_changed_are_named() {
    let base = content();
    let mut theirs = base.clone();
    theirs.summary = "Their summary".into();
    theirs.whys[0].text = "Their why".into();
    let mut mine = base.clone();
    mine.got_lucky = "The merchant called early".into();
    mine.whys[0].text = "My why".into();
    let (merged, both) = rebase(&base, &mine, &theirs);
    assert_eq!(
        merged.summary, "Their summary",
        "a field only they changed is theirs"
    );
    assert_eq!(
        merged.got_lucky, "The merchant called early",
        "a field only I changed is mine"
    );
    assert_eq!(
        merged.whys[0].text, "My why",
        "a field both changed keeps mine"
    );
    assert_eq!(both, vec!["whys".to_string()]);
    // The same change on both sides is no conflict.
    let (same, none) = rebase(&base, &theirs, &theirs);
    assert_eq!(same, theirs);
    assert!(none.is_empty());
}

#[test]
fn keys_parse() {
    assert_eq!(RcaKey::parse("RCA-12"), Some(RcaKey(12)));
    assert_eq!(RcaKey::parse(" rca-3 "), Some(RcaKey(3)));
    assert_eq!(RcaKey::parse("RCA-0"), None);
    assert_eq!(RcaKey::parse("ESC-3"), None);
    assert_eq!(RcaKey(7).to_string(), "RCA-7");
}

#[test]
fn durations_read_as_people_say_them() {
    assert_eq!(duration_text(45), "45m");
    assert_eq!(duration_text(125), "2h 05m");
    assert_eq!(duration_text(3 * 1440 + 250), "3d 4h");
    assert_eq!(duration_text(-30), "-30m");
}

#[cfg(not(target_arch = "wasm32"))]
proptest::proptest! {
    #[test]
    fn hash_survives_any_round_trip(title in ".{0,40}", why in ".{0,40}", users in proptest::option::of(0u64..1_000_000)) {
        let mut c = content();
        c.title = title;
        c.whys[0].text = why;
        c.users_affected = users;
        let hash = content_hash(&c);
        let shuffled: RcaContent = serde_json::from_str(&reversed_json(&serde_json::to_value(&c).unwrap())).unwrap();
        proptest::prop_assert_eq!(content_hash(&shuffled), hash);
    }
}

#[test]
fn a_case_file_as_evidence_is_named_by_its_hash_and_must_be_one() {
    let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let mut rca = validated();
    rca.content.evidence.push(Evidence {
        number: 2,
        kind: EvidenceKind::Attachment,
        title: "ESC-1: bank-letter.pdf".into(),
        detail: hash.into(),
    });
    assert!(
        rca.content.problems().is_empty(),
        "{:?}",
        rca.content.problems()
    );
    let time = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let names = ExportNames {
        cases: vec!["ESC-1 Payouts held".into()],
        problem: None,
        time: &time,
    };
    let md = to_markdown(&rca, &names, NaiveDate::from_ymd_opt(2026, 12, 5).unwrap());
    assert!(md.contains(&format!(
        "- **E2** (Case file) ESC-1: bank-letter.pdf: SHA-256 {hash}"
    )));

    // Not yet chosen, or a name typed where the hash belongs: the worksheet says what to do.
    for detail in ["", "bank-letter.pdf", &hash.to_uppercase(), &hash[..63]] {
        rca.content.evidence[1].detail = detail.into();
        assert_eq!(
            rca.content.problems(),
            vec!["Evidence E2: choose a file attached to one of the linked cases".to_string()],
            "{detail:?}"
        );
    }
}
