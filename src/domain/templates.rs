//! Email templates (macros): `{{placeholder}}` parsing with positions, rendering against a case, and the starter library.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::case::Case;

/// What a template is for, so the composer can offer the right one at the right moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TemplateCategory {
    Acknowledge,
    RequestInfo,
    StatusUpdate,
    Resolution,
    PartnerHandOff,
}

impl TemplateCategory {
    pub const ALL: [TemplateCategory; 5] = [
        TemplateCategory::Acknowledge,
        TemplateCategory::RequestInfo,
        TemplateCategory::StatusUpdate,
        TemplateCategory::Resolution,
        TemplateCategory::PartnerHandOff,
    ];
    pub fn label(self) -> &'static str {
        match self {
            TemplateCategory::Acknowledge => "Acknowledge",
            TemplateCategory::RequestInfo => "Request info",
            TemplateCategory::StatusUpdate => "Status update",
            TemplateCategory::Resolution => "Resolution",
            TemplateCategory::PartnerHandOff => "Partner hand-off",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTemplate {
    /// Stable across renames, so a playbook step can link to a template.
    pub id: String,
    pub name: String,
    pub category: TemplateCategory,
    pub subject: String,
    pub body: String,
}

/// The team's template library, stored as one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateLibrary {
    pub templates: Vec<EmailTemplate>,
}

impl Default for TemplateLibrary {
    fn default() -> Self {
        TemplateLibrary {
            templates: starter_templates(),
        }
    }
}

/// Every placeholder a template may use, with what it stands for (shown beside the editor).
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("case.key", "The case key, e.g. ESC-1042"),
    ("case.title", "The case title"),
    ("case.status", "The case status"),
    ("case.priority", "P1 to P4"),
    ("case.product_area", "The product area"),
    ("user.first_name", "The first contact's first name"),
    ("user.name", "The first contact's full name"),
    ("user.email", "The first contact's email"),
    ("account.name", "The account's name"),
    ("account.id", "The platform's account id"),
    ("owner.name", "The case owner"),
    ("me.name", "You, the person sending"),
    (
        "sla.next_update_due",
        "When the next update is due, in your time zone",
    ),
    ("sla.resolution_due", "When resolution is due"),
    ("partner.team", "The partner team of a hand-off"),
    ("partner.question", "What the partner team is asked"),
];

/// A 1-based line and column (in characters), as an editor shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Which part of a template a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Subject,
    Body,
}

impl Part {
    fn label(self) -> &'static str {
        match self {
            Part::Subject => "subject",
            Part::Body => "body",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{}, {at}: '{{{{' is never closed with '}}}}'", part.label())]
    Unclosed { part: Part, at: Position },
    #[error("{}, {at}: '}}}}' has no '{{{{' before it", part.label())]
    UnopenedClose { part: Part, at: Position },
    #[error("{}, {at}: '{{{{' inside another placeholder", part.label())]
    Nested { part: Part, at: Position },
    #[error("{}, {at}: empty placeholder '{{{{}}}}'", part.label())]
    EmptyName { part: Part, at: Position },
    #[error("{}, {at}: unknown placeholder '{{{{{name}}}}}'", part.label())]
    Unknown {
        part: Part,
        at: Position,
        name: String,
    },
    /// Known, but this case has nothing to put there: sending would leave a blank.
    #[error("{}, {at}: '{{{{{name}}}}}' has no value for this case", part.label())]
    NoValue {
        part: Part,
        at: Position,
        name: String,
    },
    #[error("a template needs a name")]
    NoName,
    #[error("another template is already called '{0}'")]
    DuplicateName(String),
    #[error("'{0}' has an empty body")]
    EmptyBody(String),
}

/// A piece of template text: literal text, or a placeholder and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    Placeholder { name: &'a str, at: Position },
}

