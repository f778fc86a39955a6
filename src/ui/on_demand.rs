//! Pages whose code arrives on demand: in a split build each is a separate wasm part, fetched the first time its route opens.
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
