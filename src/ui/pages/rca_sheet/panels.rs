//! The worksheet's side panels: status moves, partner sign-offs and export.

use super::*;

use crate::app::drafts::DraftKey;
use crate::ui::components::form_status::FormStatus;

#[component]
pub(super) fn StatusPanel(id: Uuid, stored: Memo<Option<Rca>>, dirty: Memo<bool>) -> impl IntoView {
    let state = app_state();
    let message = RwSignal::new(None::<(bool, Vec<String>)>);
    let move_to = move |to: RcaStatus| {
        let Some(current) = stored.get_untracked() else {
            return;
        };
        match current.move_to(to, &state.actor(), browser::now()) {
            Ok(next) => persist(
                state,
                current.revision,
                next,
                None,
                message,
                "Status changed.",
                || {},
            ),
            Err(e) => message.set(Some((false, refusal(e)))),
        }
    };
    let _ = id;
    view! {
        <section class="panel rca-status-panel" aria-labelledby="rca-status-heading">
            <h2 id="rca-status-heading">"Status"</h2>
            <p>{move || stored.with(|r| r.as_ref().map(|r| format!("Now: {}", r.status.label())).unwrap_or_default())}</p>
            <Show when=move || dirty.get()>
                <p class="form-warning">"Save or discard your changes first: status moves apply to the saved worksheet."</p>
            </Show>
            <div class="actions">
                {move || stored.with(|r| r.as_ref().map(|r| r.status.next().to_vec()).unwrap_or_default()).into_iter().map(|to| {
                    let label = match to {
                        RcaStatus::InReview => "Send for review",
                        RcaStatus::Validated => "Mark validated",
                        RcaStatus::Published => "Publish",
                        RcaStatus::Rejected => "Reject",
                        RcaStatus::Draft => "Back to draft",
                    };
                    view! { <button type="button" class:primary=matches!(to, RcaStatus::InReview | RcaStatus::Published) prop:disabled=move || dirty.get() on:click=move |_| move_to(to)>{label}</button> }
                }).collect_view()}
            </div>
            <OutcomeList outcome=message refused_heading=true/>
            <details>
                <summary>"Status history"</summary>
                <ul>
                    {move || stored.with(|r| r.as_ref().map(|r| r.status_log.clone()).unwrap_or_default()).into_iter().rev().map(|s| view! {
                        <li>{format!("{} → {} by {}, {}", s.from.label(), s.to.label(), s.actor, format_time(s.at, &state.zone()))}</li>
                    }).collect_view()}
                </ul>
            </details>
        </section>
    }
}

