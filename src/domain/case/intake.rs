//! Intake and contact validation: what a new case needs, and how emails, phones and tags are checked and normalised.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::Contact;
use crate::domain::DomainError;
use crate::domain::case::Severity;

/// Longest title we accept; long enough for any real summary, short enough for a queue row.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest account name we accept.
pub const MAX_ACCOUNT_CHARS: usize = 120;

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

pub(super) fn validate_title(raw: &str) -> Result<String, FieldError> {
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

/// Tags are folded to lower case, trimmed, de-duplicated and sorted, so "Payroll" and "payroll " are one tag.
pub fn normalise_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = tags
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A phone number a dialer can use: digits with optional +, spaces, dashes, dots and brackets,
/// and 7 to 15 digits (the E.164 maximum).
pub fn check_phone(phone: &str) -> Result<(), String> {
    let phone = phone.trim();
    if let Some(bad) = phone
        .chars()
        .find(|c| !(c.is_ascii_digit() || " +-.()".contains(*c)))
    {
        return Err(format!("'{bad}' does not belong in a phone number"));
    }
    if phone.chars().skip(1).any(|c| c == '+') {
        return Err("a + may only start the number".into());
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return Err(format!("{digits} digits; a phone number has 7 to 15"));
    }
    Ok(())
}

pub(super) fn validate_contacts(contacts: Vec<Contact>) -> Result<Vec<Contact>, DomainError> {
    let mut valid = Vec::new();
    for contact in contacts {
        let contact = Contact {
            name: contact.name.trim().to_string(),
            email: contact.email.trim().to_string(),
            phone: contact.phone.trim().to_string(),
        };
        if contact.name.is_empty() && contact.email.is_empty() && contact.phone.is_empty() {
            continue;
        }
        check_email(&contact.email).map_err(|message| {
            DomainError::Invalid(FieldError {
                field: "Contact email",
                message,
            })
        })?;
        if !contact.phone.is_empty() {
            check_phone(&contact.phone).map_err(|message| {
                DomainError::Invalid(FieldError {
                    field: "Contact phone",
                    message,
                })
            })?;
        }
        valid.push(contact);
    }
    if valid.is_empty() {
        return Err(DomainError::Invalid(FieldError {
            field: "Contact email",
            message: "a case needs at least one contact".into(),
        }));
    }
    Ok(valid)
}

pub(super) fn contact_line(contact: &Contact) -> String {
    [
        contact.name.as_str(),
        contact.email.as_str(),
        contact.phone.as_str(),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}
