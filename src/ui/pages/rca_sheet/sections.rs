//! Worksheet sections: linked cases and problem, the timeline (with events picked from case timelines) and the evidence list.

use super::*;
use crate::ui::components::form_status::FormStatus;

/// Linked cases (added by key) and the linked problem.
#[component]
pub(super) fn LinkedRecords(sheet: Sheet) -> impl IntoView {
    let state = app_state();
    let error = RwSignal::new(None::<String>);
    let add = move || {
        let text = sheet
            .texts
            .with_untracked(|t| t.get("link_case").cloned().unwrap_or_default());
        let Some(key) = CaseKey::parse(&text) else {
            error.set(Some(format!(
                "'{}' is not a case key like ESC-1042",
                text.trim()
            )));
            return;
        };
        match state
            .cases
            .with_untracked(|all| all.iter().find(|c| c.key == key).map(|c| c.id))
        {
            None => error.set(Some(format!("{key} is not on this device"))),
            Some(id) if sheet.work.with_untracked(|c| c.case_ids.contains(&id)) => {
                error.set(Some(format!("{key} is already linked")))
            }
            Some(id) => {
                sheet.edit(|c| c.case_ids.push(id));
                sheet.set_loose("link_case", String::new());
                error.set(None);
            }
        }
    };
    let case_label = move |id: Uuid| {
        state
            .cases
            .with(|all| match all.iter().find(|c| c.id == id) {
                Some(c) => (Some(c.key.to_string()), format!("{} {}", c.key, c.title)),
                None => (None, format!("case {id} (not on this device)")),
            })
    };
    view! {
        <div class="field">
            <span class="label">"Linked cases"</span>
            <ul class="linked-cases">
                <For each=move || sheet.work.with(|c| c.case_ids.clone()) key=|id| *id let:case_id>
                    <li>
                        {move || match case_label(case_id) {
                            (Some(key), label) => view! { <A href=format!("/cases/{key}")>{label}</A> }.into_any(),
                            (None, label) => view! { <span>{label}</span> }.into_any(),
                        }}
                        " "
                        <button type="button" class="link" prop:disabled=move || sheet.locked.get()
                            aria-label=move || format!("Unlink {}", case_label(case_id).1)
                            on:click=move |_| sheet.remove(format!("Unlinked {}", case_label(case_id).1), |c| c.case_ids.retain(|x| *x != case_id))>"Unlink"</button>
                    </li>
                </For>
            </ul>
            <div class="inline-fields">
                <input id="rca-link-case" type="text" aria-label="Case key to link" placeholder="ESC-1042" prop:readOnly=move || sheet.locked.get()
                    prop:value=move || sheet.text("link_case") on:input=move |ev| sheet.set_loose("link_case", event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add(); }/>
                <button type="button" prop:disabled=move || sheet.locked.get() on:click=move |_| add()>"Link case"</button>
            </div>
            <FormStatus error=error/>
        </div>
        <div class="field">
            <label for="rca-problem">"Problem"</label>
            <select id="rca-problem" prop:disabled=move || sheet.locked.get()
                prop:value=move || sheet.work.with(|c| c.problem_id.map(|p| p.to_string()).unwrap_or_default())
                on:change=move |ev| { let v = Uuid::parse_str(&event_target_value(&ev)).ok(); sheet.edit(|c| c.problem_id = v); }>
                <option value="">"None"</option>
                {move || state.problems.get().into_iter().map(|p| view! { <option value=p.id.to_string()>{format!("{} {}", p.key, p.title)}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// One line for a picked case event: the case, the headline and the start of any text.
pub(super) fn event_line(case_key: &str, event: &crate::domain::CaseEvent) -> String {
    use crate::domain::EventKind;
    let detail = match &event.kind {
        EventKind::NoteAdded { text } => Some(text.as_str()),
        EventKind::EmailReceived { subject, .. } | EventKind::EmailSent { subject, .. } => {
            Some(subject.as_str())
        }
        EventKind::StatusChanged {
            resolution: Some(r),
            ..
        } => Some(r.as_str()),
        _ => None,
    };
    match detail {
        Some(d) if !d.trim().is_empty() => {
            let short: String = d.trim().chars().take(140).collect();
            format!("{case_key}: {} — {short}", event.headline())
        }
        _ => format!("{case_key}: {}", event.headline()),
    }
}

#[component]
pub(super) fn TimelineSection(sheet: Sheet) -> impl IntoView {
    let state = app_state();
    let error = RwSignal::new(None::<String>);
    let add = move || {
        let Some(at) = sheet.instant(
            &sheet
                .texts
                .with_untracked(|t| t.get("timeline_at").cloned().unwrap_or_default()),
        ) else {
            error.set(Some("Timeline: pick the date and time it happened".into()));
            return;
        };
        let text = sheet
            .texts
            .with_untracked(|t| t.get("timeline_text").cloned().unwrap_or_default());
        if text.trim().is_empty() {
            error.set(Some("Timeline: say what happened".into()));
            return;
        }
        sheet.edit(|c| {
            c.timeline.push(TimelineEntry {
                id: browser::new_id(),
                at,
                text: text.trim().to_string(),
                knew_then: String::new(),
                source: None,
            })
        });
        sheet.set_loose("timeline_text", String::new());
        error.set(None);
    };
    // Events of the linked cases, loaded when the picker opens.
    let picking = RwSignal::new(false);
    let candidates = RwSignal::new(None::<Result<Vec<(String, crate::domain::CaseEvent)>, String>>);
    let open_picker = move |_| {
        picking.set(true);
        candidates.set(None);
        let ids = sheet.work.with_untracked(|c| c.case_ids.clone());
        let keys = state
            .cases
            .with_untracked(|all| linked_cases(&ids, all, |c| (c.id, c.key.to_string())));
        leptos::task::spawn_local(async move {
            let result = async {
                let mut all = Vec::new();
                for (id, key) in keys {
                    let loaded = crate::app::cases::timeline(id)
                        .await
                        .map_err(|e| e.to_string())?;
                    all.extend(loaded.items.into_iter().map(|e| (key.clone(), e)));
                }
                all.sort_by_key(|a| a.1.at);
                Ok(all)
            }
            .await;
            let _ = candidates.try_set(Some(result));
        });
    };
    let entries = move || {
        sheet.work.with(|c| {
            let mut rows: Vec<(DateTime<Utc>, Uuid)> =
                c.timeline.iter().map(|e| (e.at, e.id)).collect();
            rows.sort();
            rows.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
        })
    };
    let field =
        move |id: Uuid, get: fn(&TimelineEntry) -> String| sheet.read_row(|c| &c.timeline, id, get);
    let set = move |id: Uuid, change: Box<dyn FnOnce(&mut TimelineEntry)>| {
        sheet.edit_row(|c| &mut c.timeline, id, change)
    };
    let zone = sheet.zone;
    view! {
        <section class="panel">
            <h2>"Timeline"</h2>
            <Show when=move || !sheet.work.with(|c| c.timeline.is_empty()) fallback=|| view! { <p class="empty-state">"No entries yet. Pick events from the linked cases or add your own."</p> }>
                <ol class="rca-timeline">
                    <For each=entries key=|id| *id let:entry_id>
                        <li class="rca-row">
                            <div class="rca-row-head">
                                <strong>{move || sheet.work.with(|c| c.timeline.iter().find(|e| e.id == entry_id).map(|e| format_time(e.at, &zone.get_value())).unwrap_or_default())}</strong>
                                {move || field(entry_id, |e| if e.source.is_some() { "from the case timeline".into() } else { String::new() })}
                                <button type="button" class="link" prop:disabled=move || sheet.locked.get()
                                    on:click=move |_| sheet.remove("Timeline entry removed".into(), |c| c.timeline.retain(|e| e.id != entry_id))>"Remove entry"</button>
                            </div>
                            <div class="field">
                                <label for=format!("tl-text-{entry_id}")>"What happened"</label>
                                <input id=format!("tl-text-{entry_id}") type="text" prop:readOnly=move || sheet.locked.get()
                                    prop:value=move || field(entry_id, |e| e.text.clone())
                                    on:input=move |ev| { let v = event_target_value(&ev); set(entry_id, Box::new(move |e| e.text = v)); }/>
                            </div>
                            <div class="field">
                                <label for=format!("tl-knew-{entry_id}")>"What we knew then"</label>
                                <input id=format!("tl-knew-{entry_id}") type="text" prop:readOnly=move || sheet.locked.get()
                                    prop:value=move || field(entry_id, |e| e.knew_then.clone())
                                    on:input=move |ev| { let v = event_target_value(&ev); set(entry_id, Box::new(move |e| e.knew_then = v)); }/>
                            </div>
                        </li>
                    </For>
                </ol>
            </Show>
            <div class="inline-fields">
                <div class="field"><label for="tl-new-at">"When"</label>
                    <input id="tl-new-at" type="datetime-local" prop:value=move || sheet.text("timeline_at") on:input=move |ev| sheet.set_loose("timeline_at", event_target_value(&ev))/></div>
                <div class="field grow"><label for="tl-new-text">"What happened"</label>
                    <input id="tl-new-text" type="text" prop:value=move || sheet.text("timeline_text") on:input=move |ev| sheet.set_loose("timeline_text", event_target_value(&ev))
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add(); }/></div>
                <button type="button" prop:disabled=move || sheet.locked.get() on:click=move |_| add()>"Add entry"</button>
                <button type="button" prop:disabled=move || sheet.locked.get() on:click=open_picker>"Pick from case timelines"</button>
            </div>
            <FormStatus error=error/>
            <Show when=move || picking.get()>
                <div class="event-picker">
                    <h3>"Events of the linked cases"</h3>
                    {move || match candidates.get() {
                        None => view! { <p class="loading">"Reading the case timelines…"</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="form-error">{format!("The case timelines could not be read: {e}")}</p> }.into_any(),
                        Some(Ok(list)) if list.is_empty() => view! { <p class="empty-state">"Link a case first: its events appear here."</p> }.into_any(),
                        Some(Ok(list)) => view! {
                            <ul>
                                {list.into_iter().map(|(case_key, event)| {
                                    let line = event_line(&case_key, &event);
                                    let at = event.at;
                                    let source = EventSource { case_id: event.case_id, event_id: event.id };
                                    let added = move || sheet.work.with(|c| c.timeline.iter().any(|e| e.source == Some(source)));
                                    let pick_line = line.clone();
                                    view! {
                                        <li>
                                            <span class="muted">{format_time(at, &zone.get_value())}</span>" "{line.clone()}" "
                                            <button type="button" class="link" prop:disabled=move || added() || sheet.locked.get()
                                                aria-label=format!("Add to the RCA timeline: {line}")
                                                on:click=move |_| sheet.edit(|c| c.timeline.push(TimelineEntry { id: browser::new_id(), at, text: pick_line.clone(), knew_then: String::new(), source: Some(source) }))>
                                                {move || if added() { "Added" } else { "Add" }}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                    <button type="button" on:click=move |_| picking.set(false)>"Close"</button>
                </div>
            </Show>
        </section>
    }
}

/// A file on one of the worksheet's linked cases, as a piece of evidence can point at it.
/// What `pick` takes of each linked case that is on this device, in the worksheet's order.
fn linked_cases<T>(
    ids: &[Uuid],
    all: &[crate::domain::Case],
    pick: impl Fn(&crate::domain::Case) -> T,
) -> Vec<T> {
    ids.iter()
        .filter_map(|id| all.iter().find(|c| c.id == *id).map(&pick))
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
struct LinkedFile {
    case_key: String,
    sha256: String,
    name: String,
    size: u64,
}

/// The files the linked cases hold now, re-read when a case is linked, unlinked or changed; a newer
/// read always replaces an older one that finishes later.
fn linked_files(sheet: Sheet) -> (RwSignal<Vec<LinkedFile>>, RwSignal<Option<String>>) {
    let state = app_state();
    let files = RwSignal::new(Vec::new());
    let error = RwSignal::new(None::<String>);
    // Two stages so typing in the worksheet costs one clone of its few links: only a change
    // of links or of the case list (after a reload the worksheet can arrive before the cases
    // do) looks the cases up again.
    let ids = Memo::new(move |_| sheet.work.with(|c| c.case_ids.clone()));
    // A case's revision is part of it, so a file attached in another tab (which changes
    // the case there and here through the tabs' channel) is offered without a reload.
    let linked = Memo::new(move |_| {
        let ids = ids.get();
        state
            .cases
            .with(|all| linked_cases(&ids, all, |c| (c.id, c.key.to_string(), c.revision)))
    });
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let keys = linked.get();
        generation.update_value(|g| *g = g.wrapping_add(1));
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            let mut found = Vec::new();
            let mut failed = None;
            for (id, key, _) in keys {
                match crate::app::files::files_of(id).await {
                    Ok(held) => found.extend(held.into_iter().map(|f| LinkedFile {
                        case_key: key.clone(),
                        sha256: f.held.file.sha256,
                        name: f.held.file.name,
                        size: f.held.file.size,
                    })),
                    Err(e) => failed = Some(format!("The files of {key} could not be read: {e}")),
                }
            }
            if generation.try_get_value() == Some(mine) {
                let _ = files.try_set(found);
                let _ = error.try_set(failed);
            }
        });
    });
    (files, error)
}

#[component]
pub(super) fn EvidenceSection(sheet: Sheet) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let (case_files, case_files_error) = linked_files(sheet);
    // Picking a file names the evidence after it unless a title was already written.
    let pick_file = move |number: u32, sha256: String| {
        let named = case_files.with_untracked(|all| {
            all.iter()
                .find(|f| f.sha256 == sha256)
                .map(|f| format!("{}: {}", f.case_key, f.name))
        });
        sheet.edit_row(
            |c| &mut c.evidence,
            number,
            Box::new(move |e: &mut Evidence| {
                if e.title.trim().is_empty()
                    && let Some(named) = named
                {
                    e.title = named;
                }
                e.detail = sha256;
            }),
        );
    };
    let file_of = move |number: u32| {
        let sha256 = sheet.read_row(|c| &c.evidence, number, |e| e.detail.clone());
        case_files.with(|all| all.iter().find(|f| f.sha256 == sha256).cloned())
    };
    let add = move |_| {
        sheet.edit(|c| {
            let number = c.next_evidence_number();
            c.evidence.push(Evidence {
                number,
                kind: EvidenceKind::Note,
                title: String::new(),
                detail: String::new(),
            });
        });
    };
    let remove = move |number: u32| {
        let citing: Vec<String> = sheet.work.with_untracked(|c| {
            let mut found = Vec::new();
            for (i, w) in c.whys.iter().enumerate() {
                if w.evidence.contains(&number) {
                    found.push(format!("why {}", i + 1));
                }
            }
            for (i, f) in c.factors.iter().enumerate() {
                if f.evidence.contains(&number) {
                    found.push(format!("contributing factor {}", i + 1));
                }
            }
            found
        });
        if citing.is_empty() {
            sheet.remove(format!("E{number} removed"), |c| {
                c.evidence.retain(|e| e.number != number)
            });
            error.set(None);
        } else {
            error.set(Some(format!(
                "E{number} is cited by {}; remove those citations first",
                citing.join(", ")
            )));
        }
    };
    let field = move |n: u32, get: fn(&Evidence) -> String| sheet.read_row(|c| &c.evidence, n, get);
    let set = move |n: u32, change: Box<dyn FnOnce(&mut Evidence)>| {
        sheet.edit_row(|c| &mut c.evidence, n, change)
    };
    view! {
        <section class="panel">
            <h2>"Evidence"</h2>
            <p class="hint">"Links, notes, SQL results and files on the linked cases. Whys and contributing factors cite them by number."</p>
            <Show when=move || !sheet.work.with(|c| c.evidence.is_empty()) fallback=|| view! { <p class="empty-state">"No evidence yet."</p> }>
                <ul class="rca-evidence">
                    <For each=move || sheet.work.with(|c| c.evidence.iter().map(|e| e.number).collect::<Vec<_>>()) key=|n| *n let:number>
                        <li class="rca-row">
                            <div class="rca-row-head">
                                <strong>{format!("E{number}")}</strong>
                                <select aria-label=format!("Kind of E{number}") prop:disabled=move || sheet.locked.get()
                                    prop:value=move || field(number, |e| format!("{:?}", e.kind))
                                    on:change=move |ev| {
                                        let kind = EvidenceKind::ALL.into_iter().find(|k| format!("{k:?}") == event_target_value(&ev)).unwrap_or(EvidenceKind::Note);
                                        set(number, Box::new(move |e| e.kind = kind));
                                    }>
                                    {EvidenceKind::ALL.into_iter().map(|k| view! { <option value=format!("{k:?}")>{k.label()}</option> }).collect_view()}
                                </select>
                                <button type="button" class="link" prop:disabled=move || sheet.locked.get() on:click=move |_| remove(number)>{format!("Remove E{number}")}</button>
                            </div>
                            <div class="field">
                                <label for=format!("ev-title-{number}")>"Title"</label>
                                <input id=format!("ev-title-{number}") type="text" prop:readOnly=move || sheet.locked.get()
                                    prop:value=move || field(number, |e| e.title.clone())
                                    on:input=move |ev| { let v = event_target_value(&ev); set(number, Box::new(move |e| e.title = v)); }/>
                            </div>
                            <Show when=move || field(number, |e| format!("{:?}", e.kind)) == "Attachment" fallback=move || view! {
                                <div class="field">
                                    <label for=format!("ev-detail-{number}")>{move || match field(number, |e| format!("{:?}", e.kind)).as_str() { "Link" => "Address (https://…)", "Query" => "Query and result", _ => "Note" }}</label>
                                    <textarea id=format!("ev-detail-{number}") rows="2" prop:readOnly=move || sheet.locked.get()
                                        prop:value=move || field(number, |e| e.detail.clone())
                                        on:input=move |ev| { let v = event_target_value(&ev); set(number, Box::new(move |e| e.detail = v)); }></textarea>
                                </div>
                            }>
                                <div class="field">
                                    <label for=format!("ev-detail-{number}")>"File on a linked case"</label>
                                    <select id=format!("ev-detail-{number}") prop:disabled=move || sheet.locked.get()
                                        prop:value=move || field(number, |e| e.detail.clone())
                                        on:change=move |ev| pick_file(number, event_target_value(&ev))>
                                        <option value="">{move || if case_files.with(Vec::is_empty) { "No linked case holds a file" } else { "Choose a file…" }}</option>
                                        {move || case_files.get().into_iter().map(|f| view! {
                                            <option value=f.sha256.clone() selected=sheet.read_row(|c| &c.evidence, number, |e| e.detail.clone()) == f.sha256>{format!("{}: {} ({})", f.case_key, f.name, crate::domain::case::pinned::size_label(f.size))}</option>
                                        }).collect_view()}
                                    </select>
                                    {move || {
                                        let chosen = field(number, |e| e.detail.clone());
                                        match file_of(number) {
                                            Some(f) => view! { <p class="hint">"SHA-256 "<code>{f.sha256.clone()}</code>" · "<A href=format!("/cases/{}", f.case_key)>{format!("Open {} on {}", f.name, f.case_key)}</A></p> }.into_any(),
                                            None if chosen.is_empty() => ().into_any(),
                                            // Text written while this was another kind: kept (and back if the kind is switched back) until a file is picked.
                                            None if !crate::domain::attachment::is_sha256_hex(&chosen) => view! { <p class="form-warning">"Picking a file replaces the text written before: “"{chosen}"”"</p> }.into_any(),
                                            None => view! { <p class="hint">"SHA-256 "<code>{chosen}</code>" · no linked case on this device holds this file now"</p> }.into_any(),
                                        }
                                    }}
                                </div>
                            </Show>
                        </li>
                    </For>
                </ul>
            </Show>
            <FormStatus error=error/>
            <FormStatus error=case_files_error/>
            <button type="button" prop:disabled=move || sheet.locked.get() on:click=add>"Add evidence"</button>
        </section>
    }
}
