//! Prints the operations an `engine_ops` input decodes to, one per line, as
//! the target runs them (at most 128, stopping when the bytes run out).
//!
//! ```text
//! cd fuzz && cargo run --example decode_engine_ops -- regressions/engine_ops/<file>
//! ```

use arbitrary::{Arbitrary, Unstructured};

#[path = "../fuzz_targets/engine_input.rs"]
mod engine_input;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: decode_engine_ops <input file>")?;
    let bytes = std::fs::read(path)?;
    let mut u = Unstructured::new(&bytes);
    for i in 0..128 {
        let op = engine_input::Op::arbitrary(&mut u)?;
        println!("{i:3} {op:?}");
        if u.is_empty() {
            break;
        }
    }
    Ok(())
}
