//! Value rules for problems, RCA worksheets, playbooks, email templates and partner teams.

use super::{Checker, KEYWORD, LINE, MAX_ITEMS, MAX_KEY_NUMBER, MAX_USERS, NAME, TEXT, Validate};
use crate::domain::partners::PartnerTeam;
use crate::domain::playbooks::{Playbook, PlaybookVersion};
use crate::domain::problem::Problem;
use crate::domain::rca::{Claim, Rca, RcaContent};
use crate::domain::templates::EmailTemplate;

/// Versions one playbook may keep.
const MAX_VERSIONS: usize = 10_000;

impl Validate for Problem {
    fn validate(&self, c: &mut Checker) {
        c.key_number("key", self.key.0);
        c.revision("revision", self.revision);
        c.required_text("title", &self.title, LINE);
        c.text("description", &self.description, TEXT);
        if let Some(resolution) = &self.resolution {
            c.text("resolution", resolution, TEXT);
        }
        c.text("created_by", &self.created_by, NAME);
        c.time("created_at", self.created_at);
        c.time("updated_at", self.updated_at);
    }
}

impl Validate for Rca {
    fn validate(&self, c: &mut Checker) {
        c.key_number("key", self.key.0);
        c.revision("revision", self.revision);
        c.field("content", |c| content(c, &self.content));
        c.each("signoffs", &self.signoffs, MAX_ITEMS, |c, s| {
            c.text("team", &s.team, NAME);
            c.text("validator", &s.validator, NAME);
            c.text("comments", &s.comments, TEXT);
            c.time("at", s.at);
            c.sha256_hex("content_hash", &s.content_hash);
        });
        c.each("status_log", &self.status_log, MAX_ITEMS * 10, |c, s| {
            c.time("at", s.at);
            c.text("actor", &s.actor, NAME);
        });
        c.text("created_by", &self.created_by, NAME);
        c.time("created_at", self.created_at);
        c.time("updated_at", self.updated_at);
    }
}

fn content(c: &mut Checker, r: &RcaContent) {
    c.text("title", &r.title, LINE);
    c.text("owner", &r.owner, NAME);
    c.texts("authors", &r.authors, MAX_ITEMS, NAME);
    if r.case_ids.len() > MAX_ITEMS * 10 {
        c.fail(
            Some("case_ids"),
            format!(
                "at most {} entries, got {}",
                MAX_ITEMS * 10,
                r.case_ids.len()
            ),
        );
    }
    c.texts("partner_teams", &r.partner_teams, MAX_ITEMS, NAME);
    c.text("summary", &r.summary, TEXT);
    if let Some(users) = r.users_affected {
        c.number(
            "users_affected",
            i128::from(users),
            0,
            i128::from(MAX_USERS),
            "users",
        );
    }
    if let Some(money) = &r.money_affected {
        c.money("money_affected", money);
    }
    c.texts("products", &r.products, MAX_ITEMS, NAME);
    c.maybe_time("started_at", r.started_at);
    c.maybe_time("ended_at", r.ended_at);
    c.text("detection", &r.detection, TEXT);
    c.maybe_time("detected_at", r.detected_at);
    c.each("timeline", &r.timeline, MAX_ITEMS, |c, t| {
        c.time("at", t.at);
        c.text("text", &t.text, TEXT);
        c.text("knew_then", &t.knew_then, TEXT);
    });
    c.each("evidence", &r.evidence, MAX_ITEMS, |c, e| {
        c.number(
            "number",
            i128::from(e.number),
            1,
            i128::from(MAX_KEY_NUMBER),
            "(an evidence number)",
        );
        c.text("title", &e.title, LINE);
        c.text("detail", &e.detail, TEXT);
    });
    c.each("whys", &r.whys, MAX_ITEMS, claim);
    c.field("fishbone", |c| {
        let f = &r.fishbone;
        c.text("people", &f.people, TEXT);
        c.text("process", &f.process, TEXT);
        c.text("product", &f.product, TEXT);
        c.text("partner", &f.partner, TEXT);
        c.text("data", &f.data, TEXT);
        c.text("communication", &f.communication, TEXT);
    });
    c.each("factors", &r.factors, MAX_ITEMS, claim);
    c.text("category", &r.category, NAME);
    c.text("went_well", &r.went_well, TEXT);
    c.text("went_wrong", &r.went_wrong, TEXT);
    c.text("got_lucky", &r.got_lucky, TEXT);
    c.each("actions", &r.actions, MAX_ITEMS, |c, a| {
        c.text("title", &a.title, LINE);
        c.text("owner", &a.owner, NAME);
        c.text("team", &a.team, NAME);
        c.maybe_date("due", a.due);
        c.text("ticket", &a.ticket, NAME);
        c.field("verification", |c| {
            let v = &a.verification;
            c.text("method", &v.method, TEXT);
            c.text("verifier", &v.verifier, NAME);
            c.maybe_date("date", v.date);
            c.text("result", &v.result, TEXT);
        });
    });
}

fn claim(c: &mut Checker, claim: &Claim) {
    c.text("text", &claim.text, TEXT);
    if claim.evidence.len() > MAX_ITEMS {
        c.fail(
            Some("evidence"),
            format!("at most {MAX_ITEMS} entries, got {}", claim.evidence.len()),
        );
    }
}

impl Validate for Playbook {
    fn validate(&self, c: &mut Checker) {
        c.revision("revision", self.revision);
        if self.versions.is_empty() {
            c.fail(
                Some("versions"),
                "a playbook has at least one version".into(),
            );
        }
        c.each("versions", &self.versions, MAX_VERSIONS, version);
    }
}

fn version(c: &mut Checker, v: &PlaybookVersion) {
    c.number(
        "number",
        i128::from(v.number),
        1,
        i128::from(MAX_KEY_NUMBER),
        "(a version number)",
    );
    c.text("author", &v.author, NAME);
    c.time("at", v.at);
    c.text("note", &v.note, TEXT);
    c.field("content", |c| {
        let content = &v.content;
        c.text("title", &content.title, LINE);
        c.text("description", &content.description, TEXT);
        c.field("triggers", |c| {
            c.texts(
                "product_areas",
                &content.triggers.product_areas,
                MAX_ITEMS,
                NAME,
            );
            c.texts("tags", &content.triggers.tags, MAX_ITEMS, NAME);
            if content.triggers.priorities.len() > MAX_ITEMS {
                c.fail(Some("priorities"), format!("at most {MAX_ITEMS} entries"));
            }
        });
        c.each("steps", &content.steps, MAX_ITEMS, |c, step| {
            c.text("id", &step.id, KEYWORD);
            c.text("title", &step.title, LINE);
            c.text("instructions", &step.instructions, TEXT);
            if let Some(template) = &step.template {
                c.text("template", template, KEYWORD);
            }
        });
    });
}

impl Validate for EmailTemplate {
    fn validate(&self, c: &mut Checker) {
        c.text("id", &self.id, KEYWORD);
        c.text("name", &self.name, NAME);
        c.text("subject", &self.subject, LINE);
        c.text("body", &self.body, TEXT);
    }
}

impl Validate for PartnerTeam {
    fn validate(&self, c: &mut Checker) {
        c.required_text("name", &self.name, NAME);
        c.text("contact", &self.contact, LINE);
        c.text("channel", &self.channel, NAME);
        if let Some(minutes) = self.ola_minutes {
            c.minutes("ola_minutes", minutes);
        }
    }
}
