//! Review documents: a review survives the trip through its document exactly, resolved or not, and a hostile one is refused by id and path, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use chrono::TimeZone;
use serde_json::{Value, json};

use super::*;

fn review() -> TeamConflict {
    let source = crate::bundle::v1::tests::source();
    let case = source.cases[0].clone();
    TeamConflict {
        id: Uuid::from_u128(42),
        case_id: case.id,
        case_key: case.key.to_string(),
        field: CaseField::Priority,
        kept: "P1".into(),
        set_aside: "P3".into(),
        set_aside_case: case,
        raised_by: "bo".into(),
        raised_at: Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap(),
        resolution: None,
        late_take: None,
    }
}

fn as_json(conflict: &TeamConflict) -> Value {
    serde_json::to_value(conflict_doc(conflict, "bo", Some("1-x".into()))).unwrap()
}

#[test]
fn a_review_comes_back_from_its_document_exactly_open_or_resolved() {
    let open = review();
    let (doc, back) = read_conflict_doc(&as_json(&open)).unwrap();
    assert_eq!(back, open);
    assert_eq!(doc.rev.as_deref(), Some("1-x"));
    assert_eq!(
        crate::bundle::couch::doc_id(&doc.id),
        crate::bundle::couch::DocId::Conflict {
            case: open.case_id,
            conflict: open.id
        }
    );
    let resolved = open.resolved(
        "ana",
        Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap(),
        Took::SetAside,
    );
    assert_eq!(read_conflict_doc(&as_json(&resolved)).unwrap().1, resolved);
    // A review written before late takes existed has no such key; one without a late take
    // writes none, so older devices read it as before.
    assert!(as_json(&resolved)["conflict"].get("late_take").is_none());
    let kept = open.resolved(
        "bo",
        Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap(),
        Took::Kept,
    );
    let answered_twice = TeamConflict {
        late_take: resolved.resolution.clone(),
        ..kept
    };
    assert_eq!(
        read_conflict_doc(&as_json(&answered_twice)).unwrap().1,
        answered_twice
    );
}

#[test]
fn a_late_take_that_is_not_a_take_after_a_keep_is_refused() {
    let kept = review().resolved(
        "bo",
        Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap(),
        Took::Kept,
    );
    let refused_with = |late: Value, on: &TeamConflict| {
        let mut doc = as_json(on);
        doc["conflict"]["late_take"] = late;
        read_conflict_doc(&doc).unwrap_err().to_string()
    };
    let take = json!({ "by": "ana", "at": "2026-12-05T11:00:00Z", "took": "set_aside" });
    for (late, on, wanted) in [
        (
            take.clone(),
            review(),
            "conflict.late_take: expected a take that followed a keep",
        ),
        (
            json!({ "by": "ana", "at": "2026-12-05T11:00:00Z", "took": "kept" }),
            kept.clone(),
            "conflict.late_take: expected a take",
        ),
        (
            take.clone(),
            review().resolved(
                "bo",
                Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap(),
                Took::SetAside,
            ),
            "conflict.late_take: expected a take that followed a keep",
        ),
        (
            json!({ "by": "", "at": "2026-12-05T11:00:00Z", "took": "set_aside" }),
            kept.clone(),
            "conflict.late_take.by: expected a user name",
        ),
        (
            json!({ "by": "ana", "at": "1850-12-05T11:00:00Z", "took": "set_aside" }),
            kept.clone(),
            "conflict.late_take.at: expected a year",
        ),
    ] {
        let why = refused_with(late, &on);
        assert!(why.contains(wanted), "wanted {wanted:?} in {why:?}");
    }
}

fn refusal(change: impl Fn(&mut Value)) -> String {
    let mut doc = as_json(&review());
    change(&mut doc);
    read_conflict_doc(&doc).unwrap_err().to_string()
}

/// A hostile change to a review document, and the words its refusal must hold.
type Hostile = (Box<dyn Fn(&mut Value)>, &'static str);

#[test]
fn a_hostile_review_is_refused_by_id_and_path() {
    let cases: Vec<Hostile> = vec![
        (
            Box::new(|d| d["_id"] = json!("cf:x:y")),
            "_id: does not name",
        ),
        (Box::new(|d| d["author"] = json!("")), "author"),
        (Box::new(|d| d["schema"] = json!(9)), "update first"),
        (
            Box::new(|d| d["conflict"]["field"] = json!("Salary")),
            "conflict.field",
        ),
        (
            Box::new(|d| d["conflict"]["kept"] = json!("x".repeat(200_000))),
            "conflict.kept",
        ),
        (
            Box::new(|d| d["conflict"]["raised_at"] = json!("9999-01-01T00:00:00Z")),
            "conflict.raised_at",
        ),
        (
            Box::new(|d| {
                d["conflict"]["resolution"] =
                    json!({ "by": " ", "at": "2026-12-05T10:00:00Z", "took": "kept" })
            }),
            "resolution.by",
        ),
        (
            Box::new(|d| {
                d["conflict"]["resolution"] =
                    json!({ "by": "ana", "at": "2026-12-05T10:00:00Z", "took": "both" })
            }),
            "conflict.resolution.took",
        ),
        (
            Box::new(|d| d["conflict"]["set_aside_case"]["id"] = json!(Uuid::from_u128(1))),
            "set_aside_case.id",
        ),
        (
            Box::new(|d| d["conflict"]["set_aside_case"]["priority"] = json!("P9")),
            "conflict.set_aside_case.priority",
        ),
        (
            Box::new(|d| d["conflict"]["set_aside_case"]["title"] = json!("")),
            "conflict.set_aside_case.",
        ),
    ];
    for (change, wanted) in cases {
        let why = refusal(change);
        assert!(why.contains(wanted), "wanted {wanted:?} in {why:?}");
    }
}

#[test]
fn a_review_document_of_any_json_never_panics() {
    for doc in [
        json!(null),
        json!([]),
        json!({ "_id": 5 }),
        json!({ "_id": "cf:", "conflict": [] }),
        json!({ "_id": "cf:a:b", "schema": -1, "author": "x", "conflict": {} }),
    ] {
        assert!(read_conflict_doc(&doc).is_err(), "{doc}");
    }
}

#[test]
fn every_field_of_a_review_replaced_by_any_kind_of_value_is_answered_never_a_panic() {
    let strange = [
        json!(null),
        json!(-1),
        json!(1e308),
        json!(u64::MAX),
        json!(""),
        json!("é\u{0}\u{202e}"),
        json!([[[]]]),
        json!({ "a": {} }),
        json!(true),
    ];
    let base = as_json(&review());
    let top: Vec<String> = base.as_object().unwrap().keys().cloned().collect();
    let inner: Vec<String> = base["conflict"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let case: Vec<String> = base["conflict"]["set_aside_case"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for value in &strange {
        for key in &top {
            let mut doc = base.clone();
            doc[key.as_str()] = value.clone();
            let _ = read_conflict_doc(&doc);
        }
        for key in &inner {
            let mut doc = base.clone();
            doc["conflict"][key.as_str()] = value.clone();
            let _ = read_conflict_doc(&doc);
        }
        for key in &case {
            let mut doc = base.clone();
            doc["conflict"]["set_aside_case"][key.as_str()] = value.clone();
            // Some are fine (an empty owner); what matters is an answer, never a panic.
            let _ = read_conflict_doc(&doc);
        }
    }
}