/// Splits `text` into text and `{{name}}` placeholders. A single `{` or `}` is plain text;
/// a `{{` must be closed by `}}` before the next `{{`, and a `}}` must close something.
pub fn parse(text: &str, part: Part) -> Result<Vec<Segment<'_>>, TemplateError> {
    // Every index below is at an ASCII brace or the end, so each `get` is on a char boundary.
    let piece = |from: usize, to: usize| text.get(from..to).unwrap_or_default();
    let find_from = |from: usize, needle: &str| {
        text.get(from..)
            .and_then(|rest| rest.find(needle))
            .map(|c| c + from)
    };
    let mut segments = Vec::new();
    let mut rest_start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while let Some(pair) = bytes.get(i..i + 2) {
        if pair == b"{{" {
            let open = i;
            let inner_start = i + 2;
            let close = find_from(inner_start, "}}");
            let reopen = find_from(inner_start, "{{");
            match (close, reopen) {
                (None, _) => {
                    return Err(TemplateError::Unclosed {
                        part,
                        at: position(text, open),
                    });
                }
                (Some(c), Some(r)) if r < c => {
                    return Err(TemplateError::Nested {
                        part,
                        at: position(text, r),
                    });
                }
                (Some(c), _) => {
                    if rest_start < open {
                        segments.push(Segment::Text(piece(rest_start, open)));
                    }
                    let name = piece(inner_start, c).trim();
                    if name.is_empty() {
                        return Err(TemplateError::EmptyName {
                            part,
                            at: position(text, open),
                        });
                    }
                    segments.push(Segment::Placeholder {
                        name,
                        at: position(text, open),
                    });
                    i = c + 2;
                    rest_start = i;
                }
            }
        } else if pair == b"}}" {
            return Err(TemplateError::UnopenedClose {
                part,
                at: position(text, i),
            });
        } else {
            i += 1;
        }
    }
    if rest_start < text.len() {
        segments.push(Segment::Text(piece(rest_start, text.len())));
    }
    Ok(segments)
}

fn position(text: &str, byte: usize) -> Position {
    let before = text.get(..byte).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    Position {
        line,
        column: before.get(line_start..).unwrap_or_default().chars().count() + 1,
    }
}

fn is_known(name: &str) -> bool {
    PLACEHOLDERS.iter().any(|(known, _)| *known == name)
}

/// The structural problems of one text: unbalanced braces, then every unknown placeholder.
fn check_text(text: &str, part: Part) -> Vec<TemplateError> {
    match parse(text, part) {
        Err(e) => vec![e],
        Ok(segments) => segments
            .into_iter()
            .filter_map(|s| match s {
                Segment::Placeholder { name, at } if !is_known(name) => {
                    Some(TemplateError::Unknown {
                        part,
                        at,
                        name: name.to_string(),
                    })
                }
                _ => None,
            })
            .collect(),
    }
}

impl EmailTemplate {
    /// Problems that make the template unsavable, whatever case it is used on.
    pub fn check(&self) -> Vec<TemplateError> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(TemplateError::NoName);
        }
        if self.body.trim().is_empty() {
            problems.push(TemplateError::EmptyBody(self.name.trim().to_string()));
        }
        problems.extend(check_text(&self.subject, Part::Subject));
        problems.extend(check_text(&self.body, Part::Body));
        problems
    }

    /// The subject and body for one case, and every reason it cannot be sent as is. A value
    /// the case lacks leaves its `{{placeholder}}` in the text, so the specialist can see
    /// the gap and fill it by hand; the composer refuses to send until none is left.
    pub fn render(&self, values: &TemplateValues) -> (RenderedEmail, Vec<TemplateError>) {
        let (subject, mut problems) = render_text(&self.subject, Part::Subject, values);
        let (body, body_problems) = render_text(&self.body, Part::Body, values);
        problems.extend(body_problems);
        (RenderedEmail { subject, body }, problems)
    }
}

