//! The few browser facts the app needs: the clock, fresh ids, time formatting, downloads, the service worker and the panic page.
//!
//! Domain code never calls these; the UI reads them once and passes the values in.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use js_sys::{Array, Function, Object, Reflect};
use uuid::{Builder, Uuid};
use wasm_bindgen::{JsCast, JsValue};

mod files;
pub use files::{blob_of_bytes, download, download_blob, request_persistence, storage_estimate};

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// A random v4 id from the browser's CSPRNG.
pub fn new_id() -> Uuid {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Every supported browser has `crypto`; should one not, ids only need to be unique,
        // never secret, so the clock-seeded generator stands in rather than stopping the app.
        let mut rng =
            fastrand::Rng::with_seed(js_sys::Date::now().to_bits() ^ performance_now().to_bits());
        rng.fill(&mut bytes);
    }
    Builder::from_random_bytes(bytes).into_uuid()
}

/// The zone the browser runs in, e.g. "Asia/Singapore".
pub fn browser_time_zone() -> String {
    let options =
        js_sys::Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// Every IANA zone the browser knows, for the settings picker.
pub fn supported_time_zones() -> Vec<String> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).unwrap_or(JsValue::UNDEFINED);
    let Ok(supported) = Reflect::get(&intl, &"supportedValuesOf".into()) else {
        return Vec::new();
    };
    let Some(supported) = supported.dyn_ref::<Function>() else {
        return Vec::new();
    };
    supported
        .call1(&intl, &"timeZone".into())
        .ok()
        .map(|list| {
            Array::from(&list)
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default()
}

thread_local! {
    static FORMATTERS: RefCell<HashMap<String, Function>> = RefCell::new(HashMap::new());
}

/// A formatter for `zone`, or the reason the browser refused the zone name.
fn formatter(zone: &str) -> Result<Function, String> {
    if let Some(found) = FORMATTERS.with(|f| f.borrow().get(zone).cloned()) {
        return Ok(found);
    }
    let options = Object::new();
    let set = |k: &str, v: &str| Reflect::set(&options, &k.into(), &v.into());
    let _ = set("dateStyle", "medium");
    let _ = set("timeStyle", "short");
    if !zone.is_empty() {
        let _ = set("timeZone", zone);
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into())
        .map_err(|_| "this browser has no Intl".to_string())?;
    let ctor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .map_err(|_| "this browser has no Intl.DateTimeFormat".to_string())?
        .unchecked_into();
    // Reflect::construct surfaces the RangeError for an unknown zone instead of trapping.
    let args = Array::of2(&JsValue::UNDEFINED, &options);
    let instance = Reflect::construct(&ctor, &args)
        .map_err(|_| format!("'{zone}' is not a time zone this browser knows"))?;
    let format: Function = Reflect::get(&instance, &"format".into())
        .map_err(|_| "Intl.DateTimeFormat has no format".to_string())?
        .unchecked_into();
    let bound = format.bind0(&instance);
    FORMATTERS.with(|f| f.borrow_mut().insert(zone.to_string(), bound.clone()));
    Ok(bound)
}

/// Checks a zone name the way the formatter will use it.
pub fn check_time_zone(zone: &str) -> Result<(), String> {
    formatter(zone).map(|_| ())
}

/// "25 Nov 2026, 10:05" in the viewer's zone (empty = the browser's own), falling back to UTC text.
pub fn format_time(at: DateTime<Utc>, zone: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    formatter(zone)
        .or_else(|_| formatter(""))
        .ok()
        .and_then(|f| f.call1(&JsValue::NULL, &date).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| at.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// The hover text for a time shown in `viewer_zone`: the same instant in the case's zone, when
/// that zone is a different one ("" means the browser's own zone).
pub fn case_zone_title(
    at: DateTime<Utc>,
    viewer_zone: &str,
    case_zone: Option<&str>,
) -> Option<String> {
    let viewer = if viewer_zone.is_empty() {
        browser_time_zone()
    } else {
        viewer_zone.to_string()
    };
    match case_zone {
        Some(zone) if !zone.is_empty() && zone != viewer => Some(format!(
            "{} in {zone}, the case's time zone",
            format_time(at, zone)
        )),
        _ => None,
    }
}

/// `minor` units of `code` in the viewer's locale with the currency's own format ("SGD 84,000.00",
/// "¥1,050", "$12.50"), or `fallback` if the browser cannot format it.
pub fn format_money(minor: i64, code: &str, exponent: u32, fallback: String) -> String {
    let options = Object::new();
    let _ = Reflect::set(&options, &"style".into(), &"currency".into());
    let _ = Reflect::set(&options, &"currency".into(), &code.into());
    let formatted = (|| {
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let ctor: Function = Reflect::get(&intl, &"NumberFormat".into())
            .ok()?
            .unchecked_into();
        let instance =
            Reflect::construct(&ctor, &Array::of2(&JsValue::UNDEFINED, &options)).ok()?;
        let format: Function = Reflect::get(&instance, &"format".into())
            .ok()?
            .unchecked_into();
        let amount = minor as f64 / 10f64.powi(exponent as i32);
        format
            .call1(&instance, &JsValue::from_f64(amount))
            .ok()?
            .as_string()
    })();
    formatted.unwrap_or(fallback)
}

/// Whether the browser believes it has a network connection.
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Registers `/sw.js` so the next visit works offline. Failure only costs offline support, so it is logged.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if Reflect::has(&navigator, &"serviceWorker".into()) != Ok(true) {
        return;
    }
    let promise = navigator.service_worker().register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::warn_2(
                &"Offline support unavailable: service worker not registered".into(),
                &e,
            );
        }
    });
}

