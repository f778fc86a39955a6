//! Every change to a case: opening it, edits, notes, logged events and Undo, each returning the new case and the events that explain it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::DomainError;
use crate::domain::case::events::{CallOutcome, CaseEvent, EventKind};
use crate::domain::case::status::{Move, check_transition};
use crate::domain::priority::PriorityMatrix;
use crate::domain::triage::Scoping;

use super::intake::{contact_line, validate_contacts, validate_title};
use super::*;
use crate::domain::case::ChangedField;

impl Case {
    /// Opens a case from validated intake; returns the case and its `Created` event.
    /// The person who opens a case owns it until they hand it over.
    pub fn open(
        input: ValidNewCase,
        matrix: &PriorityMatrix,
        id: Uuid,
        key: CaseKey,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> (Case, CaseEvent) {
        let (impact, urgency) = input.severity.axes();
        let priority = matrix.priority(impact, urgency);
        let case = Case {
            id,
            key,
            title: input.title,
            account: Account {
                name: input.account,
                ..Account::default()
            },
            contacts: vec![Contact {
                email: input.contact_email,
                ..Contact::default()
            }],
            channel: Channel::default(),
            product_area: DEFAULT_PRODUCT_AREAS
                .last()
                .copied()
                .unwrap_or_default()
                .to_string(),
            impact,
            urgency,
            priority,
            owner: actor.to_string(),
            tags: Vec::new(),
            watchers: Vec::new(),
            scoping: Scoping::default(),
            status: CaseStatus::New,
            resolution: None,
            problem_id: None,
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
                severity: None,
                priority: Some(priority),
            },
        };
        (case, event)
    }

    /// The first contact's email: where acknowledgements go.
    pub fn contact_email(&self) -> &str {
        self.contacts
            .first()
            .map(|c| c.email.as_str())
            .unwrap_or("")
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
        let event = self.event(
            event_id,
            actor,
            now,
            EventKind::changed(ChangedField::Title, &self.title, &title),
        );
        Ok((next, event))
    }