impl TemplateLibrary {
    /// Every reason the library cannot be saved, by template.
    pub fn validate(&self) -> Result<(), Vec<(String, TemplateError)>> {
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for t in &self.templates {
            let label = if t.name.trim().is_empty() {
                "(unnamed)".to_string()
            } else {
                t.name.trim().to_string()
            };
            if !seen.insert(t.name.trim().to_lowercase()) {
                problems.push((label.clone(), TemplateError::DuplicateName(label.clone())));
            }
            problems.extend(t.check().into_iter().map(|e| (label.clone(), e)));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, id: &str) -> Option<&EmailTemplate> {
        self.templates.iter().find(|t| t.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub body: String,
}

/// The value of each placeholder for one case. A missing or blank value is an error at
/// render time, never an empty string in the user's inbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateValues(BTreeMap<&'static str, String>);

/// What the case alone does not know: formatted deadlines (in the viewer's zone), who is
/// sending, and the hand-off being written, if any.
#[derive(Debug, Clone, Default)]
pub struct ExtraValues {
    pub me: String,
    pub next_update_due: Option<String>,
    pub resolution_due: Option<String>,
    pub partner_team: Option<String>,
    pub partner_question: Option<String>,
}

impl TemplateValues {
    pub fn for_case(case: &Case, extra: &ExtraValues) -> TemplateValues {
        let contact = case.contacts.first();
        let full_name = contact.map(|c| c.name.trim().to_string());
        let first_name = full_name
            .as_deref()
            .and_then(|n| n.split_whitespace().next())
            .map(str::to_string);
        let pairs: [(&'static str, Option<String>); 16] = [
            ("case.key", Some(case.key.to_string())),
            ("case.title", Some(case.title.clone())),
            ("case.status", Some(case.status.label().to_string())),
            ("case.priority", Some(case.priority.code().to_string())),
            ("case.product_area", Some(case.product_area.clone())),
            ("user.first_name", first_name),
            ("user.name", full_name),
            ("user.email", contact.map(|c| c.email.clone())),
            ("account.name", Some(case.account.name.clone())),
            ("account.id", Some(case.account.account_id.clone())),
            ("owner.name", Some(case.owner.clone())),
            ("me.name", Some(extra.me.clone())),
            ("sla.next_update_due", extra.next_update_due.clone()),
            ("sla.resolution_due", extra.resolution_due.clone()),
            ("partner.team", extra.partner_team.clone()),
            ("partner.question", extra.partner_question.clone()),
        ];
        TemplateValues(
            pairs
                .into_iter()
                .filter_map(|(k, v)| Some((k, v.filter(|v| !v.trim().is_empty())?)))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

fn render_text(text: &str, part: Part, values: &TemplateValues) -> (String, Vec<TemplateError>) {
    let segments = match parse(text, part) {
        Ok(segments) => segments,
        Err(e) => return (text.to_string(), vec![e]),
    };
    let mut out = String::with_capacity(text.len());
    let mut problems = Vec::new();
    for segment in segments {
        match segment {
            Segment::Text(t) => out.push_str(t),
            Segment::Placeholder { name, at } => match values.get(name) {
                Some(value) if is_known(name) => out.push_str(value),
                _ => {
                    out.push_str(&format!("{{{{{name}}}}}"));
                    problems.push(if is_known(name) {
                        TemplateError::NoValue {
                            part,
                            at,
                            name: name.to_string(),
                        }
                    } else {
                        TemplateError::Unknown {
                            part,
                            at,
                            name: name.to_string(),
                        }
                    });
                }
            },
        }
    }
    (out, problems)
}

/// Checks text the specialist edited after rendering: any `{{…}}` left in it would reach
/// the user's inbox verbatim, so it is refused with its position.
pub fn leftover_placeholders(text: &str, part: Part) -> Vec<TemplateError> {
    match parse(text, part) {
        Err(e) => vec![e],
        Ok(segments) => segments
            .into_iter()
            .filter_map(|s| match s {
                Segment::Placeholder { name, at } if is_known(name) => {
                    Some(TemplateError::NoValue {
                        part,
                        at,
                        name: name.to_string(),
                    })
                }
                Segment::Placeholder { name, at } => Some(TemplateError::Unknown {
                    part,
                    at,
                    name: name.to_string(),
                }),
                Segment::Text(_) => None,
            })
            .collect(),
    }
}

fn template(
    id: &str,
    name: &str,
    category: TemplateCategory,
    subject: &str,
    body: &str,
) -> EmailTemplate {
    EmailTemplate {
        id: id.into(),
        name: name.into(),
        category,
        subject: subject.into(),
        body: body.into(),
    }
}

/// The starter set, written for payments escalations in the team's voice.
pub fn starter_templates() -> Vec<EmailTemplate> {
    use TemplateCategory::*;
    vec![
        template(
            "ack-escalation",
            "Acknowledge escalation",
            Acknowledge,
            "[{{case.key}}] We have your escalation: {{case.title}}",
            "Hi {{user.first_name}},\n\nI'm {{me.name}} from the escalations team, and I now own this case for {{account.name}}. I've read the history and I'm working on it.\n\nYou'll hear from me by {{sla.next_update_due}} at the latest, even if the news is only that we're still investigating.\n\nReference: {{case.key}}\n\nBest,\n{{me.name}}",
        ),
        template(
            "ack-payout-held",
            "Acknowledge held payout",
            Acknowledge,
            "[{{case.key}}] Your held payout: we're on it",
            "Hi {{user.first_name}},\n\nThanks for your patience. I can see the payout for {{account.name}} is held, and I've taken ownership of getting it released or explaining exactly why it can't be yet.\n\nI'll update you by {{sla.next_update_due}}.\n\nBest,\n{{me.name}}",
        ),
        template(
            "info-kyc",
            "Request verification documents",
            RequestInfo,
            "[{{case.key}}] Documents we need to continue",
            "Hi {{user.first_name}},\n\nTo move this forward, our risk team needs the following for {{account.name}} (account {{account.id}}):\n\n1. A bank statement from the last 90 days showing the business name and the payout account\n2. Proof of the business's registered address\n\nYou can reply to this email with the files attached. The clock on our side pauses until they arrive, and restarts the moment they do.\n\nBest,\n{{me.name}}",
        ),
        template(
            "info-dispute",
            "Request dispute evidence",
            RequestInfo,
            "[{{case.key}}] Evidence for the disputed payment",
            "Hi {{user.first_name}},\n\nTo respond to the card network before its deadline, please send:\n\n- the order or invoice for the disputed payment\n- proof of delivery or of the service provided\n- any messages with the cardholder about the order\n\nThe sooner we have them, the stronger the response. Reference: {{case.key}}.\n\nBest,\n{{me.name}}",
        ),
        template(
            "update-investigating",
            "Status update: still investigating",
            StatusUpdate,
            "[{{case.key}}] Update on {{case.title}}",
            "Hi {{user.first_name}},\n\nA quick update as promised: we are still investigating, and the case is currently {{case.status}}.\n\nWhat we've done since my last message:\n- \n\nWhat happens next:\n- \n\nYour next update will come by {{sla.next_update_due}}.\n\nBest,\n{{me.name}}",
        ),
        template(
            "update-partner",
            "Status update: with a partner team",
            StatusUpdate,
            "[{{case.key}}] Update: with our specialist team",
            "Hi {{user.first_name}},\n\nYour case is now with a specialist team who can act on it directly. I'm staying the owner, so I remain your one contact, and I'm chasing them for an answer.\n\nYou'll hear from me by {{sla.next_update_due}}.\n\nBest,\n{{me.name}}",
        ),
        template(
            "resolved-payout",
            "Resolution: payout released",
            Resolution,
            "[{{case.key}}] Resolved: {{case.title}}",
            "Hi {{user.first_name}},\n\nGood news: this is resolved. The held funds for {{account.name}} have been released and should reach your bank account within 1–2 business days, depending on your bank.\n\nIf anything looks wrong, reply to this email and the case reopens with me.\n\nBest,\n{{me.name}}",
        ),
        template(
            "resolved-general",
            "Resolution: summary and next steps",
            Resolution,
            "[{{case.key}}] Resolved: {{case.title}}",
            "Hi {{user.first_name}},\n\nI'm closing the loop on {{case.key}}.\n\nWhat happened:\n- \n\nWhat we changed:\n- \n\nWhat you need to do (if anything):\n- \n\nIf the problem comes back, reply to this email and it reopens with me.\n\nBest,\n{{me.name}}",
        ),
        template(
            "handoff-request",
            "Partner hand-off request",
            PartnerHandOff,
            "[{{case.key}}] {{case.priority}} escalation for {{account.name}}: need {{partner.team}}",
            "Hi {{partner.team}},\n\nI own escalation {{case.key}} ({{case.priority}}, {{case.product_area}}) for {{account.name}} (account {{account.id}}).\n\nWhat I need from you:\n{{partner.question}}\n\nI've promised the user an update by {{sla.next_update_due}}, so an answer before then would let me keep that promise.\n\nThanks,\n{{me.name}}",
        ),
    ]
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
