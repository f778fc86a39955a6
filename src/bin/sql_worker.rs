//! The SQL console's Web Worker: holds the SQLite engine, loads the tables it is sent and runs queries off the page's thread.
//!
//! A runaway query blocks only this worker; the page cancels it by terminating the worker and
//! starting a fresh one. Replies are JSON text (`sql::protocol::Reply`).

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use escalation_desk::sql::engine::{Engine, SqlError};
    use escalation_desk::sql::protocol::Reply;
    use js_sys::{Array, Reflect};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let clock = scope.performance();
    let now = move || clock.as_ref().map_or(0.0, web_sys::Performance::now);
    let engine: Rc<RefCell<Option<Engine>>> = Rc::new(RefCell::new(None));
    let replies = scope.clone();
    let post = move |reply: Reply| {
        // Serialising plain strings and numbers cannot fail.
        let text = serde_json::to_string(&reply).unwrap_or_default();
        let _ = replies.post_message(&JsValue::from_str(&text));
    };
    let announce = post.clone();
    let field = |data: &JsValue, name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let op = field(&data, "op")
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        match op.as_str() {
            "load" => {
                let started = now();
                let strings = |name: &str| -> Vec<String> {
                    field(&data, name)
                        .map(|v| {
                            Array::from(&v)
                                .iter()
                                .filter_map(|n| n.as_string())
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let (names, rows) = (strings("names"), strings("rows"));
                let tables: Vec<(&str, &str)> = names
                    .iter()
                    .map(String::as_str)
                    .zip(rows.iter().map(String::as_str))
                    .collect();
                let loaded = Engine::new().and_then(|mut fresh| {
                    let rows = fresh.load(&tables)?;
                    Ok((fresh, rows))
                });
                match loaded {
                    Ok((fresh, rows)) => {
                        *engine.borrow_mut() = Some(fresh);
                        post(Reply::Loaded {
                            rows,
                            millis: now() - started,
                        });
                    }
                    Err(e) => post(Reply::LoadFailed {
                        message: e.to_string(),
                    }),
                }
            }
            "run" => {
                let id = field(&data, "id")
                    .and_then(|v| v.as_f64())
                    .map_or(0, |n| n as u32);
                let sql = field(&data, "sql")
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                let cap = field(&data, "cap")
                    .and_then(|v| v.as_f64())
                    .map_or(1000, |n| n as usize);
                let started = now();
                let outcome = match engine.borrow().as_ref() {
                    Some(engine) => engine.run(&sql, cap),
                    None => Err(SqlError::Engine("the tables are not loaded yet".into())),
                };
                let millis = now() - started;
                post(match outcome {
                    Ok(result) => Reply::Result { id, result, millis },
                    Err(SqlError::Invalid { message, offset }) => Reply::Failed {
                        id,
                        message,
                        offset,
                    },
                    Err(other) => Reply::Failed {
                        id,
                        message: other.to_string(),
                        offset: None,
                    },
                });
            }
            _ => {}
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Before Ready: the page is still reading its data, so this costs the person nothing.
    let _ = escalation_desk::sql::engine::warm_up(2_000);
    announce(Reply::Ready);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The SQL worker runs inside the browser; see README.md.");
}
