//! Tests for email templates: placeholder parsing with positions, rendering, gaps and the starter library.
#![allow(clippy::string_slice)]

use super::*;
use crate::domain::case::Contact;
use chrono::{TimeZone, Utc};

fn sample_case_for_tests() -> Case {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    let mut case = crate::domain::sample::generate(3, 1, 1001, now)
        .remove(0)
        .case;
    case.contacts = vec![Contact {
        name: "Ana Lim".into(),
        email: "ana@kopi.sg".into(),
        phone: String::new(),
    }];
    case.account.account_id = "acct_1Kopi".into();
    case
}

fn values() -> TemplateValues {
    TemplateValues::for_case(
        &sample_case_for_tests(),
        &ExtraValues {
            me: "Priya".into(),
            next_update_due: Some("Mon 30 Nov 15:00".into()),
            ..ExtraValues::default()
        },
    )
}

#[test]
fn placeholders_are_replaced() {
    let t = template(
        "x",
        "x",
        TemplateCategory::Acknowledge,
        "[{{ case.key }}] hi",
        "Hi {{user.first_name}}, update by {{sla.next_update_due}}. {{me.name}}",
    );
    let (out, problems) = t.render(&values());
    assert_eq!(problems, vec![]);
    let case = sample_case_for_tests();
    assert_eq!(out.subject, format!("[{}] hi", case.key));
    assert_eq!(out.body, "Hi Ana, update by Mon 30 Nov 15:00. Priya");
}

#[test]
fn single_braces_are_text() {
    let segments = parse("json {\"a\": 1} and } or {", Part::Body).unwrap();
    assert_eq!(segments, vec![Segment::Text("json {\"a\": 1} and } or {")]);
}

#[test]
fn unbalanced_braces_name_the_position() {
    let err = parse("Hi\n  {{user.first_name", Part::Body).unwrap_err();
    assert_eq!(
        err,
        TemplateError::Unclosed {
            part: Part::Body,
            at: Position { line: 2, column: 3 }
        }
    );
    assert_eq!(
        err.to_string(),
        "body, line 2, column 3: '{{' is never closed with '}}'"
    );
    let err = parse("Hi user.first_name}} there", Part::Subject).unwrap_err();
    assert_eq!(
        err,
        TemplateError::UnopenedClose {
            part: Part::Subject,
            at: Position {
                line: 1,
                column: 19
            }
        }
    );
    let err = parse("{{a {{b}}", Part::Body).unwrap_err();
    assert!(matches!(
        err,
        TemplateError::Nested {
            at: Position { column: 5, .. },
            ..
        }
    ));
    assert!(matches!(
        parse("x {{ }} y", Part::Body),
        Err(TemplateError::EmptyName { .. })
    ));
}

#[test]
fn columns_count_characters_not_bytes() {
    let err = parse("Grüße 🎉 {{x", Part::Body).unwrap_err();
    assert_eq!(
        err,
        TemplateError::Unclosed {
            part: Part::Body,
            at: Position { line: 1, column: 9 }
        }
    );
}

#[test]
fn unknown_and_empty_placeholders_refuse_to_render() {
    let t = template(
        "x",
        "x",
        TemplateCategory::StatusUpdate,
        "{{case.key}}",
        "Hi {{user.nickname}}, resolution by {{sla.resolution_due}}",
    );
    let (partial, errors) = t.render(&values());
    // What can be filled is; the gaps stay visible for the specialist to fill.
    assert_eq!(
        partial.body,
        "Hi {{user.nickname}}, resolution by {{sla.resolution_due}}"
    );
    assert_eq!(errors.len(), 2);
    assert_eq!(
        errors[0].to_string(),
        "body, line 1, column 4: unknown placeholder '{{user.nickname}}'"
    );
    assert_eq!(
        errors[1].to_string(),
        "body, line 1, column 37: '{{sla.resolution_due}}' has no value for this case"
    );
}

#[test]
fn a_contact_without_a_name_is_an_error_not_a_blank() {
    let mut case = sample_case_for_tests();
    case.contacts[0].name = "  ".into();
    let values = TemplateValues::for_case(&case, &ExtraValues::default());
    let t = template(
        "x",
        "x",
        TemplateCategory::Acknowledge,
        "s",
        "Hi {{user.first_name}}",
    );
    let (partial, errors) = t.render(&values);
    assert!(matches!(errors[0], TemplateError::NoValue { .. }));
    assert_eq!(partial.body, "Hi {{user.first_name}}");
}

#[test]
fn library_validation_refuses_duplicates_and_bad_braces() {
    let mut library = TemplateLibrary::default();
    assert_eq!(library.validate(), Ok(()));
    let mut copy = library.templates[0].clone();
    copy.id = "copy".into();
    copy.name = copy.name.to_uppercase();
    copy.body = "Hi {{user.first_name".into();
    library.templates.push(copy);
    let problems = library.validate().unwrap_err();
    assert!(
        problems
            .iter()
            .any(|(_, e)| matches!(e, TemplateError::DuplicateName(_)))
    );
    assert!(
        problems
            .iter()
            .any(|(_, e)| matches!(e, TemplateError::Unclosed { .. }))
    );
}

#[test]
fn every_starter_template_renders_for_a_full_case() {
    let full = TemplateValues::for_case(
        &sample_case_for_tests(),
        &ExtraValues {
            me: "Priya".into(),
            next_update_due: Some("soon".into()),
            resolution_due: Some("later".into()),
            partner_team: Some("Risk Ops".into()),
            partner_question: Some("Why is it held?".into()),
        },
    );
    let library = TemplateLibrary::default();
    for category in TemplateCategory::ALL {
        assert!(library.templates.iter().any(|t| t.category == category));
    }
    for t in &library.templates {
        let (out, problems) = t.render(&full);
        assert_eq!(problems, vec![], "{}", t.name);
        assert!(!out.body.contains("{{"), "{}", t.name);
    }
}

#[test]
fn edited_text_with_leftover_placeholders_is_caught() {
    assert!(leftover_placeholders("Hi Ana, all good", Part::Body).is_empty());
    let left = leftover_placeholders("Hi {{user.first_name}}", Part::Body);
    assert_eq!(left.len(), 1);
    assert_eq!(leftover_placeholders("Hi {{oops", Part::Body).len(), 1);
}
