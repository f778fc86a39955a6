//! The command palette (Ctrl/Cmd+K): every page and the common actions, found by fuzzy matching.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use crate::app::state::{AppState, app_state};
use crate::domain::fuzzy::rank;

/// How many case matches (each offered as "open" and "log a call") the palette lists.
const CASE_MATCHES: usize = 5;

#[derive(Clone, PartialEq)]
enum Action {
    Go(String),
    ToggleTheme,
}

#[derive(Clone, PartialEq)]
struct Command {
    label: String,
    kind: &'static str,
    action: Action,
}

fn go(label: &str, path: &str) -> Command {
    Command {
        label: label.into(),
        kind: "Page",
        action: Action::Go(path.into()),
    }
}

/// Puts the chosen theme on the document: "light", "dark", or empty for the system's.
pub fn apply_theme(theme: &str) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = if theme.is_empty() {
        root.remove_attribute("data-theme")
    } else {
        root.set_attribute("data-theme", theme)
    };
}

fn next_theme(current: &str) -> &'static str {
    match current {
        "" => "dark",
        "dark" => "light",
        _ => "",
    }
}

fn static_commands(state: AppState, on_case: Option<String>) -> Vec<Command> {
    let theme = state.prefs.with_untracked(|p| p.theme.clone());
    let mut all = vec![
        go("Queue", "/"),
        Command {
            label: "New case".into(),
            kind: "Action",
            action: Action::Go("/?new=1".into()),
        },
        go("Problems", "/problems"),
        go("Root-cause analyses (RCAs)", "/rcas"),
        go("Playbooks", "/playbooks"),
        Command {
            label: "New playbook".into(),
            kind: "Action",
            action: Action::Go("/playbooks/new".into()),
        },
        go("Email templates", "/templates"),
        go("Settings", "/settings"),
        go("Data: export, import and backups", "/data"),
        Command {
            label: "Export or back up".into(),
            kind: "Action",
            action: Action::Go("/data".into()),
        },
        Command {
            label: match next_theme(&theme) {
                "dark" => "Theme: dark".into(),
                "light" => "Theme: light".into(),
                _ => "Theme: follow the system".into(),
            },
            kind: "Action",
            action: Action::ToggleTheme,
        },
    ];
    // On a case, its own call is one keystroke away: "call".
    if let Some(key) = on_case {
        all.insert(
            0,
            Command {
                label: format!("Log a call on {key}"),
                kind: "Action",
                action: Action::Go(format!("/cases/{key}/call")),
            },
        );
        all.insert(
            1,
            Command {
                label: format!("Export {key}"),
                kind: "Action",
                action: Action::Go(format!("/data?cases={key}")),
            },
        );
        all.insert(
            2,
            Command {
                label: format!("Start an RCA for {key}"),
                kind: "Action",
                action: Action::Go(format!("/rcas?case={key}")),
            },
        );
    }
    all
}

