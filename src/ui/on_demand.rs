//! Code that arrives on demand: in a split build each page is a separate wasm part, fetched the first time its route opens, and so is a case page's list of team reviews (only once team sync is on).
//!
//! A specialist's first minute needs the queue, a case and call mode; everything else (Data, RCAs,
//! playbooks, templates, problems, settings, Insights, the SQL console) is a split point here. The
//! release build (`scripts/split.mjs`, the `split` feature) cuts each into its own wasm part; the
//! service worker precaches the parts after the first visit, so every page still opens offline.
//! Without the feature (the wasm tests) the same routes render in place, so the two builds share
//! every line of page code.

use leptos::prelude::*;

/// Why a page's code could not be loaded: the same as for the app's other on-demand code.
pub use crate::app::on_demand::CodeNotFetched as PageLoadError;

/// Declares `$loader`, an async function returning the page's view, split into the wasm part
/// `$part` when the `split` feature is on. Pages that belong together share a part.
macro_rules! on_demand_page {
    ($loader:ident, $part:ident, $page:ident) => {
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($part, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $loader() -> Result<AnyView, PageLoadError> {
            Ok(view! { <$page/> }.into_any())
        }

        #[cfg(not(feature = "split"))]
        pub async fn $loader() -> Result<AnyView, PageLoadError> {
            Ok(view! { <$page/> }.into_any())
        }
    };
}

use super::pages::{
    data::DataPage,
    insights::InsightsPage,
    playbooks::{PlaybookPage, PlaybooksPage},
    problems::{ProblemPage, ProblemsPage},
    rcas::{RcaPage, RcaPrintPage, RcasPage},
    settings::SettingsPage,
    sql_console::SqlConsolePage,
    templates::TemplatesPage,
};

on_demand_page!(templates_page, templates, TemplatesPage);
on_demand_page!(playbooks_page, playbooks, PlaybooksPage);
on_demand_page!(playbook_page, playbooks, PlaybookPage);
on_demand_page!(problems_page, problems, ProblemsPage);
on_demand_page!(problem_page, problems, ProblemPage);
on_demand_page!(rcas_page, rcas, RcasPage);
on_demand_page!(rca_page, rcas, RcaPage);
on_demand_page!(rca_print_page, rcas, RcaPrintPage);
on_demand_page!(settings_page, settings, SettingsPage);
on_demand_page!(data_page, data, DataPage);
on_demand_page!(insights_page, insights, InsightsPage);
on_demand_page!(sql_console_page, sql, SqlConsolePage);

/// A route's view that waits for its page's code: a quiet loading line while the part is fetched
/// (from the service worker's cache after the first visit), and a clear error with Retry if it
/// cannot be, rather than a blank page.
pub fn on_demand<F, Fut>(load: F) -> impl IntoView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<AnyView, PageLoadError>> + 'static,
{
    let attempt = RwSignal::new(0u32);
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Opening page…"</p> }>
            {move || {
                attempt.track();
                Suspend::new(send_wrapper::SendWrapper::new(async move {
                    match load().await {
                        Ok(page) => page,
                        Err(error) => view! {
                            <section class="panel error-panel" role="alert">
                                <h1>"This page could not be opened"</h1>
                                <p>{error.to_string()}". Pages opened once while online work offline afterwards; the queue and every case work now."</p>
                                <button type="button" class="primary" on:click=move |_| attempt.update(|n| *n = n.wrapping_add(1))>"Try again"</button>
                            </section>
                        }
                        .into_any(),
                    }
                }))
            }}
        </Suspense>
    }
}

/// Draws a case's open team reviews (a case field both sides changed before syncing).
pub type CaseReviewsView = fn(uuid::Uuid) -> AnyView;

fn case_reviews(case_id: uuid::Uuid) -> AnyView {
    view! { <super::pages::sync_reviews::CaseReviews case_id/> }.into_any()
}

// Reading a review checks it like anything from the server (every record kind's validation), and
// answering one writes cases and records: none of it is needed before team sync is on.
crate::app::on_demand::on_demand_code!(
    /// A case page's list of team reviews, fetched once team sync is on.
    case_reviews_view,
    reviews,
    CaseReviewsView,
    case_reviews
);

/// A case's open team reviews, while team sync is on; with sync off nothing is fetched or drawn.
/// If the code cannot be fetched the case still works, and the reviews stay listed under
/// Settings → Team sync.
#[component]
pub fn CaseReviewsOnDemand(case_id: uuid::Uuid) -> impl IntoView {
    let state = crate::app::state::app_state();
    let sync_on = Memo::new(move |_| state.prefs.with(|p| p.sync.on));
    move || {
        sync_on.get().then(|| {
            view! {
                <Suspense fallback=|| ()>
                    {Suspend::new(send_wrapper::SendWrapper::new(async move {
                        match case_reviews_view().await {
                            Ok(draw) => draw(case_id),
                            Err(error) => view! {
                                <p class="hint" role="status">
                                    "Team reviews of this case are not shown here: "{error.to_string()}
                                    ". They are listed under Settings → Team sync."
                                </p>
                            }
                            .into_any(),
                        }
                    }))}
                </Suspense>
            }
        })
    }
}
