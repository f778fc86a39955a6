//! Removing an email template or a partner team through team sync: the deletion sent for one removed in an editor here, a pulled deletion checked (only these two kinds are ever removed; a playbook, problem, worksheet or settings document never is), and what it does to the copy here.
//!
//! A removal is CouchDB's own deletion (`_deleted`), so the server's revision tree settles a
//! removal against a teammate's edit like any two revisions. It carries its author, which the
//! server's design document checks as for any other write. An edit wins over a removal it did
//! not see: a record changed here since it was last agreed stays, and is pushed back. A bare
//! deletion (CouchDB's fields only, no author) can only come past the design document, from a
//! server admin: it is honoured for these two kinds by the same rule, and refused for the rest.

use serde::Deserialize;
use serde_json::{Value, json};

use super::couch::{DOC_SCHEMA, Refused, authored, read_authored, refused};
use super::couch_records::{RecordV1, SyncedKind, record_doc_id};
use super::v1::{PartnerV1, TemplateV1};
use crate::domain::merge::RecordKind;
use crate::domain::partners::PartnerTeam;
use crate::domain::templates::EmailTemplate;

const TEMPLATE: SyncedKind = SyncedKind::Record(RecordKind::Template);
const PARTNER: SyncedKind = SyncedKind::Record(RecordKind::Partner);

/// The kinds an editor removes, by the name the removal list stores.
fn removable_kind(kind: &str) -> Option<SyncedKind> {
    match kind {
        "template" => Some(TEMPLATE),
        "partner" => Some(PARTNER),
        _ => None,
    }
}

/// The document a noted removal removes (`None`: a kind never removed through sync).
pub fn removed_doc_id(kind: &str, id: &str) -> Option<String> {
    removable_kind(kind).map(|kind| record_doc_id(kind, id))
}

/// Whether the document `id` may be removed through sync.
pub fn is_removable(id: &str) -> bool {
    ["template", "partner"]
        .iter()
        .any(|kind| id.starts_with(&format!("rec:{kind}:")))
}

/// The document ids of the templates and partner teams here.
pub fn removable_ids_here(
    templates: &[EmailTemplate],
    partners: &[PartnerTeam],
) -> std::collections::HashSet<String> {
    templates
        .iter()
        .map(|t| record_doc_id(TEMPLATE, &t.id))
        .chain(partners.iter().map(|p| record_doc_id(PARTNER, &p.name)))
        .collect()
}

/// The content hash of the template or partner team the document `id` holds, among those here
/// (`None`: not here).
pub fn hash_here(
    templates: &[EmailTemplate],
    partners: &[PartnerTeam],
    id: &str,
) -> Option<String> {
    templates
        .iter()
        .find(|t| record_doc_id(TEMPLATE, &t.id) == id)
        .map(|t| RecordV1::Template(TemplateV1::from_domain(t)))
        .or_else(|| {
            partners
                .iter()
                .find(|p| record_doc_id(PARTNER, &p.name) == id)
                .map(|p| RecordV1::Partner(PartnerV1::from_domain(p)))
        })
        .map(|record| record.content_hash())
}

/// Takes the template or partner team the document `id` holds out of the lists.
pub fn remove_here(templates: &mut Vec<EmailTemplate>, partners: &mut Vec<PartnerTeam>, id: &str) {
    templates.retain(|t| record_doc_id(TEMPLATE, &t.id) != id);
    partners.retain(|p| record_doc_id(PARTNER, &p.name) != id);
}

/// The deletion of `id` at the server revision `rev` this device last agreed on.
pub fn removal_doc(id: &str, rev: &str, author: &str) -> Value {
    json!({
        "_id": id,
        "_rev": rev,
        "_deleted": true,
        "schema": DOC_SCHEMA,
        "author": author,
    })
}

#[derive(Deserialize)]
struct RemovalDoc {
    schema: u32,
    author: String,
}

authored!(RemovalDoc);

/// A pulled document that removes a record: `Ok(None)` when it is not a deletion; the
/// document's id when it removes a template or partner team, with its author or bare (an
/// admin's, past the design document); refused when it removes anything else (a server that
/// lets it through is not trusted) or says who removed it in a way that does not check out.
pub fn read_removal(doc: &Value) -> Result<Option<String>, Refused> {
    if doc.get("_deleted").and_then(Value::as_bool) != Some(true) {
        return Ok(None);
    }
    let id = doc.get("_id").and_then(Value::as_str).unwrap_or("(no _id)");
    if !is_removable(id) {
        return Err(refused(
            id,
            "_deleted: only an email template or a partner team is removed through sync",
        ));
    }
    if is_bare(doc) {
        return Ok(Some(id.to_string()));
    }
    let (id, _) = read_authored::<RemovalDoc>(doc)?;
    Ok(Some(id))
}