/// Listens for Ctrl/Cmd+K anywhere and shows the palette. Mounted once, in the app shell.
#[component]
pub fn CommandPalette() -> impl IntoView {
    let state = app_state();
    let open = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let input = NodeRef::<leptos::html::Input>::new();
    // Where focus was before opening, to give it back on close.
    let returning = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let location = use_location();
    let navigate = StoredValue::new(use_navigate());

    let close = move || {
        open.set(false);
        query.set(String::new());
        if let Some(el) = returning.get_value() {
            let _ = el.focus();
        }
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            if open.get_untracked() {
                close();
                return;
            }
            let focused = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            returning.set_value(focused);
            active.set(0);
            open.set(true);
        }
    });
    on_cleanup(move || keys.remove());
    Effect::new(move |_| {
        if open.get()
            && let Some(el) = input.get()
        {
            let _ = el.focus();
        }
    });

    // Built once per change of the case list (and only once the palette has been opened),
    // not per keystroke: at 50k cases the labels alone are 50k allocations.
    let case_labels = Memo::new(move |_| {
        state.cases.with(|all| {
            all.iter()
                .map(|c| format!("{} {}", c.key, c.title))
                .collect::<Vec<_>>()
        })
    });
    let results = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        let q = query.get();
        let path = location.pathname.get();
        let on_case = path
            .strip_prefix("/cases/")
            .map(|rest| rest.split('/').next().unwrap_or_default().to_string())
            .filter(|k| !k.is_empty());
        let statics = static_commands(state, on_case.clone());
        if q.trim().is_empty() {
            return statics;
        }
        let labels: Vec<&str> = statics.iter().map(|c| c.label.as_str()).collect();
        let mut out: Vec<Command> = rank(&q, &labels, 6)
            .into_iter()
            .filter_map(|i| statics.get(i).cloned())
            .collect();
        // One letter names no case; it would only rank all of them for nothing.
        if q.chars().filter(|c| !c.is_whitespace()).count() < 2 {
            return out;
        }
        let started = crate::browser::performance_now();
        let matched = case_labels.with(|labels| rank(&q, labels, CASE_MATCHES));
        crate::browser::measure("palette-rank-cases", started);
        let cases: Vec<(String, String)> = state.cases.with(|all| {
            matched
                .into_iter()
                .filter_map(|i| all.get(i).map(|c| (c.key.to_string(), c.title.clone())))
                .collect()
        });
        for (key, title) in &cases {
            out.push(Command {
                label: format!("{key} · {title}"),
                kind: "Open case",
                action: Action::Go(format!("/cases/{key}")),
            });
        }
        for (key, title) in &cases {
            out.push(Command {
                label: format!("{key} · {title}"),
                kind: "Log a call",
                action: Action::Go(format!("/cases/{key}/call")),
            });
        }
        let playbooks: Vec<(uuid::Uuid, String)> = state.playbooks.with(|all| {
            let live: Vec<&crate::domain::playbooks::Playbook> =
                all.iter().filter(|p| !p.archived).collect();
            let titles: Vec<&str> = live.iter().map(|p| p.current().title.as_str()).collect();
            rank(&q, &titles, 3)
                .into_iter()
                .filter_map(|i| Some((live.get(i)?.id, titles.get(i)?.to_string())))
                .collect()
        });
        // On a case, a playbook can be applied to it straight from here ("apply dispute").
        if let Some(key) = &on_case {
            let offers: Vec<(uuid::Uuid, String)> = state.playbooks.with(|all| {
                all.iter()
                    .filter(|p| !p.archived)
                    .map(|p| (p.id, format!("Apply '{}' to {key}", p.current().title)))
                    .collect()
            });
            let labels: Vec<&str> = offers.iter().map(|(_, l)| l.as_str()).collect();
            let ranked = rank(&q, &labels, 3);
            out.extend(ranked.into_iter().filter_map(|i| {
                let (id, label) = offers.get(i)?;
                Some(Command {
                    label: label.clone(),
                    kind: "Action",
                    action: Action::Go(format!("/cases/{key}?apply={id}")),
                })
            }));
        }
        out.extend(playbooks.into_iter().map(|(id, title)| Command {
            label: title,
            kind: "Playbook",
            action: Action::Go(format!("/playbooks/{id}")),
        }));
        out
    });
    let run = move |command: Command| {
        match command.action {
            Action::Go(path) => {
                open.set(false);
                query.set(String::new());
                navigate.with_value(|n| n(&path, Default::default()));
            }
            Action::ToggleTheme => {
                let mut prefs = state.prefs.get_untracked();
                prefs.theme = next_theme(&prefs.theme).to_string();
                apply_theme(&prefs.theme);
                // A failed save still themes this tab; the preference is retried on the next change.
                let _ = prefs.save();
                state.prefs.set(prefs);
                close();
            }
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        let len = results.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if len > 0 => {
                ev.prevent_default();
                active.set((active.get_untracked() + 1) % len);
            }
            "ArrowUp" if len > 0 => {
                ev.prevent_default();
                active.set((active.get_untracked() + len - 1) % len);
            }
            "Enter" => {
                ev.prevent_default();
                if let Some(command) =
                    results.with_untracked(|r| r.get(active.get_untracked()).cloned())
                {
                    run(command);
                }
            }
            "Escape" => {
                ev.prevent_default();
                close();
            }
            // The dialog has one focusable control; Tab stays in it rather than escaping behind.
            "Tab" => ev.prevent_default(),
            _ => {}
        }
    };
    view! {
        <Show when=move || open.get()>
            <div class="palette-backdrop" on:click=move |_| close()>
                <div class="palette" role="dialog" aria-modal="true" aria-label="Command palette" on:click=|ev| ev.stop_propagation()>
                    <input node_ref=input type="text" role="combobox" aria-expanded="true" aria-controls="palette-results"
                        aria-label="Type a command, a page or a case"
                        placeholder="Type a command, a page, or a case key or title"
                        aria-activedescendant=move || format!("palette-item-{}", active.get())
                        prop:value=move || query.get()
                        on:input=move |ev| { query.set(event_target_value(&ev)); active.set(0); }
                        on:keydown=on_key/>
                    <ul id="palette-results" role="listbox" aria-label="Results">
                        {move || {
                            let list = results.get();
                            if list.is_empty() {
                                return view! { <li class="muted" role="presentation">"Nothing matches."</li> }.into_any();
                            }
                            list.into_iter().enumerate().map(|(i, command)| {
                                let chosen = command.clone();
                                view! {
                                    <li id=format!("palette-item-{i}") role="option"
                                        aria-selected=move || (active.get() == i).to_string()
                                        on:mousemove=move |_| active.set(i)
                                        on:click=move |_| run(chosen.clone())>
                                        <span>{command.label}</span>
                                        <span class="palette-kind">{command.kind}</span>
                                    </li>
                                }
                            }).collect_view().into_any()
                        }}
                    </ul>
                </div>
            </div>
        </Show>
    }
}
