//! Interoperability through `cimi.Community` methods: CSV exports and member
//! import (the French office dialect or RFC 4180), iCalendar exports, and
//! registration by e-mail. Everything is done by `cimi_core::interop`; this
//! module shapes options and reports.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use cimi_core::Lang;
use cimi_core::ids::EventId;
use cimi_core::interop::csv::{CsvDialect, CsvOptions, ImportOptions, ImportReport};
use cimi_core::interop::ical::IcalOptions;
use cimi_core::interop::mail::{MailOutcome, MailPolicy, MailProblem, MailReading};

use crate::convert::{opt_text, text, type_name};
use crate::errors::{core_err, invalid_argument, lang};
use crate::records::PyRegistration;

/// The bytes of a document or message: `bytes`, `bytearray`, or `str`
/// (encoded as UTF-8).
pub fn raw_bytes(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<u8>> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if value.is_instance_of::<PyString>() {
        return Ok(text(value, field)?.into_bytes());
    }
    if let Ok(b) = value.cast::<pyo3::types::PyByteArray>() {
        return Ok(b.to_vec());
    }
    Err(PyTypeError::new_err(format!(
        "{field}: expected bytes or str, got {}",
        type_name(value)
    )))
}

/// Export options from `dialect` and `language` (default: the module's).
pub fn csv_options(
    py: Python<'_>,
    dialect: Option<&Bound<'_, PyAny>>,
    language: Option<&Bound<'_, PyAny>>,
    include_cancelled: bool,
) -> PyResult<CsvOptions> {
    let dialect = opt_text(dialect, "dialect")?;
    let language = opt_text(language, "language")?;
    let base = CsvOptions {
        dialect: match dialect {
            Some(name) => name.parse().map_err(|e| core_err(py, &e))?,
            None => CsvDialect::default(),
        },
        ..CsvOptions::default()
    };
    let lang = match language {
        Some(code) => code.parse::<Lang>().map_err(|_| {
            invalid_argument(
                py,
                "language",
                "must be 'fr' or 'en'".into(),
                "doit valoir 'fr' ou 'en'".into(),
            )
        })?,
        None => lang(),
    };
    Ok(base.with_lang(lang).with_cancelled(include_cancelled))
}

/// iCalendar options from `reminder` (a `datetime.timedelta` before the
/// start, or `None`). A duration chrono cannot hold (a `timedelta` subclass
/// lying about its fields) is `cimi.InvalidInput`; a negative one counts as
/// zero (the core's rule).
pub fn ical_options(reminder: Option<&Bound<'_, PyAny>>) -> PyResult<IcalOptions> {
    let options = IcalOptions::default();
    Ok(match crate::time::opt_to_delta(reminder, "reminder")? {
        Some(before) => options.with_reminder(before),
        None => options,
    })
}

/// Import options.
pub fn import_options(skip_bad_rows: bool) -> ImportOptions {
    ImportOptions { skip_bad_rows }
}

/// The import report as a dict: `imported` (member ids), `rejected` (dicts
/// with `line`, `kind`, `message`, `message_en`, `message_fr`), `rows`,
/// `separator`, `encoding`, `ignored_columns`, `complete`.
pub fn import_report<'py>(py: Python<'py>, r: &ImportReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(
        "imported",
        r.imported.iter().map(|m| m.get()).collect::<Vec<_>>(),
    )?;
    let rejected = r
        .rejected
        .iter()
        .map(|row| {
            let e = PyDict::new(py);
            e.set_item("line", row.line)?;
            e.set_item("kind", row.problem.kind())?;
            e.set_item("message", row.problem.message(lang()))?;
            e.set_item("message_en", row.problem.message(Lang::En))?;
            e.set_item("message_fr", row.problem.message(Lang::Fr))?;
            Ok(e)
        })
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("rejected", rejected)?;
    d.set_item("rows", r.rows)?;
    d.set_item("separator", char::from(r.separator).to_string())?;
    d.set_item("encoding", r.encoding.kind())?;
    d.set_item("ignored_columns", r.ignored_columns.clone())?;
    d.set_item("complete", r.is_complete())?;
    Ok(d)
}

/// The mail policy: DMARC checked by the server named `authserv_id`, or
/// (`None`) a sender trusted as it is.
pub fn mail_policy(authserv_id: Option<String>) -> MailPolicy {
    match authserv_id {
        Some(id) => MailPolicy::require_dmarc(id),
        None => MailPolicy::trust_sender(),
    }
}

fn problems<'py>(py: Python<'py>, list: &[MailProblem]) -> PyResult<Vec<Bound<'py, PyDict>>> {
    list.iter()
        .map(|p| {
            let e = PyDict::new(py);
            e.set_item("kind", p.kind())?;
            e.set_item("message", p.message(lang()))?;
            e.set_item("message_en", p.message(Lang::En))?;
            e.set_item("message_fr", p.message(Lang::Fr))?;
            e.set_item("about_sender", p.is_about_sender())?;
            Ok(e)
        })
        .collect()
}

/// A reading as a dict: `sender`, `event_id`, `request` (the keywords of
/// `Community.register`), `problems`, `complete`.
pub fn reading<'py>(py: Python<'py>, r: &MailReading) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("sender", r.sender.as_ref().map(|s| s.as_str()))?;
    d.set_item("event_id", r.event.map(EventId::get))?;
    let req = PyDict::new(py);
    req.set_item("email", &r.request.email)?;
    req.set_item("family_name", &r.request.family_name)?;
    req.set_item("given_name", &r.request.given_name)?;
    req.set_item("service", &r.request.service)?;
    req.set_item("grade", &r.request.grade)?;
    req.set_item("function", &r.request.function)?;
    req.set_item(
        "acknowledged",
        r.request
            .acknowledged
            .iter()
            .map(str::to_string)
            .collect::<Vec<_>>(),
    )?;
    req.set_item("attendance", r.request.attendance.kind())?;
    d.set_item("request", req)?;
    d.set_item("problems", problems(py, &r.problems)?)?;
    d.set_item("complete", r.is_complete())?;
    Ok(d)
}

/// An outcome as a dict: `registered`, `event_id`, `registration` (or
/// `None`), `problems`, `reply_fr` (the text to send back).
pub fn outcome<'py>(py: Python<'py>, o: MailOutcome) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("reply_fr", o.text_fr())?;
    match o {
        MailOutcome::Registered { event, outcome, .. } => {
            d.set_item("registered", true)?;
            d.set_item("event_id", event.get())?;
            d.set_item(
                "registration",
                PyRegistration {
                    inner: outcome.registration,
                    already_registered: outcome.already_registered,
                }
                .into_pyobject(py)?,
            )?;
            d.set_item("problems", Vec::<Bound<'py, PyDict>>::new())?;
        }
        MailOutcome::Reply { problems: list, .. } => {
            d.set_item("registered", false)?;
            d.set_item("event_id", py.None())?;
            d.set_item("registration", py.None())?;
            d.set_item("problems", problems(py, &list)?)?;
        }
        _ => {
            d.set_item("registered", false)?;
            d.set_item("event_id", py.None())?;
            d.set_item("registration", py.None())?;
            d.set_item("problems", Vec::<Bound<'py, PyDict>>::new())?;
        }
    }
    Ok(d)
}
