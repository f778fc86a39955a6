//! Record review documents: every kind of record survives the trip through a review exactly, open or resolved, and a hostile review is refused by id and path, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use chrono::TimeZone;
use serde_json::{Value, json};

use super::*;
use crate::bundle::couch::{DocId, doc_id};
use crate::bundle::couch_records::{Whole, records_here};

fn records() -> Vec<RecordV1> {
    let source = crate::bundle::v1::tests::source();
    records_here(Whole::of(&source))
}

fn review_of(record: RecordV1) -> RecordReview {
    RecordReview {
        id: Uuid::from_u128(7),
        record: record.doc_id(),
        kept_from: "alice".into(),
        set_aside: record,
        raised_by: "bob".into(),
        raised_at: Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap(),
        resolution: None,
        late_take: None,
    }
}

fn problem_review() -> RecordReview {
    let problem = records()
        .into_iter()
        .find(|r| matches!(r, RecordV1::Problem(_)))
        .unwrap();
    review_of(problem)
}

fn as_json(review: &RecordReview) -> Value {
    serde_json::to_value(record_review_doc(review, "bob", Some("1-x".into()))).unwrap()
}

#[test]
fn every_kind_of_record_comes_back_from_its_review_exactly_open_or_resolved() {
    for record in records() {
        let open = review_of(record);
        let json = as_json(&open);
        let id = json["_id"].as_str().unwrap();
        assert!(is_record_review_doc(id), "{id}");
        // Not mistaken for a case field's review, whose id names a case.
        assert_eq!(doc_id(id), DocId::Other);
        let (doc, back) = read_record_review_doc(&json).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(back, open);
        assert_eq!(doc.rev.as_deref(), Some("1-x"));
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0).unwrap();
        for took in [Took::Kept, Took::SetAside] {
            let done = open.resolved("carol", at, took);
            assert!(!done.is_open());
            let (_, back) = read_record_review_doc(&as_json(&done)).unwrap();
            assert_eq!(back, done);
        }
    }
}

#[test]
fn a_review_says_whose_version_stayed_and_who_settled_it() {
    let open = problem_review();
    let subject = open.subject();
    assert!(subject.starts_with("Problem \""), "{subject}");
    assert_eq!(
        open.describe(),
        format!("{subject}: alice's version kept; bob's set aside")
    );
    let at = Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0).unwrap();
    assert!(
        open.resolved("carol", at, Took::SetAside)
            .describe()
            .ends_with(". Resolved by carol: took bob's version")
    );
    assert!(
        open.resolved("bob", at, Took::Kept)
            .describe()
            .ends_with(". Resolved by bob: kept alice's version")
    );
    // Answered twice at once: the keep reached the server first, the take changed the record.
    let answered_twice = RecordReview {
        late_take: open.resolved("carol", at, Took::SetAside).resolution,
        ..open.resolved("bob", at, Took::Kept)
    };
    assert!(answered_twice.describe().ends_with(
        ". Resolved by bob: kept alice's version. carol answered too, before seeing that: \
         took bob's version, which replaced alice's version"
    ));
    let (_, back) = read_record_review_doc(&as_json(&answered_twice)).unwrap();
    assert_eq!(back, answered_twice);
    let mut hostile = as_json(&open.resolved("bob", at, Took::SetAside));
    hostile["record_review"]["late_take"] =
        json!({ "by": "carol", "at": "2026-12-06T10:00:00Z", "took": "set_aside" });
    let why = read_record_review_doc(&hostile).unwrap_err().to_string();
    assert!(
        why.contains("record_review.late_take: expected a take that followed a keep"),
        "{why}"
    );
}

#[test]
fn a_case_field_review_id_is_not_a_record_review() {
    assert!(!is_record_review_doc(
        "cf:00000000-0000-4000-8000-000000000001:00000000-0000-4000-8000-000000000002"
    ));
    assert!(!is_record_review_doc("rec:problem:x"));
    assert!(is_record_review_doc("cf:rec:problem:x:y"));
}

#[test]
fn hostile_record_reviews_are_refused_by_id_and_path() {
    let good = as_json(&problem_review());
    let id = good["_id"].as_str().unwrap().to_string();
    let refuse = |doc: &Value| read_record_review_doc(doc).unwrap_err();

    // An id that names another review or another record.
    let mut other_id = good.clone();
    other_id["_id"] = json!(format!("{id}0"));
    assert!(refuse(&other_id).reason.contains("does not name"));
    let mut other_record = good.clone();
    other_record["record_review"]["record"] =
        json!("rec:problem:00000000-0000-4000-8000-00000000dead");
    assert!(refuse(&other_record).reason.contains("does not name"));

    // A set-aside version of some other record than the one the id names.
    let mut swapped = good.clone();
    let template = records()
        .into_iter()
        .find(|r| matches!(r, RecordV1::Template(_)))
        .unwrap();
    swapped["record_review"]["set_aside"] = serde_json::to_value(template).unwrap();
    assert!(
        refuse(&swapped)
            .reason
            .contains("not the record under review")
    );

    // The version it holds fails a record's own rules: a date before 1970.
    let mut old = good.clone();
    old["record_review"]["set_aside"]["value"]["created_at"] = json!("1850-01-01T00:00:00Z");
    let refusal = refuse(&old);
    assert_eq!(refusal.id, id);
    assert!(
        refusal
            .reason
            .starts_with("record_review.set_aside.created_at"),
        "{refusal}"
    );

    // Edge dates, empty and endless names, a resolution with no one behind it.
    let mut late = good.clone();
    late["record_review"]["raised_at"] = json!("2200-01-01T00:00:00Z");
    assert!(
        refuse(&late)
            .reason
            .starts_with("record_review.raised_at: expected a year")
    );
    let mut nobody = good.clone();
    nobody["record_review"]["raised_by"] = json!("  ");
    assert!(
        refuse(&nobody)
            .reason
            .starts_with("record_review.raised_by")
    );
    let mut endless = good.clone();
    endless["record_review"]["kept_from"] = json!("a".repeat(KEYWORD + 1));
    assert!(
        refuse(&endless)
            .reason
            .starts_with("record_review.kept_from")
    );
    let mut anonymous = good.clone();
    anonymous["record_review"]["resolution"] =
        json!({ "by": "", "at": "2026-12-06T10:00:00Z", "took": "kept" });
    assert!(
        refuse(&anonymous)
            .reason
            .starts_with("record_review.resolution.by")
    );
    let mut unknown = good.clone();
    unknown["record_review"]["resolution"] =
        json!({ "by": "carol", "at": "2026-12-06T10:00:00Z", "took": "both" });
    assert!(refuse(&unknown).reason.contains("record_review.resolution"));

    // A newer schema, and no author.
    let mut newer = good.clone();
    newer["schema"] = json!(99);
    assert!(refuse(&newer).reason.contains("update first"));
    let mut unsigned = good.clone();
    unsigned["author"] = json!("");
    assert!(refuse(&unsigned).reason.starts_with("author"));
}