/// Whether a document holds only CouchDB's own fields (`_id`, `_rev`, `_revisions`, …): a
/// deletion made with the server's API rather than by this app.
fn is_bare(doc: &Value) -> bool {
    doc.as_object()
        .is_some_and(|fields| fields.keys().all(|name| name.starts_with('_')))
}

/// What a pulled removal does to the copy here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Unchanged here since the last agreement: removed here too.
    RemoveHere,
    /// Changed here since (or never agreed): kept, and pushed back over the removal.
    KeepMine,
    /// Not here: nothing to do.
    NotHere,
}

/// Decides what a pulled removal does, from the content hash here (`None`: not here) and the
/// one last agreed with the server (`None`: never agreed).
pub fn removal(mine: Option<&str>, agreed: Option<&str>) -> Removal {
    match mine {
        None => Removal::NotHere,
        Some(mine) if Some(mine) == agreed => Removal::RemoveHere,
        Some(_) => Removal::KeepMine,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn only_templates_and_partner_teams_are_removed_and_a_partner_by_its_name_in_lower_case() {
        assert_eq!(
            removed_doc_id("template", "tpl-ack").as_deref(),
            Some("rec:template:tpl-ack")
        );
        assert_eq!(
            removed_doc_id("partner", "Risk Ops").as_deref(),
            Some("rec:partner:risk ops")
        );
        assert_eq!(removed_doc_id("playbook", "x"), None);
        assert!(is_removable("rec:partner:risk ops"));
        assert!(!is_removable("rec:playbook:7"));
        assert!(!is_removable("rec:team_settings:team"));
        assert!(!is_removable("ev:1:2"));
    }

    #[test]
    fn a_removal_sent_reads_back_and_hostile_ones_are_refused_by_id() {
        let sent = removal_doc("rec:template:tpl-ack", "3-abc", "alice");
        assert_eq!(sent["_deleted"], true);
        assert_eq!(
            read_removal(&sent).unwrap().as_deref(),
            Some("rec:template:tpl-ack")
        );
        // Not a deletion: left to the record's own checks.
        assert_eq!(
            read_removal(&json!({"_id": "rec:template:a", "_rev": "1-a"})).unwrap(),
            None
        );
        let playbook =
            json!({"_id": "rec:playbook:1", "_deleted": true, "schema": 1, "author": "mallory"});
        let refusal = read_removal(&playbook).unwrap_err();
        assert_eq!(refusal.id, "rec:playbook:1");
        assert!(
            refusal
                .reason
                .contains("only an email template or a partner team")
        );
        let settings =
            json!({"_id": "rec:sla_settings:sla", "_deleted": true, "schema": 1, "author": "m"});
        assert!(read_removal(&settings).is_err());
        // A bare deletion (CouchDB's fields only: an admin's, past the design document) of a
        // template or partner team is a removal like any other; of anything else, refused.
        let bare = json!({"_id": "rec:template:a", "_rev": "2-x", "_deleted": true,
            "_revisions": {"start": 2, "ids": ["x", "y"]}});
        assert_eq!(
            read_removal(&bare).unwrap().as_deref(),
            Some("rec:template:a")
        );
        let bare_event = json!({"_id": "ev:1:2", "_rev": "2-x", "_deleted": true});
        assert!(read_removal(&bare_event).is_err());
        let bare_playbook = json!({"_id": "rec:playbook:1", "_rev": "2-x", "_deleted": true});
        assert!(read_removal(&bare_playbook).is_err());
        // Saying who removed it, it must check out: an author without a schema is refused.
        let half = json!({"_id": "rec:template:a", "_deleted": true, "author": "a"});
        assert!(read_removal(&half).is_err());
        let newer = json!({"_id": "rec:template:a", "_deleted": true, "schema": 99, "author": "a"});
        assert!(read_removal(&newer).is_err());
        let long_author = json!({"_id": "rec:partner:x", "_deleted": true, "schema": 1, "author": "a".repeat(10_000)});
        assert!(read_removal(&long_author).is_err());
        let no_id = json!({"_deleted": true, "schema": 1, "author": "a"});
        assert!(read_removal(&no_id).is_err());
    }

    #[test]
    fn a_removal_wins_only_over_a_copy_unchanged_since_the_last_agreement() {
        assert_eq!(removal(Some("h1"), Some("h1")), Removal::RemoveHere);
        assert_eq!(removal(Some("h2"), Some("h1")), Removal::KeepMine);
        assert_eq!(removal(Some("h2"), None), Removal::KeepMine);
        assert_eq!(removal(None, Some("h1")), Removal::NotHere);
        assert_eq!(removal(None, None), Removal::NotHere);
    }
}
