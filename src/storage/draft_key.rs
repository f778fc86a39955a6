//! Which unsent text a draft holds: the typed key of the `drafts` store, one variant per form that drafts.
//!
//! The stored key (`Display`) is the string each form has always used, so a draft typed before
//! this type existed still comes back; `draft_key_tests` pins every one of them.

use std::fmt;

use uuid::Uuid;

/// One form's draft. Per-case forms carry the case's id; the worksheet and playbook editors the
/// record's id; a new worksheet the case keys it was started from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DraftKey {
    /// The new-case form.
    Intake,
    /// A case's note box.
    Note(Uuid),
    /// A case's title while it is being edited.
    Title(Uuid),
    /// A case's scoping form.
    Scoping(Uuid),
    /// A case's details form (amount, account, area).
    Details(Uuid),
    /// A case's "user replied" (contact) form.
    Contact(Uuid),
    /// A case's email composer.
    Compose(Uuid),
    /// A case's partner hand-off form.
    Handoff(Uuid),
    /// A case's follow-up reminder form.
    Reminder(Uuid),
    /// A case's playbook checklist notes.
    Checklist(Uuid),
    /// Call mode on a case (the call's start time is part of the text).
    Call(Uuid),
    /// The SLA settings editor.
    SlaSettings,
    /// The template library editor.
    Templates,
    /// The partner directory editor.
    Partners,
    /// An existing playbook's editor.
    Playbook(Uuid),
    /// The new-playbook editor.
    NewPlaybook,
    /// An RCA worksheet.
    Rca(Uuid),
    /// The new-worksheet form, one draft per set of case keys it was started from.
    NewRca {
        /// The case keys as the form was opened with them (the `?case=` query), possibly empty.
        from_cases: String,
    },
    /// A worksheet's partner sign-off form.
    SignOff(Uuid),
}

impl fmt::Display for DraftKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DraftKey::Intake => f.write_str("intake"),
            DraftKey::Note(case) => write!(f, "note:{case}"),
            DraftKey::Title(case) => write!(f, "title:{case}"),
            DraftKey::Scoping(case) => write!(f, "scoping:{case}"),
            DraftKey::Details(case) => write!(f, "details:{case}"),
            DraftKey::Contact(case) => write!(f, "contact:{case}"),
            DraftKey::Compose(case) => write!(f, "compose:{case}"),
            DraftKey::Handoff(case) => write!(f, "handoff:{case}"),
            DraftKey::Reminder(case) => write!(f, "reminder:{case}"),
            DraftKey::Checklist(case) => write!(f, "checklist:{case}"),
            DraftKey::Call(case) => write!(f, "call:{case}"),
            DraftKey::SlaSettings => f.write_str("sla-settings"),
            DraftKey::Templates => f.write_str("templates"),
            DraftKey::Partners => f.write_str("partners"),
            DraftKey::Playbook(id) => write!(f, "playbook:{id}"),
            DraftKey::NewPlaybook => f.write_str("playbook:new"),
            DraftKey::Rca(id) => write!(f, "rca:{id}"),
            DraftKey::NewRca { from_cases } => write!(f, "rca:new:{from_cases}"),
            DraftKey::SignOff(id) => write!(f, "signoff:{id}"),
        }
    }
}

#[cfg(test)]
#[path = "draft_key_tests.rs"]
mod draft_key_tests;
