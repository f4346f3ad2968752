//! The locks of the wrappers, from one place: `std::sync` normally, and
//! [shuttle](https://docs.rs/shuttle)'s instrumented twins under the `shuttle`
//! cargo feature, so that `tests/shuttle.rs` can run the very code the
//! bindings ship under many thread interleavings (randomized and PCT
//! schedulers).
//!
//! Both have the `std` API (`lock()`, `read()` and `write()` answer a
//! `LockResult`, poisoned after a panic). A build with `shuttle` is for that
//! test only: its locks work only inside a shuttle execution.

#[cfg(not(feature = "shuttle"))]
pub use std::sync::RwLock;

#[cfg(feature = "shuttle")]
pub use shuttle::sync::RwLock;
