//! Datetimes: timezone-aware Python `datetime` <-> the core's UTC instants;
//! durations: `datetime.timedelta` -> `chrono::TimeDelta`.
//!
//! Python gives any aware `datetime` (fixed offset, `zoneinfo`, pandas
//! `Timestamp`...); it is converted to UTC. A naive `datetime` is refused
//! with `cimi.InvalidInput` (kind `naive_datetime`): guessing a timezone is
//! how registrations end up an hour off. Returned datetimes are aware, in UTC.

use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDelta, PyTzInfo, PyTzInfoAccess};

use crate::convert::type_name;
use crate::errors::invalid_input;

/// Converts an aware `datetime` to a UTC instant; `what` names the argument
/// in error messages.
pub fn to_utc(value: &Bound<'_, PyAny>, what: &str) -> PyResult<DateTime<Utc>> {
    let py = value.py();
    let dt = value.cast::<PyDateTime>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what}: expected a timezone-aware datetime.datetime, got {}",
            type_name(value)
        ))
    })?;
    let utc = PyTzInfo::utc(py)?;
    if let Some(tz) = dt.get_tzinfo() {
        // Fast path: already in UTC.
        if tz.is(&*utc) {
            return utc_datetime(dt);
        }
    }
    if dt.call_method0("utcoffset")?.is_none() {
        return Err(invalid_input(
            py,
            "naive_datetime",
            format!(
                "{what}: naive datetime refused; pass a timezone-aware datetime (e.g. tzinfo=datetime.timezone.utc or zoneinfo.ZoneInfo(\"Europe/Paris\"))"
            ),
            format!(
                "{what} : date et heure sans fuseau refusées ; donnez une datetime avec fuseau (par exemple tzinfo=datetime.timezone.utc ou zoneinfo.ZoneInfo(\"Europe/Paris\"))"
            ),
        ));
    }
    dt.call_method1("astimezone", (utc,))
        .map_err(|e| {
            if e.is_instance_of::<PyOverflowError>(py) {
                crate::errors::invalid_argument(
                    py,
                    what,
                    "is out of range once converted to UTC".into(),
                    "est hors limites une fois converti en UTC".into(),
                )
            } else {
                e
            }
        })?
        .extract()
}

/// The last UTC `datetime` converted, with its instant: a loop of calls
/// passes the same `at` object each time, and the stable ABI reads a
/// `datetime` field by field (by attribute). A plain `datetime` is
/// immutable, so the same object is the same instant; the entry holds a
/// reference, so no other object can take its address.
static LAST_UTC: Mutex<Option<(Py<PyDateTime>, DateTime<Utc>)>> = Mutex::new(None);

/// The instant of a `datetime` whose tzinfo is `timezone.utc`.
fn utc_datetime(dt: &Bound<'_, PyDateTime>) -> PyResult<DateTime<Utc>> {
    // A subclass may compute its fields: never remembered.
    if !dt.is_exact_instance_of::<PyDateTime>() {
        return dt.extract();
    }
    if let Ok(last) = LAST_UTC.lock()
        && let Some((seen, instant)) = last.as_ref()
        && seen.is(dt)
    {
        return Ok(*instant);
    }
    let instant: DateTime<Utc> = dt.extract()?;
    let replaced = LAST_UTC
        .lock()
        .map(|mut last| last.replace((dt.clone().unbind(), instant)));
    // Dropped after the lock is released (attached to the interpreter).
    drop(replaced);
    Ok(instant)
}

/// Like [`to_utc`], for optional arguments.
pub fn opt_to_utc(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<DateTime<Utc>>> {
    match value {
        Some(v) if !v.is_none() => to_utc(v, what).map(Some),
        _ => Ok(None),
    }
}

/// `at=None` means now.
pub fn at_or_now(value: Option<&Bound<'_, PyAny>>) -> PyResult<DateTime<Utc>> {
    Ok(opt_to_utc(value, "at")?.unwrap_or_else(Utc::now))
}

/// Converts a `datetime.timedelta` to a duration (to the microsecond); `what`
/// names the argument in error messages. Another type is a `TypeError`; a
/// duration chrono cannot hold (a `timedelta` subclass lying about its
/// fields) is `cimi.InvalidInput`, field `what`.
pub fn to_delta(value: &Bound<'_, PyAny>, what: &str) -> PyResult<TimeDelta> {
    if value.cast::<PyDelta>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected datetime.timedelta or None, got {}",
            type_name(value)
        )));
    }
    let out_of_range = || {
        crate::errors::invalid_argument(
            value.py(),
            what,
            "outside the supported range of durations".into(),
            "hors de l'intervalle des durées prises en charge".into(),
        )
    };
    let field = |name: &str| -> PyResult<i64> {
        value
            .getattr(name)
            .and_then(|v| v.extract::<i64>())
            .map_err(|_| out_of_range())
    };
    let (days, seconds, micros) = (field("days")?, field("seconds")?, field("microseconds")?);
    TimeDelta::try_days(days)
        .zip(TimeDelta::try_seconds(seconds))
        .and_then(|(d, s)| d.checked_add(&s))
        .and_then(|d| d.checked_add(&TimeDelta::microseconds(micros)))
        .ok_or_else(out_of_range)
}

/// Like [`to_delta`], for optional arguments (`None` is no duration).
pub fn opt_to_delta(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<TimeDelta>> {
    match value {
        Some(v) if !v.is_none() => to_delta(v, what).map(Some),
        _ => Ok(None),
    }
}
