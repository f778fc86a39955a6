//! A merge plan once made: its counts, the conflicts left to decide, and the writes that result from each decision.

use super::*;

impl MergePlan {
    pub fn case_counts(&self) -> Counts {
        let mut counts = Counts::default();
        self.cases.iter().for_each(|c| counts.add(c.verdict));
        counts
    }

    pub fn record_counts(&self) -> BTreeMap<RecordKind, Counts> {
        let mut counts: BTreeMap<RecordKind, Counts> = BTreeMap::new();
        for r in &self.records {
            counts.entry(r.kind).or_default().add(r.verdict);
        }
        counts
    }

    /// Every decision the specialist must make, in the order the review shows them.
    pub fn conflicts(&self) -> Vec<ConflictId> {
        let fields = self.cases.iter().flat_map(|c| {
            c.diffs
                .iter()
                .filter(|d| d.outcome == Outcome::Decide)
                .map(|d| ConflictId::Case(c.id, d.field))
        });
        let records = self
            .records
            .iter()
            .filter(|r| r.verdict == Verdict::Conflict)
            .map(|r| ConflictId::Record(r.kind, r.id.clone()));
        fields.chain(records).collect()
    }

    /// True when the import would write nothing at all.
    pub fn changes_nothing(&self) -> bool {
        self.cases.iter().all(|c| c.verdict == Verdict::Identical)
            && self.records.iter().all(|r| r.verdict == Verdict::Identical)
    }

    /// Applies the specialist's choices and returns exactly what to write.
    /// Every conflict needs a choice; nothing is guessed.
    pub fn resolve(
        &self,
        choices: &HashMap<ConflictId, Choice>,
    ) -> Result<MergeResult, MergeError> {
        let missing: Vec<ConflictId> = self
            .conflicts()
            .into_iter()
            .filter(|c| !choices.contains_key(c))
            .collect();
        if let Some(first) = missing.first() {
            return Err(MergeError::Undecided {
                count: missing.len(),
                first: self.describe(first),
            });
        }
        let mut result = MergeResult {
            next_case_number: self.next_case_number,
            ..MergeResult::default()
        };
        for (plan, theirs) in self.cases.iter().zip(&self.incoming.cases) {
            if plan.verdict == Verdict::Identical {
                continue;
            }
            result.next_case_number = result
                .next_case_number
                .max(plan.key.number().saturating_add(1));
            let Some(mine) = self.local_cases.get(&plan.id) else {
                let mut case = theirs.case.clone();
                case.key = plan.key.clone();
                let mut all_events = theirs.events.clone();
                all_events.sort_by(timeline_order);
                result.cases.push(CaseWrite {
                    expected_revision: None,
                    case,
                    new_events: all_events.clone(),
                    all_events,
                });
                continue;
            };
            let mut merged = mine.clone();
            for diff in &plan.diffs {
                let choice = match diff.outcome {
                    Outcome::TakeTheirs => Choice::Theirs,
                    Outcome::KeepMine => Choice::Mine,
                    // Every conflict has a choice (checked above); none would keep mine.
                    Outcome::Decide => choices
                        .get(&ConflictId::Case(plan.id, diff.field))
                        .copied()
                        .unwrap_or(Choice::Mine),
                };
                match choice {
                    Choice::Mine => {}
                    Choice::Theirs => diff.field.copy(&mut merged, &theirs.case),
                    Choice::Both => keep_both(&mut merged, mine, &theirs.case, diff.field)
                        .map_err(|field| MergeError::BothNotText {
                            key: plan.key.to_string(),
                            field,
                        })?,
                }
            }
            let mine_events = self.local_events.get(&plan.id).cloned().unwrap_or_default();
            let known: HashSet<Uuid> = mine_events.iter().map(|e| e.id).collect();
            let new_events: Vec<CaseEvent> = theirs
                .events
                .iter()
                .filter(|e| !known.contains(&e.id))
                .cloned()
                .collect();
            if merged == *mine && new_events.is_empty() {
                continue;
            }
            merged.updated_at = mine.updated_at.max(theirs.case.updated_at);
            merged.revision = mine.revision.max(theirs.case.revision) + 1;
            let mut all_events = mine_events;
            all_events.extend(new_events.iter().cloned());
            all_events.sort_by(timeline_order);
            result.cases.push(CaseWrite {
                expected_revision: Some(mine.revision),
                case: merged,
                new_events,
                all_events,
            });
        }
        for moved in &self.renumbered {
            let Some(mine) = self.local_cases.get(&moved.id) else {
                continue;
            };
            result.next_case_number = result
                .next_case_number
                .max(moved.to.number().saturating_add(1));
            let mut case = mine.clone();
            case.key = moved.to.clone();
            case.revision = mine.revision.saturating_add(1);
            let mut all_events = self.local_events.get(&mine.id).cloned().unwrap_or_default();
            all_events.sort_by(timeline_order);
            result.cases.push(CaseWrite {
                expected_revision: Some(mine.revision),
                case,
                new_events: Vec::new(),
                all_events,
            });
        }
        let mut templates = self.local_templates.clone();
        let mut partners = self.local_partners.clone();
        let (mut templates_changed, mut partners_changed) = (false, false);
        for record in &self.records {
            let take_theirs = match record.verdict {
                Verdict::Identical => false,
                Verdict::New | Verdict::Updated => true,
                Verdict::Conflict => {
                    choices.get(&ConflictId::Record(record.kind, record.id.clone()))
                        == Some(&Choice::Theirs)
                }
            };
            if !take_theirs {
                continue;
            }
            match record.kind {
                RecordKind::Playbook => {
                    if let Some(p) = self
                        .incoming
                        .playbooks
                        .iter()
                        .find(|p| p.id.to_string() == record.id)
                    {
                        let mut p = p.clone();
                        // A later local save must see a revision above both sides'.
                        let mine = self.local_playbooks.get(&p.id).map_or(0, |m| m.revision);
                        p.revision = p.revision.max(mine) + 1;
                        result.playbooks.push(p);
                    }
                }
                RecordKind::Template => {
                    if let Some(t) = self.incoming.templates.iter().find(|t| t.id == record.id) {
                        match templates.iter_mut().find(|m| m.id == t.id) {
                            Some(slot) => *slot = t.clone(),
                            None => templates.push(t.clone()),
                        }
                        templates_changed = true;
                    }
                }
                RecordKind::Partner => {
                    if let Some(t) = self.incoming.partners.iter().find(|t| t.name == record.id) {
                        match partners
                            .iter_mut()
                            .find(|m| m.name.eq_ignore_ascii_case(&t.name))
                        {
                            Some(slot) => *slot = t.clone(),
                            None => partners.push(t.clone()),
                        }
                        partners_changed = true;
                    }
                }
                RecordKind::Problem => {
                    if let Some(p) = self
                        .incoming
                        .problems
                        .iter()
                        .find(|p| p.id.to_string() == record.id)
                    {
                        let mut p = p.clone();
                        let mine = self.local_problems.get(&p.id).map_or(0, |m| m.revision);
                        p.revision = p.revision.max(mine) + 1;
                        result.problems.push(p);
                    }
                }
                RecordKind::Rca => {
                    if let Some(r) = self
                        .incoming
                        .rcas
                        .iter()
                        .find(|r| r.id.to_string() == record.id)
                    {
                        let mut r = r.clone();
                        match self.local_rcas.get(&r.id) {
                            Some(mine) => {
                                r.revision = r.revision.max(mine.revision) + 1;
                                // Teammates keep calling it by the key this device knows it by.
                                r.key = mine.key;
                            }
                            None => r.revision += 1,
                        }
                        result.rcas.push(r);
                    }
                }
            }
        }
        for r in result.rcas.iter_mut() {
            if let Some(key) = self.rca_keys.get(&r.id) {
                r.key = *key;
            }
        }
        result.templates = templates_changed.then_some(templates);
        result.partners = partners_changed.then_some(partners);
        let seen =
            |id: &Uuid, revision: Option<u64>, label: &str| (*id, label.to_string(), revision);
        result.expected = Expected {
            playbooks: result
                .playbooks
                .iter()
                .map(|p| {
                    let label = p.current().title.clone();
                    seen(
                        &p.id,
                        self.local_playbooks.get(&p.id).map(|m| m.revision),
                        &label,
                    )
                })
                .collect(),
            problems: result
                .problems
                .iter()
                .map(|p| {
                    let label = format!("{} {}", p.key, p.title);
                    seen(
                        &p.id,
                        self.local_problems.get(&p.id).map(|m| m.revision),
                        &label,
                    )
                })
                .collect(),
            rcas: Some(
                self.local_rcas
                    .iter()
                    .map(|(id, r)| (*id, r.revision))
                    .collect(),
            ),
            templates: templates_changed.then(|| self.local_templates.clone()),
            partners: partners_changed.then(|| self.local_partners.clone()),
            next_case_number: (!self.renumbered.is_empty()
                || result.cases.iter().any(|c| c.expected_revision.is_none()))
            .then_some(self.read_next_case_number),
        };
        Ok(result)
    }

