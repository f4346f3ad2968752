//! The crate's own `uniffi-bindgen`, same uniffi version as the library.
//!
//! `cargo run -p cimi-ffi --bin uniffi-bindgen -- generate target/debug/libcimi_ffi.so --language kotlin --out-dir out`
//! (see `scripts/generate.sh`, which runs it for Kotlin, Swift and Python).

fn main() {
    uniffi::uniffi_bindgen_main()
}
