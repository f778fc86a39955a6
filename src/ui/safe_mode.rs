//! Safe mode (`/?safe`): the stored records listed without computing anything from them, with a raw backup of everything and a way to set a record aside.
//!
//! The app proper derives a great deal at start (every case's clocks, the queue order, search
//! text). If a stored record still makes one of those stop the app, it would stop on every
//! start; here nothing is derived, so the person can back up, find the record and set it aside
//! (into the quarantine store: kept, downloadable, never deleted), then open the app again.

use leptos::prelude::*;

use crate::app::state::DATABASE_NAME;
use crate::browser;
use crate::storage::quarantine::{self, Listed};
use crate::storage::{self, StorageError};

/// Records shown at once; the filter finds the rest.
const SHOWN: usize = 200;

#[component]
pub fn SafeMode() -> impl IntoView {
    let records = RwSignal::new(None::<Result<Vec<Listed>, String>>);
    let aside = RwSignal::new(Vec::<(String, String, String)>::new());
    let status = RwSignal::new(None::<(bool, String)>);
    let filter = RwSignal::new(String::new());
    let busy = RwSignal::new(false);

    let reload = move || {
        leptos::task::spawn_local(async move {
            let listed = async {
                let db = storage::open_database(DATABASE_NAME).await?;
                let listed = quarantine::list(&db).await?;
                let entries = quarantine::set_aside_entries(&db).await?;
                db.close();
                Ok::<_, StorageError>((listed, entries))
            }
            .await;
            match listed {
                Ok((listed, entries)) => {
                    records.set(Some(Ok(listed)));
                    aside.set(
                        entries
                            .into_iter()
                            .map(|(key, entry)| match entry {
                                Ok(e) => (
                                    key,
                                    e.label,
                                    format!(
                                        "set aside {}",
                                        e.set_aside_at.format("%Y-%m-%d %H:%M UTC")
                                    ),
                                ),
                                Err(e) => (key.clone(), key, e.to_string()),
                            })
                            .collect(),
                    );
                }
                Err(e) => records.set(Some(Err(e.to_string()))),
            }
        });
    };
    reload();

    let back_up = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = async {
                let db = storage::open_database(DATABASE_NAME)
                    .await
                    .map_err(|e| e.to_string())?;
                let now = browser::now();
                let text = quarantine::raw_dump(&db, now)
                    .await
                    .map_err(|e| e.to_string())?;
                db.close();
                let name = format!("escalation-desk-raw-backup-{}.json", now.format("%Y-%m-%d"));
                browser::download(&name, &text, "application/json")?;
                Ok::<_, String>(name)
            }
            .await;
            status.set(Some(match result {
                Ok(name) => (
                    true,
                    format!("Saved {name}: every stored record, as stored."),
                ),
                Err(e) => (false, format!("Nothing was saved: {e}")),
            }));
            busy.set(false);
        });
    };

    let set_aside = move |listed: Listed| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = async {
                let db = storage::open_database(DATABASE_NAME).await?;
                let done =
                    quarantine::set_aside(&db, &listed.target, &listed.label, browser::now()).await;
                db.close();
                done
            }
            .await;
            status.set(Some(match result {
                Ok(()) => (
                    true,
                    format!(
                        "{} is set aside. It is kept below, and the app no longer reads it. Open the app to check, or put it back.",
                        listed.label
                    ),
                ),
                Err(e) => (false, format!("{} was not set aside: {e}", listed.label)),
            }));
            busy.set(false);
            reload();
        });
    };

    let put_back = move |key: String, label: String| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = async {
                let db = storage::open_database(DATABASE_NAME).await?;
                let done = quarantine::put_back(&db, &key).await;
                db.close();
                done
            }
            .await;
            status.set(Some(match result {
                Ok(()) => (true, format!("{label} is back where it was.")),
                Err(e) => (false, format!("{label} was not put back: {e}")),
            }));
            busy.set(false);
            reload();
        });
    };

    let shown = move || {
        let wanted = filter.get().to_lowercase();
        records.with(|r| match r {
            Some(Ok(all)) => {
                let matching: Vec<Listed> = all
                    .iter()
                    .filter(|l| {
                        wanted.is_empty()
                            || l.label.to_lowercase().contains(&wanted)
                            || l.problem
                                .as_deref()
                                .is_some_and(|p| p.to_lowercase().contains(&wanted))
                    })
                    .cloned()
                    .collect();
                let total = matching.len();
                (matching.into_iter().take(SHOWN).collect(), total)
            }
            _ => (Vec::new(), 0),
        })
    };
    let unreadable = move || {
        records.with(|r| match r {
            Some(Ok(all)) => all.iter().filter(|l| l.problem.is_some()).count(),
            _ => 0,
        })
    };

    view! {
        <main id="main" class="safe-mode">
            <section class="panel">
                <h1>"Safe mode"</h1>
                <p>
                    "Escalation Desk started without its queue, clocks, search and dashboard, so no stored record is computed from. "
                    "Back up everything first. Then set aside the record that stops the app: it moves to a separate store, "
                    "is kept exactly as it was, and can be put back or downloaded at any time."
                </p>
                <div class="actions">
                    <button type="button" class="primary" on:click=back_up disabled=move || busy.get()>"Back up everything"</button>
                    <a class="button" href="/">"Open the app"</a>
                </div>
                <p role="status" class=move || match status.get() { Some((false, _)) => "form-status error", _ => "form-status" }>
                    {move || status.get().map(|(_, text)| text)}
                </p>
            </section>
            <section class="panel">
                {move || match records.get() {
                    None => view! { <p role="status">"Reading stored records…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p role="alert">{format!("The records could not be read: {e}")}</p> }.into_any(),
                    Some(Ok(all)) => view! {
                        <h2>{format!("Stored records: {} ({} cannot be read)", all.len(), unreadable())}</h2>
                    }.into_any(),
                }}
                <label for="safe-filter">"Filter by key, title or problem"</label>
                <input id="safe-filter" type="search" prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))/>
                <table class="safe-records">
                    <thead><tr><th scope="col">"Record"</th><th scope="col">"Can it be read?"</th><th scope="col"><span class="visually-hidden">"Action"</span></th></tr></thead>
                    <tbody>
                        {move || shown().0.into_iter().map(|listed| {
                            let label = listed.label.clone();
                            let problem = listed.problem.clone();
                            let row_class = if problem.is_some() { "unreadable" } else { "" };
                            let button_label = format!("Set aside {label}");
                            view! {
                                <tr class=row_class>
                                    <td>{label}</td>
                                    <td>{problem.unwrap_or_else(|| "Yes".into())}</td>
                                    <td><button type="button" aria-label=button_label disabled=move || busy.get() on:click=move |_| set_aside(listed.clone())>"Set aside"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="hint">{move || {
                    let (rows, total) = shown();
                    if total > rows.len() { format!("Showing {} of {total}; filter to find the rest.", rows.len()) } else { String::new() }
                }}</p>
            </section>
            <section class="panel">
                <h2>{move || format!("Set aside ({})", aside.with(Vec::len))}</h2>
                <Show when=move || aside.with(Vec::is_empty)>
                    <p>"Nothing is set aside."</p>
                </Show>
                <ul class="set-aside">
                    {move || aside.get().into_iter().map(|(key, label, when)| {
                        let shown_label = label.clone();
                        let button_label = format!("Put back {label}");
                        view! {
                            <li>
                                <span>{shown_label}</span>" · "<span class="hint">{when}</span>" "
                                <button type="button" aria-label=button_label disabled=move || busy.get() on:click=move |_| put_back(key.clone(), label.clone())>"Put back"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="hint">"Set-aside records are included in “Back up everything”."</p>
            </section>
        </main>
    }
}
