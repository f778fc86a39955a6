//! The CouchDB HTTP API as team sync uses it: JSON over `fetch` to the same origin, with the session cookie CouchDB sets at sign-in, and every answer a typed result.

use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCredentials, RequestInit, Response};

/// Answers longer than this are refused (unread when they declare their length, else before
/// any of it reaches the app's memory): no page of changes this client asks for comes near it,
/// so it can only be a wrong server or a hostile one.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;

/// How long one request may go unanswered, body included, before it counts as unreachable. A
/// connection that dies without closing (a network that drops on a call) can otherwise leave a
/// request, and sync with it, waiting for minutes; no request this client makes is held open
/// by the server, and the largest (a page of 1000 changes with their documents) takes seconds.
const ANSWER_WITHIN_MS: u64 = 120_000;

/// Why a request to the team's server did not give an answer to use, worded for the header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouchError {
    #[error("the server cannot be reached ({0})")]
    Unreachable(String),
    #[error("sign-in expired or refused")]
    SignIn,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} was not found on the server")]
    NotFound(String),
    #[error("the server answered {status}: {reason}")]
    Server { status: u16, reason: String },
    #[error("the server's answer could not be read ({0})")]
    BadAnswer(String),
}

/// A team database on a CouchDB server reached at `server` (a path on this origin, such as
/// `/couch/`, so the page's `connect-src 'self'` holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Couch {
    pub server: String,
    pub database: String,
}

impl Couch {
    pub fn new(server: &str, database: &str) -> Couch {
        let mut server = server.trim().to_string();
        if !server.ends_with('/') {
            server.push('/');
        }
        Couch {
            server,
            database: database.trim().to_string(),
        }
    }

    /// `path` under the database, e.g. `_changes?since=0`.
    pub fn url(&self, path: &str) -> String {
        let db = js_sys::encode_uri_component(&self.database);
        format!("{}{}/{}", self.server, String::from(db), path)
    }

    pub fn server_url(&self, path: &str) -> String {
        format!("{}{}", self.server, path)
    }

    pub async fn get(&self, path: &str) -> Result<Value, CouchError> {
        request("GET", &self.url(path), None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, CouchError> {
        request("POST", &self.url(path), Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, CouchError> {
        request("PUT", &self.url(path), Some(body)).await
    }
}

/// One request; any answer outside 2xx becomes a `CouchError` with CouchDB's own reason.
pub async fn request(method: &str, url: &str, body: Option<&Value>) -> Result<Value, CouchError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(&body.to_string()));
    }
    let deadline = Deadline::start(&init);
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|e| CouchError::Unreachable(js_text(&e)))?;
    let headers = request.headers();
    let _ = headers.set("Accept", "application/json");
    if body.is_some() {
        let _ = headers.set("Content-Type", "application/json");
    }
    let (status, body) = deadline.answer(&request).await?;
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| CouchError::BadAnswer(e.to_string()))?
    };
    let reason = || {
        value
            .get("reason")
            .and_then(Value::as_str)
            .or_else(|| value.get("error").and_then(Value::as_str))
            .unwrap_or("no reason given")
            .chars()
            .take(300)
            .collect::<String>()
    };
    match status {
        200..=299 => Ok(value),
        401 => Err(CouchError::SignIn),
        403 => Err(CouchError::Forbidden(reason())),
        404 => Err(CouchError::NotFound(url.to_string())),
        _ => Err(CouchError::Server {
            status,
            reason: reason(),
        }),
    }
}

/// A request's time limit: an `AbortController` whose signal goes into the request, aborted if
/// no whole answer came within `ANSWER_WITHIN_MS`.
struct Deadline {
    timed_out: std::rc::Rc<std::cell::Cell<bool>>,
    timer: Option<leptos::prelude::TimeoutHandle>,
}

impl Deadline {
    /// Starts the clock; `init` carries its signal into the request built from it.
    fn start(init: &RequestInit) -> Deadline {
        let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
        let timer = web_sys::AbortController::new().ok().and_then(|abort| {
            init.set_signal(Some(&abort.signal()));
            let timed_out = timed_out.clone();
            leptos::prelude::set_timeout_with_handle(
                move || {
                    timed_out.set(true);
                    abort.abort();
                },
                std::time::Duration::from_millis(ANSWER_WITHIN_MS),
            )
            .ok()
        });
        Deadline { timed_out, timer }
    }

    /// The status and body of `request`, or `Unreachable` when it fails or runs out of time. A
    /// body cut off part-way is an error too, never an empty answer.
    async fn answer(self, request: &Request) -> Result<(u16, Vec<u8>), CouchError> {
        let window =
            web_sys::window().ok_or_else(|| CouchError::Unreachable("no window".into()))?;
        let timed_out = self.timed_out.clone();
        let failed = |e: JsValue| {
            CouchError::Unreachable(if timed_out.get() {
                format!("no answer within {} s", ANSWER_WITHIN_MS / 1000)
            } else {
                js_text(&e)
            })
        };
        let answer = async {
            let answer = JsFuture::from(window.fetch_with_request(request))
                .await
                .map_err(failed)?;
            let response: Response = answer
                .dyn_into()
                .map_err(|_| CouchError::BadAnswer("not a response".into()))?;
            let body = read_capped(&response, &failed).await?;
            Ok((response.status(), body))
        }
        .await;
        if let Some(timer) = self.timer {
            timer.clear();
        }
        answer
    }
}

/// `response`'s body, refused past `MAX_ANSWER_BYTES`: unread when it declares more, else
/// measured while it is still the browser's (an `ArrayBuffer`) and refused before any of it is
/// copied into the app's memory. A wrong or hostile server can so never make the wasm memory
/// grow (it never shrinks, and an allocation that fails there ends the page); the browser
/// refusing a buffer is only an error. (Reading the body as a stream would stop the download
/// sooner, but the browser then reports every answer as cancelled once read, in DevTools and
/// to the benchmark's request counts alike.)
pub async fn read_capped(
    response: &Response,
    failed: &impl Fn(JsValue) -> CouchError,
) -> Result<Vec<u8>, CouchError> {
    let too_large = |bytes: u64| {
        CouchError::BadAnswer(format!(
            "{} MB, over the {} MB this app reads from one answer",
            bytes / 1_048_576,
            MAX_ANSWER_BYTES / 1_048_576
        ))
    };
    let declared = response
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|length| length.trim().parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > MAX_ANSWER_BYTES as u64) {
        return Err(too_large(length));
    }
    let buffer = response.array_buffer().map_err(failed)?;
    let buffer = JsFuture::from(buffer).await.map_err(failed)?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    let length = bytes.length();
    if length as usize > MAX_ANSWER_BYTES {
        return Err(too_large(u64::from(length)));
    }
    Ok(bytes.to_vec())
}

fn js_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "network error".into())
}
