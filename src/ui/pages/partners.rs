//! Settings → Partner teams: the directory hand-offs pick from, with each team's contact, channel and OLA.

use leptos::prelude::*;

use crate::app::drafts::DraftKey;
use crate::app::library;
use crate::app::state::app_state;
use crate::app::{AppError, StorageError};
use crate::domain::partners::{PartnerDirectory, PartnerTeam};
use crate::ui::components::changed_elsewhere::ChangedElsewhere;
use crate::ui::components::drafts::{DraftSaver, draft_saver, restore_draft};
use crate::ui::components::form_status::{FormStatus, OutcomeLine};
use crate::ui::components::undo_toast::{UndoToast, Undoable};

/// One editable row; the signals are Copy, so rows can be added and removed without
/// rebuilding the ones being typed in.
#[derive(Clone, Copy)]
struct Row {
    uid: u32,
    name: RwSignal<String>,
    contact: RwSignal<String>,
    channel: RwSignal<String>,
    ola: RwSignal<String>,
}

fn rows_of(directory: &PartnerDirectory, next_uid: &mut u32) -> Vec<Row> {
    directory
        .teams
        .iter()
        .map(|t| {
            *next_uid += 1;
            Row {
                uid: *next_uid,
                name: RwSignal::new(t.name.clone()),
                contact: RwSignal::new(t.contact.clone()),
                channel: RwSignal::new(t.channel.clone()),
                ola: RwSignal::new(t.ola_minutes.map(|m| m.to_string()).unwrap_or_default()),
            }
        })
        .collect()
}

/// The rows as a directory, or the row whose OLA is not a number.
fn directory_of(rows: &[Row]) -> Result<PartnerDirectory, String> {
    let mut teams = Vec::new();
    for row in rows {
        let name = row.name.get_untracked().trim().to_string();
        let ola = row.ola.get_untracked();
        let ola_minutes = match ola.trim() {
            "" => None,
            text => Some(text.parse::<u32>().map_err(|_| {
                format!("'{name}': the OLA must be a whole number of working minutes, not '{text}'")
            })?),
        };
        teams.push(PartnerTeam {
            name,
            contact: row.contact.get_untracked().trim().to_string(),
            channel: row.channel.get_untracked().trim().to_string(),
            ola_minutes,
        });
    }
    Ok(PartnerDirectory { teams })
}

/// Each row's Remove button names its team, so a screen reader's list of buttons says which.
fn remove_label(name: &str) -> String {
    match name.trim() {
        "" => "Remove this new team".into(),
        name => format!("Remove {name}"),
    }
}

