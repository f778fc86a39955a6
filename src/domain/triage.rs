//! Triage and scoping: what must be known before a case counts as triaged, and spotting duplicates at intake.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::money::Money;
use super::search::fold;

/// The facts a specialist establishes while scoping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scoping {
    /// What is affected, in the specialist's words ("payouts to DBS accounts", "checkout on v2 API").
    pub affected: String,
    /// When the problem started, as far as anyone knows.
    pub since: Option<DateTime<Utc>>,
    pub reproducible: Option<bool>,
    pub money_at_risk: Option<Money>,
    pub users_affected: Option<u32>,
    /// Links to evidence: dashboards, tickets, screenshots in a shared drive.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ScopingField {
    Affected,
    Since,
    Reproducible,
    MoneyAtRisk,
    UsersAffected,
    Evidence,
}

impl ScopingField {
    pub const ALL: [ScopingField; 6] = [
        ScopingField::Affected,
        ScopingField::Since,
        ScopingField::Reproducible,
        ScopingField::MoneyAtRisk,
        ScopingField::UsersAffected,
        ScopingField::Evidence,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ScopingField::Affected => "What is affected",
            ScopingField::Since => "Since when",
            ScopingField::Reproducible => "Reproducible",
            ScopingField::MoneyAtRisk => "Money at risk",
            ScopingField::UsersAffected => "Users affected",
            ScopingField::Evidence => "Evidence links",
        }
    }
}

/// Which scoping fields a team requires before a case may be called triaged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopingRequirements {
    pub required: BTreeSet<ScopingField>,
}

impl Default for ScopingRequirements {
    /// The facts a partner team asks for first: what, since when, and how much.
    fn default() -> Self {
        ScopingRequirements {
            required: [
                ScopingField::Affected,
                ScopingField::Since,
                ScopingField::MoneyAtRisk,
            ]
            .into_iter()
            .collect(),
        }
    }
}

impl Scoping {
    pub fn has(&self, field: ScopingField) -> bool {
        match field {
            ScopingField::Affected => !self.affected.trim().is_empty(),
            ScopingField::Since => self.since.is_some(),
            ScopingField::Reproducible => self.reproducible.is_some(),
            ScopingField::MoneyAtRisk => self.money_at_risk.is_some(),
            ScopingField::UsersAffected => self.users_affected.is_some(),
            ScopingField::Evidence => self.evidence.iter().any(|e| !e.trim().is_empty()),
        }
    }

