//! The case timeline: every event, oldest first, in the viewer's time zone. Text is always text.

use leptos::prelude::*;

use crate::app::state::app_state;
use crate::browser::format_time;
use crate::domain::{CaseEvent, EventKind};

/// Notes longer than this are shown folded, so a pasted megabyte never stalls layout.
const FOLDED_NOTE_CHARS: usize = 2_000;

/// `case_zone`: the case's own zone; a time shows the same instant there on hover when it differs.
#[component]
pub fn Timeline(
    events: Signal<Vec<CaseEvent>>,
    #[prop(into)] case_zone: Signal<Option<String>>,
) -> impl IntoView {
    let state = app_state();
    view! {
        <ol class="timeline" aria-label="Timeline">
            <For each=move || events.get() key=|e| e.id let:event>
                <li class="timeline-item">
                    <div class="timeline-head">
                        <span class="timeline-what">{event.headline()}</span>
                        <time datetime=event.at.to_rfc3339()
                            title=move || crate::browser::case_zone_title(event.at, &state.zone(), case_zone.get().as_deref())>
                            {move || format_time(event.at, &state.zone())}
                        </time>
                    </div>
                    {detail(&event.kind)}
                </li>
            </For>
        </ol>
    }
}

fn detail(kind: &EventKind) -> AnyView {
    match kind {
        EventKind::Created { title, .. } => {
            view! { <p class="timeline-detail">{format!("“{title}”")}</p> }.into_any()
        }
        EventKind::FieldChanged {
            field,
            before,
            after,
        } => {
            // Problem links are stored by id; people know them by key.
            let show = |value: &String| {
                if *field != crate::domain::case::ChangedField::Problem || value.is_empty() {
                    return value.clone();
                }
                app_state()
                    .problems
                    .with_untracked(|all| {
                        all.iter()
                            .find(|p| p.id.to_string() == *value)
                            .map(|p| format!("{} {}", p.key, p.title))
                    })
                    .unwrap_or_else(|| value.clone())
            };
            view! { <p class="timeline-detail"><del>{show(before)}</del>" → "<ins>{show(after)}</ins></p> }.into_any()
        }
        EventKind::StatusChanged {
            from,
            to,
            resolution,
        } => view! {
            <p class="timeline-detail">{format!("{} → {}", from.label(), to.label())}</p>
            {resolution.clone().map(|r| view! { <p class="note-body">{r}</p> })}
        }
        .into_any(),
        EventKind::NoteAdded { text } => view! { <NoteBody text=text.clone()/> }.into_any(),
        EventKind::EmailSent { subject, body, cc, .. } => view! {
            <p class="timeline-detail">{format!("Subject: {subject}")}{(!cc.is_empty()).then(|| format!(" · cc {cc}"))}</p>
            <NoteBody text=body.clone()/>
        }
        .into_any(),
        EventKind::EmailReceived { subject, body, .. } => view! {
            <p class="timeline-detail">{format!("Subject: {subject}")}</p>
            <NoteBody text=body.clone()/>
        }
        .into_any(),
        EventKind::CallLogged { notes, next_steps, .. } => view! {
            <NoteBody text=notes.clone()/>
            {(!next_steps.is_empty()).then(|| view! { <p class="timeline-detail">{format!("Next steps: {next_steps}")}</p> })}
        }
        .into_any(),
        EventKind::UpdatePromised { by } => {
            let by = *by;
            view! { <p class="timeline-detail">{move || format!("Next update by {}", format_time(by, &app_state().zone()))}</p> }.into_any()
        }
        EventKind::HandedOff { ask, ticket, .. } => view! {
            {(!ticket.is_empty()).then(|| view! { <p class="timeline-detail">{format!("Their ticket: {ticket}")}</p> })}
            <NoteBody text=ask.clone()/>
        }
        .into_any(),
        EventKind::ReminderSet { at, note, snooze } => {
            let (at, snooze) = (*at, *snooze);
            view! {
                <p class="timeline-detail">{move || match at {
                    Some(at) if snooze => format!("Out of the queue until {}", format_time(at, &app_state().zone())),
                    Some(at) => format!("Remind at {}", format_time(at, &app_state().zone())),
                    None => "No reminder".to_string(),
                }}</p>
                {(!note.is_empty()).then(|| view! { <NoteBody text=note.clone()/> })}
            }
            .into_any()
        }
        EventKind::PartnerAnswered { summary, .. } => view! { <NoteBody text=summary.clone()/> }.into_any(),
        EventKind::PlaybookApplied { steps, .. } => view! {
            <p class="timeline-detail">{format!("{} steps, pinned to this version", steps.len())}</p>
        }
        .into_any(),
        EventKind::StepTicked { evidence, .. } if !evidence.is_empty() => view! {
            <p class="timeline-detail">"Evidence: "</p>
            <NoteBody text=evidence.clone()/>
        }
        .into_any(),
        EventKind::StepSkipped { reason, .. } => view! {
            <p class="timeline-detail">"Why skipped: "</p>
            <NoteBody text=reason.clone()/>
        }
        .into_any(),
        EventKind::StepTicked { .. } | EventKind::StepReopened { .. } => ().into_any(),
        EventKind::SlaBreached { due, .. } => {
            let due = *due;
            view! { <p class="timeline-detail">{move || format!("It was due {}", format_time(due, &app_state().zone()))}</p> }.into_any()
        }
        EventKind::SlaSettled { record } => view! {
            <ul class="timeline-detail settled">
                {record.clocks.iter().map(|c| view! {
                    <li>{format!("{}: {} ({} of {} working min)", c.label, if c.breached { "missed" } else { "met" }, c.elapsed_minutes, c.target_minutes)}</li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
        EventKind::FileAttached { file } => view! {
            <p class="timeline-detail">{format!("{} · SHA-256 {}…", file.media_type, file.sha256.chars().take(12).collect::<String>())}</p>
        }
        .into_any(),
        EventKind::FileRemoved { .. } => ().into_any(),
    }
}

#[component]
fn NoteBody(text: String) -> impl IntoView {
    let total = text.chars().count();
    if total <= FOLDED_NOTE_CHARS {
        return view! { <p class="note-body">{text}</p> }.into_any();
    }
    let expanded = RwSignal::new(false);
    let preview: String = text.chars().take(FOLDED_NOTE_CHARS).collect();
    let text = StoredValue::new(text);
    view! {
        <p class="note-body">
            {move || if expanded.get() { text.get_value() } else { format!("{preview}…") }}
        </p>
        <button type="button" class="link" on:click=move |_| expanded.update(|e| *e = !*e)>
            {move || if expanded.get() { "Fold note".to_string() } else { format!("Show the whole note ({total} characters)") }}
        </button>
    }
    .into_any()
}
