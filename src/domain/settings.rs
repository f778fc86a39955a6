//! Team settings: the priority matrix, the product areas and the scoping a case needs to count as triaged.

use serde::{Deserialize, Serialize};

use super::case::DEFAULT_PRODUCT_AREAS;
use super::priority::PriorityMatrix;
use super::triage::ScopingRequirements;

/// Settings the whole team shares; they travel with backups, unlike per-browser preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamSettings {
    pub matrix: PriorityMatrix,
    pub product_areas: Vec<String>,
    pub scoping: ScopingRequirements,
    /// The root-cause taxonomy RCA worksheets pick from, and analytics count by.
    pub root_cause_categories: Vec<String>,
}

impl Default for TeamSettings {
    fn default() -> Self {
        TeamSettings {
            matrix: PriorityMatrix::default(),
            product_areas: DEFAULT_PRODUCT_AREAS
                .iter()
                .map(|a| a.to_string())
                .collect(),
            scoping: ScopingRequirements::default(),
            root_cause_categories: super::rca::DEFAULT_ROOT_CAUSE_CATEGORIES
                .iter()
                .map(|c| c.to_string())
                .collect(),
        }
    }
}

impl TeamSettings {
    /// Parses the product-area editor's text: one area per line. Blank lines and repeats are dropped;
    /// an empty list is refused because every case needs an area.
    pub fn parse_product_areas(text: &str) -> Result<Vec<String>, String> {
        parse_list(text, "product area")
    }

    /// Parses the root-cause taxonomy editor's text, with the product-area rules.
    pub fn parse_root_cause_categories(text: &str) -> Result<Vec<String>, String> {
        parse_list(text, "root-cause category")
    }
}

/// One entry per line: blank lines and case-insensitive repeats dropped, 40 characters at most,
/// and at least one, because every case needs an area and every worksheet a category to pick.
fn parse_list(text: &str, what: &str) -> Result<Vec<String>, String> {
    {
        let mut areas: Vec<String> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.chars().count() > 40 {
                return Err(format!("'{line}' is longer than 40 characters"));
            }
            if !areas.iter().any(|a| a.eq_ignore_ascii_case(line)) {
                areas.push(line.to_string());
            }
        }
        if areas.is_empty() {
            return Err(format!("keep at least one {what}"));
        }
        Ok(areas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_area_editor_rules() {
        assert_eq!(
            TeamSettings::parse_product_areas(" Payouts \n\npayouts\nCrypto on-ramp\n"),
            Ok(vec!["Payouts".to_string(), "Crypto on-ramp".to_string()])
        );
        assert!(
            TeamSettings::parse_product_areas(" \n ")
                .unwrap_err()
                .contains("at least one")
        );
        assert!(
            TeamSettings::parse_product_areas(&"x".repeat(41))
                .unwrap_err()
                .contains("longer than 40")
        );
    }

    #[test]
    fn settings_written_before_a_field_existed_still_load() {
        let old: TeamSettings = serde_json::from_str(r#"{"product_areas":["Payouts"]}"#).unwrap();
        assert_eq!(old.product_areas, ["Payouts"]);
        assert_eq!(old.matrix, PriorityMatrix::default());
    }
}
