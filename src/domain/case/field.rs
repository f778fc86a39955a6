//! What a field is called: `CaseField`, the parts of a case merged and compared one by one, and `ChangedField`, the field a `FieldChanged` event names, typed.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Case;
use crate::domain::case::events::EventKind;
use crate::domain::triage::ScopingField;

/// The parts of a case merged one by one. Account, contacts and scoping each merge whole,
/// because their parts only make sense together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CaseField {
    Title,
    Status,
    Resolution,
    Impact,
    Urgency,
    Priority,
    Owner,
    Tags,
    Watchers,
    ProductArea,
    Channel,
    Account,
    Contacts,
    Scoping,
    Problem,
}

impl CaseField {
    pub const ALL: [CaseField; 15] = [
        CaseField::Title,
        CaseField::Status,
        CaseField::Resolution,
        CaseField::Impact,
        CaseField::Urgency,
        CaseField::Priority,
        CaseField::Owner,
        CaseField::Tags,
        CaseField::Watchers,
        CaseField::ProductArea,
        CaseField::Channel,
        CaseField::Account,
        CaseField::Contacts,
        CaseField::Scoping,
        CaseField::Problem,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CaseField::Title => "Title",
            CaseField::Status => "Status",
            CaseField::Resolution => "Resolution summary",
            CaseField::Impact => "Impact",
            CaseField::Urgency => "Urgency",
            CaseField::Priority => "Priority",
            CaseField::Owner => "Owner",
            CaseField::Tags => "Tags",
            CaseField::Watchers => "Watchers",
            CaseField::ProductArea => "Product area",
            CaseField::Channel => "Channel",
            CaseField::Account => "Account",
            CaseField::Contacts => "Contacts",
            CaseField::Scoping => "Scoping",
            CaseField::Problem => "Problem",
        }
    }

    /// Free text, where keeping both versions makes sense.
    pub fn is_text(self) -> bool {
        matches!(self, CaseField::Title | CaseField::Resolution)
    }

    /// How the field reads in a diff.
    pub fn show(self, case: &Case) -> String {
        match self {
            CaseField::Title => case.title.clone(),
            CaseField::Status => case.status.label().to_string(),
            CaseField::Resolution => case.resolution.clone().unwrap_or_default(),
            CaseField::Impact => case.impact.label().to_string(),
            CaseField::Urgency => case.urgency.label().to_string(),
            CaseField::Priority => case.priority.code().to_string(),
            CaseField::Owner => case.owner.clone(),
            CaseField::Tags => case.tags.join(", "),
            CaseField::Watchers => case.watchers.join(", "),
            CaseField::ProductArea => case.product_area.clone(),
            CaseField::Channel => case.channel.label().to_string(),
            CaseField::Account => {
                let a = &case.account;
                let id = if a.account_id.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", a.account_id)
                };
                format!("{}{id}, {}", a.name, a.tier.label())
            }
            CaseField::Contacts => case
                .contacts
                .iter()
                .map(|c| {
                    [c.name.as_str(), c.email.as_str(), c.phone.as_str()]
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join("; "),
            CaseField::Scoping => ScopingField::ALL
                .into_iter()
                .map(|f| (f.label(), case.scoping.display(f)))
                .filter(|(_, value)| !value.is_empty())
                .map(|(label, value)| format!("{label}: {value}"))
                .collect::<Vec<_>>()
                .join("; "),
            CaseField::Problem => case.problem_id.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    /// True when the two copies agree on this field.
    pub fn same(self, a: &Case, b: &Case) -> bool {
        match self {
            CaseField::Title => a.title == b.title,
            CaseField::Status => a.status == b.status,
            CaseField::Resolution => a.resolution == b.resolution,
            CaseField::Impact => a.impact == b.impact,
            CaseField::Urgency => a.urgency == b.urgency,
            CaseField::Priority => a.priority == b.priority,
            CaseField::Owner => a.owner == b.owner,
            CaseField::Tags => a.tags == b.tags,
            CaseField::Watchers => a.watchers == b.watchers,
            CaseField::ProductArea => a.product_area == b.product_area,
            CaseField::Channel => a.channel == b.channel,
            CaseField::Account => a.account == b.account,
            CaseField::Contacts => a.contacts == b.contacts,
            CaseField::Scoping => a.scoping == b.scoping,
            CaseField::Problem => a.problem_id == b.problem_id,
        }
    }

    pub fn copy(self, into: &mut Case, from: &Case) {
        match self {
            CaseField::Title => into.title = from.title.clone(),
            CaseField::Status => into.status = from.status,
            CaseField::Resolution => into.resolution = from.resolution.clone(),
            CaseField::Impact => into.impact = from.impact,
            CaseField::Urgency => into.urgency = from.urgency,
            CaseField::Priority => into.priority = from.priority,
            CaseField::Owner => into.owner = from.owner.clone(),
            CaseField::Tags => into.tags = from.tags.clone(),
            CaseField::Watchers => into.watchers = from.watchers.clone(),
            CaseField::ProductArea => into.product_area = from.product_area.clone(),
            CaseField::Channel => into.channel = from.channel,
            CaseField::Account => into.account = from.account.clone(),
            CaseField::Contacts => into.contacts = from.contacts.clone(),
            CaseField::Scoping => into.scoping = from.scoping.clone(),
            CaseField::Problem => into.problem_id = from.problem_id,
        }
    }

    /// Which fields an event says were changed.
    pub fn touched_by(kind: &EventKind) -> &'static [CaseField] {
        match kind {
            EventKind::StatusChanged { .. } => &[CaseField::Status, CaseField::Resolution],
            EventKind::FieldChanged { field, .. } => field.case_fields(),
            _ => &[],
        }
    }
}

/// The field a `FieldChanged` event changed. Stored and exchanged as the words the log has
/// always used ("title", "product area", "money at risk"…), so every stored log and bundle
/// still reads; a word this build does not know is kept as it is (`Other`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChangedField {
    Title,
    Impact,
    Urgency,
    Priority,
    Owner,
    Tags,
    Watchers,
    ProductArea,
    Channel,
    Account,
    AccountId,
    Tier,
    Contacts,
    Problem,
    /// The resolution summary, as Undo puts it back.
    Resolution,
    Scoping(ScopingField),
    Other(String),
}

