//! Value rules for cases, their events and their clock marks.

use chrono::{DateTime, Utc};

use super::{Checker, KEYWORD, LINE, MAX_CALL_SECONDS, MAX_ITEMS, MAX_USERS, NAME, TEXT, Validate};
use crate::domain::attachment;
use crate::domain::case::events::{CaseEvent, EventKind};
use crate::domain::case::{Account, Case, CaseKey, Contact};
use crate::domain::sla::{ClockMark, MarkKind, SettledSla};
use crate::domain::triage::Scoping;

/// A case's checked fields, borrowed from whichever form carries them (the domain's `Case`, a
/// bundle's `CaseV1`), so one list of rules serves both.
pub struct CaseFields<'a> {
    pub key: &'a CaseKey,
    pub revision: u64,
    pub title: &'a str,
    pub owner: &'a str,
    pub account_name: &'a str,
    pub account_id: &'a str,
    /// Each contact's name, email and phone.
    pub contacts: Vec<(&'a str, &'a str, &'a str)>,
    pub product_area: &'a str,
    pub tags: &'a [String],
    pub watchers: &'a [String],
    pub scoping: &'a Scoping,
    pub resolution: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checks a case's own fields (not its events).
pub fn case_fields(c: &mut Checker, f: &CaseFields<'_>) {
    c.key_number("key", f.key.number());
    c.revision("revision", f.revision);
    c.required_text("title", f.title, LINE);
    c.text("owner", f.owner, NAME);
    c.field("account", |c| {
        c.text("name", f.account_name, NAME);
        c.text("account_id", f.account_id, NAME);
    });
    c.each(
        "contacts",
        &f.contacts,
        MAX_ITEMS,
        |c, (name, email, phone)| {
            c.text("name", name, NAME);
            c.text("email", email, LINE);
            c.text("phone", phone, NAME);
        },
    );
    c.text("product_area", f.product_area, NAME);
    c.texts("tags", f.tags, MAX_ITEMS, NAME);
    c.texts("watchers", f.watchers, MAX_ITEMS, NAME);
    c.field("scoping", |c| scoping(c, f.scoping));
    if let Some(resolution) = f.resolution {
        c.text("resolution", resolution, TEXT);
    }
    c.time("created_at", f.created_at);
    c.time("updated_at", f.updated_at);
    if f.updated_at < f.created_at {
        c.fail(
            Some("updated_at"),
            format!(
                "{} is before the case was created ({})",
                f.updated_at.to_rfc3339(),
                f.created_at.to_rfc3339()
            ),
        );
    }
}

fn scoping(c: &mut Checker, s: &Scoping) {
    c.text("affected", &s.affected, TEXT);
    c.maybe_time("since", s.since);
    if let Some(money) = &s.money_at_risk {
        c.money("money_at_risk", money);
    }
    if let Some(users) = s.users_affected {
        c.number(
            "users_affected",
            i128::from(users),
            0,
            i128::from(MAX_USERS),
            "users",
        );
    }
    c.texts("evidence", &s.evidence, MAX_ITEMS, LINE);
}

impl<'a> CaseFields<'a> {
    pub fn of(case: &'a Case) -> CaseFields<'a> {
        let Account {
            name, account_id, ..
        } = &case.account;
        CaseFields {
            key: &case.key,
            revision: case.revision,
            title: &case.title,
            owner: &case.owner,
            account_name: name,
            account_id,
            contacts: case
                .contacts
                .iter()
                .map(|Contact { name, email, phone }| {
                    (name.as_str(), email.as_str(), phone.as_str())
                })
                .collect(),
            product_area: &case.product_area,
            tags: &case.tags,
            watchers: &case.watchers,
            scoping: &case.scoping,
            resolution: case.resolution.as_deref(),
            created_at: case.created_at,
            updated_at: case.updated_at,
        }
    }
}

impl Validate for Case {
    fn validate(&self, c: &mut Checker) {
        case_fields(c, &CaseFields::of(self));
    }
}

impl Validate for CaseEvent {
    fn validate(&self, c: &mut Checker) {
        c.time("at", self.at);
        c.text("actor", &self.actor, NAME);
        c.field("kind", |c| event_kind(c, &self.kind));
    }
}

/// Checks what one kind of event carries.
pub fn event_kind(c: &mut Checker, kind: &EventKind) {
    match kind {
        EventKind::Created { title, .. } => c.text("title", title, LINE),
        EventKind::FieldChanged {
            field,
            before,
            after,
        } => {
            c.text("field", &field.as_str(), KEYWORD);
            c.text("before", before, TEXT);
            c.text("after", after, TEXT);
        }
        EventKind::StatusChanged { resolution, .. } => {
            if let Some(resolution) = resolution {
                c.text("resolution", resolution, TEXT);
            }
        }
        EventKind::NoteAdded { text } => c.text("text", text, TEXT),
        EventKind::EmailSent {
            to,
            cc,
            subject,
            body,
        } => {
            c.text("to", to, LINE);
            c.text("cc", cc, LINE);
            c.text("subject", subject, LINE);
            c.text("body", body, TEXT);
        }
        EventKind::EmailReceived {
            from,
            subject,
            body,
        } => {
            c.text("from", from, LINE);
            c.text("subject", subject, LINE);
            c.text("body", body, TEXT);
        }
        EventKind::CallLogged {
            duration_seconds,
            notes,
            next_steps,
            ..
        } => {
            c.number(
                "duration_seconds",
                i128::from(*duration_seconds),
                0,
                i128::from(MAX_CALL_SECONDS),
                "seconds",
            );
            c.text("notes", notes, TEXT);
            c.text("next_steps", next_steps, TEXT);
        }
        EventKind::UpdatePromised { by } => c.time("by", *by),
        EventKind::HandedOff {
            team,
            ask,
            ticket,
            ola_minutes,
            ..
        } => {
            c.text("team", team, NAME);
            c.text("ask", ask, TEXT);
            c.text("ticket", ticket, NAME);
            if let Some(minutes) = ola_minutes {
                c.minutes("ola_minutes", *minutes);
            }
        }
        EventKind::PartnerAnswered { summary, .. } => c.text("summary", summary, TEXT),
        EventKind::ReminderSet { at, note, .. } => {
            c.maybe_time("at", *at);
            c.text("note", note, LINE);
        }
        EventKind::PlaybookApplied {
            version,
            title,
            steps,
            ..
        } => {
            c.number(
                "version",
                i128::from(*version),
                1,
                i128::from(super::MAX_KEY_NUMBER),
                "(a version)",
            );
            c.text("title", title, LINE);
            c.each("steps", steps, MAX_ITEMS, |c, step| {
                c.text("id", &step.id, KEYWORD);
                c.text("title", &step.title, LINE);
            });
        }
        EventKind::StepTicked {
            step,
            title,
            evidence,
            ..
        } => {
            c.text("step", step, KEYWORD);
            c.text("title", title, LINE);
            c.text("evidence", evidence, TEXT);
        }
        EventKind::StepSkipped {
            step,
            title,
            reason,
            ..
        } => {
            c.text("step", step, KEYWORD);
            c.text("title", title, LINE);
            c.text("reason", reason, TEXT);
        }
        EventKind::StepReopened { step, title, .. } => {
            c.text("step", step, KEYWORD);
            c.text("title", title, LINE);
        }
        EventKind::SlaBreached { cycle, due, .. } => {
            c.time("cycle", *cycle);
            c.time("due", *due);
        }
        EventKind::SlaSettled { record } => c.field("record", |c| settled(c, record)),
        EventKind::FileAttached { file } => c.field("file", |c| {
            c.sha256_hex("sha256", &file.sha256);
            file_name(c, &file.name);
            c.number(
                "size",
                i128::from(file.size),
                1,
                i128::from(attachment::MAX_FILE_BYTES),
                "bytes",
            );
            c.text(
                "media_type",
                &file.media_type,
                attachment::MAX_MEDIA_TYPE_CHARS,
            );
            if file.media_type != attachment::clean_media_type(&file.media_type) {
                c.fail(
                    Some("media_type"),
                    format!("not a media type: {}", super::shown(&file.media_type)),
                );
            }
        }),
        EventKind::FileRemoved { sha256, name } => {
            c.sha256_hex("sha256", sha256);
            file_name(c, name);
        }
    }
}

/// A file name as the app writes one: already clean, so a hostile name (a folder path, a
/// right-to-left override) from a bundle is refused rather than shown.
fn file_name(c: &mut Checker, name: &str) {
    c.required_text("name", name, attachment::MAX_NAME_CHARS);
    if name != attachment::clean_name(name) {
        c.fail(
            Some("name"),
            format!("not a clean file name: {}", super::shown(name)),
        );
    }
}

fn settled(c: &mut Checker, record: &SettledSla) {
    c.text("policy", &record.policy, NAME);
    c.text("calendar", &record.calendar, NAME);
    c.each("clocks", &record.clocks, MAX_ITEMS, |c, clock| {
        c.text("label", &clock.label, NAME);
        c.minutes("target_minutes", clock.target_minutes);
        // Elapsed working time cannot exceed the 230 years the time window spans.
        c.number(
            "elapsed_minutes",
            i128::from(clock.elapsed_minutes),
            -(230 * 366 * 1440),
            230 * 366 * 1440,
            "minutes",
        );
        c.maybe_time("due", clock.due);
    });
}

impl Validate for ClockMark {
    fn validate(&self, c: &mut Checker) {
        c.time("at", self.at);
        match &self.kind {
            MarkKind::Promise { by } => c.time("by", *by),
            MarkKind::HandOff { team, minutes, .. } => {
                c.text("team", team, NAME);
                if let Some(minutes) = minutes {
                    c.minutes("minutes", *minutes);
                }
            }
            MarkKind::Breach { cycle, .. } => c.time("cycle", *cycle),
            MarkKind::Settled { record } => c.field("record", |c| settled(c, record)),
            MarkKind::Step { step, .. } => c.text("step", step, KEYWORD),
            MarkKind::Reminder { at, .. } => c.maybe_time("at", *at),
            MarkKind::Status { .. }
            | MarkKind::Response
            | MarkKind::PartnerAnswer { .. }
            | MarkKind::Checklist { .. } => {}
        }
    }
}
