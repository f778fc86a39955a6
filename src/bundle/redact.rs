//! Redaction for export: replaces people's names, account names and ids, email addresses, phone numbers and card-like numbers with stable pseudonyms, and counts what it replaced.
//!
//! Pseudonyms are stable within one bundle: the same address becomes the same `person3@example.invalid`
//! everywhere, so a redacted bundle still reads as one story. Every string in the contents is
//! scanned, so a field added later is covered without a change here; only identifiers, times and
//! enumerations (which cannot hold personal data) are skipped.

use std::collections::HashMap;

use super::BundleError;
use super::v1::{BundleV1, RedactionReport};

/// Keys whose values are ids, times or fixed vocabularies.
const SKIPPED_KEYS: [&str; 34] = [
    "id",
    "case_id",
    "key",
    "at",
    "created_at",
    "updated_at",
    "since",
    "by",
    "due",
    "cycle",
    "type",
    "status",
    "priority",
    "impact",
    "urgency",
    "channel",
    "tier",
    "category",
    "outcome",
    "run",
    "playbook",
    "handoff",
    "problem_id",
    "case_ids",
    "event_id",
    "content_hash",
    "currency",
    "date",
    "started_at",
    "ended_at",
    "detected_at",
    "zone",
    "decision",
    // A file's fingerprint: a digit run in it is not a card number, and changing it loses the file.
    "sha256",
];

#[derive(Default)]
struct Pseudonyms {
    /// Lower-cased known name → pseudonym, longest first when applied.
    names: Vec<(String, String)>,
    emails: HashMap<String, String>,
    phones: HashMap<String, String>,
    cards: HashMap<String, String>,
    report: RedactionReport,
}

/// Replaces personal data throughout `bundle` and records what was replaced in it. If the
/// redacted text no longer fits a typed field (a pattern matched inside one), the error names the
/// field and the caller must not export the bundle: never a stopped app, never a leak by falling back.
pub fn redact(bundle: &mut BundleV1) -> Result<RedactionReport, BundleError> {
    // A worksheet is free text about named people and accounts from end to end; no pattern
    // can vouch for it, so a redacted bundle carries none.
    bundle.contents.rcas.clear();
    let mut p = Pseudonyms::default();
    let mut people: Vec<String> = Vec::new();
    let mut accounts: Vec<(String, String)> = Vec::new();
    let mut add_person = |name: &str| {
        if name.chars().count() >= 3 && !people.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            people.push(name.to_string());
        }
    };
    for case in &bundle.contents.cases {
        for contact in &case.contacts {
            add_person(contact.name.trim());
            // Intake often has only the address; `wei.ling@…` still names Wei Ling in the notes.
            if let Some(name) = name_in_address(&contact.email) {
                add_person(&name);
            }
        }
        let account = case.account.name.trim();
        if account.chars().count() >= 3
            && !accounts
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(account))
        {
            accounts.push((
                account.to_string(),
                case.account.account_id.trim().to_string(),
            ));
        }
    }
    for (i, name) in people.iter().enumerate() {
        let pseudonym = format!("Person {}", i + 1);
        p.names.push((name.to_lowercase(), pseudonym.clone()));
        // "Hi Maya," in a sent email names the contact too.
        if let Some(first) = name.split_whitespace().next()
            && first.chars().count() >= 3
            && first.len() < name.len()
        {
            p.names.push((first.to_lowercase(), pseudonym));
        }
    }
    for (i, (name, account_id)) in accounts.iter().enumerate() {
        p.names
            .push((name.to_lowercase(), format!("Account {}", i + 1)));
        // "Harbour Freight Pte Ltd" is "Harbour Freight" in every note about it.
        if let Some(short) = without_legal_suffix(name) {
            p.names
                .push((short.to_lowercase(), format!("Account {}", i + 1)));
        }
        if account_id.chars().count() >= 4 {
            p.names.push((
                account_id.to_lowercase(),
                format!("acct_redacted_{}", i + 1),
            ));
        }
    }
    p.names.sort_by_key(|n| std::cmp::Reverse(n.0.len()));
    p.report.names = people.len();
    p.report.accounts = accounts.len();

    let mut contents =
        serde_json::to_value(&bundle.contents).map_err(|e| BundleError::Invalid {
            path: "contents".into(),
            reason: format!("could not be prepared for redaction: {e}"),
        })?;
    walk(&mut contents, &mut p);
    let text = contents.to_string();
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    bundle.contents = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        BundleError::Invalid {
            path: format!("contents.{}", e.path()),
            reason: "redaction changed a value that is not free text; export without redaction, or tell us".into(),
        }
    })?;
    bundle.redaction = Some(p.report.clone());
    Ok(p.report)
}

