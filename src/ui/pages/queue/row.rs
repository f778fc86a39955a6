//! One queue row: key, title with its badges, account, priority, SLA badge, status and owner; it takes focus when the j/k cursor reaches it.

use super::*;

#[component]
pub(super) fn QueueRow(
    index: usize,
    /// Position in `state.cases`, where the SLA board keeps this case's summary.
    case_index: usize,
    case: Case,
    cursor: RwSignal<usize>,
    /// Whether the cursor last moved by keyboard, when focus follows it.
    cursor_by_keys: RwSignal<bool>,
    selected: RwSignal<HashSet<Uuid>>,
    query: Memo<Query>,
) -> impl IntoView {
    let key_link = NodeRef::<leptos::html::A>::new();
    // Runs when the row appears (scrolled into the window) and when the cursor moves.
    Effect::new(move |_| {
        if cursor.get() == index
            && cursor_by_keys.get_untracked()
            && let Some(link) = key_link.get()
        {
            let _ = link.focus();
        }
    });
    let id = case.id;
    let key = case.key.to_string();
    let title = case.title.clone();
    let account = case.account.name.clone();
    let state = app_state();
    let sla_badge = move || {
        let now = state.clock.get();
        let id_matches = state
            .cases
            .with(|all| all.get(case_index).is_some_and(|c| c.id == id));
        let summary = state
            .board
            .with(|b| b.rows.get(case_index).cloned())
            .filter(|_| id_matches)?;
        crate::app::board::badge(&summary, now)
            .map(|(text, class)| view! { <span class=class>{text}</span> })
    };
    let checklist_badge = move || {
        let progress = state
            .marks
            .with(|m| m.get(&id).and_then(|marks| progress_from_marks(marks)))?;
        Some(view! {
            <span class="checklist-badge" title="Playbook steps done or skipped"
                aria-label=format!("Playbook: {} of {} steps", progress.settled, progress.total)>
                {format!("{}/{}", progress.settled, progress.total)}
            </span>
        })
    };
    let reminder_badge = move || {
        let now = state.clock.get();
        let reminder = state
            .marks
            .with(|m| m.get(&id).and_then(|marks| reminder_of(marks)))?;
        reminder.is_due(now).then(|| view! { <span class="reminder-due" title="Follow-up reminder due">"Follow up"</span> })
    };
    view! {
        <tr class="case-row" class:cursor=move || cursor.get() == index class:selected=move || selected.with(|s| s.contains(&id))
            aria-current=move || (cursor.get() == index).then_some("true")
            on:click=move |ev| { browser::note_action_started(ev.time_stamp()); cursor_by_keys.set(false); cursor.set(index) }>
            <td><input type="checkbox" aria-label=format!("Select {key}")
                prop:checked=move || selected.with(|s| s.contains(&id))
                on:change=move |_| selected.update(|s| { if !s.remove(&id) { s.insert(id); } })/></td>
            <td class="key"><a node_ref=key_link href=format!("/cases/{}", case.key)>{case.key.to_string()}</a></td>
            <td class="title">{reminder_badge}{move || highlighted(&query.get(), &title)}{checklist_badge}</td>
            <td class="account">{move || highlighted(&query.get(), &account)}</td>
            <td><span class=format!("prio prio-{}", case.priority.code().to_lowercase())>{case.priority.code()}</span></td>
            <td class="sla-cell">{sla_badge}</td>
            <td>{case.status.label()}</td>
            <td>{if case.owner.is_empty() { "Unassigned".to_string() } else { case.owner.clone() }}</td>
        </tr>
    }
}

/// Text with the query's matches wrapped in <mark>; still text nodes only, never parsed markup.
pub(super) fn highlighted(query: &Query, text: &str) -> Vec<AnyView> {
    query
        .highlight(text)
        .into_iter()
        .map(|(part, hit)| {
            if hit {
                view! { <mark>{part}</mark> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect()
}