#[component]
pub(super) fn SignOffPanel(
    id: Uuid,
    stored: Memo<Option<Rca>>,
    dirty: Memo<bool>,
) -> impl IntoView {
    let state = app_state();
    let team = RwSignal::new(String::new());
    let validator = RwSignal::new(String::new());
    let decision = RwSignal::new("Agree".to_string());
    let comments = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, Vec<String>)>);
    let draft_status = RwSignal::new(None::<String>);
    let (redraft, signoff_saver) = crate::ui::components::drafts::form_draft(
        DraftKey::SignOff(id),
        vec![
            ("team", team),
            ("validator", validator),
            ("decision", decision),
            ("comments", comments),
        ],
        draft_status,
        || {},
    );
    let signoff_saver = StoredValue::new(signoff_saver);
    let sign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(current) = stored.get_untracked() else {
            return;
        };
        if dirty.get_untracked() {
            message.set(Some((
                false,
                vec!["Save your changes first: a sign-off covers the saved worksheet.".into()],
            )));
            return;
        }
        let chosen = Decision::ALL
            .into_iter()
            .find(|d| format!("{d:?}") == decision.get_untracked())
            .unwrap_or(Decision::Agree);
        let team_name = match team.get_untracked() {
            t if t.is_empty() => current
                .content
                .partner_teams
                .first()
                .cloned()
                .unwrap_or_default(),
            t => t,
        };
        match current.sign(
            &team_name,
            &validator.get_untracked(),
            chosen,
            &comments.get_untracked(),
            &state.actor(),
            browser::now(),
        ) {
            Ok(next) => {
                let became_valid =
                    next.status == RcaStatus::Validated && current.status != RcaStatus::Validated;
                signoff_saver.with_value(DraftSaver::cancel);
                persist(
                    state,
                    current.revision,
                    next,
                    Some(signoff_saver.with_value(DraftSaver::held)),
                    message,
                    if became_valid {
                        "Sign-off recorded. Every partner team has agreed: the worksheet is validated."
                    } else {
                        "Sign-off recorded."
                    },
                    // Cleared only once stored: a refused save keeps what was typed.
                    move || {
                        let _ = validator.try_set(String::new());
                        let _ = comments.try_set(String::new());
                        let _ = draft_status.try_set(None);
                    },
                );
            }
            Err(e) => message.set(Some((false, refusal(e)))),
        }
    };
    // Computed once per stored revision: it hashes the content.
    let rows = Memo::new(move |_| {
        stored.with(|r| {
            let Some(r) = r else { return Vec::new() };
            r.signoff_states()
                .into_iter()
                .map(|(t, signoff)| {
                    let comment = match &signoff {
                        SignOffState::Current(s) | SignOffState::Stale(s) => s.comments.clone(),
                        SignOffState::Missing => String::new(),
                    };
                    let (state_text, class, detail) = match signoff {
                        SignOffState::Missing => {
                            ("Not signed".to_string(), "signoff-missing", String::new())
                        }
                        SignOffState::Current(s) => (
                            s.decision.label().to_string(),
                            if s.decision == Decision::Disagree {
                                "signoff-disagree"
                            } else {
                                "signoff-current"
                            },
                            format!(
                                "{} · {} · signed {}…",
                                s.validator,
                                format_time(s.at, &state.zone()),
                                crate::domain::rca::short_hash(&s.content_hash)
                            ),
                        ),
                        SignOffState::Stale(s) => (
                            format!("Stale — {}", s.decision.label()),
                            "signoff-stale",
                            format!(
                                "{} · {} · signed {}…, the worksheet has changed since",
                                s.validator,
                                format_time(s.at, &state.zone()),
                                crate::domain::rca::short_hash(&s.content_hash)
                            ),
                        ),
                    };
                    (t.to_string(), state_text, class, detail, comment)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel" aria-labelledby="signoff-heading">
            <h2 id="signoff-heading">"Partner validation"</h2>
            <p class="hint">"Each sign-off is bound to the SHA-256 hash of the worksheet it saw; any later edit makes it stale."</p>
            <Show when=move || !rows.with(Vec::is_empty) fallback=|| view! { <p class="empty-state">"Name the partner teams in the header, save, and send it for review."</p> }>
                <table class="case-table signoffs">
                    <thead><tr><th scope="col">"Team"</th><th scope="col">"Sign-off"</th><th scope="col">"Who, when, what"</th><th scope="col">"Comments"</th></tr></thead>
                    <tbody>
                        {move || rows.get().into_iter().map(|(t, text, class, detail, comment)| view! {
                            <tr class=class><th scope="row">{t}</th><td><span class=format!("badge {class}")>{text}</span></td><td>{detail}</td><td>{comment}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <form class="signoff-form" on:submit=sign>
                <h3>"Record a sign-off"</h3>
                <FormStatus draft=draft_status aside=signoff_saver.with_value(|s| s.set_aside_shown())/>
                <div class="inline-fields">
                    <div class="field"><label for="signoff-team">"Team"</label>
                        <select id="signoff-team" prop:value=move || team.get() on:change={ let redraft = redraft.clone(); move |ev| { team.set(event_target_value(&ev)); redraft(); } }>
                            {move || stored.with(|r| r.as_ref().map(|r| r.content.partner_teams.clone()).unwrap_or_default()).into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                        </select></div>
                    <div class="field"><label for="signoff-validator">"Validator"</label>
                        <input id="signoff-validator" type="text" prop:value=move || validator.get() on:input={ let redraft = redraft.clone(); move |ev| { validator.set(event_target_value(&ev)); redraft(); } }/></div>
                    <div class="field"><label for="signoff-decision">"Decision"</label>
                        <select id="signoff-decision" prop:value=move || decision.get() on:change={ let redraft = redraft.clone(); move |ev| { decision.set(event_target_value(&ev)); redraft(); } }>
                            {Decision::ALL.into_iter().map(|d| view! { <option value=format!("{d:?}")>{d.label()}</option> }).collect_view()}
                        </select></div>
                </div>
                <div class="field"><label for="signoff-comments">"Comments"</label>
                    <textarea id="signoff-comments" rows="2" prop:value=move || comments.get() on:input=move |ev| { comments.set(event_target_value(&ev)); redraft(); }></textarea></div>
                <OutcomeList outcome=message/>
                <div class="actions"><button type="submit" prop:disabled=move || dirty.get()>"Record sign-off"</button></div>
            </form>
        </section>
    }
}

#[component]
pub(super) fn ExportPanel(stored: Memo<Option<Rca>>) -> impl IntoView {
    let state = app_state();
    let message = RwSignal::new(None::<String>);
    let markdown = move || {
        stored
            .get_untracked()
            .map(|r| (r.key, export_markdown(state, &r)))
    };
    let copy = move |_| {
        let Some((_, text)) = markdown() else { return };
        leptos::task::spawn_local(async move {
            let result = browser::copy_text(&text).await;
            let _ = message.try_set(Some(match result {
                Ok(()) => "Markdown copied.".into(),
                Err(e) => e,
            }));
        });
    };
    let download = move |_| {
        let Some((key, text)) = markdown() else {
            return;
        };
        let name = format!("{key}.md");
        message.set(Some(
            match browser::download(&name, &text, "text/markdown") {
                Ok(()) => format!("Downloaded {name}."),
                Err(e) => e,
            },
        ));
    };
    view! {
        <section class="panel">
            <h2>"Export"</h2>
            <p class="hint">"The saved worksheet, for a document or a ticket. Unsaved changes are not included."</p>
            <div class="actions">
                <button type="button" on:click=copy>"Copy as Markdown"</button>
                <button type="button" on:click=download>"Download Markdown"</button>
                <A href=move || stored.with(|r| r.as_ref().map(|r| format!("/rcas/{}/print", r.key)).unwrap_or_default())>"Print layout"</A>
            </div>
            <p role="status">{move || message.get()}</p>
        </section>
    }
}