/// "wei.ling@…" → "wei ling": two or more alphabetic parts of at least two letters each.
/// One part alone ("ops@…", "maya@…") is too often a team or a common word to replace everywhere.
fn name_in_address(email: &str) -> Option<String> {
    let local = email.split('@').next()?;
    let parts: Vec<&str> = local.split(['.', '_', '-']).collect();
    let looks_like_a_name = parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.chars().count() >= 2 && p.chars().all(char::is_alphabetic));
    looks_like_a_name.then(|| parts.join(" "))
}

/// Legal-form words that notes usually leave off a company's name.
const LEGAL_SUFFIXES: [&str; 14] = [
    "pte", "ltd", "limited", "inc", "llc", "gmbh", "co", "corp", "plc", "sdn", "bhd", "pty", "bv",
    "sa",
];

/// The name without trailing legal-form words, when what is left is still distinctive.
fn without_legal_suffix(name: &str) -> Option<String> {
    let mut words: Vec<&str> = name.split_whitespace().collect();
    let before = words.len();
    let is_suffix =
        |w: &str| LEGAL_SUFFIXES.contains(&w.trim_end_matches('.').to_lowercase().as_str());
    while words.len() > 1 && words.last().is_some_and(|w| is_suffix(w)) {
        words.pop();
    }
    let short = words.join(" ");
    (words.len() < before && short.chars().count() >= 6).then_some(short)
}

fn walk(value: &mut serde_json::Value, p: &mut Pseudonyms) {
    match value {
        // An id that happens to hold a card-like run of digits is still an id.
        serde_json::Value::String(text) if uuid::Uuid::try_parse(text).is_ok() => {}
        serde_json::Value::String(text) => {
            let redacted = redact_text(text, p);
            if redacted != *text {
                *text = redacted;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| walk(v, p)),
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if !SKIPPED_KEYS.contains(&key.as_str()) {
                    walk(v, p);
                }
            }
        }
        _ => {}
    }
}

fn redact_text(text: &str, p: &mut Pseudonyms) -> String {
    let text = replace_digit_runs(text, p);
    let text = replace_emails(&text, p);
    replace_names(&text, p)
}

