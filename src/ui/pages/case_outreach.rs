//! The case page's outreach panels: the email composer, partner hand-offs and follow-up reminders.

use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use crate::app::drafts::DraftKey;
use crate::browser::{self, format_time, from_local_input};
use crate::domain::mailto::{MAILTO_LIMIT, mailto};
use crate::domain::partners::handoff_packet;
use crate::domain::queue::reminder_of;
use crate::domain::sla::{SlaTarget, case_clocks};
use crate::domain::templates::{
    ExtraValues, Part, TemplateError, TemplateValues, leftover_placeholders,
};
use crate::domain::{Case, CaseEvent, CaseStatus, EventKind};
use crate::ui::components::form_status::FormStatus;

use crate::app::state::{AppState, app_state};
pub(super) use crate::ui::components::logged_form::LoggedForm;

/// The placeholder values for this case now: deadlines in the viewer's zone, and who is sending.
fn template_values(
    state: AppState,
    case: &Case,
    partner: Option<(String, String)>,
) -> TemplateValues {
    let zone = state.zone();
    let now = browser::now();
    let due = |target: SlaTarget| -> Option<String> {
        let crate::app::board::Engine(engine) = state.engine.get_untracked()?;
        let marks = state
            .marks
            .with_untracked(|m| m.get(&case.id).cloned().unwrap_or_default());
        let sla = case_clocks(case, &marks, &engine, now);
        sla.clocks
            .iter()
            .filter(|c| c.current && c.target == target)
            .find_map(|c| c.due)
            .map(|d| format_time(d, &zone))
    };
    let (partner_team, partner_question) = partner.unzip();
    TemplateValues::for_case(
        case,
        &ExtraValues {
            me: state.actor(),
            next_update_due: due(SlaTarget::NextUpdate).or_else(|| due(SlaTarget::FirstResponse)),
            resolution_due: due(SlaTarget::Resolution),
            partner_team,
            partner_question,
        },
    )
}