    /// A conflict in words: "ESC-1042 Title" or "Template Payout delay".
    pub fn describe(&self, conflict: &ConflictId) -> String {
        match conflict {
            ConflictId::Case(id, field) => {
                let key = self
                    .cases
                    .iter()
                    .find(|c| c.id == *id)
                    .map(|c| c.key.to_string())
                    .unwrap_or_else(|| id.to_string());
                format!("{key} {}", field.label().to_lowercase())
            }
            ConflictId::Record(kind, id) => {
                let label = self
                    .records
                    .iter()
                    .find(|r| r.kind == *kind && &r.id == id)
                    .map(|r| r.label.clone())
                    .unwrap_or_else(|| id.clone());
                format!("{} {label}", kind.label().to_lowercase())
            }
        }
    }
}

/// Both texts, mine first, marked so a reader sees where theirs begins.
pub(super) fn keep_both(
    merged: &mut Case,
    mine: &Case,
    theirs: &Case,
    field: CaseField,
) -> Result<(), &'static str> {
    match field {
        CaseField::Title => {
            merged.title = format!("{} / {}", mine.title, theirs.title);
            Ok(())
        }
        CaseField::Resolution => {
            merged.resolution = match (&mine.resolution, &theirs.resolution) {
                (Some(m), Some(t)) => Some(format!("{m}\n\n— from the imported copy —\n{t}")),
                (m, t) => m.clone().or_else(|| t.clone()),
            };
            Ok(())
        }
        other => Err(other.label()),
    }
}
