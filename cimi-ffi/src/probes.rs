//! Probes for the JVM tests and benchmark, compiled only with the `probes`
//! cargo feature (scripts/test.sh and benches/jvm/run.sh turn it on; a
//! release you ship leaves it off).
//!
//! - [`probe_noop`] and [`probe_ignore_request`] measure the cost of a uniffi
//!   call and of passing a `RegistrationRequest` record.
//! - [`probe_unguarded_panic`] panics outside the library's own guards, to
//!   show that uniffi turns it into an exception instead of a crash.
//! - [`Community::probe_panic_while_changing`] panics while holding the
//!   community's lock, to show the guard's `Internal` error and the poisoned
//!   state that follows.

use crate::RegistrationRequest;
use crate::community::Community;
use crate::error::CimiError;

/// Does nothing: the cost of a uniffi call.
#[uniffi::export]
pub fn probe_noop() {}

/// Receives a request record and ignores it: the cost of a call that passes
/// the same record as `register`.
#[uniffi::export]
pub fn probe_ignore_request(request: RegistrationRequest) {
    let _ = request;
}

/// Panics with `message`, outside the library's guards (uniffi's own panic
/// handling turns it into `InternalException` in Kotlin).
#[uniffi::export]
pub fn probe_unguarded_panic(message: String) {
    panic!("{message}");
}

#[uniffi::export]
impl Community {
    /// Panics while holding the write lock: the call fails with
    /// `CimiException.Internal` (kind `panic`) and every later call on this
    /// community with kind `poisoned`.
    pub fn probe_panic_while_changing(&self, message: String) -> Result<(), CimiError> {
        self.write::<()>(|_| panic!("{message}"))
    }
}
