//! `cimi` for Python: the bindings of `cimi-core`, built by maturin as the
//! extension module `cimi._cimi` (abi3, CPython 3.10+) and re-exported by the
//! pure-Python package `cimi` (see `python/cimi/`).
//!
//! The bindings are thin: every rule lives in `cimi-core`. This crate only
//! converts arguments and results, maps core errors to one exception class per
//! family, and keeps the (plain) core `Community` behind a lock.
#![forbid(unsafe_code)]

use chrono::{DateTime, NaiveDateTime, Utc};
use pyo3::prelude::*;

use cimi_core::Lang;
use cimi_core::address::EmailAddress;

mod arrow_in;
mod community;
mod convert;
mod errors;
mod interop;
mod lock;
mod member_rows;
mod records;
mod requests;
mod requests_arrow;
mod statutes;
mod store;
mod table;
mod tables;
mod time;

use errors::{OrRaise, invalid_input};

/// The module's Rust allocations (the core's records, the requests of a
/// batch) go to mimalloc: the registration path allocates many small strings,
/// which glibc's allocator serves several times slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sets the language of messages (exceptions, violations, statutes texts):
/// `"en"` (the default) or `"fr"`.
#[pyfunction]
fn set_language(py: Python<'_>, language: &Bound<'_, PyAny>) -> PyResult<()> {
    let code = convert::text(language, "language")?;
    let lang: Lang = code.parse().map_err(|_| {
        invalid_input(
            py,
            "unknown_language",
            "unsupported language (expected 'fr' or 'en')".into(),
            "langue non prise en charge (attendu : 'fr' ou 'en')".into(),
        )
    })?;
    errors::set_lang(lang);
    Ok(())
}

/// The language of messages: `"en"` or `"fr"`.
#[pyfunction]
fn get_language() -> &'static str {
    errors::lang().code()
}

/// Validates and normalises an e-mail address the way registrations do: the
/// local part is kept as given, the domain is lowercase ASCII (punycode)
/// without a trailing dot. Raises `cimi.InvalidInput` (kind
/// `invalid_address`, `details["reason"]` says why) otherwise.
#[pyfunction]
fn parse_address(py: Python<'_>, address: &Bound<'_, PyAny>) -> PyResult<String> {
    let address = convert::text(address, "address")?;
    EmailAddress::parse(&address)
        .or_raise(py)
        .map(|a| a.as_str().to_owned())
}

/// The instant of a naive Europe/Paris civil time (a naive `datetime`),
/// refusing times that do not exist or happen twice at the daylight saving
/// changes. Returns an aware `datetime` in UTC.
#[pyfunction]
fn paris_instant(py: Python<'_>, local: NaiveDateTime) -> PyResult<DateTime<Utc>> {
    cimi_core::event::paris_instant(local).or_raise(py)
}

/// The normalised form of a skill tag (`" Postgre SQL "` → `"postgresql"`),
/// or `None` when nothing is left: two tags are the same skill when their
/// normalised forms are equal.
#[pyfunction]
fn normalize_skill(tag: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    Ok(cimi_core::skills::normalize_skill(&convert::text(
        tag, "tag",
    )?))
}

#[pymodule]
fn _cimi(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<community::PyCommunity>()?;
    m.add_class::<statutes::PyStatutes>()?;
    m.add_class::<records::PyMember>()?;
    m.add_class::<records::PyEvent>()?;
    m.add_class::<records::PyRegistration>()?;
    m.add_class::<records::PyCancellation>()?;
    m.add_class::<records::PyViolation>()?;
    m.add_class::<records::PyHelpRequest>()?;
    m.add_class::<records::PyWatchItem>()?;
    m.add_class::<records::PyDigest>()?;
    m.add_class::<store::PyStore>()?;
    m.add_class::<table::PyTable>()?;
    m.add_function(wrap_pyfunction!(set_language, m)?)?;
    m.add_function(wrap_pyfunction!(get_language, m)?)?;
    m.add_function(wrap_pyfunction!(parse_address, m)?)?;
    m.add_function(wrap_pyfunction!(paris_instant, m)?)?;
    m.add_function(wrap_pyfunction!(normalize_skill, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
