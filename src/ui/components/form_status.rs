//! The one way a form says how it went: an error (announced at once), what was done, and whether its draft is safe, in the same places on every form.

use leptos::prelude::*;

use super::drafts::SetAsideShown;
use super::set_aside::DiscardSetAside;

/// A form's status lines; each shows only while its signal holds text, so an empty form shows
/// nothing. `error` is an alert (a screen reader reads it at once); `done` and `draft` are
/// polite status. `error_id` lets a field point at its error with `aria-describedby`.
#[component]
pub fn FormStatus(
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
    #[prop(optional, into)] done: Option<Signal<Option<String>>>,
    #[prop(optional, into)] draft: Option<Signal<Option<String>>>,
    #[prop(optional)] error_id: Option<&'static str>,
    /// The set-aside texts the draft notice may quote, with a control to discard them.
    #[prop(optional)]
    aside: Option<SetAsideShown>,
) -> impl IntoView {
    view! {
        {error.map(|error| view! { <p class="form-error" id=error_id role="alert">{move || error.get()}</p> })}
        {done.map(|done| view! { <p class="form-ok" role="status">{move || done.get()}</p> })}
        {draft.map(|draft| view! { <p class="form-warning" role="status">{move || draft.get()}</p> })}
        {aside.map(|aside| view! { <DiscardSetAside aside/> })}
    }
}

/// The outcome of an action as lines: `(false, problems)` refused, one line per problem to fix;
/// `(true, lines)` done. Announced as one alert, in the error or the done colour; `refused_heading`
/// puts "Refused:" first where the lines alone would not say it.
#[component]
pub fn OutcomeList(
    #[prop(into)] outcome: Signal<Option<(bool, Vec<String>)>>,
    #[prop(optional)] refused_heading: bool,
) -> impl IntoView {
    view! {
        <div role="alert">
            <ul class=move || match outcome.get() { Some((false, _)) => "form-error", _ => "form-ok" }>
                {move || outcome.get().map(|(ok, lines)| {
                    let head = (!ok && refused_heading).then(|| view! { <li><strong>"Refused:"</strong></li> });
                    view! { {head} {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()} }
                })}
            </ul>
        </div>
    }
}

/// One line saying how the last save went, `(true, text)` done or `(false, text)` not done,
/// in the done or the error colour. It keeps one live-region `role` for both ("status" unless
/// `alert` is set), because a region that changes its role is not announced reliably.
#[component]
pub fn OutcomeLine(
    #[prop(into)] outcome: Signal<Option<(bool, String)>>,
    #[prop(optional)] alert: bool,
) -> impl IntoView {
    view! {
        <p role=if alert { "alert" } else { "status" }
            class=move || match outcome.get() { Some((false, _)) => "form-error", _ => "form-ok" }>
            {move || outcome.get().map(|(_, text)| text)}
        </p>
    }
}
