//! What a version 1 bundle must satisfy beyond its shape: unique ids and keys, and every value within the ranges `domain::validate` documents.
//!
//! Runs inside `v1::read`, so no caller ever holds a bundle that has not passed it. The first
//! refusal is returned with its JSON path, the rule and the value, shortened.

use std::collections::HashMap;

use uuid::Uuid;

use super::BundleError;
use super::v1::{BundleV1, CaseV1, PlaybookV1};
use crate::domain::validate::{CaseFields, Checker, KEYWORD, LINE, NAME, Validate, case_fields};

fn invalid(path: String, reason: impl Into<String>) -> BundleError {
    BundleError::Invalid {
        path,
        reason: reason.into(),
    }
}

/// Refuses the first record of `contents.{list}` whose id repeats an earlier one's.
fn unique_ids<T, K: Eq + std::hash::Hash + std::fmt::Display>(
    list: &str,
    items: &[T],
    id: impl Fn(&T) -> K,
) -> Result<(), BundleError> {
    let mut seen = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let key = id(item);
        let shown = key.to_string();
        if let Some(first) = seen.insert(key, i) {
            return Err(invalid(
                format!("contents.{list}[{i}].id"),
                format!("duplicate id {shown}, already used by contents.{list}[{first}]"),
            ));
        }
    }
    Ok(())
}

/// Duplicates, empty titles and impossible dates: what a type cannot refuse on its own.
pub(super) fn check_rules(bundle: &BundleV1) -> Result<(), BundleError> {
    let contents = &bundle.contents;
    let mut case_ids: HashMap<Uuid, usize> = HashMap::new();
    let mut keys: HashMap<u32, usize> = HashMap::new();
    let mut event_ids: HashMap<Uuid, (usize, usize)> = HashMap::new();
    for (i, case) in contents.cases.iter().enumerate() {
        let at = |field: &str| format!("contents.cases[{i}].{field}");
        if let Some(first) = case_ids.insert(case.id, i) {
            return Err(invalid(
                at("id"),
                format!(
                    "duplicate id {}, already used by contents.cases[{first}]",
                    case.id
                ),
            ));
        }
        if let Some(first) = keys.insert(case.key.number(), i) {
            return Err(invalid(
                at("key"),
                format!(
                    "duplicate key {}, already used by contents.cases[{first}]",
                    case.key
                ),
            ));
        }
        if case.title.trim().is_empty() {
            return Err(invalid(at("title"), "a case needs a title"));
        }
        if case.revision == 0 {
            return Err(invalid(at("revision"), "revisions start at 1"));
        }
        if case.updated_at < case.created_at {
            return Err(invalid(
                at("updated_at"),
                format!(
                    "{} is before the case was created ({})",
                    case.updated_at.to_rfc3339(),
                    case.created_at.to_rfc3339()
                ),
            ));
        }
        for (j, event) in case.events.iter().enumerate() {
            if let Some((ci, ej)) = event_ids.insert(event.id, (i, j)) {
                return Err(invalid(
                    format!("contents.cases[{i}].events[{j}].id"),
                    format!(
                        "duplicate event id {}, already used by contents.cases[{ci}].events[{ej}]",
                        event.id
                    ),
                ));
            }
        }
    }
    unique_ids("playbooks", &contents.playbooks, |p| p.id)?;
    for (i, p) in contents.playbooks.iter().enumerate() {
        if p.versions.is_empty() {
            return Err(invalid(
                format!("contents.playbooks[{i}].versions"),
                "a playbook has at least one version",
            ));
        }
    }
    let mut template_ids = HashMap::new();
    for (i, t) in contents.templates.iter().enumerate() {
        if let Some(first) = template_ids.insert(t.id.as_str(), i) {
            return Err(invalid(
                format!("contents.templates[{i}].id"),
                format!(
                    "duplicate id '{}', already used by contents.templates[{first}]",
                    t.id
                ),
            ));
        }
    }
    let mut partner_names = HashMap::new();
    for (i, t) in contents.partners.iter().enumerate() {
        if let Some(first) = partner_names.insert(t.name.to_lowercase(), i) {
            return Err(invalid(
                format!("contents.partners[{i}].name"),
                format!(
                    "duplicate team '{}', already contents.partners[{first}]",
                    t.name
                ),
            ));
        }
    }
    unique_ids("problems", &contents.problems, |p| p.id)?;
    unique_ids("rcas", &contents.rcas, |r| r.id)?;
    for (i, r) in contents.rcas.iter().enumerate() {
        let problems = r.content.problems();
        if let Some(first) = problems.first() {
            return Err(invalid(
                format!("contents.rcas[{i}].content"),
                first.clone(),
            ));
        }
    }
    Ok(())
}

