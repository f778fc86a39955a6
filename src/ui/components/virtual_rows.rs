//! One virtual-rows body for long tables (the queue, SQL results): only the rows in view, plus a margin, are in the DOM, so 100,000 rows scroll like 50.

use std::hash::Hash;

use leptos::prelude::*;

/// Which rows of `total` are drawn. Rows have one fixed height, so the window is arithmetic,
/// not measurement; `first..last` is always inside `0..=total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowWindow {
    pub first: usize,
    pub last: usize,
    pub total: usize,
}

/// The rows visible in a `viewport` px tall box scrolled to `scroll_top`, with `overscan` rows
/// drawn on each side so fast scrolling never shows a gap. A scroll position left over from a
/// longer list (it can be a step stale after the list shrinks) never starts past the end.
pub fn row_window(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    overscan: usize,
    total: usize,
) -> RowWindow {
    // Saturating float-to-int conversions: a huge, negative or NaN value clamps, never wraps.
    let rows_in = |px: f64, round: fn(f64) -> f64| {
        if row_height > 0.0 && px.is_finite() && px > 0.0 {
            round(px / row_height) as usize
        } else {
            0
        }
    };
    let first = rows_in(scroll_top, f64::floor)
        .saturating_sub(overscan)
        .min(total);
    let shown = rows_in(viewport, f64::ceil).saturating_add(overscan.saturating_mul(2));
    let last = first.saturating_add(shown).min(total);
    RowWindow { first, last, total }
}

impl RowWindow {
    /// The space the undrawn rows above take, so the scrollbar stays true.
    fn above(&self, row_height: f64) -> String {
        format!("{}px", self.first as f64 * row_height)
    }

    /// The space the undrawn rows below take.
    fn below(&self, row_height: f64) -> String {
        format!(
            "{}px",
            self.total.saturating_sub(self.last) as f64 * row_height
        )
    }
}

/// A `<tbody>` drawing the rows `rows` returns for the current `window` between two spacer
/// rows. Rows are keyed (`key`), so scrolling reuses the rows still in view; a key must change
/// when a row's content does.
#[component]
pub fn VirtualRows<T, K, KF, V, RF>(
    #[prop(into)] window: Signal<RowWindow>,
    row_height: f64,
    /// The rows `window.first..window.last`, each with what its key and view need.
    rows: impl Fn() -> Vec<T> + Send + Sync + 'static,
    key: KF,
    row: RF,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    K: Eq + Hash + Send + Sync + 'static,
    KF: Fn(&T) -> K + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    RF: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <tbody>
            <tr aria-hidden="true" class="spacer" style:height=move || window.get().above(row_height)></tr>
            <For each=rows key=key children=row/>
            <tr aria-hidden="true" class="spacer" style:height=move || window.get().below(row_height)></tr>
        </tbody>
    }
}
