//! Priority from impact × urgency, through a matrix the team can edit in settings.

use serde::{Deserialize, Serialize};

/// How much is affected: the breadth of harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Impact {
    Extensive,
    Significant,
    Moderate,
    Minor,
}

/// How soon harm lands: a payroll on Friday is critical on Thursday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Urgency {
    Critical,
    High,
    Medium,
    Low,
}

/// P1 is the most pressing. Ordering follows: `P1 < P2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Impact {
    pub const ALL: [Impact; 4] = [
        Impact::Extensive,
        Impact::Significant,
        Impact::Moderate,
        Impact::Minor,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Impact::Extensive => "Extensive",
            Impact::Significant => "Significant",
            Impact::Moderate => "Moderate",
            Impact::Minor => "Minor",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

impl Urgency {
    pub const ALL: [Urgency; 4] = [
        Urgency::Critical,
        Urgency::High,
        Urgency::Medium,
        Urgency::Low,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Critical => "Critical",
            Urgency::High => "High",
            Urgency::Medium => "Medium",
            Urgency::Low => "Low",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];
    pub fn code(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }
    pub fn parse(code: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.code() == code.trim())
    }
}

/// `cells[impact][urgency]`. Editable, but always complete: every pair has a priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityMatrix {
    cells: [[Priority; 4]; 4],
}

impl Default for PriorityMatrix {
    /// The common ITIL-style matrix: the diagonal from extensive×critical (P1) to minor×low (P4).
    fn default() -> Self {
        use Priority::*;
        PriorityMatrix {
            cells: [
                [P1, P1, P2, P3],
                [P1, P2, P3, P3],
                [P2, P3, P3, P4],
                [P3, P3, P4, P4],
            ],
        }
    }
}

impl PriorityMatrix {
    pub fn priority(&self, impact: Impact, urgency: Urgency) -> Priority {
        // `index()` is 0..=3 by its match, so the cell is always there.
        self.cells
            .get(impact.index())
            .and_then(|row| row.get(urgency.index()))
            .copied()
            .unwrap_or(Priority::P1)
    }

    /// Returns a matrix with one cell changed; the original is untouched (settings can cancel).
    pub fn with_cell(
        &self,
        impact: Impact,
        urgency: Urgency,
        priority: Priority,
    ) -> PriorityMatrix {
        let mut next = self.clone();
        if let Some(cell) = next
            .cells
            .get_mut(impact.index())
            .and_then(|row| row.get_mut(urgency.index()))
        {
            *cell = priority;
        }
        next
    }

    /// A matrix where more impact or more urgency could lower priority would surprise everyone;
    /// settings warns about such cells (but allows them, teams have odd contracts).
    pub fn inversions(&self) -> Vec<(Impact, Urgency)> {
        let mut found = Vec::new();
        for impact in Impact::ALL {
            for urgency in Urgency::ALL {
                let here = self.priority(impact, urgency);
                // A cell is suspect when something less severe outranks it.
                let milder_impact = Impact::ALL.iter().filter(|i| **i > impact);
                let milder_urgency = Urgency::ALL.iter().filter(|u| **u > urgency);
                let inverted = milder_impact
                    .map(|i| self.priority(*i, urgency))
                    .any(|p| p < here)
                    || milder_urgency
                        .map(|u| self.priority(impact, *u))
                        .any(|p| p < here);
                if inverted {
                    found.push((impact, urgency));
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_matrix_table() {
        let m = PriorityMatrix::default();
        for (impact, urgency, expected) in [
            (Impact::Extensive, Urgency::Critical, Priority::P1),
            (Impact::Extensive, Urgency::Low, Priority::P3),
            (Impact::Significant, Urgency::High, Priority::P2),
            (Impact::Moderate, Urgency::Critical, Priority::P2),
            (Impact::Moderate, Urgency::Medium, Priority::P3),
            (Impact::Minor, Urgency::Critical, Priority::P3),
            (Impact::Minor, Urgency::Low, Priority::P4),
        ] {
            assert_eq!(
                m.priority(impact, urgency),
                expected,
                "{impact:?} × {urgency:?}"
            );
        }
        assert!(m.inversions().is_empty());
    }

    #[test]
    fn editing_a_cell_changes_only_that_cell_and_flags_inversions() {
        let m = PriorityMatrix::default();
        let edited = m.with_cell(Impact::Extensive, Urgency::Critical, Priority::P4);
        assert_eq!(
            edited.priority(Impact::Extensive, Urgency::Critical),
            Priority::P4
        );
        assert_eq!(
            m.priority(Impact::Extensive, Urgency::Critical),
            Priority::P1
        );
        let changed = Impact::ALL
            .iter()
            .flat_map(|i| Urgency::ALL.iter().map(move |u| (*i, *u)))
            .filter(|(i, u)| edited.priority(*i, *u) != m.priority(*i, *u))
            .count();
        assert_eq!(changed, 1);
        assert_eq!(
            edited.inversions(),
            vec![(Impact::Extensive, Urgency::Critical)]
        );
    }

    #[test]
    fn matrix_round_trips_through_json() {
        let m = PriorityMatrix::default().with_cell(Impact::Minor, Urgency::Low, Priority::P3);
        let back: PriorityMatrix =
            serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
    }
}
