//! Value rules for the team's settings, SLA settings, template library and partner directory.

use super::{Checker, KEYWORD, LINE, MAX_ITEMS, MAX_MINUTES, NAME, Validate};
use crate::domain::partners::PartnerDirectory;
use crate::domain::settings::TeamSettings;
use crate::domain::sla::SlaSettings;
use crate::domain::templates::TemplateLibrary;

/// Calendars and policies a team may keep: more is a generated file, not a team's settings.
const MAX_CALENDARS: usize = 100;
const MAX_POLICIES: usize = 200;
/// Working intervals in one day: a shift every half hour is already absurd.
const MAX_INTERVALS_PER_DAY: usize = 48;
/// Holidays per calendar, as the `.ics` importer allows.
const MAX_HOLIDAYS: usize = 2_000;

impl Validate for TeamSettings {
    fn validate(&self, c: &mut Checker) {
        c.texts("product_areas", &self.product_areas, MAX_ITEMS, NAME);
        c.texts(
            "root_cause_categories",
            &self.root_cause_categories,
            MAX_ITEMS,
            NAME,
        );
    }
}

impl Validate for SlaSettings {
    fn validate(&self, c: &mut Checker) {
        c.each("calendars", &self.calendars, MAX_CALENDARS, |c, cal| {
            c.text("id", &cal.id, KEYWORD);
            c.text("name", &cal.name, NAME);
            c.text("zone", &cal.zone, KEYWORD);
            c.each("week", &cal.week, 7, |c, day| {
                if day.len() > MAX_INTERVALS_PER_DAY {
                    c.fail(
                        None,
                        format!(
                            "at most {MAX_INTERVALS_PER_DAY} intervals a day, got {}",
                            day.len()
                        ),
                    );
                }
            });
            c.each("holidays", &cal.holidays, MAX_HOLIDAYS, |c, h| {
                c.date("date", h.date);
                c.text("name", &h.name, NAME);
            });
        });
        c.each("policies", &self.policies, MAX_POLICIES, |c, p| {
            c.text("id", &p.id, KEYWORD);
            c.text("name", &p.name, NAME);
            c.text("calendar", &p.calendar, KEYWORD);
            c.field("matches", |c| {
                c.texts("product_areas", &p.matches.product_areas, MAX_ITEMS, NAME);
                let lists = [
                    ("priorities", p.matches.priorities.len()),
                    ("tiers", p.matches.tiers.len()),
                    ("channels", p.matches.channels.len()),
                ];
                for (name, len) in lists {
                    if len > MAX_ITEMS {
                        c.fail(
                            Some(name),
                            format!("at most {MAX_ITEMS} entries, got {len}"),
                        );
                    }
                }
            });
        });
        c.field("at_risk", |c| {
            c.number(
                "margin_minutes",
                i128::from(self.at_risk.margin_minutes),
                0,
                i128::from(MAX_MINUTES),
                "working minutes",
            );
            c.number(
                "share_percent",
                i128::from(self.at_risk.share_percent),
                0,
                100,
                "percent",
            );
        });
        c.each("log", &self.log, MAX_ITEMS, |c, entry| {
            c.time("at", entry.at);
            c.text("actor", &entry.actor, NAME);
            c.text("summary", &entry.summary, LINE * 10);
        });
        // The settings' own rules (zones, overlaps, targets) only once the sizes are sane: the
        // overlap check compares every interval with every other.
        if c.is_clean()
            && let Err(e) = self.validate()
        {
            c.fail(None, e.to_string());
        }
    }
}

impl Validate for TemplateLibrary {
    fn validate(&self, c: &mut Checker) {
        c.each("templates", &self.templates, MAX_ITEMS, |c, t| {
            t.validate(c)
        });
    }
}

impl Validate for PartnerDirectory {
    fn validate(&self, c: &mut Checker) {
        c.each("teams", &self.teams, MAX_ITEMS, |c, t| t.validate(c));
    }
}
