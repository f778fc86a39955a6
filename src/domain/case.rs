//! Cases: the one record a specialist owns from intake to closure, and how one is validated and edited.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

use super::DomainError;
use super::events::{CaseEvent, EventKind};

/// Longest title we accept; long enough for any real summary, short enough for a queue row.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest account name we accept.
pub const MAX_ACCOUNT_CHARS: usize = 120;

/// The human key shown everywhere, e.g. `ESC-1042`. Numbers are allocated by storage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseKey(u32);

impl CaseKey {
    pub const PREFIX: &'static str = "ESC-";
    /// Numbering starts here so that keys always have four digits in a new team's first year.
    pub const FIRST_NUMBER: u32 = 1001;

    pub fn from_number(number: u32) -> Self {
        Self(number)
    }

    pub fn number(&self) -> u32 {
        self.0
    }

    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.trim().strip_prefix(Self::PREFIX)?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Self)
    }
}

impl fmt::Display for CaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.0)
    }
}

impl TryFrom<String> for CaseKey {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("'{text}' is not a case key like ESC-1042"))
    }
}

impl From<CaseKey> for String {
    fn from(key: CaseKey) -> Self {
        key.to_string()
    }
}

/// Severity as the walking skeleton knows it; the impact × urgency matrix replaces it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    S1,
    S2,
    S3,
    S4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::S1, Severity::S2, Severity::S3, Severity::S4];

    pub fn label(self) -> &'static str {
        match self {
            Severity::S1 => "S1 — critical",
            Severity::S2 => "S2 — high",
            Severity::S3 => "S3 — medium",
            Severity::S4 => "S4 — low",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Severity::S1 => "S1",
            Severity::S2 => "S2",
            Severity::S3 => "S3",
            Severity::S4 => "S4",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where a case is in its life. The transition rules arrive with the full workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CaseStatus {
    New,
    Triaged,
    InProgress,
    WaitingOnUser,
    WaitingOnPartner,
    Resolved,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::New,
        CaseStatus::Triaged,
        CaseStatus::InProgress,
        CaseStatus::WaitingOnUser,
        CaseStatus::WaitingOnPartner,
        CaseStatus::Resolved,
        CaseStatus::Closed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::New => "New",
            CaseStatus::Triaged => "Triaged",
            CaseStatus::InProgress => "In progress",
            CaseStatus::WaitingOnUser => "Waiting on user",
            CaseStatus::WaitingOnPartner => "Waiting on partner",
            CaseStatus::Resolved => "Resolved",
            CaseStatus::Closed => "Closed",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Resolved | CaseStatus::Closed)
    }
}

/// One escalation as stored and shown. Plain data: the UI wraps it in signals, never the reverse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: Uuid,
    pub key: CaseKey,
    pub title: String,
    pub account: String,
    pub contact_email: String,
    pub severity: Severity,
    pub status: CaseStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped on every change, so concurrent writers and bundle merges can detect each other.
    pub revision: u64,
}

/// What the intake form holds, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCaseInput {
    pub title: String,
    pub account: String,
    pub contact_email: String,
    pub severity: String,
}

/// Which intake field is wrong, and why, in words for the specialist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Intake input that passed validation; only this can become a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNewCase {
    pub title: String,
    pub account: String,
    pub contact_email: String,
    pub severity: Severity,
}

impl NewCaseInput {
    /// Checks every field and reports all problems at once, so the form can mark each one.
    pub fn validate(&self) -> Result<ValidNewCase, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = validate_title(&self.title).map_err(|e| errors.push(e)).ok();
        let account = self.account.trim();
        if account.is_empty() {
            errors.push(FieldError {
                field: "Account",
                message: "enter the merchant or account name".into(),
            });
        } else if account.chars().count() > MAX_ACCOUNT_CHARS {
            errors.push(FieldError {
                field: "Account",
                message: format!("keep it under {MAX_ACCOUNT_CHARS} characters"),
            });
        }
        let email = self.contact_email.trim();
        if let Err(why) = check_email(email) {
            errors.push(FieldError {
                field: "Contact email",
                message: why,
            });
        }
        let severity = Severity::parse(self.severity.trim());
        if severity.is_none() {
            errors.push(FieldError {
                field: "Severity",
                message: "choose S1, S2, S3 or S4".into(),
            });
        }
        match (title, severity) {
            (Some(title), Some(severity)) if errors.is_empty() => Ok(ValidNewCase {
                title,
                account: account.to_string(),
                contact_email: email.to_string(),
                severity,
            }),
            _ => Err(errors),
        }
    }
}

fn validate_title(raw: &str) -> Result<String, FieldError> {
    let title = raw.trim();
    if title.is_empty() {
        return Err(FieldError {
            field: "Title",
            message: "a case needs a title".into(),
        });
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(FieldError {
            field: "Title",
            message: format!("keep it under {MAX_TITLE_CHARS} characters; put detail in a note"),
        });
    }
    if title.chars().any(|c| c.is_control()) {
        return Err(FieldError {
            field: "Title",
            message: "a title is one line of text".into(),
        });
    }
    Ok(title.to_string())
}