/// If the app panics, replaces the page with a plain error: what happened, the panic's message,
/// and two ways out that work without the (now stopped) code: Reload, and safe mode, which
/// starts without the computations that read every record, so a record that stops the app can
/// be set aside. Built with DOM calls and text nodes only; the message is never parsed as HTML.
pub fn install_panic_page() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned());
        let message = match (payload.as_deref(), info.location()) {
            (Some(text), Some(at)) => format!("{text} ({}:{})", at.file(), at.line()),
            (Some(text), None) => text.to_string(),
            (None, Some(at)) => format!("at {}:{}", at.file(), at.line()),
            (None, None) => "no message".to_string(),
        };
        show_panic_page(&message);
    }));
}

fn show_panic_page(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id("panic-page").is_some() {
        return;
    }
    let Some(body) = document.body() else {
        return;
    };
    let element = |tag: &str, text: Option<&str>| {
        let el = document.create_element(tag).ok()?;
        el.set_text_content(text);
        Some(el)
    };
    let Some(page) = element("main", None) else {
        return;
    };
    page.set_id("panic-page");
    page.set_class_name("panel error-panel panic-page");
    let _ = page.set_attribute("role", "alert");
    // Safe mode itself stopping offers only Reload: another safe mode would stop the same way.
    let offer_safe_mode = !web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.contains("safe"));
    let parts: [(&str, Option<&str>, Option<&str>); 6] = [
        ("h1", Some("Escalation Desk stopped"), None),
        (
            "p",
            Some(
                "An internal error stopped the app. Everything you saved, and your drafts, are still stored on this device.",
            ),
            None,
        ),
        ("pre", Some(message), None),
        (
            "p",
            Some(
                "Reload to try again. If it stops again on every start, a stored record is the likely cause: safe mode starts without computing anything from your records, lists them, and lets you set the one at fault aside (it is kept, never deleted) and back up everything.",
            ),
            None,
        ),
        ("a", Some("Reload"), Some("")),
        ("a", Some("Open in safe mode"), Some("/?safe")),
    ];
    for (tag, text, href) in parts {
        if !offer_safe_mode && href == Some("/?safe") {
            continue;
        }
        if let Some(el) = element(tag, text) {
            if let Some(href) = href {
                let target = if href.is_empty() {
                    window_location_path().unwrap_or_else(|| "/".into())
                } else {
                    href.to_string()
                };
                let _ = el.set_attribute("href", &target);
                // The router's click handler is still attached and may still run: "external"
                // makes it step aside, so the browser loads the page afresh.
                let _ = el.set_attribute("rel", "external");
                el.set_class_name("button");
            }
            let _ = page.append_child(&el);
        }
    }
    // Replace the whole page: what was on screen is a view of a program that is no longer running.
    body.set_text_content(None);
    let _ = body.append_child(&page);
}