/// Card-like numbers (13–19 digits, Luhn-valid, spaces or dashes allowed) and phone numbers
/// (8–15 digits written like one: a leading `+`, a bracket or a space), in one scan.
fn replace_digit_runs(text: &str, p: &mut Pseudonyms) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(c) = at(i) {
        let after_word = i.checked_sub(1).and_then(at).is_some_and(is_word);
        let starts = (c.is_ascii_digit() || c == '+' || c == '(') && !after_word;
        if !starts {
            out.push(c);
            i += 1;
            continue;
        }
        let mut end = i;
        while at(end).is_some_and(|c| matches!(c, '0'..='9' | ' ' | '-' | '(' | ')' | '+' | '.')) {
            end += 1;
        }
        while end > i && !at(end - 1).is_some_and(|c| c.is_ascii_digit()) {
            end -= 1;
        }
        // A run glued to letters is part of a word or id (`po_123…`), not a number on its own.
        let glued = at(end).is_some_and(is_word);
        let run: String = chars.get(i..end).unwrap_or_default().iter().collect();
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        let replacement = if glued || run.is_empty() {
            None
        } else if (13..=19).contains(&digits.len())
            && run
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
            && luhn_valid(&digits)
        {
            let n = p.cards.len() + 1;
            let pseudonym = p
                .cards
                .entry(digits)
                .or_insert_with(|| format!("[card {n}]"))
                .clone();
            p.report.cards = p.cards.len();
            Some(pseudonym)
        } else if (8..=15).contains(&digits.len())
            && (run.starts_with('+') || run.contains('(') || run.contains(' '))
            && !looks_like_a_date(&run)
        {
            let n = p.phones.len() + 1;
            let pseudonym = p
                .phones
                .entry(digits)
                .or_insert_with(|| format!("+00 0000 {n:04}"))
                .clone();
            p.report.phones = p.phones.len();
            Some(pseudonym)
        } else {
            None
        };
        match replacement {
            Some(pseudonym) => {
                out.push_str(&pseudonym);
                i = end;
            }
            None => {
                // Not a number worth replacing: copy the run through as it was.
                let stop = end.max(i + 1);
                out.extend(chars.get(i..stop).unwrap_or_default());
                i = stop;
            }
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn looks_like_a_date(run: &str) -> bool {
    let b = run.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    b.len() >= 10
        && digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
}

/// The Luhn checksum every payment card number satisfies.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.bytes().rev().enumerate() {
        let Some(mut v) = char::from(d).to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum = sum.wrapping_add(v);
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

fn replace_emails(text: &str, p: &mut Pseudonyms) -> String {
    if !text.contains('@') {
        return text.to_string();
    }
    let local_char = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let span = |from: usize, to: usize| chars.get(from..to).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(c) = at(i) {
        if c != '@' {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > copied && at(start - 1).is_some_and(local_char) {
            start -= 1;
        }
        let mut end = i + 1;
        while at(end).is_some_and(domain_char) {
            end += 1;
        }
        while end > i + 1 && at(end - 1) == Some('.') {
            end -= 1;
        }
        let domain: String = span(i + 1, end).iter().collect();
        let labels_ok = domain.contains('.') && domain.split('.').all(|l| !l.is_empty());
        if start == i || !labels_ok {
            i += 1;
            continue;
        }
        let address: String = span(start, end).iter().collect::<String>().to_lowercase();
        let n = p.emails.len() + 1;
        let pseudonym = p
            .emails
            .entry(address)
            .or_insert_with(|| format!("person{n}@example.invalid"))
            .clone();
        p.report.emails = p.emails.len();
        out.extend(span(copied, start));
        out.push_str(&pseudonym);
        copied = end;
        i = end;
    }
    out.extend(span(copied, chars.len()));
    out
}

/// Known names, whole words only and ignoring case, longest first so "Maya Tan" wins over "Maya".
fn replace_names(text: &str, p: &Pseudonyms) -> String {
    if p.names.is_empty() {
        return text.to_string();
    }
    let mut current = text.to_string();
    for (name, pseudonym) in &p.names {
        let lower = current.to_lowercase();
        // Lower-casing can change byte lengths outside ASCII; only then fall back to leaving it.
        if lower.len() != current.len() || !lower.contains(name.as_str()) {
            continue;
        }
        let mut out = String::with_capacity(current.len());
        let mut copied = 0;
        // `match_indices` yields char boundaries of `lower`, which has `current`'s byte layout
        // (checked above), so `get` finds each piece; a miss would only leave the text as is.
        for (start, found) in lower.match_indices(name.as_str()) {
            let end = start + found.len();
            let before_ok = current
                .get(..start)
                .and_then(|s| s.chars().next_back())
                .is_none_or(|c| !c.is_alphanumeric());
            let after_ok = current
                .get(end..)
                .and_then(|s| s.chars().next())
                .is_none_or(|c| !c.is_alphanumeric());
            if before_ok
                && after_ok
                && let Some(kept) = current.get(copied..start)
            {
                out.push_str(kept);
                out.push_str(pseudonym);
                copied = end;
            }
        }
        out.push_str(current.get(copied..).unwrap_or_default());
        current = out;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(input: &str, names: &[(&str, &str)]) -> (String, RedactionReport) {
        let mut p = Pseudonyms {
            names: names
                .iter()
                .map(|(n, s)| (n.to_lowercase(), s.to_string()))
                .collect(),
            ..Pseudonyms::default()
        };
        let out = redact_text(input, &mut p);
        (out, p.report)
    }

    #[test]
    fn luhn_matches_known_card_numbers() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid("5555555555554444"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4242424242424241"));
    }

    #[test]
    fn cards_phones_and_emails_get_stable_pseudonyms() {
        let (out, report) = text(
            "Card 4242 4242 4242 4242 failed; again 4242-4242-4242-4242. Call +65 6123 4567 or \
             (415) 555-0132, mail Maya.Tan@acme.sg and maya.tan@acme.sg.",
            &[],
        );
        assert_eq!(
            out,
            "Card [card 1] failed; again [card 1]. Call +00 0000 0001 or +00 0000 0002, mail \
             person1@example.invalid and person1@example.invalid."
        );
        assert_eq!((report.cards, report.phones, report.emails), (1, 2, 1));
    }

    #[test]
    fn numbers_that_are_not_personal_stay() {
        let kept = [
            "Payout po_1234567890123456 held",
            "Refund of 1,250,000 JPY",
            "Since 2026-11-24 09:30 UTC",
            "Order 4242424242424241 (not a card: Luhn fails)",
            "Ticket RISK-8812",
            "Call at 09:30",
            "someone@localhost is not an address we replace",
        ];
        for line in kept {
            assert_eq!(text(line, &[]).0, line);
        }
    }

    #[test]
    fn names_come_from_addresses_and_companies_lose_their_legal_form() {
        assert_eq!(
            name_in_address("wei.ling@harbour.example").as_deref(),
            Some("wei ling")
        );
        assert_eq!(name_in_address("ops@kopi.example"), None);
        assert_eq!(name_in_address("payouts-team2@x.example"), None);
        assert_eq!(
            without_legal_suffix("Harbour Freight Pte. Ltd.").as_deref(),
            Some("Harbour Freight")
        );
        assert_eq!(without_legal_suffix("Kopi Collective"), None);
        assert_eq!(
            without_legal_suffix("Acme Inc"),
            None,
            "too short to be safe on its own"
        );
    }

    #[test]
    fn names_are_whole_words_ignoring_case() {
        let names = [
            ("maya tan", "Person 1"),
            ("maya", "Person 1"),
            ("acme", "Account 1"),
        ];
        let (out, _) = text(
            "Hi Maya, MAYA TAN at Acme asked; Mayan ruins and acmeco stay.",
            &names,
        );
        assert_eq!(
            out,
            "Hi Person 1, Person 1 at Account 1 asked; Mayan ruins and acmeco stay."
        );
    }
}