    /// Applies one edit; returns the new case and the events that explain it, or why it is refused.
    /// `next_id` supplies event ids, so the caller (and tests) decide where ids come from.
    pub fn apply(
        &self,
        edit: CaseEdit,
        ctx: &EditContext<'_>,
        mut next_id: impl FnMut() -> Uuid,
    ) -> Result<(Case, Vec<CaseEvent>), DomainError> {
        let mut next = self.clone();
        let mut kinds = Vec::new();
        let invalid = |field: &'static str, message: String| {
            DomainError::Invalid(FieldError { field, message })
        };
        match edit {
            CaseEdit::Title(title) => {
                let title = validate_title(&title).map_err(DomainError::Invalid)?;
                kinds.push(EventKind::changed(ChangedField::Title, &self.title, &title));
                next.title = title;
            }
            CaseEdit::Status { to, resolution } => {
                let step = check_transition(self.status, to).map_err(DomainError::Transition)?;
                if to == CaseStatus::Triaged {
                    let missing = self.scoping.missing(ctx.requirements);
                    if !missing.is_empty() {
                        let names: Vec<&str> = missing.iter().map(|f| f.label()).collect();
                        return Err(DomainError::NotTriaged(names.join(", ")));
                    }
                }
                let resolution = resolution.trim();
                match step {
                    Move::Resolve if resolution.is_empty() => {
                        return Err(invalid(
                            "Resolution summary",
                            "say how the case was resolved".into(),
                        ));
                    }
                    Move::Resolve => next.resolution = Some(resolution.to_string()),
                    _ => {}
                }
                kinds.push(EventKind::StatusChanged {
                    from: self.status,
                    to,
                    resolution: (step == Move::Resolve).then(|| resolution.to_string()),
                });
                next.status = to;
            }
            CaseEdit::Axes { impact, urgency } => {
                next.impact = impact;
                next.urgency = urgency;
                next.priority = ctx.matrix.priority(impact, urgency);
                if impact != self.impact {
                    kinds.push(EventKind::changed(
                        ChangedField::Impact,
                        self.impact.label(),
                        impact.label(),
                    ));
                }
                if urgency != self.urgency {
                    kinds.push(EventKind::changed(
                        ChangedField::Urgency,
                        self.urgency.label(),
                        urgency.label(),
                    ));
                }
                if next.priority != self.priority {
                    kinds.push(EventKind::changed(
                        ChangedField::Priority,
                        self.priority.code(),
                        next.priority.code(),
                    ));
                }
            }
            CaseEdit::Priority(priority) => {
                kinds.push(EventKind::changed(
                    ChangedField::Priority,
                    self.priority.code(),
                    priority.code(),
                ));
                next.priority = priority;
            }
            CaseEdit::Owner(owner) => {
                let owner = owner.trim().to_string();
                if owner.is_empty() {
                    return Err(invalid("Owner", "every case has an owner; pick one".into()));
                }
                kinds.push(EventKind::changed(ChangedField::Owner, &self.owner, &owner));
                next.owner = owner;
            }
            CaseEdit::Tags(tags) => {
                let tags = normalise_tags(&tags);
                kinds.push(EventKind::changed(
                    ChangedField::Tags,
                    &self.tags.join(", "),
                    &tags.join(", "),
                ));
                next.tags = tags;
            }
            CaseEdit::Watchers(watchers) => {
                let mut watchers: Vec<String> = watchers
                    .iter()
                    .map(|w| w.trim().to_string())
                    .filter(|w| !w.is_empty())
                    .collect();
                watchers.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
                kinds.push(EventKind::changed(
                    ChangedField::Watchers,
                    &self.watchers.join(", "),
                    &watchers.join(", "),
                ));
                next.watchers = watchers;
            }
            CaseEdit::AddTag(tag) => {
                if tag.trim().is_empty() {
                    return Err(invalid("Tag", "type the tag to add".into()));
                }
                let tags = normalise_tags(&[self.tags.clone(), vec![tag]].concat());
                kinds.push(EventKind::changed(
                    ChangedField::Tags,
                    &self.tags.join(", "),
                    &tags.join(", "),
                ));
                next.tags = tags;
            }
            CaseEdit::ProductArea(area) => {
                let area = area.trim().to_string();
                if area.is_empty() {
                    return Err(invalid("Product area", "choose a product area".into()));
                }
                kinds.push(EventKind::changed(
                    ChangedField::ProductArea,
                    &self.product_area,
                    &area,
                ));
                next.product_area = area;
            }
            CaseEdit::Channel(channel) => {
                kinds.push(EventKind::changed(
                    ChangedField::Channel,
                    self.channel.label(),
                    channel.label(),
                ));
                next.channel = channel;
            }
            CaseEdit::Account(account) => {
                let name = account.name.trim();
                if name.is_empty() {
                    return Err(invalid(
                        "Account",
                        "enter the merchant or account name".into(),
                    ));
                }
                let account = Account {
                    name: name.to_string(),
                    account_id: account.account_id.trim().to_string(),
                    ..account
                };
                if account.name != self.account.name {
                    kinds.push(EventKind::changed(
                        ChangedField::Account,
                        &self.account.name,
                        &account.name,
                    ));
                }
                if account.account_id != self.account.account_id {
                    kinds.push(EventKind::changed(
                        ChangedField::AccountId,
                        &self.account.account_id,
                        &account.account_id,
                    ));
                }
                if account.tier != self.account.tier {
                    kinds.push(EventKind::changed(
                        ChangedField::Tier,
                        self.account.tier.label(),
                        account.tier.label(),
                    ));
                }
                next.account = account;
            }
            CaseEdit::Contacts(contacts) => {
                let contacts = validate_contacts(contacts)?;
                let show =
                    |list: &[Contact]| list.iter().map(contact_line).collect::<Vec<_>>().join("; ");
                kinds.push(EventKind::changed(
                    ChangedField::Contacts,
                    &show(&self.contacts),
                    &show(&contacts),
                ));
                next.contacts = contacts;
            }
            CaseEdit::Scoping(scoping) => {
                for field in crate::domain::triage::ScopingField::ALL {
                    let (before, after) = (self.scoping.display(field), scoping.display(field));
                    if before != after {
                        kinds.push(EventKind::changed(
                            ChangedField::Scoping(field),
                            &before,
                            &after,
                        ));
                    }
                }
                next.scoping = scoping;
            }
            CaseEdit::Problem(problem) => {
                let show = |p: Option<Uuid>| p.map(|id| id.to_string()).unwrap_or_default();
                kinds.push(EventKind::changed(
                    ChangedField::Problem,
                    &show(self.problem_id),
                    &show(problem),
                ));
                next.problem_id = problem;
            }
        }
        kinds.retain(|k| !k.is_no_op());
        if kinds.is_empty() {
            return Err(DomainError::NoChange);
        }
        next.touch(ctx.now);
        let events = kinds
            .into_iter()
            .map(|kind| self.event(next_id(), ctx.actor, ctx.now, kind))
            .collect();
        Ok((next, events))
    }

    /// Puts back the editable fields of `snapshot` (an Undo), logging each restored field.
    /// Undo is not bound by the workflow: it returns the case exactly to where it was.
    pub fn restore(
        &self,
        snapshot: &Case,
        actor: &str,
        now: DateTime<Utc>,
        mut next_id: impl FnMut() -> Uuid,
    ) -> Result<(Case, Vec<CaseEvent>), DomainError> {
        let mut kinds = Vec::new();
        if self.status != snapshot.status {
            kinds.push(EventKind::StatusChanged {
                from: self.status,
                to: snapshot.status,
                resolution: None,
            });
        }
        let text_fields: [(ChangedField, String, String); 6] = [
            (
                ChangedField::Title,
                self.title.clone(),
                snapshot.title.clone(),
            ),
            (
                ChangedField::Owner,
                self.owner.clone(),
                snapshot.owner.clone(),
            ),
            (
                ChangedField::Priority,
                self.priority.code().into(),
                snapshot.priority.code().into(),
            ),
            (
                ChangedField::Tags,
                self.tags.join(", "),
                snapshot.tags.join(", "),
            ),
            (
                ChangedField::ProductArea,
                self.product_area.clone(),
                snapshot.product_area.clone(),
            ),
            (
                ChangedField::Resolution,
                self.resolution.clone().unwrap_or_default(),
                snapshot.resolution.clone().unwrap_or_default(),
            ),
        ];
        kinds.extend(
            text_fields
                .iter()
                .map(|(field, before, after)| EventKind::changed(field.clone(), before, after)),
        );
        kinds.retain(|k| !k.is_no_op());
        if kinds.is_empty() {
            return Err(DomainError::NoChange);
        }
        let mut next = Case {
            revision: self.revision,
            updated_at: self.updated_at,
            ..snapshot.clone()
        };
        next.touch(now);
        let events = kinds
            .into_iter()
            .map(|kind| self.event(next_id(), actor, now, kind))
            .collect();
        Ok((next, events))
    }

    fn event(&self, id: Uuid, actor: &str, at: DateTime<Utc>, kind: EventKind) -> CaseEvent {
        CaseEvent {
            id,
            case_id: self.id,
            at,
            actor: actor.to_string(),
            kind,
        }
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
        let kind = EventKind::NoteAdded {
            text: text.to_string(),
        };
        Ok(self.with_event(kind, event_id, actor, now))
    }

    /// The case one revision on, and the event that says why.
    pub(crate) fn with_event(
        &self,
        kind: EventKind,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> (Case, CaseEvent) {
        let mut next = self.clone();
        next.touch(now);
        let event = CaseEvent {
            id: event_id,
            case_id: self.id,
            at: now,
            actor: actor.to_string(),
            kind,
        };
        (next, event)
    }

    /// Logs a conversation or hand-off event (an email, a call, a promise, a partner's answer),
    /// refusing one that is missing what makes it useful later.
    pub fn record(
        &self,
        kind: EventKind,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CaseEvent), DomainError> {
        let refuse = |why: &str| Err(DomainError::Contact(why.to_string()));
        match &kind {
            EventKind::EmailSent {
                to, subject, body, ..
            } => {
                if to.trim().is_empty() {
                    return refuse("say who the email went to");
                }
                for address in to
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                {
                    if let Err(e) = check_email(address) {
                        return Err(DomainError::Contact(format!("'{address}': {e}")));
                    }
                }
                if subject.trim().is_empty() || body.trim().is_empty() {
                    return refuse("an email needs a subject and a body");
                }
            }
            EventKind::EmailReceived { from, body, .. } => {
                if from.trim().is_empty() || body.trim().is_empty() {
                    return refuse("paste the email's sender and its text");
                }
            }
            EventKind::CallLogged { outcome, notes, .. } => {
                if *outcome == CallOutcome::Reached && notes.trim().is_empty() {
                    return refuse("write what was said on the call");
                }
            }
            EventKind::UpdatePromised { by } => {
                if *by <= now {
                    return refuse("a promised update must be in the future");
                }
            }
            EventKind::HandedOff { team, ask, .. } => {
                if team.trim().is_empty() || ask.trim().is_empty() {
                    return refuse("name the partner team and what you asked them");
                }
            }
            EventKind::PartnerAnswered { summary, .. } => {
                if summary.trim().is_empty() {
                    return refuse("summarise the partner team's answer");
                }
            }
            // Checked against the checklist by `playbooks::Checklist`, which builds these.
            EventKind::PlaybookApplied { steps, .. } if steps.is_empty() => {
                return refuse("a playbook needs at least one step");
            }
            EventKind::PlaybookApplied { .. }
            | EventKind::StepTicked { .. }
            | EventKind::StepReopened { .. } => {}
            EventKind::StepSkipped { reason, .. } if reason.trim().is_empty() => {
                return refuse("say why the step is skipped");
            }
            EventKind::StepSkipped { .. } => {}
            EventKind::ReminderSet { at, snooze, .. } => match at {
                Some(at) if *at <= now => return refuse("a reminder must be in the future"),
                None if *snooze => return refuse("say until when to snooze the case"),
                _ => {}
            },
            _ => return refuse("this kind of event is not logged by hand"),
        }
        Ok(self.with_event(kind, event_id, actor, now))
    }

    fn touch(&mut self, now: DateTime<Utc>) {
        // A clock that steps backwards must not make a later edit look older.
        self.updated_at = self.updated_at.max(now);
        self.revision += 1;
    }
}