/// The current path and query, e.g. "/cases/ESC-1042" or "/?safe".
fn window_location_path() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}",
        location.pathname().ok()?,
        location.search().ok()?
    ))
}

/// The wall-clock fields of `at` in `zone` (empty = the browser's), via Intl so DST rules come from the browser.
fn wall_clock(at: DateTime<Utc>, zone: &str) -> Option<[i64; 5]> {
    let options = Object::new();
    for (k, v) in [
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ] {
        let _ = Reflect::set(&options, &k.into(), &v.into());
    }
    if !zone.is_empty() {
        let _ = Reflect::set(&options, &"timeZone".into(), &zone.into());
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let ctor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .unchecked_into();
    let instance = Reflect::construct(&ctor, &Array::of2(&"en-US".into(), &options)).ok()?;
    let to_parts: Function = Reflect::get(&instance, &"formatToParts".into())
        .ok()?
        .unchecked_into();
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let parts = Array::from(&to_parts.call1(&instance, &date).ok()?);
    let mut fields = [0i64; 5];
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        let slot = match kind.as_str() {
            "year" => 0,
            "month" => 1,
            "day" => 2,
            "hour" => 3,
            "minute" => 4,
            _ => continue,
        };
        *fields.get_mut(slot)? = value.parse().ok()?;
    }
    Some(fields)
}

/// `at` as a `datetime-local` value ("2026-11-25T10:00") in `zone`.
pub fn to_local_input(at: DateTime<Utc>, zone: &str) -> String {
    match wall_clock(at, zone) {
        Some([y, mo, d, h, mi]) => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}"),
        None => at.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

/// Reads a `datetime-local` value as wall-clock time in `zone` and returns the instant.
/// Guesses the instant as if the zone were UTC, then corrects by the zone's offset at that
/// instant, twice, so times next to a DST change land on the right side.
pub fn from_local_input(text: &str, zone: &str) -> Option<DateTime<Utc>> {
    let naive = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()?;
    let wanted = naive.and_utc();
    let mut guess = wanted;
    for _ in 0..2 {
        let [y, mo, d, h, mi] = wall_clock(guess, zone)?;
        let shown = chrono::NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32)?
            .and_hms_opt(h as u32 % 24, mi as u32, 0)?
            .and_utc();
        guess -= shown - wanted;
    }
    Some(guess)
}

/// Milliseconds since the page started, for timing work in production builds.
pub fn performance_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Records `name` as a `performance.measure` from `started` to now, so benchmarks and the
/// DevTools performance panel see it. Cheap enough to stay on.
pub fn measure(name: &str, started: f64) {
    use wasm_bindgen::JsCast;
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    // web-sys lacks the options form of `measure`, so it is called through the JS object.
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &started.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &performance.now().into());
    if let Ok(measure) = js_sys::Reflect::get(&performance, &"measure".into())
        && let Ok(measure) = measure.dyn_into::<js_sys::Function>()
    {
        let _ = measure.call2(&performance, &name.into(), &options);
    }
}

/// Reloads the page: what frees storage held by another tab or a stalled browser.
pub fn reload_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Records `name` as a `performance.mark` now: a stage reached in a long piece of work, so a
/// page that seems stuck shows (in DevTools, or the test runner's failure report) how far it got.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Records `name` as a measure of `millis` ending now: for work timed elsewhere (the SQL
/// worker times SQLite itself, so the figure excludes messaging).
pub fn measure_span(name: &str, millis: f64) {
    measure(name, performance_now() - millis);
}

/// Puts `text` on the clipboard. Resolves to an error the user can act on ("select it and
/// copy by hand") when the browser refuses, e.g. without focus or permission.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let refused =
        || "the browser did not allow copying; select the text and copy it by hand".to_string();
    let navigator = web_sys::window().ok_or_else(refused)?.navigator();
    // Through the JS object: web-sys gates the Clipboard API behind a feature flag.
    let clipboard = Reflect::get(&navigator, &"clipboard".into()).map_err(|_| refused())?;
    if clipboard.is_undefined() {
        return Err(refused());
    }
    let write = Reflect::get(&clipboard, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(refused)?;
    let promise = write
        .call1(&clipboard, &text.into())
        .map_err(|_| refused())?
        .dyn_into::<js_sys::Promise>()
        .map_err(|_| refused())?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| refused())
}

