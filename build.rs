//! Build script: a split build of the app links with its relocations kept, which the splitter (scripts/split.mjs) reads.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT").is_some();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    // Only the app's own binary: passing it through RUSTFLAGS would rebuild every dependency
    // and the SQL worker for a flag that only the final link reads.
    if split && wasm {
        println!("cargo::rustc-link-arg-bin=escalation-desk=--emit-relocs");
    }
}