/// Every value against its range, in file order; the first refusal wins.
pub(super) fn check_values(bundle: &BundleV1) -> Result<(), BundleError> {
    let mut c = Checker::new("");
    c.time("exported_at", bundle.exported_at);
    c.field("exported_by", |c| {
        c.text("name", &bundle.exported_by.name, NAME);
        c.text("device", &bundle.exported_by.device, KEYWORD);
    });
    c.text("app_version", &bundle.app_version, KEYWORD);
    let contents = &bundle.contents;
    c.field("contents", |c| {
        // Cases are checked one at a time so a 50k-case file stops at its first bad case.
        c.each("cases", &contents.cases, usize::MAX, |c, case| {
            if c.is_clean() {
                check_case(c, case);
            }
        });
        c.each("playbooks", &contents.playbooks, usize::MAX, |c, p| {
            PlaybookV1::to_domain(p).validate(c);
        });
        c.each("templates", &contents.templates, usize::MAX, |c, t| {
            c.text("id", &t.id, KEYWORD);
            c.text("name", &t.name, NAME);
            c.text("subject", &t.subject, LINE);
            c.text("body", &t.body, crate::domain::validate::TEXT);
        });
        c.each("partners", &contents.partners, usize::MAX, |c, t| {
            c.required_text("name", &t.name, NAME);
            c.text("contact", &t.contact, LINE);
            c.text("channel", &t.channel, NAME);
            if let Some(minutes) = t.ola_minutes {
                c.minutes("ola_minutes", minutes);
            }
        });
        c.each("problems", &contents.problems, usize::MAX, |c, p| {
            p.validate(c)
        });
        c.each("rcas", &contents.rcas, usize::MAX, |c, r| r.validate(c));
        if let Some(settings) = &contents.settings {
            c.field("settings", |c| {
                c.field("team", |c| settings.team.validate(c));
                c.field("sla", |c| Validate::validate(&settings.sla, c));
            });
        }
    });
    match c.finish() {
        Ok(()) => Ok(()),
        Err(found) => {
            let first = found.into_iter().next();
            Err(first.map_or_else(
                || invalid(String::new(), "the file could not be checked"),
                |v| invalid(v.path, v.reason),
            ))
        }
    }
}

fn check_case(c: &mut Checker, case: &CaseV1) {
    case_fields(
        c,
        &CaseFields {
            key: &case.key,
            revision: case.revision,
            title: &case.title,
            owner: &case.owner,
            account_name: &case.account.name,
            account_id: &case.account.account_id,
            contacts: case
                .contacts
                .iter()
                .map(|k| (k.name.as_str(), k.email.as_str(), k.phone.as_str()))
                .collect(),
            product_area: &case.product_area,
            tags: &case.tags,
            watchers: &case.watchers,
            scoping: &case.scoping,
            resolution: case.resolution.as_deref(),
            created_at: case.created_at,
            updated_at: case.updated_at,
        },
    );
    c.each(
        "events",
        &case.events,
        crate::domain::validate::MAX_EVENTS,
        |c, e| {
            c.time("at", e.at);
            c.text("actor", &e.actor, NAME);
            c.field("kind", |c| crate::domain::validate::event_kind(c, &e.kind));
        },
    );
}

/// References a bundle makes to records it does not carry: a case's problem, a worksheet's
/// cases and problem. Not refused (a case export need not carry every worksheet's cases, and
/// the record may already be on the device), but named in the preview, by JSON path, so a
/// missing link is never a surprise.
pub fn unresolved_references(bundle: &BundleV1) -> Vec<(String, Uuid)> {
    let contents = &bundle.contents;
    let cases: std::collections::HashSet<Uuid> = contents.cases.iter().map(|c| c.id).collect();
    let problems: std::collections::HashSet<Uuid> =
        contents.problems.iter().map(|p| p.id).collect();
    let mut found = Vec::new();
    for (i, case) in contents.cases.iter().enumerate() {
        if let Some(problem) = case.problem_id
            && !problems.contains(&problem)
        {
            found.push((format!("contents.cases[{i}].problem_id"), problem));
        }
    }
    for (i, rca) in contents.rcas.iter().enumerate() {
        for (j, id) in rca.content.case_ids.iter().enumerate() {
            if !cases.contains(id) {
                found.push((format!("contents.rcas[{i}].content.case_ids[{j}]"), *id));
            }
        }
        if let Some(problem) = rca.content.problem_id
            && !problems.contains(&problem)
        {
            found.push((format!("contents.rcas[{i}].content.problem_id"), problem));
        }
    }
    found
}
