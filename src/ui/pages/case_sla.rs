//! The case page's service-level panel (live clocks with their explanations) and the contact log.

use leptos::prelude::*;

use crate::app::board::short_duration;
use crate::app::drafts::DraftKey;
use crate::app::state::app_state;
use crate::browser::{format_time, from_local_input};
use crate::domain::case::events::CallOutcome;
use crate::domain::sla::{ClockState, MarkKind, case_clocks, explain};
use crate::domain::{Case, CaseStatus, EventKind};
use crate::ui::components::form_status::FormStatus;

/// Every clock of the case, live, with a disclosure that explains each deadline.
#[component]
pub fn SlaPanel(case: Memo<Option<Case>>) -> impl IntoView {
    let state = app_state();
    let computed = Memo::new(move |_| {
        // Without its marks a case would look unanswered; show "Loading clocks…" instead.
        if !state.marks_loaded.get() {
            return None;
        }
        let case = case.get()?;
        let crate::app::board::Engine(engine) = state.engine.get()?;
        let now = state.clock.get();
        let marks = state
            .marks
            .with(|m| m.get(&case.id).cloned().unwrap_or_default());
        let sla = case_clocks(&case, &marks, &engine, now);
        let rows: Vec<ClockRow> = sla
            .clocks
            .iter()
            .filter(|c| c.current || c.breached)
            .map(|c| ClockRow {
                key: format!("{:?}{}", c.target, c.cycle.timestamp()),
                label: c.label(),
                status: describe(c, now),
                title: c.due.and_then(|due| {
                    crate::browser::case_zone_title(
                        due,
                        &state.zone(),
                        state
                            .sla_settings
                            .with(|s| s.zone_for(&case).map(str::to_string))
                            .as_deref(),
                    )
                }),

                class: class_of(c),
                explanation: explain(c, &engine),
            })
            .collect();
        Some((sla.policy.clone(), sla.settled.clone(), rows))
    });
    view! {
        <section class="panel sla-panel" aria-labelledby="sla-heading">
            <h2 id="sla-heading">"Service levels"</h2>
            {move || match computed.get() {
                None if !state.marks_loaded.get() => view! { <p class="muted">"Loading clocks…"</p> }.into_any(),
                None => view! { <p class="muted">"SLA settings could not be read; clocks are not shown."</p> }.into_any(),
                Some((None, _, _)) => view! { <p class="muted">"No SLA policy applies to this case. Add one in Settings → Service levels."</p> }.into_any(),
                Some((Some(policy), Some(settled), _)) => view! {
                    <p class="muted">{format!("Resolved under '{policy}'. Results as recorded then:")}</p>
                    <ul class="clock-list">
                        {settled.clocks.into_iter().map(|c| view! {
                            <li class=if c.breached { "clock sla-breached" } else { "clock sla-ok" }>
                                <span class="clock-label">{c.label}</span>
                                <span>{format!("{} · {} of {} working min", if c.breached { "Missed" } else { "Met" }, c.elapsed_minutes, c.target_minutes)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Some((Some(policy), None, rows)) => view! {
                    <p class="muted">{format!("Policy: {policy}")}</p>
                    <ul class="clock-list">
                        {rows.into_iter().map(|row| view! {
                            <li class=format!("clock {}", row.class) data-clock=row.key>
                                <span class="clock-label">{row.label}</span>
                                <span class="clock-status" title=row.title>{row.status}</span>
                                <details class="explain">
                                    <summary>"Why this deadline"</summary>
                                    <ul>{row.explanation.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                                </details>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[derive(Clone, PartialEq)]
struct ClockRow {
    key: String,
    label: String,
    status: String,
    /// The deadline in the case's own zone, when it is not the viewer's.
    title: Option<String>,
    class: &'static str,
    explanation: Vec<String>,
}

fn class_of(c: &crate::domain::sla::Clock) -> &'static str {
    match c.state {
        ClockState::Stopped { .. } if c.breached => "sla-breached",
        ClockState::Stopped { .. } => "sla-done",
        _ if c.breached => "sla-breached",
        _ if c.at_risk => "sla-risk",
        ClockState::Paused => "sla-paused",
        ClockState::Running => "sla-ok",
    }
}

fn describe(c: &crate::domain::sla::Clock, now: chrono::DateTime<chrono::Utc>) -> String {
    let zone = app_state().zone();
    match (c.state, c.due) {
        (ClockState::Stopped { at }, _) => format!(
            "{} {}",
            if c.breached { "Missed, stopped" } else { "Met" },
            format_time(at, &zone)
        ),
        (state, Some(due)) => {
            let paused = if state == ClockState::Paused {
                "Paused · "
            } else {
                ""
            };
            if due <= now {
                format!(
                    "{paused}Breached · overdue by {} (due {})",
                    short_duration(now - due),
                    format_time(due, &zone)
                )
            } else {
                let risk = if c.at_risk { "At risk · " } else { "" };
                format!(
                    "{paused}{risk}due in {} ({})",
                    short_duration(due - now),
                    format_time(due, &zone)
                )
            }
        }
        (_, None) if c.breached => {
            "Breached (logged earlier) · paused while waiting on the user".into()
        }
        (_, None) => format!(
            "Paused while waiting on the user · {} working min left",
            c.remaining().num_minutes().max(0)
        ),
    }
}

/// Logs what happened outside the app: an email sent or received, a call, a promise, a hand-off.
#[component]
pub fn ContactPanel(editor_id: uuid::Uuid) -> impl IntoView {
    let state = app_state();
    let kind = RwSignal::new("sent".to_string());
    let address = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let outcome = RwSignal::new("Reached".to_string());
    let minutes = RwSignal::new(String::new());
    let promise = RwSignal::new(String::new());
    let handoff = RwSignal::new(String::new());
    // Everything typed here is drafted like a note, so a reload or a crash loses nothing.
    let form = super::case_outreach::LoggedForm::new(
        editor_id,
        DraftKey::Contact(editor_id),
        vec![
            ("kind", kind),
            ("address", address),
            ("subject", subject),
            ("body", body),
            ("outcome", outcome),
            ("minutes", minutes),
            ("promise", promise),
            ("handoff", handoff),
        ],
    );
    let super::case_outreach::LoggedForm {
        error,
        busy,
        draft_status,
        ..
    } = form;
    let edit = form.editor();
    let open_handoffs = Memo::new(move |_| {
        state.marks.with(|m| {
            let marks = m.get(&editor_id).cloned().unwrap_or_default();
            marks
                .iter()
                .filter_map(|mark| match &mark.kind {
                    MarkKind::HandOff { id, team, .. }
                        if !marks.iter().any(
                            |a| matches!(&a.kind, MarkKind::PartnerAnswer { id: x } if x == id),
                        ) =>
                    {
                        Some((*id, team.clone()))
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(before) = state
            .cases
            .with_untracked(|all| all.iter().find(|c| c.id == editor_id).cloned())
        else {
            return;
        };
        let text = body.get_untracked();
        let event_kind = match kind.get_untracked().as_str() {
            "sent" => EventKind::EmailSent {
                to: address.get_untracked(),
                cc: String::new(),
                subject: subject.get_untracked(),
                body: text,
            },
            "received" => EventKind::EmailReceived {
                from: address.get_untracked(),
                subject: subject.get_untracked(),
                body: text,
            },
            "call" => EventKind::CallLogged {
                outcome: CallOutcome::ALL
                    .into_iter()
                    .find(|o| format!("{o:?}") == outcome.get_untracked())
                    .unwrap_or(CallOutcome::Reached),
                duration_seconds: minutes
                    .get_untracked()
                    .trim()
                    .parse::<u32>()
                    .unwrap_or(0)
                    .saturating_mul(60),
                notes: text,
                next_steps: String::new(),
            },
            _ => {
                let Some(id) = open_handoffs
                    .get_untracked()
                    .into_iter()
                    .find(|(id, _)| id.to_string() == handoff.get_untracked())
                    .map(|(id, _)| id)
                else {
                    error.set(Some("choose the hand-off the partner team answered".into()));
                    return;
                };
                EventKind::PartnerAnswered {
                    handoff: id,
                    summary: text,
                }
            }
        };
        let mut kinds = vec![event_kind];
        // A promise rides on the same save as the update that makes it.
        let promise_text = promise.get_untracked();
        if matches!(kind.get_untracked().as_str(), "sent" | "call")
            && !promise_text.trim().is_empty()
        {
            let Some(by) = from_local_input(&promise_text, &state.zone()) else {
                error.set(Some("the promised time is not a date and time".into()));
                return;
            };
            kinds.push(EventKind::UpdatePromised { by });
        }
        // The user wrote back: the case is no longer waiting on them, and their clocks resume.
        let resume = (kind.get_untracked() == "received"
            && before.status == CaseStatus::WaitingOnUser)
            .then_some(CaseStatus::InProgress);
        form.submit(kinds, resume, move || {
            body.set(String::new());
            subject.set(String::new());
            promise.set(String::new());
            minutes.set(String::new());
        });
    };
    let is = move |k: &'static str| move || kind.get() == k;
    view! {
        <form class="panel contact-panel" on:submit=submit novalidate=true>
            <h2>"Log contact"</h2>
            <div class="field">
                <label for="contact-kind">"What happened"</label>
                <select id="contact-kind" prop:value=move || kind.get() on:change=move |ev| edit.run((kind, event_target_value(&ev)))>
                    <option value="sent">"I emailed the user"</option>
                    <option value="call">"I called the user"</option>
                    <option value="received">"The user emailed us"</option>
                    <option value="answered">"A partner team answered"</option>
                </select>
            </div>
            <Show when=move || matches!(kind.get().as_str(), "sent" | "received")>
                <div class="field">
                    <label for="contact-address">{move || if kind.get() == "sent" { "To" } else { "From" }}</label>
                    <input id="contact-address" prop:value=move || address.get() on:input=move |ev| edit.run((address, event_target_value(&ev)))/>
                </div>
            </Show>
            <Show when=move || matches!(kind.get().as_str(), "sent" | "received")>
                <div class="field">
                    <label for="contact-subject">"Subject"</label>
                    <input id="contact-subject" prop:value=move || subject.get() on:input=move |ev| edit.run((subject, event_target_value(&ev)))/>
                </div>
            </Show>
            <Show when=is("call")>
                <div class="inline-fields">
                    <label for="call-outcome">"Outcome"</label>
                    <select id="call-outcome" prop:value=move || outcome.get() on:change=move |ev| edit.run((outcome, event_target_value(&ev)))>
                        {CallOutcome::ALL.into_iter().map(|o| view! { <option value=format!("{o:?}")>{o.label()}</option> }).collect_view()}
                    </select>
                    <label for="call-minutes">"Minutes"</label>
                    <input id="call-minutes" type="number" min="0" inputmode="numeric" prop:value=move || minutes.get() on:input=move |ev| edit.run((minutes, event_target_value(&ev)))/>
                </div>
            </Show>
            <Show when=is("answered")>
                <div class="field">
                    <label for="contact-handoff">"Hand-off"</label>
                    <select id="contact-handoff" prop:value=move || handoff.get() on:change=move |ev| edit.run((handoff, event_target_value(&ev)))>
                        <option value="">"Choose…"</option>
                        {move || open_handoffs.get().into_iter().map(|(id, team)| view! { <option value=id.to_string()>{team}</option> }).collect_view()}
                    </select>
                </div>
            </Show>
            <div class="field">
                <label for="contact-body">{move || match kind.get().as_str() { "sent" | "received" => "Text", "call" => "What was said", _ => "Their answer" }}</label>
                <textarea id="contact-body" rows="3" prop:value=move || body.get() on:input=move |ev| edit.run((body, event_target_value(&ev)))></textarea>
            </div>
            <Show when=move || matches!(kind.get().as_str(), "sent" | "call")>
                <div class="field">
                    <label for="contact-promise">"Promise the next update by (optional)"</label>
                    <input id="contact-promise" type="datetime-local" prop:value=move || promise.get() on:input=move |ev| edit.run((promise, event_target_value(&ev)))/>
                </div>
            </Show>
            <FormStatus error=error draft=draft_status aside=form.set_aside_shown()/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>"Log it"</button>
            </div>
        </form>
    }
}
