//! Worksheet sections: the whys and contributing factors citing evidence, and the CAPA actions.

use super::*;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Claims {
    Whys,
    Factors,
}

impl Claims {
    fn list(self, c: &RcaContent) -> &Vec<Claim> {
        match self {
            Claims::Whys => &c.whys,
            Claims::Factors => &c.factors,
        }
    }

    fn list_mut(self, c: &mut RcaContent) -> &mut Vec<Claim> {
        match self {
            Claims::Whys => &mut c.whys,
            Claims::Factors => &mut c.factors,
        }
    }

    fn reader(self) -> fn(&RcaContent) -> &Vec<Claim> {
        match self {
            Claims::Whys => |c| &c.whys,
            Claims::Factors => |c| &c.factors,
        }
    }

    fn writer(self) -> fn(&mut RcaContent) -> &mut Vec<Claim> {
        match self {
            Claims::Whys => |c| &mut c.whys,
            Claims::Factors => |c| &mut c.factors,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Claims::Whys => "Why",
            Claims::Factors => "Contributing factor",
        }
    }
}

/// The five whys or the contributing factors: ordered claims, each citing evidence.
#[component]
pub(super) fn ClaimList(sheet: Sheet, which: Claims) -> impl IntoView {
    let add = move |_| {
        sheet.edit(|c| {
            which.list_mut(c).push(Claim {
                id: browser::new_id(),
                text: String::new(),
                evidence: Vec::new(),
            })
        })
    };
    let position = move |id: Uuid| sheet.position(which.reader(), id);
    let edit_claim = move |id: Uuid, change: Box<dyn FnOnce(&mut Claim)>| {
        sheet.edit_row(which.writer(), id, change)
    };
    let move_claim = move |id: Uuid, by: isize| {
        sheet.edit(|c| {
            let list = which.list_mut(c);
            if let Some(i) = list.iter().position(|w| w.id == id) {
                let j = i as isize + by;
                if j >= 0 && (j as usize) < list.len() {
                    list.swap(i, j as usize);
                }
            }
        })
    };
    let (title, hint, add_label) = match which {
        Claims::Whys => (
            "Five whys",
            "Start from what the user saw; each why explains the one above it.",
            "Add a why",
        ),
        Claims::Factors => (
            "Contributing factors",
            "What made it likelier or worse, without being the cause.",
            "Add a contributing factor",
        ),
    };
    let prefix = match which {
        Claims::Whys => "why",
        Claims::Factors => "factor",
    };
    view! {
        <h3>{title}</h3>
        <p class="hint">{hint}</p>
        <ol class="rca-claims">
            <For each=move || sheet.work.with(|c| which.list(c).iter().map(|w| w.id).collect::<Vec<_>>()) key=|id| *id let:claim_id>
                <li class="rca-row">
                    <div class="field">
                        <label for=format!("{prefix}-{claim_id}")>{move || format!("{} {}", which.name(), position(claim_id))}</label>
                        <textarea id=format!("{prefix}-{claim_id}") rows="2" prop:readOnly=move || sheet.locked.get()
                            prop:value=move || sheet.work.with(|c| which.list(c).iter().find(|w| w.id == claim_id).map(|w| w.text.clone()).unwrap_or_default())
                            on:input=move |ev| { let v = event_target_value(&ev); edit_claim(claim_id, Box::new(move |w| w.text = v)); }></textarea>
                    </div>
                    <fieldset class="cites">
                        <legend>{move || format!("Evidence cited by {} {}", which.name().to_lowercase(), position(claim_id))}</legend>
                        {move || {
                            let numbers = sheet.work.with(|c| c.evidence.iter().map(|e| e.number).collect::<Vec<_>>());
                            if numbers.is_empty() {
                                return view! { <span class="hint">"Add evidence below the timeline to cite it."</span> }.into_any();
                            }
                            numbers.into_iter().map(|n| {
                                let id = format!("{prefix}-{claim_id}-e{n}");
                                view! {
                                    <span class="check">
                                        <input type="checkbox" id=id.clone() prop:disabled=move || sheet.locked.get()
                                            prop:checked=move || sheet.work.with(|c| which.list(c).iter().any(|w| w.id == claim_id && w.evidence.contains(&n)))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                edit_claim(claim_id, Box::new(move |w| { w.evidence.retain(|x| *x != n); if on { w.evidence.push(n); w.evidence.sort(); } }));
                                            }/>
                                        <label for=id>{format!("E{n}")}</label>
                                    </span>
                                }
                            }).collect_view().into_any()
                        }}
                    </fieldset>
                    <div class="actions">
                        <button type="button" class="link" prop:disabled=move || sheet.locked.get() on:click=move |_| move_claim(claim_id, -1)>"Move up"</button>
                        <button type="button" class="link" prop:disabled=move || sheet.locked.get() on:click=move |_| move_claim(claim_id, 1)>"Move down"</button>
                        <button type="button" class="link" prop:disabled=move || sheet.locked.get()
                            on:click=move |_| sheet.remove(format!("{} {} removed", which.name(), position(claim_id)), |c| which.list_mut(c).retain(|w| w.id != claim_id))>{move || format!("Remove {} {}", which.name().to_lowercase(), position(claim_id))}</button>
                    </div>
                </li>
            </For>
        </ol>
        <button type="button" prop:disabled=move || sheet.locked.get() on:click=add>{add_label}</button>
    }
}