/// Writes an email from a template, hands it to the user's mail app, and logs it once sent.
#[component]
pub fn ComposerPanel(
    case_id: Uuid,
    /// A template another panel asks for (a playbook step's); taken once, then cleared.
    compose: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = app_state();
    let first_email = state
        .case(case_id)
        .and_then(|c| c.contacts.first().map(|c| c.email.clone()))
        .unwrap_or_default();
    let template = RwSignal::new(String::new());
    let to = RwSignal::new(first_email);
    let cc = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let promise = RwSignal::new(String::new());
    let render_problems = RwSignal::new(Vec::<TemplateError>::new());
    let form = LoggedForm::new(
        case_id,
        DraftKey::Compose(case_id),
        vec![
            ("template", template),
            ("to", to),
            ("cc", cc),
            ("subject", subject),
            ("body", body),
            ("promise", promise),
        ],
    );
    let LoggedForm {
        error,
        notice,
        busy,
        draft_status,
        ..
    } = form;
    let edit = form.editor();
    let pick_template = move |id: String| {
        template.set(id.clone());
        render_problems.set(Vec::new());
        let Some(chosen) = state.templates.with_untracked(|l| l.get(&id).cloned()) else {
            form.redraft();
            return;
        };
        let Some(case) = state.case(case_id) else {
            return;
        };
        // Gaps stay as `{{placeholder}}` for the specialist to fill by hand; sending stays
        // blocked until none is left.
        let (rendered, gaps) = chosen.render(&template_values(state, &case, None));
        subject.set(rendered.subject);
        body.set(rendered.body);
        render_problems.set(gaps);
        form.redraft();
    };
    let composer_ref = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if let Some(id) = compose.get() {
            compose.set(None);
            pick_template(id);
            if let Some(el) = composer_ref.get_untracked() {
                el.scroll_into_view();
                if let Some(select) = el.query_selector("#composer-template").ok().flatten()
                    && let Ok(select) = select.dyn_into::<web_sys::HtmlElement>()
                {
                    let _ = select.focus();
                }
            }
        }
    });
    // What would reach the user's inbox wrong: re-checked on every keystroke.
    let problems = Memo::new(move |_| {
        let mut all = leftover_placeholders(&subject.get(), Part::Subject);
        all.extend(leftover_placeholders(&body.get(), Part::Body));
        all.into_iter().map(|e| e.to_string()).collect::<Vec<_>>()
    });
    let link = Memo::new(move |_| mailto(&to.get(), &cc.get(), &subject.get(), &body.get()));
    let ready = move || problems.with(Vec::is_empty) && !to.get().trim().is_empty();
    let copy = move |_| {
        let text = format!(
            "To: {}\n{}Subject: {}\n\n{}",
            to.get_untracked(),
            if cc.get_untracked().trim().is_empty() {
                String::new()
            } else {
                format!("Cc: {}\n", cc.get_untracked())
            },
            subject.get_untracked(),
            body.get_untracked()
        );
        leptos::task::spawn_local(async move {
            match browser::copy_text(&text).await {
                Ok(()) => notice.set(Some(
                    "Copied. Paste it into your mail app, then press Mark as sent.".into(),
                )),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let mark_sent = move |(): ()| {
        if !problems.with_untracked(Vec::is_empty) {
            error.set(Some("fill in every placeholder before sending".into()));
            return;
        }
        let mut kinds = vec![EventKind::EmailSent {
            to: to.get_untracked(),
            cc: cc.get_untracked(),
            subject: subject.get_untracked(),
            body: body.get_untracked(),
        }];
        let promised = promise.get_untracked();
        if !promised.trim().is_empty() {
            let Some(by) = from_local_input(&promised, &state.zone()) else {
                error.set(Some("the promised time is not a date and time".into()));
                return;
            };
            kinds.push(EventKind::UpdatePromised { by });
        }
        form.submit(kinds, None, move || {
            template.set(String::new());
            subject.set(String::new());
            body.set(String::new());
            cc.set(String::new());
            promise.set(String::new());
            notice.set(Some(
                "Logged as sent. The response clocks are updated.".into(),
            ));
        });
    };
    view! {
        <section class="panel composer-panel" aria-labelledby="composer-heading" node_ref=composer_ref
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                // Not a form (its buttons do different things); Ctrl+Enter is "Mark as sent".
                if !crate::ui::components::keys::is_submit_chord(&ev) || busy.get_untracked() {
                    return;
                }
                ev.prevent_default();
                if to.with_untracked(|t| t.trim().is_empty()) {
                    error.set(Some("add a recipient before sending".into()));
                } else {
                    mark_sent(());
                }
            }>
            <h2 id="composer-heading">"Email the user"</h2>
            <div class="field">
                <label for="composer-template">"Template"</label>
                <select id="composer-template" prop:value=move || template.get() on:change=move |ev| pick_template(event_target_value(&ev))>
                    <option value="">"Blank email"</option>
                    {move || {
                        let library = state.templates.get();
                        crate::domain::templates::TemplateCategory::ALL.into_iter().map(|category| {
                            let options = library.templates.iter().filter(|t| t.category == category).map(|t| {
                                view! { <option value=t.id.clone()>{t.name.clone()}</option> }
                            }).collect_view();
                            view! { <optgroup label=category.label()>{options}</optgroup> }
                        }).collect_view()
                    }}
                </select>
            </div>
            <Show when=move || !render_problems.with(Vec::is_empty)>
                <div class="warning-panel" role="alert">
                    <p>"This template needs values the case does not have. Fill them in below before sending:"</p>
                    <ul>{move || render_problems.get().into_iter().map(|p| view! { <li>{p.to_string()}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <div class="field">
                <label for="composer-to">"To"</label>
                <input id="composer-to" type="email" multiple=true prop:value=move || to.get() on:input=move |ev| edit.run((to, event_target_value(&ev)))/>
            </div>
            <div class="field">
                <label for="composer-cc">"Cc"</label>
                <input id="composer-cc" type="email" multiple=true prop:value=move || cc.get() on:input=move |ev| edit.run((cc, event_target_value(&ev)))/>
            </div>
            <div class="field">
                <label for="composer-subject">"Subject"</label>
                <input id="composer-subject" prop:value=move || subject.get() on:input=move |ev| edit.run((subject, event_target_value(&ev)))/>
            </div>
            <div class="field">
                <label for="composer-body">"Message"</label>
                <textarea id="composer-body" rows="8" prop:value=move || body.get() on:input=move |ev| edit.run((body, event_target_value(&ev)))></textarea>
            </div>
            <Show when=move || !problems.with(Vec::is_empty)>
                <ul class="field-error composer-problems" aria-label="Not ready to send">
                    {move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
            </Show>
            <div class="field">
                <label for="composer-promise">"Promise the next update by (optional)"</label>
                <input id="composer-promise" type="datetime-local" prop:value=move || promise.get() on:input=move |ev| edit.run((promise, event_target_value(&ev)))/>
            </div>
            <FormStatus error=error draft=draft_status aside=form.set_aside_shown()/>
            <p class="notice" role="status">{move || notice.get()}</p>
            <Show when=move || link.with(|l| l.too_long) && ready()>
                <p class="form-warning">{move || format!(
                    "This email is too long to hand to a mail app as a link ({} characters; mail apps cut links after about {MAILTO_LIMIT}). Use Copy and paste it into your mail app.",
                    link.with(|l| l.url.len())
                )}</p>
            </Show>
            <div class="actions">
                <Show when=move || ready() && !link.with(|l| l.too_long) fallback=|| view! {
                    <button type="button" disabled=true title="Fill in the recipient and every placeholder first">"Open in mail app"</button>
                }>
                    <a class="button" href=move || link.with(|l| l.url.clone())>"Open in mail app"</a>
                </Show>
                <button type="button" on:click=copy disabled=move || !ready()>"Copy"</button>
                <button type="button" class="primary" on:click=move |_| mark_sent(()) disabled=move || busy.get() || !ready()>"Mark as sent"</button>
            </div>
        </section>
    }
}

/// One hand-off as the timeline tells it: when it went, to whom, and whether it was answered.
#[derive(Clone, PartialEq)]
struct HandOffRow {
    id: Uuid,
    team: String,
    ticket: String,
    sent: chrono::DateTime<chrono::Utc>,
    answered: Option<chrono::DateTime<chrono::Utc>>,
}

fn handoff_rows(events: &[CaseEvent]) -> Vec<HandOffRow> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HandedOff {
                handoff,
                team,
                ticket,
                ..
            } => Some(HandOffRow {
                id: *handoff,
                team: team.clone(),
                ticket: ticket.clone(),
                sent: e.at,
                answered: events.iter().find_map(|a| match &a.kind {
                    EventKind::PartnerAnswered { handoff: h, .. } if h == handoff => Some(a.at),
                    _ => None,
                }),
            }),
            _ => None,
        })
        .collect()
}

/// Hands part of the case to a partner team from the directory, with the packet they need.
#[component]
pub fn HandOffPanel(case_id: Uuid, timeline: RwSignal<Vec<CaseEvent>>) -> impl IntoView {
    let state = app_state();
    let team = RwSignal::new(String::new());
    let question = RwSignal::new(String::new());
    let ticket = RwSignal::new(String::new());
    let waiting = RwSignal::new("yes".to_string());
    let form = LoggedForm::new(
        case_id,
        DraftKey::Handoff(case_id),
        vec![
            ("team", team),
            ("question", question),
            ("ticket", ticket),
            ("waiting", waiting),
        ],
    );
    let LoggedForm {
        error,
        notice,
        busy,
        draft_status,
        ..
    } = form;
    let edit = form.editor();
    let chosen = Memo::new(move |_| {
        let name = team.get();
        state.partners.with(|d| d.find(&name).cloned())
    });
    let rows = Memo::new(move |_| timeline.with(|t| handoff_rows(t)));
    let copy_packet = move |_| {
        let Some(case) = state.case(case_id) else {
            return;
        };
        let zone = state.zone();
        let packet = timeline.with_untracked(|events| {
            handoff_packet(
                &case,
                events,
                &team.get_untracked(),
                &question.get_untracked(),
                |t| format_time(t, &zone),
            )
        });
        leptos::task::spawn_local(async move {
            match browser::copy_text(&packet).await {
                Ok(()) => notice.set(Some(
                    "Hand-off packet copied as Markdown. Paste it into the partner's tracker."
                        .into(),
                )),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = team.get_untracked().trim().to_string();
        let ola_minutes = chosen.get_untracked().and_then(|t| t.ola_minutes);
        let kinds = vec![EventKind::HandedOff {
            handoff: browser::new_id(),
            team: name,
            ask: question.get_untracked(),
            ticket: ticket.get_untracked().trim().to_string(),
            ola_minutes,
        }];
        let status = (waiting.get_untracked() == "yes").then_some(CaseStatus::WaitingOnPartner);
        form.submit(kinds, status, move || {
            question.set(String::new());
            ticket.set(String::new());
            notice.set(Some("Hand-off logged; its OLA clock is running.".into()));
        });
    };
    view! {
        <form class="panel handoff-panel" on:submit=submit novalidate=true aria-labelledby="handoff-heading"
            on:keydown=|ev| crate::ui::components::keys::submit_form_on_chord(&ev)>
            <h2 id="handoff-heading">"Hand off to a partner team"</h2>
            <Show when=move || !rows.with(Vec::is_empty)>
                <ul class="handoff-list">
                    {move || {
                        let zone = state.zone();
                        rows.get().into_iter().map(|row| view! {
                            <li data-handoff=row.id.to_string()>
                                <strong>{row.team}</strong>
                                {(!row.ticket.is_empty()).then(|| format!(" · {}", row.ticket))}
                                {format!(" · asked {}", format_time(row.sent, &zone))}
                                {match row.answered {
                                    Some(at) => format!(" · answered {}", format_time(at, &zone)),
                                    None => " · waiting for their answer".to_string(),
                                }}
                            </li>
                        }).collect_view()
                    }}
                </ul>
            </Show>
            <div class="field">
                <label for="handoff-team">"Partner team"</label>
                <input id="handoff-team" list="partner-teams" autocomplete="off" prop:value=move || team.get() on:input=move |ev| edit.run((team, event_target_value(&ev)))/>
                <datalist id="partner-teams">
                    {move || state.partners.get().teams.into_iter().map(|t| view! { <option value=t.name.clone()></option> }).collect_view()}
                </datalist>
                <p class="hint">{move || match chosen.get() {
                    Some(t) => format!(
                        "{} · {} · OLA {}",
                        t.contact,
                        t.channel,
                        t.ola_minutes.map_or("from the SLA policy".to_string(), |m| format!("{m} working min")),
                    ),
                    None if team.get().trim().is_empty() => "Pick a team from the directory (Settings → Partner teams) or type another.".into(),
                    None => "Not in the directory: the SLA policy's partner OLA applies.".into(),
                }}</p>
            </div>
            <div class="field">
                <label for="handoff-question">"Question for them"</label>
                <textarea id="handoff-question" rows="3" prop:value=move || question.get() on:input=move |ev| edit.run((question, event_target_value(&ev)))></textarea>
            </div>
            <div class="field">
                <label for="handoff-ticket">"Their ticket (optional)"</label>
                <input id="handoff-ticket" placeholder="e.g. RISK-8812" prop:value=move || ticket.get() on:input=move |ev| edit.run((ticket, event_target_value(&ev)))/>
            </div>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || waiting.get() == "yes"
                    on:change=move |ev| edit.run((waiting, if event_target_checked(&ev) { "yes".into() } else { "no".into() }))/>
                " Move the case to Waiting on partner"
            </label>
            <FormStatus error=error draft=draft_status aside=form.set_aside_shown()/>
            <p class="notice" role="status">{move || notice.get()}</p>
            <div class="actions">
                <button type="button" on:click=copy_packet>"Copy hand-off packet"</button>
                <button type="submit" class="primary" disabled=move || busy.get()>"Log hand-off"</button>
            </div>
        </form>
    }
}

/// "Come back to this": a reminder keeps the case in the queue, a snooze takes it out until then.
#[component]
pub fn ReminderPanel(case_id: Uuid) -> impl IntoView {
    let state = app_state();
    let when = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let form = LoggedForm::new(
        case_id,
        DraftKey::Reminder(case_id),
        vec![("when", when), ("note", note)],
    );
    let LoggedForm {
        error,
        busy,
        draft_status,
        ..
    } = form;
    let permission = RwSignal::new(browser::notification_permission());
    let ask_permission = move |_| {
        leptos::task::spawn_local(async move {
            let answer = browser::request_notification_permission().await;
            permission.set(answer.or_else(browser::notification_permission));
        });
    };
    let reminder = Memo::new(move |_| {
        state
            .marks
            .with(|m| m.get(&case_id).and_then(|marks| reminder_of(marks)))
    });
    let set = move |snooze: bool, clear: bool| {
        let at = if clear {
            None
        } else {
            match from_local_input(&when.get_untracked(), &state.zone()) {
                Some(at) => Some(at),
                None => {
                    error.set(Some("choose a date and time".into()));
                    return;
                }
            }
        };
        let kinds = vec![EventKind::ReminderSet {
            at,
            snooze,
            note: if clear {
                String::new()
            } else {
                note.get_untracked()
            },
        }];
        form.submit(kinds, None, move || {
            when.set(String::new());
            note.set(String::new());
        });
    };
    view! {
        <section class="panel reminder-panel" aria-labelledby="reminder-heading">
            <h2 id="reminder-heading">"Follow up"</h2>
            <p class="reminder-now">{move || {
                let zone = state.zone();
                let now = state.clock.get();
                match reminder.get() {
                    None => "No reminder set.".to_string(),
                    Some(r) if r.is_due(now) => format!("Reminder due since {}.", format_time(r.at, &zone)),
                    Some(r) if r.snooze => format!("Snoozed: out of the open queue until {}.", format_time(r.at, &zone)),
                    Some(r) => format!("Reminder set for {}.", format_time(r.at, &zone)),
                }
            }}</p>
            <div class="field">
                <label for="reminder-at">"When"</label>
                <input id="reminder-at" type="datetime-local" prop:value=move || when.get() on:input=move |ev| form.edit(when, event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="reminder-note">"Why (optional)"</label>
                <input id="reminder-note" placeholder="e.g. check the payout landed" prop:value=move || note.get() on:input=move |ev| form.edit(note, event_target_value(&ev))/>
            </div>
            <FormStatus error=error draft=draft_status aside=form.set_aside_shown()/>
            <div class="actions">
                <button type="button" disabled=move || busy.get() on:click=move |_| set(false, false)>"Remind me"</button>
                <button type="button" disabled=move || busy.get() on:click=move |_| set(true, false)>"Snooze until then"</button>
                <Show when=move || reminder.get().is_some()>
                    <button type="button" class="link" disabled=move || busy.get() on:click=move |_| set(false, true)>"Clear reminder"</button>
                </Show>
            </div>
            {move || match permission.get().as_deref() {
                None => None,
                Some("granted") => Some(view! { <p class="hint">"This browser will notify you when a reminder comes due while the app is open."</p> }.into_any()),
                Some("denied") => Some(view! { <p class="hint">"Notifications are blocked for this site; due reminders still rise to the top of the queue."</p> }.into_any()),
                Some(_) => Some(view! {
                    <p class="hint">
                        "Due reminders rise to the top of the queue. "
                        <button type="button" class="link" on:click=ask_permission>"Also notify me in this browser"</button>
                    </p>
                }.into_any()),
            }}
        </section>
    }
}
