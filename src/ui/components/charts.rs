//! Accessible SVG charts: a titled figure with a bar or column chart, a data-table toggle and a CSV download.

use leptos::prelude::*;

use crate::browser;
use crate::domain::analytics::{CsvCell, to_csv};

/// One bar: its label, its length, and the value as it should read.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// What a figure shows: bars (or columns) and the same data as a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FigureData {
    pub bars: Vec<Bar>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<CsvCell>>,
    /// Largest value the axis runs to; the largest bar when `None`.
    pub max: Option<f64>,
}

fn cell_text(cell: &CsvCell) -> String {
    match cell {
        CsvCell::Number(n) | CsvCell::Text(n) => n.clone(),
        CsvCell::Empty => String::new(),
    }
}

/// A chart with its title, a "Show table" toggle and a CSV download. `columns` draws vertical
/// columns (a trend) instead of horizontal bars.
#[component]
pub fn Figure(
    id: &'static str,
    title: &'static str,
    #[prop(into)] summary: Signal<String>,
    #[prop(into)] data: Signal<FigureData>,
    #[prop(optional)] columns: bool,
    #[prop(into)] file_stem: Signal<String>,
) -> impl IntoView {
    let show_table = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let download = move |_| {
        let csv = data.with(|d| to_csv(&d.headers, &d.rows));
        let name = format!("{}-{id}.csv", file_stem.get_untracked());
        error.set(browser::download(&name, &csv, "text/csv").err());
    };
    let (chart_title, chart_desc) = (title_id.clone(), desc_id.clone());
    let chart = move || {
        let (title_id, desc_id) = (&chart_title, &chart_desc);
        let d = data.get();
        if d.bars.is_empty() {
            return view! { <p class="empty-chart">"Nothing to show for this period and these filters."</p> }.into_any();
        }
        let max = d
            .max
            .unwrap_or_else(|| d.bars.iter().map(|b| b.value).fold(0.0, f64::max))
            .max(1e-9);
        if columns {
            column_svg(&d.bars, max, title_id, desc_id, title, summary.get()).into_any()
        } else {
            bar_svg(&d.bars, max, title_id, desc_id, title, summary.get()).into_any()
        }
    };
    let table = move || {
        let d = data.get();
        view! {
            <table class="data-table">
                <caption class="visually-hidden">{title}</caption>
                <thead><tr>{d.headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {d.rows.iter().map(|row| view! {
                        <tr>{row.iter().map(|c| view! { <td>{cell_text(c)}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <figure class="figure" id=id aria-labelledby=title_id.clone()>
            <figcaption>
                <h2 id=title_id.clone()>{title}</h2>
                <div class="figure-actions">
                    <button type="button" aria-pressed=move || show_table.get().to_string()
                        on:click=move |_| show_table.update(|s| *s = !*s)>
                        {move || if show_table.get() { "Show chart" } else { "Show table" }}
                    </button>
                    <button type="button" on:click=download>"CSV"</button>
                </div>
            </figcaption>
            <p class="figure-summary" id=desc_id.clone()>{move || summary.get()}</p>
            {move || if show_table.get() { table().into_any() } else { chart().into_any() }}
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </figure>
    }
}

const ROW: f64 = 26.0;
const LABEL: f64 = 170.0;
const PLOT: f64 = 340.0;

fn bar_svg(
    bars: &[Bar],
    max: f64,
    title_id: &str,
    desc_id: &str,
    title: &'static str,
    summary: String,
) -> impl IntoView {
    let height = ROW * bars.len() as f64 + 4.0;
    let labelled = format!("{title_id}-svg {desc_id}");
    view! {
        <svg class="chart" role="img" aria-labelledby=labelled viewBox=format!("0 0 600 {height}")
            preserveAspectRatio="xMinYMin meet">
            <title id=format!("{title_id}-svg")>{title}</title>
            <desc>{summary}</desc>
            {bars.iter().enumerate().map(|(i, bar)| {
                let y = i as f64 * ROW + 2.0;
                let width = (bar.value / max * PLOT).clamp(0.0, PLOT);
                view! {
                    <g class="chart-row">
                        <text class="chart-label" x=LABEL - 8.0 y=y + ROW * 0.62 text-anchor="end">{truncate(&bar.label, 24)}</text>
                        <rect class="chart-bar" x=LABEL y=y + 4.0 width=width.max(1.0) height=ROW - 8.0 rx="2"/>
                        <text class="chart-value" x=LABEL + width + 6.0 y=y + ROW * 0.62>{bar.text.clone()}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

fn column_svg(
    bars: &[Bar],
    max: f64,
    title_id: &str,
    desc_id: &str,
    title: &'static str,
    summary: String,
) -> impl IntoView {
    let height = 180.0;
    let base = 150.0;
    let slot = 560.0 / bars.len().max(1) as f64;
    // Label every column when they fit, otherwise every few.
    let every = (bars.len() / 13).max(1);
    let labelled = format!("{title_id}-svg {desc_id}");
    view! {
        <svg class="chart" role="img" aria-labelledby=labelled viewBox=format!("0 0 600 {height}")
            preserveAspectRatio="xMinYMin meet">
            <title id=format!("{title_id}-svg")>{title}</title>
            <desc>{summary}</desc>
            <line class="chart-axis" x1="20" x2="580" y1=base y2=base/>
            {bars.iter().enumerate().map(|(i, bar)| {
                let h = (bar.value / max * 120.0).clamp(0.0, 120.0);
                let x = 20.0 + i as f64 * slot;
                let label = (i % every == 0).then(|| bar.label.clone());
                view! {
                    <g class="chart-row">
                        <rect class="chart-bar" x=x + slot * 0.15 y=base - h width=slot * 0.7 height=h.max(0.5) rx="2"/>
                        <text class="chart-value" x=x + slot / 2.0 y=base - h - 4.0 text-anchor="middle">{bar.text.clone()}</text>
                        {label.map(|l| view! { <text class="chart-label" x=x + slot / 2.0 y=base + 16.0 text-anchor="middle">{l}</text> })}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

fn truncate(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_owned()
    } else {
        let head: String = text.chars().take(chars - 1).collect();
        format!("{head}…")
    }
}