#[component]
pub(super) fn ActionsSection(sheet: Sheet) -> impl IntoView {
    let state = app_state();
    let today = state.today();
    let add = move |_| {
        sheet.edit(|c| {
            c.actions
                .push(Action::new(browser::new_id(), ActionKind::Corrective))
        })
    };
    let get = move |id: Uuid, read: Box<dyn Fn(&Action) -> String>| {
        sheet.read_row(|c| &c.actions, id, read)
    };
    let set = move |id: Uuid, change: Box<dyn FnOnce(&mut Action)>| {
        sheet.edit_row(|c| &mut c.actions, id, change)
    };
    let position = move |id: Uuid| sheet.position(|c| &c.actions, id);
    let overdue = move |id: Uuid| {
        sheet
            .work
            .with(|c| c.actions.iter().any(|a| a.id == id && a.is_overdue(today)))
    };
    macro_rules! action_text {
        ($id:expr, $field:literal, $label:expr, $kind:literal, $read:expr, $write:expr) => {{
            let input_id = format!("action-{}-{}", $field, $id);
            let action_id = $id;
            view! {
                <div class="field">
                    <label for=input_id.clone()>{$label}</label>
                    <input id=input_id type=$kind prop:readOnly=move || sheet.locked.get()
                        prop:value=move || get(action_id, Box::new($read))
                        on:input=move |ev| { let v = event_target_value(&ev); set(action_id, Box::new(move |a: &mut Action| ($write)(a, v))); }/>
                </div>
            }
        }};
    }
    view! {
        <section class="panel">
            <h2>"Actions (CAPA)"</h2>
            <Show when=move || !sheet.work.with(|c| c.actions.is_empty()) fallback=|| view! { <p class="empty-state">"No actions yet."</p> }>
                <ol class="rca-actions">
                    <For each=move || sheet.work.with(|c| c.actions.iter().map(|a| a.id).collect::<Vec<_>>()) key=|id| *id let:action_id>
                        <li class="rca-row" class:overdue=move || overdue(action_id)>
                            <div class="rca-row-head">
                                <strong>{move || format!("Action {}", position(action_id))}</strong>
                                <Show when=move || overdue(action_id)><span class="badge overdue-badge">"Overdue"</span></Show>
                                <select aria-label=move || format!("Type of action {}", position(action_id)) prop:disabled=move || sheet.locked.get()
                                    prop:value=move || get(action_id, Box::new(|a| format!("{:?}", a.kind)))
                                    on:change=move |ev| { let v = event_target_value(&ev); if let Some(k) = ActionKind::ALL.into_iter().find(|k| format!("{k:?}") == v) { set(action_id, Box::new(move |a| a.kind = k)); } }>
                                    {ActionKind::ALL.into_iter().map(|k| view! { <option value=format!("{k:?}")>{k.label()}</option> }).collect_view()}
                                </select>
                                <select aria-label=move || format!("Status of action {}", position(action_id)) prop:disabled=move || sheet.locked.get()
                                    prop:value=move || get(action_id, Box::new(|a| format!("{:?}", a.status)))
                                    on:change=move |ev| { let v = event_target_value(&ev); if let Some(s) = ActionStatus::ALL.into_iter().find(|s| format!("{s:?}") == v) { set(action_id, Box::new(move |a| a.status = s)); } }>
                                    {ActionStatus::ALL.into_iter().map(|s| view! { <option value=format!("{s:?}")>{s.label()}</option> }).collect_view()}
                                </select>
                                <button type="button" class="link" prop:disabled=move || sheet.locked.get()
                                    on:click=move |_| sheet.remove(format!("Action {} removed", position(action_id)), |c| c.actions.retain(|a| a.id != action_id))>{move || format!("Remove action {}", position(action_id))}</button>
                            </div>
                            {action_text!(action_id, "title", "What will be done", "text", |a: &Action| a.title.clone(), |a: &mut Action, v: String| a.title = v)}
                            <div class="inline-fields">
                                {action_text!(action_id, "owner", "Owner", "text", |a: &Action| a.owner.clone(), |a: &mut Action, v: String| a.owner = v)}
                                {action_text!(action_id, "team", "Team", "text", |a: &Action| a.team.clone(), |a: &mut Action, v: String| a.team = v)}
                                {action_text!(action_id, "due", "Due", "date", |a: &Action| a.due.map(|d| d.to_string()).unwrap_or_default(), |a: &mut Action, v: String| a.due = parse_date(&v))}
                                {action_text!(action_id, "ticket", "Ticket", "text", |a: &Action| a.ticket.clone(), |a: &mut Action, v: String| a.ticket = v)}
                            </div>
                            <details class="verification">
                                <summary>"Verification of effectiveness"</summary>
                                <div class="inline-fields">
                                    {action_text!(action_id, "method", "Method", "text", |a: &Action| a.verification.method.clone(), |a: &mut Action, v: String| a.verification.method = v)}
                                    {action_text!(action_id, "verifier", "Verifier", "text", |a: &Action| a.verification.verifier.clone(), |a: &mut Action, v: String| a.verification.verifier = v)}
                                    {action_text!(action_id, "verified", "Date", "date", |a: &Action| a.verification.date.map(|d| d.to_string()).unwrap_or_default(), |a: &mut Action, v: String| a.verification.date = parse_date(&v))}
                                </div>
                                {action_text!(action_id, "result", "Result", "text", |a: &Action| a.verification.result.clone(), |a: &mut Action, v: String| a.verification.result = v)}
                            </details>
                        </li>
                    </For>
                </ol>
            </Show>
            <button type="button" prop:disabled=move || sheet.locked.get() on:click=add>"Add an action"</button>
        </section>
    }
}
