//! Team sync's documents: a case and its log survive the trip through documents exactly, revisions are the same on every device, and hostile documents are refused by id and path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashMap;

use serde_json::{Value, json};

use super::*;
use crate::domain::device::OnDevice;

fn sample() -> OnDevice {
    crate::bundle::v1::tests::source()
}

/// Every document of case `index` of the sample, as JSON the server would hand back.
fn docs_of(source: &OnDevice, index: usize) -> (Value, Vec<Value>) {
    let case = &source.cases[index];
    let events = &source.events[&case.id];
    let case_json =
        serde_json::to_value(case_doc(case, events, "maya", Some("3-abc".into()))).unwrap();
    let event_json = events
        .iter()
        .map(|e| serde_json::to_value(event_doc(e, "maya")).unwrap())
        .collect();
    (case_json, event_json)
}

fn assembled(case: &Value, events: &[Value]) -> Result<CaseV1, Refused> {
    let doc = read_case_doc(case)?;
    let mut by_id = HashMap::new();
    for e in events {
        let e = read_event_doc(e)?;
        by_id.insert(e.event.id, e.event);
    }
    assemble(&doc, &by_id)
}

#[test]
fn a_case_and_its_log_come_back_from_documents_exactly() {
    let source = sample();
    for index in 0..source.cases.len() {
        let case = &source.cases[index];
        let (doc, events) = docs_of(&source, index);
        let back = assembled(&doc, &events).unwrap();
        assert_eq!(
            back,
            CaseV1::from_domain(case.clone(), source.events[&case.id].clone())
        );
        assert_eq!(doc["_rev"], "3-abc");
        assert_eq!(doc["_id"], format!("case:{}", case.id));
    }
}

#[test]
fn an_events_revision_depends_on_the_event_alone() {
    let source = sample();
    let event = &source.events[&source.cases[0].id][0];
    let mine = event_doc(event, "maya");
    let theirs = event_doc(event, "wei");
    assert_eq!(mine.rev, theirs.rev);
    let rev = mine.rev.unwrap();
    assert!(rev.starts_with("1-") && rev.len() == 34, "{rev}");
    let mut changed = event.clone();
    changed.actor.push('!');
    assert_ne!(event_doc(&changed, "maya").rev, Some(rev));
}

#[test]
fn ids_name_what_they_hold_and_anything_else_is_left_alone() {
    let case = uuid::Uuid::from_u128(7);
    let event = uuid::Uuid::from_u128(9);
    assert_eq!(doc_id(&case_doc_id(case)), DocId::Case(case));
    assert_eq!(
        doc_id(&event_doc_id(case, event)),
        DocId::Event { case, event }
    );
    for other in [
        "_design/escalation-desk",
        "_local/x",
        "case:nope",
        "ev:1:2",
        "",
        "ev:",
    ] {
        assert_eq!(doc_id(other), DocId::Other, "{other}");
    }
}

/// A hostile change to a case document and its event documents.
type Change = Box<dyn Fn(&mut Value, &mut Vec<Value>)>;

/// One refusal for a hostile change to the first case's documents.
fn refusal(change: impl Fn(&mut Value, &mut Vec<Value>)) -> String {
    let source = sample();
    let (mut doc, mut events) = docs_of(&source, 0);
    change(&mut doc, &mut events);
    assembled(&doc, &events).unwrap_err().to_string()
}

#[test]
fn hostile_documents_are_refused_by_id_and_path() {
    let case_id = sample().cases[0].id;
    let cases: Vec<(Change, String)> = vec![
        (
            Box::new(|d, _| d["case"]["status"] = json!("Exploded")),
            format!("case:{case_id}: case.status: unknown variant `Exploded`"),
        ),
        (
            Box::new(|d, _| d["case"]["updated_at"] = json!("2300-01-01T00:00:00Z")),
            format!("case:{case_id}: updated_at"),
        ),
        (
            Box::new(|_, e| e[0]["event"]["at"] = json!("1969-12-31T23:59:59Z")),
            format!("case:{case_id}: events[0].at"),
        ),
        (
            Box::new(|_, e| {
                e[0]["event"]["kind"] = json!({"type": "FileAttached", "file": {"sha256": "abc", "name": "x.pdf", "size": 3, "media_type": "application/pdf"}});
            }),
            format!("case:{case_id}: events[0].kind.file.sha256"),
        ),
        (
            Box::new(|d, _| d["_id"] = json!("case:00000000-0000-0000-0000-000000000001")),
            "case:00000000-0000-0000-0000-000000000001: _id: does not name the case".into(),
        ),
        (
            Box::new(|d, _| d["schema"] = json!(2)),
            "newer Escalation Desk".into(),
        ),
        (
            Box::new(|d, _| d["author"] = json!(" ")),
            "author: expected a user name".into(),
        ),
        (
            Box::new(|d, _| {
                let first = d["events"][0].clone();
                d["events"].as_array_mut().unwrap().push(first);
            }),
            "is listed twice".into(),
        ),
        (
            Box::new(|_, e| {
                e.remove(0);
            }),
            "is listed but its document is not on the server".into(),
        ),
        (
            Box::new(|_, e| e[0]["case_id"] = json!("00000000-0000-0000-0000-000000000002")),
            "_id: does not name the case and event".into(),
        ),
        (
            Box::new(|d, _| d["case"]["events"] = json!([1])),
            "case.events".into(),
        ),
    ];
    for (change, expected) in cases {
        let message = refusal(change);
        assert!(
            message.contains(&expected),
            "expected {expected:?} in {message:?}"
        );
    }
}

#[test]
fn a_document_of_any_json_never_panics() {
    for value in [
        json!(null),
        json!(5),
        json!([]),
        json!({}),
        json!({"_id": 5}),
        json!({"_id": "case:x", "case": []}),
    ] {
        assert!(read_case_doc(&value).is_err());
        assert!(read_event_doc(&value).is_err());
    }
}