/// The Notification API's permission ("default", "granted", "denied"), or `None` where the
/// browser has no notifications.
pub fn notification_permission() -> Option<String> {
    let window = web_sys::window()?;
    let api = Reflect::get(&window, &"Notification".into()).ok()?;
    if api.is_undefined() {
        return None;
    }
    Reflect::get(&api, &"permission".into()).ok()?.as_string()
}

/// Asks for permission to notify. Only ever called from a click, as browsers require and as
/// users expect: the app never asks on its own.
pub async fn request_notification_permission() -> Option<String> {
    let window = web_sys::window()?;
    let api = Reflect::get(&window, &"Notification".into()).ok()?;
    let request = Reflect::get(&api, &"requestPermission".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    let promise = request
        .call0(&api)
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .as_string()
}

/// Shows a system notification if permission was granted. `tag` makes the browser replace
/// rather than stack a notification that several tabs raise for the same reminder. The text
/// is plain text by the API's definition.
pub fn notify(title: &str, body: &str, tag: &str) {
    if notification_permission().as_deref() != Some("granted") {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(api) = Reflect::get(&window, &"Notification".into()) else {
        return;
    };
    let Ok(constructor) = api.dyn_into::<Function>() else {
        return;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"body".into(), &body.into());
    let _ = Reflect::set(&options, &"tag".into(), &tag.into());
    let args = Array::of2(&title.into(), &options);
    let _ = Reflect::construct(&constructor, &args);
}

/// Runs `work` while holding the Web Lock `name`, shared by every tab of this profile and
/// origin: a second tab waits until the first's work ends or the tab closes. Where the browser
/// has no Web Locks, `work` simply runs.
pub async fn with_lock(name: &str, work: impl std::future::Future<Output = ()> + 'static) {
    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks
        .as_ref()
        .and_then(|l| Reflect::get(l, &"request".into()).ok())
        .and_then(|f| f.dyn_into::<Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        work.await;
        return;
    };
    let held = wasm_bindgen::closure::Closure::once_into_js(move |_lock: JsValue| {
        wasm_bindgen_futures::future_to_promise(async move {
            work.await;
            Ok(JsValue::UNDEFINED)
        })
    });
    if let Ok(done) = request.call2(&locks, &name.into(), &held)
        && let Ok(done) = done.dyn_into::<js_sys::Promise>()
    {
        let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    }
}

/// Resolves after `ms` milliseconds (at once where there is no window).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let fired = web_sys::window().map(|window| {
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
        });
        if !matches!(fired, Some(Ok(_))) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves after the browser has had a chance to paint, so a status set just before
/// long synchronous work is on screen while that work runs.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(window) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        let after_paint = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let timeout = wasm_bindgen::closure::Closure::once_into_js(move || {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    after_paint.unchecked_ref(),
                    0,
                );
            }
        });
        let _ = window.request_animation_frame(timeout.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Records `name` from `started` to the frame after the current one, so a measure covers the
/// work, the DOM update and the paint that shows it (what a person waits for).
pub fn measure_to_paint(name: &'static str, started: f64) {
    leptos::task::spawn_local(async move {
        next_frame().await;
        measure(name, started);
    });
}

thread_local! {
    static ACTION_STARTED: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
}

/// Notes when a user action that opens another page began (`event.timeStamp`), for the page
/// that opens to measure itself against.
pub fn note_action_started(at: f64) {
    ACTION_STARTED.with(|cell| cell.set(Some(at)));
}

/// The start noted by `note_action_started`, if it was within the last two seconds; a click
/// long ago is not what this page is answering.
pub fn take_action_started() -> Option<f64> {
    let at = ACTION_STARTED.with(|cell| cell.take())?;
    (performance_now() - at < 2_000.0).then_some(at)
}
