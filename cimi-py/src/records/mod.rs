//! Read-only snapshots of the core's records: `Member`, `Event`,
//! `Registration`, `Cancellation`, `Violation`, `HelpRequest`, `WatchItem`,
//! `Digest`. Each holds a copy of the core
//! value taken when it was returned; the community itself is changed only
//! through `Community` methods. They compare by value, pickle (through the
//! core's serde form) and show no personal data in their `repr`.
//!
//! One file per domain noun: `member.rs`, `event.rs`, `registration.rs`
//! (with `Cancellation`), `statutes.rs` (`Violation`), `help.rs`, `watch.rs`
//! (with `Digest`). This file holds the pickling helpers they share.

mod event;
mod help;
mod member;
mod registration;
mod statutes;
mod watch;

pub use event::PyEvent;
pub use help::PyHelpRequest;
pub use member::{PyMember, consent_kind};
pub use registration::{PyCancellation, PyRegistration};
pub use statutes::PyViolation;
pub use watch::{PyDigest, PyWatchItem};

use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};
use serde::Serialize;
use serde::de::DeserializeOwned;

use cimi_core::error::FormatError;

fn to_json<T: Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}

fn from_json<T: DeserializeOwned>(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<T> {
    serde_json::from_str(&crate::convert::text(text, "text")?)
        .map_err(|e| crate::errors::core_err(py, &FormatError::Syntax(e.to_string()).into()))
}

/// `(cls._from_json, (json, extra...))`, for `__reduce__`.
fn reduce<'py>(
    cls: Bound<'py, PyType>,
    args: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = cls.py();
    let ctor = cls.getattr("_from_json")?;
    PyTuple::new(py, [ctor, PyTuple::new(py, args)?.into_any()])
}