impl ChangedField {
    const NAMED: [(ChangedField, &'static str); 15] = [
        (ChangedField::Title, "title"),
        (ChangedField::Impact, "impact"),
        (ChangedField::Urgency, "urgency"),
        (ChangedField::Priority, "priority"),
        (ChangedField::Owner, "owner"),
        (ChangedField::Tags, "tags"),
        (ChangedField::Watchers, "watchers"),
        (ChangedField::ProductArea, "product area"),
        (ChangedField::Channel, "channel"),
        (ChangedField::Account, "account"),
        (ChangedField::AccountId, "account id"),
        (ChangedField::Tier, "tier"),
        (ChangedField::Contacts, "contacts"),
        (ChangedField::Problem, "problem"),
        (ChangedField::Resolution, "resolution"),
    ];

    /// The word the log uses for this field.
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            ChangedField::Scoping(field) => Cow::Owned(field.label().to_lowercase()),
            ChangedField::Other(text) => Cow::Borrowed(text),
            named => Cow::Borrowed(
                Self::NAMED
                    .iter()
                    .find(|(f, _)| f == named)
                    .map_or("field", |(_, word)| word),
            ),
        }
    }

    /// The field a logged word names.
    pub fn from_word(word: &str) -> ChangedField {
        if let Some((field, _)) = Self::NAMED.iter().find(|(_, w)| *w == word) {
            return field.clone();
        }
        ScopingField::ALL
            .into_iter()
            .find(|f| f.label().eq_ignore_ascii_case(word))
            .map_or_else(
                || ChangedField::Other(word.to_string()),
                ChangedField::Scoping,
            )
    }

    /// The parts of the case a change to this field touches, for the merge.
    pub fn case_fields(&self) -> &'static [CaseField] {
        match self {
            ChangedField::Title => &[CaseField::Title],
            ChangedField::Owner => &[CaseField::Owner],
            ChangedField::Tags => &[CaseField::Tags],
            ChangedField::Watchers => &[CaseField::Watchers],
            ChangedField::ProductArea => &[CaseField::ProductArea],
            ChangedField::Channel => &[CaseField::Channel],
            ChangedField::Account | ChangedField::AccountId | ChangedField::Tier => {
                &[CaseField::Account]
            }
            ChangedField::Contacts => &[CaseField::Contacts],
            ChangedField::Impact => &[CaseField::Impact],
            ChangedField::Urgency => &[CaseField::Urgency],
            ChangedField::Priority => &[CaseField::Priority],
            ChangedField::Problem => &[CaseField::Problem],
            // Was filed under Scoping while field names were plain words (issue 22).
            ChangedField::Resolution => &[CaseField::Resolution],
            ChangedField::Scoping(_) => &[CaseField::Scoping],
            // A word from a newer build: most likely a scoping fact, as before.
            ChangedField::Other(_) => &[CaseField::Scoping],
        }
    }
}

impl std::fmt::Display for ChangedField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl Serialize for ChangedField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for ChangedField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = Cow::<str>::deserialize(deserializer)?;
        Ok(ChangedField::from_word(&word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every stored log and bundle names fields by these words: each must read back as its
    /// field and be written again as the same word.
    #[test]
    fn logged_words_read_as_typed_fields_and_write_back_unchanged() {
        let cases = [
            ("title", ChangedField::Title),
            ("product area", ChangedField::ProductArea),
            ("account id", ChangedField::AccountId),
            ("resolution", ChangedField::Resolution),
            (
                "money at risk",
                ChangedField::Scoping(ScopingField::MoneyAtRisk),
            ),
            (
                "what is affected",
                ChangedField::Scoping(ScopingField::Affected),
            ),
            (
                "a field from a newer build",
                ChangedField::Other("a field from a newer build".into()),
            ),
        ];
        for (word, field) in cases {
            let json = format!("\"{word}\"");
            let read: ChangedField = serde_json::from_str(&json).unwrap();
            assert_eq!(read, field, "{word}");
            assert_eq!(serde_json::to_string(&read).unwrap(), json);
        }
    }

    /// Issue 22: a restored resolution was filed under Scoping by the merge.
    #[test]
    fn a_resolution_change_touches_the_resolution() {
        let kind = EventKind::FieldChanged {
            field: ChangedField::Resolution,
            before: "a".into(),
            after: "b".into(),
        };
        assert_eq!(CaseField::touched_by(&kind), &[CaseField::Resolution]);
    }
}
