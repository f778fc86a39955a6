//! Passphrase encryption of bundles through WebCrypto (PBKDF2-SHA256 → AES-GCM-256); nothing cryptographic is written here, only calls to the browser's implementation.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesDerivedKeyParams, AesGcmParams, CryptoKey, Pbkdf2Params, SubtleCrypto};

use crate::bundle::BundleError;
use crate::bundle::encrypted::{self, IV_BYTES, PBKDF2_ITERATIONS, SALT_BYTES};

/// Shorter passphrases fall to guessing even at 600,000 iterations.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

fn failed(what: &str, error: JsValue) -> BundleError {
    let detail = error
        .dyn_ref::<web_sys::DomException>()
        .map(|e| e.message())
        .unwrap_or_else(|| format!("{error:?}"));
    BundleError::Encrypted(format!("{what}: {detail}"))
}

fn subtle() -> Result<(web_sys::Crypto, SubtleCrypto), BundleError> {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(|| BundleError::Encrypted("this browser has no WebCrypto".into()))?;
    let subtle = crypto.subtle();
    Ok((crypto, subtle))
}

fn random_bytes(crypto: &web_sys::Crypto, n: usize) -> Result<Vec<u8>, BundleError> {
    let mut bytes = vec![0u8; n];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| failed("no random bytes", e))?;
    Ok(bytes)
}

async fn derive_key(
    subtle: &SubtleCrypto,
    passphrase: &str,
    salt: &[u8],
    iterations: u32,
    usage: &str,
) -> Result<CryptoKey, BundleError> {
    let secret = Uint8Array::from(passphrase.as_bytes());
    let base = subtle
        .import_key_with_str(
            "raw",
            &secret,
            "PBKDF2",
            false,
            &Array::of1(&"deriveKey".into()),
        )
        .map_err(|e| failed("the passphrase could not be used", e))?;
    let base: CryptoKey = JsFuture::from(base)
        .await
        .map_err(|e| failed("the passphrase could not be used", e))?
        .unchecked_into();
    let params =
        Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", iterations, &Uint8Array::from(salt));
    let key = subtle
        .derive_key_with_object_and_object(
            &params,
            &base,
            &AesDerivedKeyParams::new("AES-GCM", 256),
            false,
            &Array::of1(&usage.into()),
        )
        .map_err(|e| failed("the key could not be derived", e))?;
    Ok(JsFuture::from(key)
        .await
        .map_err(|e| failed("the key could not be derived", e))?
        .unchecked_into())
}

/// Seals `plaintext` under `passphrase` with a fresh salt and IV; returns the envelope's JSON.
pub async fn encrypt(plaintext: &str, passphrase: &str) -> Result<String, BundleError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(BundleError::Encrypted(format!(
            "use a passphrase of at least {MIN_PASSPHRASE_CHARS} characters"
        )));
    }
    let (crypto, subtle) = subtle()?;
    let salt = random_bytes(&crypto, SALT_BYTES)?;
    let iv = random_bytes(&crypto, IV_BYTES)?;
    let key = derive_key(&subtle, passphrase, &salt, PBKDF2_ITERATIONS, "encrypt").await?;
    let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(iv.as_slice()));
    let sealed = subtle
        .encrypt_with_object_and_u8_array(&params, &key, plaintext.as_bytes())
        .map_err(|e| failed("encryption failed", e))?;
    let sealed = JsFuture::from(sealed)
        .await
        .map_err(|e| failed("encryption failed", e))?;
    let ciphertext = Uint8Array::new(&sealed).to_vec();
    Ok(encrypted::seal(&salt, &iv, &ciphertext))
}

/// Opens an envelope. A wrong passphrase and a tampered file look the same to AES-GCM, so the
/// message names both.
pub async fn decrypt(envelope: &str, passphrase: &str) -> Result<String, BundleError> {
    let sealed = encrypted::open_envelope(envelope)?;
    if passphrase.is_empty() {
        return Err(BundleError::Encrypted(
            "this bundle is encrypted; enter its passphrase".into(),
        ));
    }
    let (_, subtle) = subtle()?;
    let key = derive_key(
        &subtle,
        passphrase,
        &sealed.salt,
        sealed.iterations,
        "decrypt",
    )
    .await?;
    let params =
        AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(sealed.iv.as_slice()));
    let opened = subtle
        .decrypt_with_object_and_u8_array(&params, &key, &sealed.ciphertext)
        .map_err(|e| failed("decryption failed", e))?;
    let plain = JsFuture::from(opened).await.map_err(|_| {
        BundleError::Encrypted(
            "that passphrase does not open this bundle (or the file was changed after it was encrypted)"
                .into(),
        )
    })?;
    String::from_utf8(Uint8Array::new(&plain).to_vec())
        .map_err(|_| BundleError::Encrypted("the decrypted bundle is not UTF-8 text".into()))
}