    /// One field as text, for before/after events and the timeline.
    pub fn display(&self, field: ScopingField) -> String {
        match field {
            ScopingField::Affected => self.affected.trim().to_string(),
            ScopingField::Since => self
                .since
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
            ScopingField::Reproducible => match self.reproducible {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            ScopingField::MoneyAtRisk => self
                .money_at_risk
                .map(|m| m.to_string())
                .unwrap_or_default(),
            ScopingField::UsersAffected => self
                .users_affected
                .map(|n| n.to_string())
                .unwrap_or_default(),
            ScopingField::Evidence => self
                .evidence
                .iter()
                .map(|e| e.trim())
                .filter(|e| !e.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The required fields still empty, in display order. Empty means the case may be triaged.
    pub fn missing(&self, requirements: &ScopingRequirements) -> Vec<ScopingField> {
        requirements
            .required
            .iter()
            .copied()
            .filter(|f| !self.has(*f))
            .collect()
    }
}

/// How far back an open case for the same account counts as a likely duplicate.
pub const DUPLICATE_WINDOW_DAYS: i64 = 14;

/// A case already on file that the new one may duplicate, with how alike the titles are (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateCandidate<Id> {
    pub id: Id,
    pub similarity: f32,
}

/// What intake needs to know about an existing case to compare it.
pub struct ExistingCase<'a, Id> {
    pub id: Id,
    pub title: &'a str,
    pub account: &'a str,
    pub open: bool,
    pub created_at: DateTime<Utc>,
}

/// Open cases for the same account, opened in the last 14 days, whose titles share most words
/// with the new title (see `overlap`). Best match first.
pub fn possible_duplicates<'a, Id: Clone + 'a>(
    title: &str,
    account: &str,
    existing: impl IntoIterator<Item = ExistingCase<'a, Id>>,
    now: DateTime<Utc>,
) -> Vec<DuplicateCandidate<Id>> {
    let account = fold(account.trim());
    let words = title_words(title);
    if account.is_empty() || words.is_empty() {
        return Vec::new();
    }
    let since = now - Duration::days(DUPLICATE_WINDOW_DAYS);
    let mut found: Vec<_> = existing
        .into_iter()
        .filter(|c| c.open && c.created_at >= since && fold(c.account.trim()) == account)
        .filter_map(|c| {
            let similarity = overlap(&words, &title_words(c.title));
            (similarity >= 0.5).then_some(DuplicateCandidate {
                id: c.id,
                similarity,
            })
        })
        .collect();
    found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
    found
}

/// Words that carry meaning: folded, alphanumeric runs of 3+ characters, minus filler.
fn title_words(title: &str) -> BTreeSet<String> {
    const FILLER: [&str; 8] = ["the", "and", "for", "since", "with", "after", "from", "not"];
    fold(title)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !FILLER.contains(w))
        .map(str::to_string)
        .collect()
}

/// Shared words over the shorter title's words: a terse title ("Payouts held") still matches
/// its longer twin. Two shared words are needed unless the shorter title has only one.
fn overlap(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f32 {
    let shorter = a.len().min(b.len());
    let shared = a.intersection(b).count();
    if shorter == 0 || (shared < 2 && shorter > 1) {
        0.0
    } else {
        shared as f32 / shorter as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
    }

    #[test]
    fn default_requirements_need_what_since_and_money() {
        let mut scoping = Scoping::default();
        let requirements = ScopingRequirements::default();
        assert_eq!(
            scoping.missing(&requirements),
            vec![
                ScopingField::Affected,
                ScopingField::Since,
                ScopingField::MoneyAtRisk
            ]
        );
        scoping.affected = "  ".into();
        scoping.since = Some(now());
        scoping.money_at_risk = Some(Money::new(8_400_000, Currency::parse("SGD").unwrap()));
        assert_eq!(
            scoping.missing(&requirements),
            vec![ScopingField::Affected],
            "blank text is not an answer"
        );
        scoping.affected = "Payouts to DBS accounts".into();
        assert!(scoping.missing(&requirements).is_empty());
    }

    #[test]
    fn requirements_are_configurable() {
        let scoping = Scoping {
            evidence: vec![" ".into()],
            ..Scoping::default()
        };
        let only_evidence = ScopingRequirements {
            required: [ScopingField::Evidence].into_iter().collect(),
        };
        assert_eq!(
            scoping.missing(&only_evidence),
            vec![ScopingField::Evidence]
        );
        let nothing = ScopingRequirements {
            required: BTreeSet::new(),
        };
        assert!(scoping.missing(&nothing).is_empty());
    }

    #[test]
    fn duplicates_need_same_account_open_recent_and_similar() {
        let day = |d: i64| now() - Duration::days(d);
        let existing = [
            ExistingCase {
                id: 1,
                title: "Payouts held since Monday",
                account: "Kopi Co",
                open: true,
                created_at: day(2),
            },
            ExistingCase {
                id: 2,
                title: "Payouts held since Monday",
                account: "Other Co",
                open: true,
                created_at: day(2),
            },
            ExistingCase {
                id: 3,
                title: "Payouts held since Monday",
                account: "kopi co ",
                open: false,
                created_at: day(2),
            },
            ExistingCase {
                id: 4,
                title: "Payouts held since Monday",
                account: "Kopi Co",
                open: true,
                created_at: day(15),
            },
            ExistingCase {
                id: 5,
                title: "Invoice wrong by six figures",
                account: "Kopi Co",
                open: true,
                created_at: day(1),
            },
            ExistingCase {
                id: 6,
                title: "Payout held — payroll Friday",
                account: "KOPI CO",
                open: true,
                created_at: day(13),
            },
        ];
        let found = possible_duplicates(
            "Payouts held, payroll due Friday",
            "Kopi Co",
            existing,
            now(),
        );
        let ids: Vec<i32> = found.iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![6, 1]);
        assert!(found[0].similarity > found[1].similarity);
    }

    #[test]
    fn empty_titles_or_accounts_find_nothing() {
        let existing = [ExistingCase {
            id: 1,
            title: "a b",
            account: "X",
            open: true,
            created_at: now(),
        }];
        assert!(possible_duplicates("", "X", existing, now()).is_empty());
    }
}
