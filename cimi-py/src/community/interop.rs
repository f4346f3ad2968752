//! Interoperability methods of `cimi.Community`: CSV exports and member
//! import, iCalendar exports, and registration by e-mail (core:
//! `cimi_core::interop`). Options and reports are shaped by `crate::interop`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use cimi_core::interop::{csv, ical, mail};

use super::PyCommunity;
use crate::convert::{opt_text, text};
use crate::errors::OrRaise;
use crate::interop;
use crate::time::at_or_now;

#[pymethods]
impl PyCommunity {
    /// The attendee list of an event as CSV text (`dialect`: `"french_office"`,
    /// `;` with a BOM, what spreadsheet programs open; or `"rfc4180"`).
    #[pyo3(signature = (event_id, *, dialect=None, language=None, include_cancelled=false),
           text_signature = "(self, /, event_id, *, dialect='french_office', language=None, include_cancelled=False)")]
    fn attendees_csv(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        dialect: Option<&Bound<'_, PyAny>>,
        language: Option<&Bound<'_, PyAny>>,
        include_cancelled: bool,
    ) -> PyResult<String> {
        let id = crate::convert::event_id(event_id)?;
        let options = interop::csv_options(py, dialect, language, include_cancelled)?;
        self.read_detached(py, |c| csv::attendees(c, id, &options))?
            .or_raise(py)
    }

    /// The member directory as CSV text (erased members left out).
    #[pyo3(signature = (*, dialect=None, language=None, at=None),
           text_signature = "(self, /, *, dialect='french_office', language=None, at=None)")]
    fn directory_csv(
        &self,
        py: Python<'_>,
        dialect: Option<&Bound<'_, PyAny>>,
        language: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let options = interop::csv_options(py, dialect, language, false)?;
        let at = at_or_now(at)?;
        self.read_detached(py, |c| csv::directory(c, &options, at))
    }

    /// Imports members from a CSV document (`bytes` or `str`; `;` or `,`,
    /// UTF-8 or Windows-1252, French or English headers). Unless
    /// `skip_bad_rows`, nothing is imported when a row is bad. Returns the
    /// report: `imported`, `rejected` (with `line`, `kind`, `message`), `rows`,
    /// `separator`, `encoding`, `ignored_columns`, `complete`.
    #[pyo3(signature = (data, *, skip_bad_rows=false, at=None))]
    fn import_members_csv<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'_, PyAny>,
        skip_bad_rows: bool,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let data = interop::raw_bytes(data, "data")?;
        let options = interop::import_options(skip_bad_rows);
        let at = at_or_now(at)?;
        let report = self
            .write_detached(py, |c| csv::import_members(c, &data, &options, at))?
            .or_raise(py)?;
        interop::import_report(py, &report)
    }

    /// One event as an iCalendar document (RFC 5545, Europe/Paris times):
    /// `METHOD:PUBLISH`, or `METHOD:CANCEL` once the event is cancelled, with
    /// `SEQUENCE` its `revision`. `reminder` (a `timedelta`): a `VALARM` that
    /// long before the start.
    #[pyo3(signature = (event_id, at=None, *, reminder=None))]
    fn event_ical(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
        reminder: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let id = crate::convert::event_id(event_id)?;
        let at = at_or_now(at)?;
        let options = interop::ical_options(reminder)?;
        self.read_detached(py, |c| ical::event_with(c, id, at, &options))?
            .or_raise(py)
    }

    /// Several events (default: all) in one iCalendar document; `reminder`:
    /// a `VALARM` for each event still standing.
    #[pyo3(signature = (event_ids=None, at=None, *, reminder=None))]
    fn calendar_ical(
        &self,
        py: Python<'_>,
        event_ids: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
        reminder: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let ids = match event_ids.filter(|e| !e.is_none()) {
            Some(ids) => Some(crate::convert::items(
                ids,
                "event_ids",
                "ids",
                crate::convert::event_id,
            )?),
            None => None,
        };
        let at = at_or_now(at)?;
        let options = interop::ical_options(reminder)?;
        self.read_detached(py, |c| match &ids {
            Some(ids) => ical::calendar_with(c, ids, at, &options),
            None => ical::whole_calendar_with(c, at, &options),
        })?
        .or_raise(py)
    }

    /// The invitation (`METHOD:REQUEST`) for a registration, from the
    /// organiser's address; `reminder`: a `VALARM` that long before the
    /// start (left out of a cancellation).
    #[pyo3(signature = (registration_id, organizer_email, at=None, *, reminder=None))]
    fn invitation_ical(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        organizer_email: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
        reminder: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let id = crate::convert::registration_id(registration_id)?;
        let organizer = text(organizer_email, "organizer_email")?;
        let at = at_or_now(at)?;
        let options = interop::ical_options(reminder)?;
        self.read_detached(py, |c| {
            ical::invitation_with(c, id, &organizer, at, &options)
        })?
        .or_raise(py)
    }

    /// Reads a registration e-mail (the raw message, `bytes` or `str`)
    /// without changing anything: `sender`, `event_id`, `request`,
    /// `problems`, `complete`. With `authserv_id`, the message must carry that
    /// server's DMARC pass for the sender; without, the sender is trusted.
    #[pyo3(signature = (message, *, authserv_id=None, at=None))]
    fn read_registration_email<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'_, PyAny>,
        authserv_id: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let raw = interop::raw_bytes(message, "message")?;
        let policy = interop::mail_policy(opt_text(authserv_id, "authserv_id")?);
        let at = at_or_now(at)?;
        let reading = self
            .read_detached(py, |c| mail::read_request(c, &raw, &policy, at))?
            .or_raise(py)?;
        interop::reading(py, &reading)
    }

    /// Registers the sender of a registration e-mail for the event it names,
    /// or answers what is missing: `registered`, `event_id`, `registration`,
    /// `problems`, `reply_fr` (the French text to send back).
    #[pyo3(signature = (message, *, authserv_id=None, at=None))]
    fn register_from_email<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'_, PyAny>,
        authserv_id: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let raw = interop::raw_bytes(message, "message")?;
        let policy = interop::mail_policy(opt_text(authserv_id, "authserv_id")?);
        let at = at_or_now(at)?;
        let outcome = self
            .write_detached(py, |c| mail::register_from_email(c, &raw, &policy, at))?
            .or_raise(py)?;
        interop::outcome(py, outcome)
    }
}
