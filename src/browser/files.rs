//! Files in and out of the browser: downloads offered from Blobs, and the storage the browser grants (its estimate, and persistence).

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Offers `text` as a file download named `name`; nothing leaves the machine.
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    download_blob(name, &blob_of_bytes(text.as_bytes(), mime)?)
}

/// The bytes as a Blob of type `mime`: the Blob holds its own copy.
pub fn blob_of_bytes(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, String> {
    let fail = |e: JsValue| format!("the browser could not hold the file: {e:?}");
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    // SAFETY: the view is valid until wasm memory grows, and nothing allocates before the
    // Blob's constructor copies it; it saves a 20 MB bundle one more copy into a JS buffer.
    let view = unsafe { js_sys::Uint8Array::view(bytes) };
    let parts = Array::of1(&view);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)
}

/// Offers `blob` as a file download named `name`, releasing its object URL after the click.
pub fn download_blob(name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let fail = |e: JsValue| format!("the browser refused the download: {e:?}");
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(fail)?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let release = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(release.unchecked_ref(), 10_000);
    }
    Ok(())
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    // Through the JS object: an insecure context has no `navigator.storage` at all.
    let storage = Reflect::get(&navigator, &"storage".into()).ok()?;
    (!storage.is_undefined()).then(|| storage.unchecked_into())
}

/// Bytes used and the quota, as the browser estimates them.
pub async fn storage_estimate() -> Option<(f64, f64)> {
    let promise = storage_manager()?.estimate().ok()?;
    let estimate: web_sys::StorageEstimate = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .unchecked_into();
    Some((estimate.get_usage()?, estimate.get_quota()?))
}

/// Asks the browser not to evict this site's data under storage pressure. Returns whether it is
/// now persistent; the browser decides (Chromium grants it to sites the person uses).
pub async fn request_persistence() -> Option<bool> {
    let manager = storage_manager()?;
    let promise = manager.persist().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .as_bool()
}
