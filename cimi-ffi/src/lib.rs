//! # cimi-ffi
//!
//! [uniffi](https://mozilla.github.io/uniffi-rs/) bindings of `cimi-core` for
//! the JVM (Kotlin, and Java through the Kotlin classes), Swift and Python.
//! The bindings are generated from the built library by the crate's own
//! `uniffi-bindgen` binary (`scripts/generate.sh`).
//!
//! The layer is thin: it converts types and errors and never re-implements a
//! domain rule.
//!
//! - **Objects**: [`Community`] holds a `cimi_core::Community` (inside the
//!   core's `store::Store`, in memory or durable on disk) behind a `Mutex`,
//!   so one instance can be shared between threads; in Kotlin and Java it is
//!   `AutoCloseable`. The locks come from the `sync` module (std's, or shuttle's
//!   for the concurrency test `tests/shuttle.rs`).
//! - **Records** mirror the core's data, each beside the methods of its
//!   domain noun: [`community`]'s `members`, `events`, `registrations`,
//!   `statutes`, `help`, `watch`, and [`stats`], [`store`], [`interop`].
//!   **Enums** are the core's own, declared to uniffi there with
//!   `#[uniffi::remote(Enum)]`.
//! - **Integers** are signed: `i64` for identifiers and instants, `i32` for
//!   counts and capacities.
//! - **Time**: instants are `i64` milliseconds since the epoch, UTC (see
//!   [`time`]); every operation takes its instant explicitly (`at_ms`,
//!   `now_ms`), [`now_ms`] gives the clock.
//! - **Errors**: one [`CimiError`] (`CimiException` in Kotlin and Java) whose
//!   variants are the core's error families, each with the stable `kind`,
//!   the English message, the French one and the core's `details` (what the
//!   error is about: `field`, `obligation`, `entity` and `id`…).
//! - **No panic crosses the boundary**: each call runs under `catch_unwind`
//!   and a panic becomes `CimiError::Internal` (kind `panic`); a lock poisoned
//!   by it becomes kind `poisoned`. uniffi also catches any panic outside
//!   those guards and raises its own `InternalException`.
//!
//! ```
//! use cimi_ffi::{event_spec, now_ms, AttendanceMode, Community, EventKind, RegistrationRequest,
//!                RegistrationStatus};
//! let now = now_ms();
//! let day = 24 * 3600 * 1000;
//! let c = Community::cimi();
//! let ev = c.schedule_event(event_spec(EventKind::Miditech, "L'État plateforme".into(),
//!                                      now + day, now + day + 7_200_000, 1), now)?;
//! let ask = |email: &str| RegistrationRequest {
//!     email: email.into(), family_name: "Martin".into(), given_name: "Alice".into(),
//!     service: "DNUM".into(), grade: "ingénieure".into(), function: "architecte".into(),
//!     acknowledged: vec!["deontology".into(), "pssi".into()],
//!     attendance: AttendanceMode::OnSite, acknowledges_all: false,
//! };
//! let first = c.register(ev, ask("alice@interieur.gouv.fr"), now)?; // its identifier
//! let refused = c.register(ev, ask("alice@gmail.com"), now).unwrap_err();
//! assert_eq!(refused.kind(), "address_not_allowed");
//! assert_eq!(refused.details()["allowed"], "*@*.gouv.fr");
//! let second = c.register_outcome(ev, ask("bob@agri.gouv.fr"), now)?; // the whole answer
//! assert_eq!(second.registration.status, RegistrationStatus::Waitlisted);
//! let cancel = c.cancel_registration(first, now + 1)?;
//! assert_eq!(cancel.promoted, vec![second.registration.id]);
//! # Ok::<(), cimi_ffi::CimiError>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// `CimiError` crosses to Kotlin by value (uniffi has no boxed error fields):
// its five texts and its details make it larger than clippy's threshold, on
// the error path only.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!();

pub mod community;
mod convert;
pub mod error;
pub mod i18n;
pub mod interop;
#[cfg(feature = "probes")]
pub mod probes;
pub mod stats;
pub mod store;
mod sync;
pub mod time;

pub use community::Community;
pub use community::{events::*, help::*, members::*, registrations::*, statutes::*, watch::*};
pub use error::{CimiError, ErrorInfo};
pub use i18n::Lang;
pub use interop::*;
pub use stats::*;
pub use store::*;
pub use time::{
    instant_from_rfc3339, instant_to_paris_rfc3339, instant_to_rfc3339, now_ms, paris_instant_ms,
};

#[cfg(test)]
mod tests;

/// Checks an e-mail address and returns it normalised (domain in lower-case
/// ASCII form); an invalid address is `CimiException.InvalidInput` with kind
/// `invalid_address`.
#[uniffi::export]
pub fn normalize_email(email: String) -> Result<String, CimiError> {
    community::guarded(|| {
        Ok(cimi_core::address::EmailAddress::parse(&email)?
            .as_str()
            .to_string())
    })
}

/// The version of this library.
#[uniffi::export]
pub fn library_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