#[component]
pub fn PartnerDirectoryForm() -> impl IntoView {
    let state = app_state();
    let next_uid = StoredValue::new(0u32);
    let rows = RwSignal::new(Vec::<Row>::new());
    let reset = move |directory: &PartnerDirectory| {
        let mut uid = next_uid.get_value();
        let fresh = rows_of(directory, &mut uid);
        next_uid.set_value(uid);
        rows.set(fresh);
    };
    reset(&state.partners.get_untracked());
    // The stored directory these edits started from: a save checks it is still what is stored.
    let base = RwSignal::new(state.partners.get_untracked());
    let clash = RwSignal::new(false);
    let undo = RwSignal::new(None::<Undoable<PartnerDirectory>>);
    let message = RwSignal::new(None::<(bool, String)>);
    let draft_status = RwSignal::new(None::<String>);
    let saver = StoredValue::new(draft_saver(DraftKey::Partners, draft_status));
    // Until the person edits, the form follows the stored directory (start-up's read, another
    // tab's save, a teammate's removal through team sync), so it never shows a team that is gone.
    let touched = StoredValue::new(false);
    // The rows' signals are made under the form's owner, not the effect's: an effect disposes
    // what it made each time it runs again, which would leave the rows on screen reading
    // disposed signals (a panic) the next time the directory changed.
    let form_owner = Owner::current();
    Effect::new(move |_| {
        let stored = state.partners.get();
        if !touched.get_value() && base.with_untracked(|b| *b != stored) {
            base.set(stored.clone());
            match &form_owner {
                Some(owner) => owner.with(|| reset(&stored)),
                None => reset(&stored),
            }
        }
    });
    restore_draft(&saver.get_value(), move |text| {
        if let Ok(directory) = serde_json::from_str::<PartnerDirectory>(&text) {
            touched.set_value(true);
            reset(&directory);
            let _ = draft_status.try_set(Some(
                "Unsaved partner-team changes from your last visit were restored.".into(),
            ));
        }
    });
    // Drafted as typed, OLA text included, so even a half-typed number survives a reload.
    let redraft = move || {
        touched.set_value(true);
        message.set(None);
        let teams: Vec<PartnerTeam> = rows.with_untracked(|rows| {
            rows.iter()
                .map(|r| PartnerTeam {
                    name: r.name.get_untracked(),
                    contact: r.contact.get_untracked(),
                    channel: r.channel.get_untracked(),
                    ola_minutes: r.ola.get_untracked().trim().parse().ok(),
                })
                .collect()
        });
        let text = serde_json::to_string(&PartnerDirectory { teams }).unwrap_or_default();
        saver.with_value(|s| s.save(text));
    };
    let add = move |_| {
        let uid = next_uid.get_value() + 1;
        next_uid.set_value(uid);
        rows.update(|r| {
            r.push(Row {
                uid,
                name: RwSignal::new(String::new()),
                contact: RwSignal::new(String::new()),
                channel: RwSignal::new(String::new()),
                ola: RwSignal::new(String::new()),
            })
        });
        redraft();
    };
    // `expected`: the directory the edits started from; `None` saves over whatever is stored.
    let persist = move |expected: Option<PartnerDirectory>| {
        let directory = match rows.with_untracked(|r| directory_of(r)) {
            Ok(d) => d,
            Err(why) => {
                message.set(Some((false, why)));
                return;
            }
        };
        if let Err(problems) = directory.validate() {
            message.set(Some((
                false,
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )));
            return;
        }
        saver.with_value(|s| s.cancel());
        let held = saver.with_value(DraftSaver::held);
        leptos::task::spawn_local(async move {
            match library::save_partners(state, expected, directory.clone(), &held).await {
                Ok(()) => {
                    base.set(directory);
                    touched.set_value(false);
                    draft_status.set(None);
                    message.set(Some((true, "Partner teams saved.".into())));
                }
                Err(AppError::Storage(StorageError::ChangedElsewhere(_))) => {
                    clash.set(true);
                    redraft();
                }
                Err(e) => {
                    message.set(Some((false, format!("Not saved: {e}"))));
                    redraft();
                }
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        persist(Some(base.get_untracked()));
    };
    let keep_mine = move |()| persist(None);
    let take_theirs = move |()| {
        leptos::task::spawn_local(async move {
            match library::stored_partners().await {
                Ok(theirs) => {
                    let mine = rows.with_untracked(|r| directory_of(r)).ok();
                    if let Some(mine) = mine {
                        undo.set(Some(Undoable::new(
                            "Took the other tab's partner teams.",
                            mine,
                        )));
                    }
                    saver.with_value(DraftSaver::discard);
                    touched.set_value(false);
                    base.set(theirs.clone());
                    reset(&theirs);
                }
                Err(e) => message.set(Some((
                    false,
                    format!("Could not read the saved partner teams: {e}"),
                ))),
            }
        });
    };
    let put_mine_back = move |mine: PartnerDirectory| {
        undo.set(None);
        reset(&mine);
        redraft();
    };
    let field = move |signal: RwSignal<String>, label: String, kind: &'static str| {
        view! {
            <input aria-label=label type=kind prop:value=move || signal.get()
                on:input=move |ev| { signal.set(event_target_value(&ev)); redraft(); }/>
        }
    };
    view! {
        <section class="panel settings partner-directory">
            <h2>"Partner teams"</h2>
            <p class="hint">"Hand-offs pick their team from here. The OLA (in working minutes of the case's SLA calendar) is pinned on each hand-off when it is made; leave it empty to use the SLA policy's partner OLA."</p>
            <form on:submit=save novalidate=true>
                <table class="partner-table">
                    <thead><tr><th scope="col">"Team"</th><th scope="col">"Contact"</th><th scope="col">"Channel"</th><th scope="col">"OLA (min)"</th><th scope="col"><span class="visually-hidden">"Remove"</span></th></tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| r.uid let(row)>
                            <tr>
                                <td>{field(row.name, "Team name".into(), "text")}</td>
                                <td>{field(row.contact, "Contact".into(), "text")}</td>
                                <td>{field(row.channel, "Channel".into(), "text")}</td>
                                <td>{field(row.ola, "OLA in working minutes".into(), "text")}</td>
                                <td><button type="button" class="link" aria-label=move || remove_label(&row.name.get()) on:click=move |_| { rows.update(|r| r.retain(|x| x.uid != row.uid)); redraft(); }>"Remove"</button></td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <FormStatus draft=draft_status aside=saver.with_value(|s| s.set_aside_shown())/>
                <OutcomeLine outcome=message/>
                <ChangedElsewhere what="the partner teams" shown=clash keep_mine=keep_mine take_theirs=take_theirs/>
                <UndoToast undo=undo on_undo=put_mine_back/>
                <div class="actions">
                    <button type="button" on:click=add>"Add a team"</button>
                    <button type="submit" class="primary">"Save partner teams"</button>
                </div>
            </form>
        </section>
    }
}
