//! The case page's scoping and details panels: triage facts and the case's own fields, each drafted as typed and saved through the application layer.

use super::*;

use crate::app::drafts::DraftKey;
use crate::ui::components::form_status::FormStatus;

#[component]
pub(super) fn ScopingPanel(case: Memo<Option<Case>>, editor: Editor) -> impl IntoView {
    let state = app_state();
    let Some(case) = case.get_untracked() else {
        return ().into_any();
    };
    let zone = state.zone();
    // The form shows this case; a later save applies only what the form changed (see `Editor::apply`).
    let scoping_base = StoredValue::new(Some(case.clone()));
    let s = case.scoping.clone();
    let affected = RwSignal::new(s.affected.clone());
    let since = RwSignal::new(
        s.since
            .map(|t| to_local_input(t, &zone))
            .unwrap_or_default(),
    );
    let reproducible = RwSignal::new(
        match s.reproducible {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        }
        .to_string(),
    );
    let amount = RwSignal::new(s.money_at_risk.map(|m| m.amount_text()).unwrap_or_default());
    let currency = RwSignal::new(
        s.money_at_risk
            .map(|m| m.currency.code())
            .unwrap_or_else(|| "SGD".into()),
    );
    let users = RwSignal::new(s.users_affected.map(|n| n.to_string()).unwrap_or_default());
    let evidence = RwSignal::new(s.evidence.join("\n"));
    let impact = RwSignal::new(format!("{:?}", case.impact));
    let urgency = RwSignal::new(format!("{:?}", case.urgency));
    let scoping_draft_key = DraftKey::Scoping(case.id);
    let draft_status = RwSignal::new(None::<String>);
    let (save_scoping_draft, scoping_saver) = form_draft(
        scoping_draft_key,
        vec![
            ("affected", affected),
            ("since", since),
            ("reproducible", reproducible),
            ("amount", amount),
            ("currency", currency),
            ("users", users),
            ("evidence", evidence),
            ("impact", impact),
            ("urgency", urgency),
        ],
        draft_status,
        || {},
    );
    let scoping_aside = scoping_saver.set_aside_shown();
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let missing = Memo::new(move |_| {
        let requirements = state.settings.with(|s| s.scoping.clone());
        state.cases.with(|all| {
            all.iter()
                .find(|c| c.id == case.id)
                .map(|c| c.scoping.missing(&requirements))
                .unwrap_or_default()
        })
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let zone = state.zone();
        let parsed = (|| -> Result<(Scoping, Impact, Urgency), String> {
            let since = match since.get_untracked().trim() {
                "" => None,
                text => Some(
                    from_local_input(text, &zone)
                        .ok_or_else(|| format!("Since when: '{text}' is not a date and time"))?,
                ),
            };
            let money_at_risk = match amount.get_untracked().trim() {
                "" => None,
                text => {
                    let currency = Currency::parse(&currency.get_untracked().to_uppercase())
                        .map_err(|e| format!("Currency: {e}"))?;
                    Some(Money::parse(text, currency).map_err(|e| format!("Money at risk: {e}"))?)
                }
            };
            let users_affected = match users.get_untracked().trim() {
                "" => None,
                text => Some(
                    text.replace(',', "")
                        .parse::<u32>()
                        .map_err(|_| format!("Users affected: '{text}' is not a whole number"))?,
                ),
            };
            let scoping = Scoping {
                affected: affected.get_untracked().trim().to_string(),
                since,
                reproducible: match reproducible.get_untracked().as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                money_at_risk,
                users_affected,
                evidence: evidence
                    .get_untracked()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
            };
            let impact = Impact::ALL
                .into_iter()
                .find(|i| format!("{i:?}") == impact.get_untracked())
                .ok_or("Impact: choose one")?;
            let urgency = Urgency::ALL
                .into_iter()
                .find(|u| format!("{u:?}") == urgency.get_untracked())
                .ok_or("Urgency: choose one")?;
            Ok((scoping, impact, urgency))
        })();
        match parsed {
            Err(why) => error.set(Some(why)),
            Ok((scoping, impact, urgency)) => {
                scoping_saver.cancel();
                editor.apply(
                    vec![
                        CaseEdit::Scoping(scoping),
                        CaseEdit::Axes { impact, urgency },
                    ],
                    scoping_base,
                    error,
                    Some(scoping_saver.held()),
                    move || {
                        saved.set(true);
                        draft_status.set(None);
                    },
                )
            }
        }
    };
    let priority_preview = move || {
        let i = Impact::ALL
            .into_iter()
            .find(|i| format!("{i:?}") == impact.get())?;
        let u = Urgency::ALL
            .into_iter()
            .find(|u| format!("{u:?}") == urgency.get())?;
        Some(state.settings.with(|s| s.matrix.priority(i, u)).code())
    };

    view! {
        <form class="panel scoping" novalidate=true on:submit=submit aria-labelledby="scoping-heading"
            on:input=move |_| { saved.set(false); save_scoping_draft(); }>
            <h2 id="scoping-heading">"Triage and scoping"</h2>
            <p class="hint" role="status">
                {move || {
                    let missing = missing.get();
                    if missing.is_empty() { "Scoping complete: the case can be triaged.".to_string() }
                    else { format!("Needed before triage: {}", missing.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")) }
                }}
            </p>
            <div class="field">
                <label for="scope-affected">{ScopingField::Affected.label()}</label>
                <input id="scope-affected" type="text" prop:value=move || affected.get() on:input=move |ev| affected.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="scope-since">{ScopingField::Since.label()}</label>
                <input id="scope-since" type="datetime-local" prop:value=move || since.get() on:input=move |ev| since.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="scope-repro">{ScopingField::Reproducible.label()}</label>
                <select id="scope-repro" prop:value=move || reproducible.get() on:change=move |ev| reproducible.set(event_target_value(&ev))>
                    <option value="">"Not known"</option><option value="yes">"Yes"</option><option value="no">"No"</option>
                </select>
            </div>
            <div class="field money-field">
                <label for="scope-money">{ScopingField::MoneyAtRisk.label()}</label>
                <div class="inline-fields">
                    <input id="scope-currency" type="text" aria-label="Currency" maxlength="3" size="4" autocomplete="off"
                        prop:value=move || currency.get() on:input=move |ev| currency.set(event_target_value(&ev))/>
                    <input id="scope-money" type="text" inputmode="decimal" autocomplete="off" placeholder="84,000.00"
                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="field">
                <label for="scope-users">{ScopingField::UsersAffected.label()}</label>
                <input id="scope-users" type="text" inputmode="numeric" prop:value=move || users.get() on:input=move |ev| users.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="scope-evidence">{ScopingField::Evidence.label()}</label>
                <textarea id="scope-evidence" rows="2" placeholder="One link per line" prop:value=move || evidence.get() on:input=move |ev| evidence.set(event_target_value(&ev))></textarea>
            </div>
            <div class="inline-fields axes">
                <div class="field">
                    <label for="scope-impact">"Impact"</label>
                    <select id="scope-impact" prop:value=move || impact.get() on:change=move |ev| impact.set(event_target_value(&ev))>
                        {Impact::ALL.into_iter().map(|i| view! { <option value=format!("{i:?}")>{i.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="scope-urgency">"Urgency"</label>
                    <select id="scope-urgency" prop:value=move || urgency.get() on:change=move |ev| urgency.set(event_target_value(&ev))>
                        {Urgency::ALL.into_iter().map(|u| view! { <option value=format!("{u:?}")>{u.label()}</option> }).collect_view()}
                    </select>
                </div>
                <p class="priority-preview">"Priority "<strong>{priority_preview}</strong></p>
            </div>
            <FormStatus error=error done=Signal::derive(move || saved.get().then(|| "Scoping saved.".to_string())) draft=draft_status aside=scoping_aside/>
            <div class="actions"><button type="submit" class="primary">"Save scoping"</button></div>
        </form>
    }
    .into_any()
}

#[component]
pub(super) fn DetailsPanel(case: Memo<Option<Case>>, editor: Editor) -> impl IntoView {
    let state = app_state();
    let Some(case) = case.get_untracked() else {
        return ().into_any();
    };
    let details_base = StoredValue::new(Some(case.clone()));
    let owner = RwSignal::new(case.owner.clone());
    let tags = RwSignal::new(case.tags.join(", "));
    let watchers = RwSignal::new(case.watchers.join(", "));
    let area = RwSignal::new(case.product_area.clone());
    let channel = RwSignal::new(format!("{:?}", case.channel));
    let account_id = RwSignal::new(case.account.account_id.clone());
    let tier = RwSignal::new(format!("{:?}", case.account.tier));
    let contacts = RwSignal::new(if case.contacts.is_empty() {
        vec![Contact::default()]
    } else {
        case.contacts.clone()
    });
    let problem = RwSignal::new(case.problem_id.map(|id| id.to_string()).unwrap_or_default());
    let contacts_text = RwSignal::new(String::new());
    let details_draft_key = DraftKey::Details(case.id);
    let details_status = RwSignal::new(None::<String>);
    let (save_details_draft, details_saver) = form_draft(
        details_draft_key,
        vec![
            ("owner", owner),
            ("tags", tags),
            ("watchers", watchers),
            ("area", area),
            ("channel", channel),
            ("account_id", account_id),
            ("tier", tier),
            ("problem", problem),
            ("contacts", contacts_text),
        ],
        details_status,
        move || {
            if let Some(text) = contacts_text.try_get_untracked()
                && let Ok(saved) = serde_json::from_str::<Vec<Contact>>(&text)
            {
                let _ = contacts.try_set(saved);
            }
        },
    );
    let details_aside = details_saver.set_aside_shown();
    // The list re-renders when a contact is added or removed, not on every keystroke in one.
    let contact_count = Memo::new(move |_| contacts.with(Vec::len));
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let account_name = case.account.name.clone();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let edits = vec![
            CaseEdit::Owner(owner.get_untracked()),
            CaseEdit::Tags(tags.get_untracked().split(',').map(String::from).collect()),
            CaseEdit::Watchers(
                watchers
                    .get_untracked()
                    .split(',')
                    .map(String::from)
                    .collect(),
            ),
            CaseEdit::ProductArea(area.get_untracked()),
            CaseEdit::Channel(
                Channel::ALL
                    .into_iter()
                    .find(|c| format!("{c:?}") == channel.get_untracked())
                    .unwrap_or_default(),
            ),
            CaseEdit::Account(Account {
                name: account_name.clone(),
                account_id: account_id.get_untracked(),
                tier: Tier::ALL
                    .into_iter()
                    .find(|t| format!("{t:?}") == tier.get_untracked())
                    .unwrap_or_default(),
            }),
            CaseEdit::Contacts(contacts.get_untracked()),
            CaseEdit::Problem(uuid::Uuid::parse_str(&problem.get_untracked()).ok()),
        ];
        details_saver.cancel();
        editor.apply(
            edits,
            details_base,
            error,
            Some(details_saver.held()),
            move || {
                saved.set(true);
                details_status.set(None);
            },
        );
    };

    view! {
        <form class="panel details" novalidate=true on:submit=submit aria-labelledby="details-heading"
            on:input=move |_| {
                saved.set(false);
                contacts_text.set(serde_json::to_string(&contacts.get_untracked()).unwrap_or_default());
                save_details_draft();
            }>
            <h2 id="details-heading">"Details"</h2>
            <div class="field"><label for="d-owner">"Owner"</label>
                <input id="d-owner" type="text" prop:value=move || owner.get() on:input=move |ev| owner.set(event_target_value(&ev))/></div>
            <div class="field"><label for="d-tags">"Tags"</label>
                <input id="d-tags" type="text" placeholder="payroll, dbs" prop:value=move || tags.get() on:input=move |ev| tags.set(event_target_value(&ev))/></div>
            <div class="field"><label for="d-watchers">"Watchers"</label>
                <input id="d-watchers" type="text" placeholder="Raj Kumar, Aisha Rahman" prop:value=move || watchers.get() on:input=move |ev| watchers.set(event_target_value(&ev))/></div>
            <div class="field"><label for="d-area">"Product area"</label>
                <select id="d-area" prop:value=move || area.get() on:change=move |ev| area.set(event_target_value(&ev))>
                    {move || {
                        let mut areas = state.settings.with(|s| s.product_areas.clone());
                        // A case keeps an area that settings later removed, rather than silently changing it.
                        if !areas.contains(&area.get_untracked()) { areas.push(area.get_untracked()); }
                        areas.into_iter().map(|a| view! { <option value=a.clone()>{a.clone()}</option> }).collect_view()
                    }}
                </select></div>
            <div class="field"><label for="d-channel">"Channel"</label>
                <select id="d-channel" prop:value=move || channel.get() on:change=move |ev| channel.set(event_target_value(&ev))>
                    {Channel::ALL.into_iter().map(|c| view! { <option value=format!("{c:?}")>{c.label()}</option> }).collect_view()}
                </select></div>
            <div class="field"><label for="d-account-id">"Account id"</label>
                <input id="d-account-id" type="text" prop:value=move || account_id.get() on:input=move |ev| account_id.set(event_target_value(&ev))/></div>
            <div class="field"><label for="d-tier">"Tier"</label>
                <select id="d-tier" prop:value=move || tier.get() on:change=move |ev| tier.set(event_target_value(&ev))>
                    {Tier::ALL.into_iter().map(|t| view! { <option value=format!("{t:?}")>{t.label()}</option> }).collect_view()}
                </select></div>
            {move || (0..contact_count.get()).map(|i| {
                // The first contact keeps plain labels; later ones are numbered so every field has a unique name.
                let label = move |what: &str| if i == 0 { format!("Contact {what}") } else { format!("Contact {} {what}", i + 1) };
                let field = move |pick: fn(&Contact) -> String| move || contacts.with(|c| c.get(i).map(pick).unwrap_or_default());
                let set = move |write: fn(&mut Contact, String), value: String| contacts.update(|c| if let Some(slot) = c.get_mut(i) { write(slot, value) });
                view! {
                    <fieldset class="contact">
                        <legend>{if i == 0 { "Contact".to_string() } else { format!("Contact {}", i + 1) }}</legend>
                        <div class="field"><label for=format!("d-contact-{i}-name")>{label("name")}</label>
                            <input id=format!("d-contact-{i}-name") type="text" prop:value=field(|c| c.name.clone())
                                on:input=move |ev| set(|c, v| c.name = v, event_target_value(&ev))/></div>
                        <div class="field"><label for=format!("d-contact-{i}-email")>{label("email")}</label>
                            <input id=format!("d-contact-{i}-email") type="email" prop:value=field(|c| c.email.clone())
                                on:input=move |ev| set(|c, v| c.email = v, event_target_value(&ev))/></div>
                        <div class="field"><label for=format!("d-contact-{i}-phone")>{label("phone")}</label>
                            <input id=format!("d-contact-{i}-phone") type="tel" prop:value=field(|c| c.phone.clone())
                                on:input=move |ev| set(|c, v| c.phone = v, event_target_value(&ev))/></div>
                        {(i > 0).then(|| view! {
                            <button type="button" class="link" on:click=move |_| contacts.update(|c| { c.remove(i); })>{format!("Remove contact {}", i + 1)}</button>
                        })}
                    </fieldset>
                }
            }).collect_view()}
            <button type="button" on:click=move |_| contacts.update(|c| c.push(Contact::default()))>"Add contact"</button>
            <div class="field"><label for="d-problem">"Problem"</label>
                <select id="d-problem" prop:value=move || problem.get() on:change=move |ev| problem.set(event_target_value(&ev))>
                    <option value="">"None"</option>
                    {move || state.problems.get().into_iter()
                        .filter(|p| p.status == crate::domain::problem::ProblemStatus::Open || Some(p.id) == case.problem_id)
                        .map(|p| view! { <option value=p.id.to_string()>{format!("{} {}", p.key, p.title)}</option> })
                        .collect_view()}
                </select></div>
            <FormStatus error=error done=Signal::derive(move || saved.get().then(|| "Details saved.".to_string())) draft=details_status aside=details_aside/>
            <div class="actions"><button type="submit" class="primary">"Save details"</button></div>
        </form>
    }
    .into_any()
}
