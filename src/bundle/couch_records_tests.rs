//! Record documents: every kind survives the trip through a document, the hash is the same on every device whatever each numbers its own way, hostile documents are refused by id and path, and a pulled record's fate follows from three hashes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::json;

use super::*;
use crate::domain::device::OnDevice;

fn sample() -> OnDevice {
    crate::bundle::v1::tests::source()
}

fn all_records(source: &OnDevice) -> Vec<RecordV1> {
    records_here(Whole::of(source))
}

#[test]
fn every_kind_round_trips_through_a_document_and_its_checks() {
    let source = sample();
    let records = all_records(&source);
    for kind in [
        SyncedKind::Record(RecordKind::Playbook),
        SyncedKind::Record(RecordKind::Template),
        SyncedKind::Record(RecordKind::Partner),
        SyncedKind::Record(RecordKind::Problem),
        SyncedKind::Record(RecordKind::Rca),
        SyncedKind::TeamSettings,
        SyncedKind::SlaSettings,
    ] {
        assert!(
            records.iter().any(|r| r.kind() == kind),
            "the sample lacks a {kind:?}"
        );
    }
    for record in &records {
        let doc = record_doc(record.clone(), "maya", Some("2-abc".into()));
        let json = serde_json::to_value(&doc).unwrap();
        assert!(is_record_doc(json["_id"].as_str().unwrap()));
        let read = read_record_doc(&json).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(read, doc);
    }
    let Split { merged, team, sla } = split(records);
    assert_eq!(merged.playbooks, source.playbooks);
    assert_eq!(merged.templates, source.templates);
    assert_eq!(merged.partners, source.partners);
    assert_eq!(merged.problems, source.problems);
    assert_eq!(merged.rcas, source.rcas);
    assert_eq!(team.as_ref(), Some(&source.team));
    assert_eq!(sla.as_ref(), Some(&source.sla));
}

#[test]
fn a_partner_team_is_one_document_whatever_the_case_of_its_name() {
    assert_eq!(
        record_doc_id(SyncedKind::Record(RecordKind::Partner), "Risk Ops"),
        record_doc_id(SyncedKind::Record(RecordKind::Partner), "risk ops")
    );
    assert_eq!(
        record_doc_id(SyncedKind::Record(RecordKind::Template), "ack"),
        "rec:template:ack"
    );
    assert_eq!(
        RecordV1::SlaSettings(Box::default()).doc_id(),
        "rec:sla_settings:sla"
    );
}

#[test]
fn the_hash_ignores_revisions_and_worksheet_keys_but_not_content() {
    let source = sample();
    let mut rca = source.rcas[0].clone();
    let before = RecordV1::Rca(Box::new(rca.clone())).content_hash();
    rca.revision += 7;
    rca.key = RcaKey(rca.key.0 + 40);
    assert_eq!(RecordV1::Rca(Box::new(rca.clone())).content_hash(), before);
    rca.content.title.push_str(" (edited)");
    assert_ne!(RecordV1::Rca(Box::new(rca)).content_hash(), before);

    let mut playbook = source.playbooks[0].clone();
    let before = RecordV1::Playbook(PlaybookV1::from_domain(&playbook)).content_hash();
    playbook.revision += 3;
    assert_eq!(
        RecordV1::Playbook(PlaybookV1::from_domain(&playbook)).content_hash(),
        before
    );
    playbook.archived = !playbook.archived;
    assert_ne!(
        RecordV1::Playbook(PlaybookV1::from_domain(&playbook)).content_hash(),
        before
    );
    assert_eq!(before.len(), 64);
}

