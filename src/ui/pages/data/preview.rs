//! The dry run of an import: counts per record kind, each conflict with its choice, and the changed cases and records, before anything is written.

use std::collections::HashMap;
use std::sync::Arc;

use crate::bundle::files::CheckedFile;
use crate::domain::attachment::size_label;

use leptos::prelude::*;

use crate::bundle::v1::BundleV1;
use crate::domain::merge::{Choice, ConflictId, MergePlan, Outcome, Verdict};
/// A bundle read and compared with this device, waiting for the specialist's go-ahead.
#[derive(Clone)]
pub(super) struct Preview {
    pub(super) file_name: String,
    pub(super) bundle: Arc<BundleV1>,
    pub(super) plan: Arc<MergePlan>,
    /// The attached files the bundle carries, each already checked against its hash.
    pub(super) carried: Arc<Vec<CheckedFile>>,
    /// Where the carried files lie, read again one at a time when they are stored.
    pub(super) source: Arc<crate::app::carry::CarriedSource>,
}

/// Cases listed in the preview before "and N more"; the counts above always cover all of them.
const PREVIEW_ROWS: usize = 200;
#[component]
pub(super) fn PreviewPanel(
    preview: Preview,
    choices: RwSignal<HashMap<ConflictId, Choice>>,
) -> impl IntoView {
    let plan = preview.plan.clone();
    let bundle = preview.bundle.clone();
    let counts = plan.case_counts();
    let record_counts = plan.record_counts();
    let conflicts = plan.conflicts();
    let all_conflicts = conflicts.clone();
    let set_all = move |choice: Choice| {
        choices.update(|c| {
            for id in &all_conflicts {
                c.insert(id.clone(), choice);
            }
        })
    };
    let exported = format!(
        "Exported by {} on {} (app {}){}.",
        bundle.exported_by.name,
        bundle.exported_at.format("%Y-%m-%d %H:%M UTC"),
        bundle.app_version,
        if bundle.redaction.is_some() {
            ", redacted"
        } else {
            ""
        }
    );
    let changed: Vec<_> = plan
        .cases
        .iter()
        .filter(|c| c.verdict != Verdict::Identical)
        .cloned()
        .collect();
    let hidden = changed.len().saturating_sub(PREVIEW_ROWS);
    let case_conflicts: Vec<_> = plan
        .cases
        .iter()
        .filter(|c| c.verdict == Verdict::Conflict)
        .cloned()
        .collect();
    let record_conflicts: Vec<_> = plan
        .records
        .iter()
        .filter(|r| r.verdict == Verdict::Conflict)
        .cloned()
        .collect();
    let changed_records: Vec<_> = plan
        .records
        .iter()
        .filter(|r| r.verdict == Verdict::New || r.verdict == Verdict::Updated)
        .cloned()
        .collect();
    let conflict_count = conflicts.len();
    view! {
        <div class="import-preview">
            <h3>{format!("Preview of {}", preview.file_name)}</h3>
            <p class="hint">{exported}</p>
            {(!preview.carried.is_empty()).then(|| {
                let bytes: u64 = preview.carried.iter().map(|f| f.size).sum();
                view! { <p class="hint">{format!("Carries {} attached file(s), {}; each matched its SHA-256.", preview.carried.len(), size_label(bytes))}</p> }
            })}
            <table class="case-table counts" aria-label="What the import would do">
                <thead><tr><th scope="col">"Records"</th><th scope="col">"New"</th><th scope="col">"Updated"</th><th scope="col">"Identical"</th><th scope="col">"Conflicting"</th></tr></thead>
                <tbody>
                    <tr><th scope="row">"Cases"</th><td>{counts.new}</td><td>{counts.updated}</td><td>{counts.identical}</td><td>{counts.conflict}</td></tr>
                    {record_counts.into_iter().map(|(kind, c)| view! {
                        <tr><th scope="row">{format!("{}s", kind.label())}</th><td>{c.new}</td><td>{c.updated}</td><td>{c.identical}</td><td>{c.conflict}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {plan.changes_nothing().then(|| view! { <p class="hint">"Every record in this file is already here; importing it changes nothing."</p> })}
            {(conflict_count > 0).then(|| view! {
                <div class="conflicts" role="group" aria-labelledby="conflicts-heading">
                    <h4 id="conflicts-heading">{format!("{conflict_count} conflict(s) to decide")}</h4>
                    <p class="hint">"Both sides changed these since the copies parted. Choose for each; nothing is imported until every one has an answer."</p>
                    <div class="actions">
                        <button type="button" on:click={ let set_all = set_all.clone(); move |_| set_all(Choice::Mine) }>"Keep mine for all"</button>
                        <button type="button" on:click=move |_| set_all(Choice::Theirs)>"Take theirs for all"</button>
                    </div>
                    {case_conflicts.into_iter().flat_map(|c| {
                        let key = c.key.to_string();
                        let id = c.id;
                        c.diffs.into_iter().filter(|d| d.outcome == Outcome::Decide).map(move |d| {
                            let conflict = ConflictId::Case(id, d.field);
                            let name = format!("conflict-{id}-{:?}", d.field);
                            view! {
                                <fieldset class="conflict">
                                    <legend>{format!("{key} · {}", d.field.label())}</legend>
                                    <dl class="conflict-values">
                                        <dt>"Mine"</dt><dd>{d.mine.clone()}</dd>
                                        <dt>"Theirs"</dt><dd>{d.theirs.clone()}</dd>
                                    </dl>
                                    <ChoiceRadios name=name conflict=conflict choices=choices allow_both=d.field.is_text()/>
                                </fieldset>
                            }
                        }).collect::<Vec<_>>()
                    }).collect_view()}
                    {record_conflicts.into_iter().map(|r| {
                        let conflict = ConflictId::Record(r.kind, r.id.clone());
                        let name = format!("conflict-{:?}-{}", r.kind, r.id);
                        view! {
                            <fieldset class="conflict">
                                <legend>{format!("{} · {}", r.kind.label(), r.label)}</legend>
                                <ul>{r.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                                <ChoiceRadios name=name conflict=conflict choices=choices allow_both=false/>
                            </fieldset>
                        }
                    }).collect_view()}
                </div>
            })}
            {(!changed.is_empty()).then(|| view! {
                <h4>"Cases that would change"</h4>
                <ul class="preview-list">
                    {changed.into_iter().take(PREVIEW_ROWS).map(|c| {
                        let mut summary = format!("{} {} — {}", c.key, c.title, c.verdict.label());
                        if let Some(from) = &c.rekeyed_from {
                            summary.push_str(&format!(" (their {from} is taken here, so it arrives as {})", c.key));
                        }
                        if c.new_events > 0 {
                            summary.push_str(&format!(", {} new event(s)", c.new_events));
                        }
                        view! {
                            <li>
                                <details>
                                    <summary>{summary}</summary>
                                    <ul>
                                        {c.diffs.iter().map(|d| view! {
                                            <li>{format!("{}: mine “{}” → theirs “{}” ({})", d.field.label(), d.mine, d.theirs, match d.outcome {
                                                Outcome::TakeTheirs => "only they changed it: theirs is taken",
                                                Outcome::KeepMine => "only you changed it: yours stays",
                                                Outcome::Decide => "both changed it: your choice above",
                                            })}</li>
                                        }).collect_view()}
                                    </ul>
                                </details>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {(hidden > 0).then(|| view! { <p class="hint">{format!("and {hidden} more, counted above.")}</p> })}
            })}
            {(!changed_records.is_empty()).then(|| view! {
                <h4>"Playbooks, templates, partner teams, problems and RCA worksheets that would change"</h4>
                <ul class="preview-list">
                    {changed_records.into_iter().map(|r| view! {
                        <li>{format!("{} {} — {}", r.kind.label(), r.label, r.verdict.label())}
                            {(!r.changes.is_empty()).then(|| format!(": {}", r.changes.join("; ")))}</li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

#[component]
fn ChoiceRadios(
    name: String,
    conflict: ConflictId,
    choices: RwSignal<HashMap<ConflictId, Choice>>,
    allow_both: bool,
) -> impl IntoView {
    let options: Vec<(Choice, &'static str)> = if allow_both {
        vec![
            (Choice::Mine, "Keep mine"),
            (Choice::Theirs, "Take theirs"),
            (Choice::Both, "Keep both"),
        ]
    } else {
        vec![(Choice::Mine, "Keep mine"), (Choice::Theirs, "Take theirs")]
    };
    options
        .into_iter()
        .map(|(choice, label)| {
            let conflict = conflict.clone();
            let checked = {
                let conflict = conflict.clone();
                move || choices.with(|c| c.get(&conflict) == Some(&choice))
            };
            view! {
                <label class="checkbox">
                    <input type="radio" name=name.clone() prop:checked=checked
                        on:change=move |_| choices.update(|c| { c.insert(conflict.clone(), choice); })/>
                    {label}
                </label>
            }
        })
        .collect_view()
}

/// ", 2 attached file(s) stored (1 already here or not named by a case)" after an import that carried files.
pub(super) fn files_stored_note(stored: usize, carried: usize) -> String {
    if carried == 0 {
        return String::new();
    }
    format!(
        ", {stored} attached file(s) stored ({} already here or not named by a case)",
        carried.saturating_sub(stored)
    )
}