/// A deliberately practical check: one `@`, a non-empty local part, and a dotted domain.
/// It explains what is wrong rather than quoting the RFC.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("enter the user's email address".into());
    }
    if email.chars().any(char::is_whitespace) {
        return Err("an email address has no spaces".into());
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(format!("'{email}' has no @"));
    };
    if local.is_empty() {
        return Err("nothing before the @".into());
    }
    if domain.contains('@') {
        return Err("more than one @".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return Err(format!(
            "'{domain}' is not a full domain such as example.com"
        ));
    }
    if email.len() > 254 {
        return Err("longer than any deliverable address".into());
    }
    Ok(())
}

impl Case {
    /// Opens a case from validated intake; returns the case and its `Created` event.
    pub fn open(
        input: ValidNewCase,
        id: Uuid,
        key: CaseKey,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> (Case, CaseEvent) {
        let case = Case {
            id,
            key,
            title: input.title,
            account: input.account,
            contact_email: input.contact_email,
            severity: input.severity,
            status: CaseStatus::New,
            created_at: now,
            updated_at: now,
            revision: 1,
        };
        let event = CaseEvent {
            id: event_id,
            case_id: id,
            at: now,
            actor: actor.to_string(),
            kind: EventKind::Created {
                title: case.title.clone(),
                severity: case.severity,
            },
        };
        (case, event)
    }

    /// Renames the case, returning the new state and the event that records before and after.
    pub fn retitle(
        &self,
        new_title: &str,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CaseEvent), DomainError> {
        let title = validate_title(new_title).map_err(DomainError::Invalid)?;
        if title == self.title {
            return Err(DomainError::NoChange);
        }
        let mut next = self.clone();
        next.title = title.clone();
        next.touch(now);
        let event = CaseEvent {
            id: event_id,
            case_id: self.id,
            at: now,
            actor: actor.to_string(),
            kind: EventKind::FieldChanged {
                field: "title".into(),
                before: self.title.clone(),
                after: title,
            },
        };
        Ok((next, event))
    }

    /// Records a note. The text is kept byte for byte: call notes are evidence.
    pub fn note(
        &self,
        text: &str,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CaseEvent), DomainError> {
        if text.trim().is_empty() {
            return Err(DomainError::EmptyNote("the note is empty"));
        }
        let mut next = self.clone();
        next.touch(now);
        let event = CaseEvent {
            id: event_id,
            case_id: self.id,
            at: now,
            actor: actor.to_string(),
            kind: EventKind::NoteAdded {
                text: text.to_string(),
            },
        };
        Ok((next, event))
    }

    fn touch(&mut self, now: DateTime<Utc>) {
        // A clock that steps backwards must not make a later edit look older.
        self.updated_at = self.updated_at.max(now);
        self.revision += 1;
    }
}

/// The queue order of the walking skeleton: open before closed, then severity, then oldest first.
pub fn queue_order(a: &Case, b: &Case) -> std::cmp::Ordering {
    b.status
        .is_open()
        .cmp(&a.status.is_open())
        .then(a.severity.cmp(&b.severity))
        .then(a.created_at.cmp(&b.created_at))
        .then(a.key.cmp(&b.key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap()
    }

    fn input(title: &str, account: &str, email: &str, severity: &str) -> NewCaseInput {
        NewCaseInput {
            title: title.into(),
            account: account.into(),
            contact_email: email.into(),
            severity: severity.into(),
        }
    }

    fn sample_case() -> Case {
        let valid = input("Payouts held", "Kopi Co", "ops@kopi.sg", "S2")
            .validate()
            .unwrap();
        Case::open(
            valid,
            Uuid::from_u128(1),
            CaseKey::from_number(1001),
            Uuid::from_u128(2),
            "Mei",
            at(9, 0),
        )
        .0
    }

    #[test]
    fn case_keys_round_trip_and_reject_lookalikes() {
        for (text, expected) in [
            ("ESC-1001", Some(1001)),
            (" ESC-42 ", Some(42)),
            ("ESC-", None),
            ("esc-1001", None),
            ("ESC-10a1", None),
            ("ESC--1", None),
            ("ESC-99999999999", None),
        ] {
            assert_eq!(CaseKey::parse(text).map(|k| k.number()), expected, "{text}");
        }
        assert_eq!(CaseKey::from_number(1042).to_string(), "ESC-1042");
    }

    #[test]
    fn intake_accepts_a_complete_case_and_trims_it() {
        let valid = input(
            "  Payouts held for payroll ",
            " Kopi Co ",
            " ops@kopi.sg ",
            "S1",
        )
        .validate()
        .unwrap();
        assert_eq!(valid.title, "Payouts held for payroll");
        assert_eq!(valid.account, "Kopi Co");
        assert_eq!(valid.contact_email, "ops@kopi.sg");
        assert_eq!(valid.severity, Severity::S1);
    }

    #[test]
    fn intake_reports_every_bad_field_at_once() {
        let errors = input("   ", "", "not-an-email", "S9")
            .validate()
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["Title", "Account", "Contact email", "Severity"]);
        assert!(
            errors[2].message.contains("has no @"),
            "{}",
            errors[2].message
        );
    }

    #[test]
    fn email_check_names_the_problem() {
        for (email, fragment) in [
            ("", "enter"),
            ("a b@x.com", "no spaces"),
            ("ab.x.com", "no @"),
            ("@x.com", "before the @"),
            ("a@b@x.com", "more than one"),
            ("a@localhost", "full domain"),
            ("a@x..com", "full domain"),
            ("a@x.", "full domain"),
        ] {
            let why = check_email(email).unwrap_err();
            assert!(why.contains(fragment), "{email:?}: {why}");
        }
        for ok in ["a@x.co", "first.last+tag@sub.example.com.sg", "ünï@例え.jp"] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn titles_are_one_line_and_bounded() {
        assert!(validate_title("line one\nline two").is_err());
        assert!(validate_title(&"x".repeat(MAX_TITLE_CHARS)).is_ok());
        assert!(validate_title(&"x".repeat(MAX_TITLE_CHARS + 1)).is_err());
    }

    #[test]
    fn opening_a_case_records_who_and_when() {
        let valid = input("Refunds fail in JPY", "Sakura Mart", "pay@sakura.jp", "S3")
            .validate()
            .unwrap();
        let (case, event) = Case::open(
            valid,
            Uuid::from_u128(7),
            CaseKey::from_number(1001),
            Uuid::from_u128(8),
            "Mei",
            at(9, 0),
        );
        assert_eq!(case.status, CaseStatus::New);
        assert_eq!(case.revision, 1);
        assert_eq!(event.case_id, case.id);
        assert_eq!(event.actor, "Mei");
        assert_eq!(event.at, at(9, 0));
        assert!(matches!(event.kind, EventKind::Created { .. }));
    }

    #[test]
    fn retitle_records_before_and_after_and_bumps_revision() {
        let case = sample_case();
        let (next, event) = case
            .retitle(
                "Payouts held — payroll Friday",
                Uuid::from_u128(3),
                "Raj",
                at(10, 0),
            )
            .unwrap();
        assert_eq!(next.title, "Payouts held — payroll Friday");
        assert_eq!(next.revision, 2);
        assert_eq!(next.updated_at, at(10, 0));
        assert_eq!(
            event.kind,
            EventKind::FieldChanged {
                field: "title".into(),
                before: "Payouts held".into(),
                after: "Payouts held — payroll Friday".into()
            }
        );
        assert_eq!(
            case.retitle("  Payouts held ", Uuid::from_u128(4), "Raj", at(10, 0)),
            Err(DomainError::NoChange)
        );
        assert!(matches!(
            case.retitle("", Uuid::from_u128(4), "Raj", at(10, 0)),
            Err(DomainError::Invalid(_))
        ));
    }

    #[test]
    fn notes_are_kept_byte_for_byte_and_empty_ones_refused() {
        let case = sample_case();
        let text = "  Called Wei: payroll is Friday.\n\tBank ref 123  ";
        let (next, event) = case
            .note(text, Uuid::from_u128(5), "Mei", at(11, 0))
            .unwrap();
        assert_eq!(event.kind, EventKind::NoteAdded { text: text.into() });
        assert_eq!(next.revision, case.revision + 1);
        assert!(
            case.note(" \n ", Uuid::from_u128(6), "Mei", at(11, 0))
                .is_err()
        );
    }

    #[test]
    fn a_clock_stepping_back_never_makes_updated_at_older() {
        let case = sample_case();
        let (next, _) = case.note("x", Uuid::from_u128(5), "Mei", at(8, 0)).unwrap();
        assert_eq!(next.updated_at, at(9, 0));
    }

    #[test]
    fn queue_puts_open_severe_old_cases_first() {
        let base = sample_case();
        let mk = |n: u32, sev: Severity, status: CaseStatus, h: u32| Case {
            key: CaseKey::from_number(n),
            severity: sev,
            status,
            created_at: at(h, 0),
            ..base.clone()
        };
        let mut cases = [
            mk(1, Severity::S1, CaseStatus::Closed, 1),
            mk(2, Severity::S3, CaseStatus::New, 1),
            mk(3, Severity::S1, CaseStatus::InProgress, 5),
            mk(4, Severity::S1, CaseStatus::New, 2),
        ];
        cases.sort_by(queue_order);
        let keys: Vec<u32> = cases.iter().map(|c| c.key.number()).collect();
        assert_eq!(keys, [4, 3, 2, 1]);
    }
}