#[test]
fn hostile_record_documents_are_refused_by_id_and_path() {
    let source = sample();
    let problem = RecordV1::Problem(source.problems[0].clone());
    let good = serde_json::to_value(record_doc(problem.clone(), "maya", None)).unwrap();

    // An id naming another record.
    let mut wrong_id = good.clone();
    wrong_id["_id"] = json!("rec:problem:00000000-0000-0000-0000-000000000000");
    let refusal = read_record_doc(&wrong_id).unwrap_err();
    assert!(refusal.reason.contains("does not name"), "{refusal}");

    // A date outside the window every record keeps to.
    let mut old = good.clone();
    old["record"]["value"]["created_at"] = json!("1850-01-01T00:00:00Z");
    let refusal = read_record_doc(&old).unwrap_err();
    assert_eq!(refusal.id, problem.doc_id());
    assert!(refusal.reason.starts_with("created_at"), "{refusal}");

    // A kind this build does not know, a newer schema, no author, a playbook with no version.
    let mut unknown = good.clone();
    unknown["record"]["kind"] = json!("macro");
    assert!(
        read_record_doc(&unknown)
            .unwrap_err()
            .reason
            .contains("record")
    );
    let mut newer = good.clone();
    newer["schema"] = json!(9);
    assert!(
        read_record_doc(&newer)
            .unwrap_err()
            .reason
            .contains("update first")
    );
    let mut anonymous = good.clone();
    anonymous["author"] = json!(" ");
    assert!(
        read_record_doc(&anonymous)
            .unwrap_err()
            .reason
            .contains("author")
    );
    let mut playbook = PlaybookV1::from_domain(&source.playbooks[0]);
    playbook.versions.clear();
    let empty =
        serde_json::to_value(record_doc(RecordV1::Playbook(playbook), "maya", None)).unwrap();
    let refusal = read_record_doc(&empty).unwrap_err();
    assert!(refusal.reason.starts_with("versions"), "{refusal}");

    // Settings no clock could be computed from (a policy on a calendar that is not there), and
    // a product area far past its cap.
    let mut sla = source.sla.clone();
    for policy in &mut sla.policies {
        policy.calendar = "nowhere".into();
    }
    let doc = serde_json::to_value(record_doc(
        RecordV1::SlaSettings(Box::new(sla)),
        "maya",
        None,
    ))
    .unwrap();
    let refusal = read_record_doc(&doc).unwrap_err();
    assert!(refusal.reason.contains("nowhere"), "{refusal}");
    let mut team = source.team.clone();
    team.product_areas.push("x".repeat(100_000));
    let doc = serde_json::to_value(record_doc(
        RecordV1::TeamSettings(Box::new(team)),
        "maya",
        None,
    ))
    .unwrap();
    let refusal = read_record_doc(&doc).unwrap_err();
    assert!(refusal.reason.starts_with("product_areas"), "{refusal}");

    // A text far past its cap.
    let mut long = good;
    long["record"]["value"]["title"] = json!("x".repeat(100_000));
    assert!(
        read_record_doc(&long)
            .unwrap_err()
            .reason
            .starts_with("title")
    );
}

#[test]
fn a_pulled_record_follows_from_three_hashes() {
    use Arrival::*;
    // Not here: new, unless it was removed here and nobody changed it since.
    assert_eq!(arrival("t", None, None), Take);
    assert_eq!(arrival("t", None, Some("t")), StaysRemoved);
    assert_eq!(arrival("t", None, Some("a")), Take);
    // Here: the same content, changed only there, or changed on both sides.
    assert_eq!(arrival("t", Some("t"), Some("a")), Same);
    assert_eq!(arrival("t", Some("a"), Some("a")), Take);
    assert_eq!(arrival("t", Some("m"), Some("a")), TakeAndSetAsideMine);
    // Never agreed (two devices each had their own copy before syncing) and different.
    assert_eq!(arrival("t", Some("m"), None), TakeAndSetAsideMine);
}

#[test]
fn records_where_leaves_out_exactly_what_keep_refuses_and_passes_each_revision() {
    let source = sample();
    let whole = || Whole::of(&source);
    let all = records_here(whole());
    // Every record is offered with its own document id and local revision.
    let seen = std::cell::RefCell::new(Vec::new());
    let kept = records_where(whole(), |id, revision| {
        seen.borrow_mut().push((id.to_string(), revision));
        true
    });
    assert_eq!(kept, all);
    let offered = seen.into_inner();
    for record in all.iter().filter(|r| r.local_revision() != 0) {
        assert!(
            offered.contains(&(record.doc_id(), record.local_revision())),
            "{} was not offered at its revision",
            record.doc_id()
        );
    }
    // Leaving out the records with a revision keeps the rest, in the same order.
    let without = records_where(whole(), |_, revision| revision == 0);
    let expected: Vec<RecordV1> = all
        .iter()
        .filter(|r| r.local_revision() == 0)
        .cloned()
        .collect();
    assert_eq!(without, expected);
    assert!(
        without.len() < all.len(),
        "the sample has records with revisions"
    );
}
