//! The dashboard: the domain's figures for a chosen period and filters, as accessible SVG charts with tables and CSV.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::state::app_state;
use crate::browser;
use crate::domain::analytics::{CsvCell, Dashboard, Filters, Period, dashboard};
use crate::domain::case::CaseStatus;
use crate::domain::priority::Priority;
use crate::domain::rca::duration_text;
use crate::ui::components::charts::{Bar, Figure, FigureData};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Span {
    Days(u32),
    Custom,
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("–".into(), |r| format!("{:.0}%", r * 100.0))
}

fn minutes(m: Option<i64>) -> String {
    m.map_or("–".into(), duration_text)
}

#[component]
pub fn InsightsPage() -> impl IntoView {
    let state = app_state();
    let span = RwSignal::new(Span::Days(30));
    let today = state.today();
    let from = RwSignal::new(
        (today - chrono::Duration::days(29))
            .format("%Y-%m-%d")
            .to_string(),
    );
    let to = RwSignal::new(today.format("%Y-%m-%d").to_string());
    let area = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());

    let period = Memo::new(move |_| -> Result<Period, String> {
        match span.get() {
            Span::Days(days) => Ok(Period::last_days(days, state.clock.get())),
            Span::Custom => {
                let parse = |text: String, which: &str| {
                    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                        .map_err(|_| format!("{which}: choose a date"))
                };
                let first = parse(from.get(), "From")?;
                let last = parse(to.get(), "To")?;
                Period::days(first, last).ok_or_else(|| {
                    format!("To ({last}) is before From ({first}); swap them or pick another day")
                })
            }
        }
    });
    let filters = Memo::new(move |_| Filters {
        product_area: Some(area.get()).filter(|a| !a.is_empty()),
        owner: Some(owner.get()).filter(|o| !o.is_empty()),
        priority: Priority::ALL
            .into_iter()
            .find(|p| p.code() == priority.get()),
    });
    let choices = Memo::new(move |_| {
        state.cases.with(|cases| {
            let mut areas: Vec<String> = cases.iter().map(|c| c.product_area.clone()).collect();
            let mut owners: Vec<String> = cases.iter().map(|c| c.owner.clone()).collect();
            areas.sort_unstable();
            areas.dedup();
            owners.sort_unstable();
            owners.dedup();
            areas.retain(|a| !a.is_empty());
            owners.retain(|o| !o.is_empty());
            (areas, owners)
        })
    });
    let board = Memo::new(move |_| -> Option<Dashboard> {
        // The 30-second clock only says when to recompute: a case opened a second ago is in
        // "the last 7 days" too.
        let period = match span.get() {
            Span::Days(days) => {
                state.clock.track();
                Period::last_days(days, browser::now())
            }
            Span::Custom => period.get().ok()?,
        };
        let filters = filters.get();
        let started = browser::performance_now();
        let today = state.today();
        let result = state.cases.with(|cases| {
            state.marks.with(|marks| {
                state
                    .rcas
                    .with(|rcas| dashboard(cases, marks, rcas, period, &filters, today))
            })
        });
        browser::measure("dashboard", started);
        // What the person waits for: the computation, the charts redrawn and the frame painted.
        browser::measure_to_paint("dashboard-painted", started);
        Some(result)
    });
    let stem = Signal::derive(move || match period.get() {
        Ok(p) => format!(
            "escalation-desk-{}-to-{}",
            p.start.format("%Y-%m-%d"),
            (p.end - chrono::Duration::seconds(1)).format("%Y-%m-%d")
        ),
        Err(_) => "escalation-desk".into(),
    });
    let with_board = move |f: fn(&Dashboard) -> FigureData| {
        Signal::derive(move || board.with(|b| b.as_ref().map(f).unwrap_or_default()))
    };
    let say = move |f: fn(&Dashboard) -> String| {
        Signal::derive(move || board.with(|b| b.as_ref().map(f).unwrap_or_default()))
    };

    view! {
        <section class="panel insights">
            <h1>"Insights"</h1>
            <form class="insights-controls" on:submit=|ev| ev.prevent_default()>
                <div class="field">
                    <label for="insights-period">"Period"</label>
                    <select id="insights-period" on:change=move |ev| {
                        span.set(match event_target_value(&ev).as_str() {
                            "7" => Span::Days(7),
                            "90" => Span::Days(90),
                            "custom" => Span::Custom,
                            _ => Span::Days(30),
                        });
                    }>
                        <option value="7">"Last 7 days"</option>
                        <option value="30" selected>"Last 30 days"</option>
                        <option value="90">"Last 90 days"</option>
                        <option value="custom">"Custom…"</option>
                    </select>
                </div>
                <Show when=move || span.get() == Span::Custom>
                    <div class="field">
                        <label for="insights-from">"From"</label>
                        <input id="insights-from" type="date" prop:value=move || from.get()
                            on:input=move |ev| from.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="insights-to">"To"</label>
                        <input id="insights-to" type="date" prop:value=move || to.get()
                            on:input=move |ev| to.set(event_target_value(&ev))/>
                    </div>
                </Show>
                <div class="field">
                    <label for="insights-area">"Product area"</label>
                    <select id="insights-area" on:change=move |ev| area.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        {move || choices.with(|(areas, _)| areas.iter().map(|a| view! { <option value=a.clone()>{a.clone()}</option> }).collect_view())}
                    </select>
                </div>
                <div class="field">
                    <label for="insights-owner">"Owner"</label>
                    <select id="insights-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        {move || choices.with(|(_, owners)| owners.iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view())}
                    </select>
                </div>
                <div class="field">
                    <label for="insights-priority">"Priority"</label>
                    <select id="insights-priority" on:change=move |ev| priority.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        {Priority::ALL.iter().map(|p| view! { <option value=p.code()>{p.code()}</option> }).collect_view()}
                    </select>
                </div>
            </form>
            {move || period.get().err().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <Show when=move || !state.marks_loaded.get()>
                <p class="loading" role="status">"Reading case histories… figures that need them fill in shortly."</p>
            </Show>
            <p class="hint">
                "Open now and workload count every open case. Everything else is about the cases opened in the period ("
                {move || board.with(|b| b.as_ref().map_or(0, |b| b.cohort))}
                "). A target is met once its clock stopped without a logged breach; pending ones are left out of the rate. Times are wall-clock from opening."
            </p>
            <div class="stat-row" role="list">
                <div class="stat" role="listitem"><span class="stat-label">"Open now"</span>
                    <span class="stat-value" data-testid="stat-open">{move || board.with(|b| b.as_ref().map_or(0, |b| b.open_total))}</span></div>
                <div class="stat" role="listitem"><span class="stat-label">"First response, median · p90"</span>
                    <span class="stat-value" data-testid="stat-fr">{move || board.with(|b| b.as_ref().map(|b| format!("{} · {}", minutes(b.first_response.median_minutes), minutes(b.first_response.p90_minutes))).unwrap_or_default())}</span></div>
                <div class="stat" role="listitem"><span class="stat-label">"Resolution, median · p90"</span>
                    <span class="stat-value" data-testid="stat-res">{move || board.with(|b| b.as_ref().map(|b| format!("{} · {}", minutes(b.resolution.median_minutes), minutes(b.resolution.p90_minutes))).unwrap_or_default())}</span></div>
                <div class="stat" role="listitem"><span class="stat-label">"Reopen rate"</span>
                    <span class="stat-value" data-testid="stat-reopen">{move || board.with(|b| b.as_ref().map(|b| format!("{} ({} of {})", percent(b.reopen_rate()), b.reopened, b.resolved)).unwrap_or_default())}</span></div>
            </div>
            <div class="figure-grid">
                <Figure id="open-by-priority" title="Open cases by priority" file_stem=stem
                    summary=say(|b| format!("{} open cases now.", b.open_total))
                    data=with_board(open_figure)/>
                <Figure id="sla-attainment" title="SLA attainment by target" file_stem=stem
                    summary=say(|b| b.attainment.iter().map(|(t, a)| format!("{} {}", t.code(), percent(a.rate()))).collect::<Vec<_>>().join(", "))
                    data=with_board(attainment_figure)/>
                <Figure id="breach-trend" title="Breaches per week" file_stem=stem columns=true
                    summary=say(|b| format!("{} breaches logged in the period.", b.breach_trend.iter().map(|(_, n)| n).sum::<usize>()))
                    data=with_board(trend_figure)/>
                <Figure id="root-causes" title="Root causes (Pareto)" file_stem=stem
                    summary=say(|b| b.root_causes.first().map_or("No RCAs opened in the period.".into(), |r| format!("Most common: {} ({} RCAs).", r.category, r.rcas)))
                    data=with_board(pareto_figure)/>
                <Figure id="product-areas" title="Cases by product area" file_stem=stem
                    summary=say(|b| format!("{} cases opened in the period.", b.cohort))
                    data=with_board(area_figure)/>
                <Figure id="workload" title="Workload per owner" file_stem=stem
                    summary=say(|b| format!("{} owners with open cases.", b.workload.len()))
                    data=with_board(workload_figure)/>
                <Figure id="response-times" title="Response and resolution times" file_stem=stem
                    summary=say(|b| format!("Median first response {}, median resolution {}.", minutes(b.first_response.median_minutes), minutes(b.resolution.median_minutes)))
                    data=with_board(times_figure)/>
            </div>
            <h2 id="overdue-actions">"Overdue RCA actions"</h2>
            {move || board.with(|b| {
                let actions = b.as_ref().map(|b| b.overdue_actions.clone()).unwrap_or_default();
                if actions.is_empty() {
                    view! { <p>"No RCA action is past its due date."</p> }.into_any()
                } else {
                    view! {
                        <table class="data-table" aria-labelledby="overdue-actions">
                            <thead><tr><th scope="col">"RCA"</th><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Due"</th><th scope="col">"Days overdue"</th></tr></thead>
                            <tbody>
                                {actions.into_iter().map(|a| view! {
                                    <tr>
                                        <td><A href=format!("/rcas/{}", a.rca)>{a.rca.clone()}</A></td>
                                        <td>{a.title}</td><td>{a.owner}</td>
                                        <td>{a.due.format("%Y-%m-%d").to_string()}</td><td>{a.days_overdue}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            })}
            <p><button type="button" on:click=move |_| {
                let csv = board.with(|b| b.as_ref().map(overdue_csv).unwrap_or_default());
                let _ = browser::download(&format!("{}-overdue-actions.csv", stem.get_untracked()), &csv, "text/csv");
            }>"Overdue actions as CSV"</button></p>
        </section>
    }
}

fn open_figure(b: &Dashboard) -> FigureData {
    let open_statuses: Vec<CaseStatus> = CaseStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .collect();
    let mut headers = vec!["Priority"];
    headers.extend(open_statuses.iter().map(|s| s.label()));
    headers.push("Total");
    FigureData {
        bars: b
            .open_by_priority
            .iter()
            .map(|(p, row)| {
                let total: usize = row.iter().map(|(_, n)| n).sum();
                Bar {
                    label: p.code().into(),
                    value: total as f64,
                    text: total.to_string(),
                }
            })
            .collect(),
        headers,
        rows: b
            .open_by_priority
            .iter()
            .map(|(p, row)| {
                let mut cells: Vec<CsvCell> = vec![p.code().into()];
                cells.extend(row.iter().map(|(_, n)| CsvCell::from(*n)));
                cells.push(row.iter().map(|(_, n)| n).sum::<usize>().into());
                cells
            })
            .collect(),
        max: None,
    }
}

fn attainment_figure(b: &Dashboard) -> FigureData {
    FigureData {
        bars: b
            .attainment
            .iter()
            .map(|(t, a)| Bar {
                label: t.label().into(),
                value: a.rate().unwrap_or(0.0) * 100.0,
                text: format!(
                    "{} ({} met, {} breached, {} pending)",
                    percent(a.rate()),
                    a.met,
                    a.breached,
                    a.pending
                ),
            })
            .collect(),
        headers: vec!["Target", "Met", "Breached", "Pending", "Attainment %"],
        rows: b
            .attainment
            .iter()
            .map(|(t, a)| {
                vec![
                    t.code().into(),
                    a.met.into(),
                    a.breached.into(),
                    a.pending.into(),
                    a.rate()
                        .map(|r| CsvCell::Number(format!("{:.1}", r * 100.0)))
                        .unwrap_or(CsvCell::Empty),
                ]
            })
            .collect(),
        max: Some(100.0),
    }
}

fn trend_figure(b: &Dashboard) -> FigureData {
    FigureData {
        bars: b
            .breach_trend
            .iter()
            .map(|(week, n)| Bar {
                label: week.format("%b %-d").to_string(),
                value: *n as f64,
                text: n.to_string(),
            })
            .collect(),
        headers: vec!["Week starting", "Breaches"],
        rows: b
            .breach_trend
            .iter()
            .map(|(week, n)| vec![week.format("%Y-%m-%d").to_string().into(), (*n).into()])
            .collect(),
        max: None,
    }
}

fn pareto_figure(b: &Dashboard) -> FigureData {
    FigureData {
        bars: b
            .root_causes
            .iter()
            .map(|r| Bar {
                label: r.category.clone(),
                value: r.rcas as f64,
                text: format!("{} · {}% cumulative", r.rcas, r.cumulative_percent),
            })
            .collect(),
        headers: vec!["Root-cause category", "RCAs", "Cases", "Cumulative %"],
        rows: b
            .root_causes
            .iter()
            .map(|r| {
                vec![
                    r.category.clone().into(),
                    r.rcas.into(),
                    r.cases.into(),
                    CsvCell::Number(r.cumulative_percent.to_string()),
                ]
            })
            .collect(),
        max: None,
    }
}

fn area_figure(b: &Dashboard) -> FigureData {
    FigureData {
        bars: b
            .by_product_area
            .iter()
            .map(|(area, n)| Bar {
                label: area.clone(),
                value: *n as f64,
                text: n.to_string(),
            })
            .collect(),
        headers: vec!["Product area", "Cases"],
        rows: b
            .by_product_area
            .iter()
            .map(|(a, n)| vec![a.clone().into(), (*n).into()])
            .collect(),
        max: None,
    }
}

fn workload_figure(b: &Dashboard) -> FigureData {
    FigureData {
        bars: b
            .workload
            .iter()
            .map(|w| Bar {
                label: w.owner.clone(),
                value: w.open as f64,
                text: format!(
                    "{} open · {} P1/P2 · {} breached",
                    w.open, w.urgent, w.breached
                ),
            })
            .collect(),
        headers: vec!["Owner", "Open", "P1 or P2", "With a breach"],
        rows: b
            .workload
            .iter()
            .map(|w| {
                vec![
                    w.owner.clone().into(),
                    w.open.into(),
                    w.urgent.into(),
                    w.breached.into(),
                ]
            })
            .collect(),
        max: None,
    }
}

fn times_figure(b: &Dashboard) -> FigureData {
    let rows = [
        ("First response", b.first_response),
        ("Resolution", b.resolution),
    ];
    FigureData {
        bars: rows
            .iter()
            .flat_map(|(name, s)| {
                [
                    Bar {
                        label: format!("{name} median"),
                        value: s.median_minutes.unwrap_or(0) as f64,
                        text: minutes(s.median_minutes),
                    },
                    Bar {
                        label: format!("{name} p90"),
                        value: s.p90_minutes.unwrap_or(0) as f64,
                        text: minutes(s.p90_minutes),
                    },
                ]
            })
            .collect(),
        headers: vec!["Measure", "Cases", "Median minutes", "p90 minutes"],
        rows: rows
            .iter()
            .map(|(name, s)| {
                vec![
                    (*name).into(),
                    s.count.into(),
                    s.median_minutes.into(),
                    s.p90_minutes.into(),
                ]
            })
            .collect(),
        max: None,
    }
}

fn overdue_csv(b: &Dashboard) -> String {
    crate::domain::analytics::to_csv(
        &["RCA", "Action", "Owner", "Due", "Days overdue"],
        &b.overdue_actions
            .iter()
            .map(|a| {
                vec![
                    a.rca.clone().into(),
                    a.title.clone().into(),
                    a.owner.clone().into(),
                    a.due.format("%Y-%m-%d").to_string().into(),
                    a.days_overdue.into(),
                ]
            })
            .collect::<Vec<_>>(),
    )
}
