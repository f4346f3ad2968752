//! The registration engine of `cimi.Community`: registering (one by one, or
//! a batch with the GIL released), approving or rejecting the requests of a
//! moderated event, answering and expiring the offers of freed seats,
//! cancelling (by id, or with the registrant's cancellation token), checking
//! in, and the registrations and waiting lists (core:
//! `cimi_core::community::registrations`).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use cimi_core::Error;
use cimi_core::community::{Cancellation, RegistrationOutcome};
use cimi_core::error::Entity;

use super::{PyCommunity, ids, not_found, refused};
use crate::errors::{OrRaise, core_err, core_exception};
use crate::lock::Direct;
use crate::records::{PyCancellation, PyRegistration};
use crate::requests::{self, Batch, KindStrings};
use crate::requests_arrow::ArrowRequests;
use crate::time::at_or_now;

/// The requests of a batch: rows of dicts, or Arrow data.
enum Requests {
    Rows(Batch),
    Arrow(ArrowRequests),
}

/// The outcomes of a batch, as `register_many` returns them.
enum Judged {
    /// Each outcome's kind (status, or the error's kind).
    Kinds(Vec<&'static str>),
    /// The outcomes themselves (`detailed=True`).
    Detailed(Vec<Result<RegistrationOutcome, Error>>),
}

/// The kind of an outcome: the registration's status or the error's kind.
fn outcome_kind(result: Result<RegistrationOutcome, Error>) -> &'static str {
    match result {
        Ok(outcome) => outcome.registration.status.kind(),
        Err(e) => e.kind(),
    }
}

fn cancellation_result(done: Cancellation) -> PyCancellation {
    PyCancellation {
        registration: PyRegistration::new(done.registration),
        promoted: ids(done.promoted),
    }
}

fn registration_result(outcome: RegistrationOutcome) -> PyRegistration {
    PyRegistration {
        inner: outcome.registration,
        already_registered: outcome.already_registered,
    }
}

#[pymethods]
impl PyCommunity {
    /// Judges a registration request. Returns the registration (its `.status`
    /// is `"confirmed"` or `"waitlisted"`; asking again returns the same one,
    /// with `.already_registered`) or raises `cimi.RegistrationRefused`.
    ///
    /// `acknowledged`: the ids of the statutes' obligations the person
    /// acknowledges (e.g. `["deontology", "pssi"]`), or `True` for all of them.
    #[pyo3(signature = (event_id, *, email, family_name=None, given_name=None, service=None,
                        grade=None, function=None, acknowledged=None, attendance=None, at=None))]
    #[allow(clippy::too_many_arguments)]
    fn register(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
        email: &Bound<'_, PyAny>,
        family_name: Option<&Bound<'_, PyAny>>,
        given_name: Option<&Bound<'_, PyAny>>,
        service: Option<&Bound<'_, PyAny>>,
        grade: Option<&Bound<'_, PyAny>>,
        function: Option<&Bound<'_, PyAny>>,
        acknowledged: Option<&Bound<'_, PyAny>>,
        attendance: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::event_id(event_id)?;
        let request = requests::request(
            email,
            [family_name, given_name, service, grade, function],
            acknowledged,
            attendance,
        )?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.register(id, &request, at))
            .map(registration_result)
    }

    /// Judges a batch of requests for one event, in order, all at `at`, with
    /// the GIL released. `requests` is an iterable of dicts with the keys of
    /// `register` (`email` required), or Arrow data with those columns (a
    /// polars or pandas DataFrame, a pyarrow Table: any object with
    /// `__arrow_c_stream__`), read without the GIL. Returns one outcome per
    /// request: its status (`"confirmed"`, `"waitlisted"`) or refusal kind
    /// (e.g. `"address_not_allowed"`); with `detailed=True`, the
    /// `Registration` or the (unraised) `RegistrationRefused` instead.
    #[pyo3(signature = (event_id, requests, *, at=None, detailed=false))]
    fn register_many<'py>(
        &self,
        py: Python<'py>,
        event_id: &Bound<'py, PyAny>,
        requests: &Bound<'py, PyAny>,
        at: Option<&Bound<'py, PyAny>>,
        detailed: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let id = crate::convert::event_id(event_id)?;
        let batch = if crate::arrow_in::is_stream(requests)? {
            Requests::Arrow(ArrowRequests::read(requests)?)
        } else {
            Requests::Rows(Batch::read(requests)?)
        };
        let at = at_or_now(at)?;
        self.check_open(py)?;
        // Judged with the GIL released; the outcomes are reduced to their
        // kinds (and the requests dropped) before it is taken back.
        let judged = py.detach(move || {
            let judged = self.inner.write(Direct, |c| match &batch {
                Requests::Rows(rows) => c.register_many(id, rows.requests(), at).map(|results| {
                    if detailed {
                        Judged::Detailed(results)
                    } else {
                        Judged::Kinds(results.into_iter().map(outcome_kind).collect())
                    }
                }),
                Requests::Arrow(table) if detailed => {
                    table.judge(c, id, at, |r| r).map(Judged::Detailed)
                }
                Requests::Arrow(table) => table.judge(c, id, at, outcome_kind).map(Judged::Kinds),
            });
            drop(batch);
            judged
        });
        // The batch as a whole fails only when it cannot be judged at all.
        let judged = judged
            .map_err(|denied| refused(py, denied))?
            .map_err(|e| core_err(py, &e))?;
        match judged {
            Judged::Kinds(kinds) => {
                let mut strings = KindStrings::default();
                PyList::new(py, kinds.into_iter().map(|k| strings.get(py, k)))
            }
            Judged::Detailed(results) => {
                let out = PyList::empty(py);
                for result in results {
                    match result {
                        Ok(outcome) => {
                            out.append(registration_result(outcome).into_pyobject(py)?)?
                        }
                        Err(e) => out.append(core_exception(py, &e)?)?,
                    }
                }
                Ok(out)
            }
        }
    }

    /// Cancels a registration; the seat goes to the earliest waiting
    /// registration whose audience has room. Cancelling twice changes nothing.
    #[pyo3(signature = (registration_id, at=None))]
    fn cancel(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCancellation> {
        let id = crate::convert::registration_id(registration_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.cancel_registration(id, at))
            .map(cancellation_result)
    }

    /// Cancels a registration with the registrant's cancellation token
    /// (`Registration.cancel_token`, the link of a confirmation mail), as
    /// `cancel` does, until the event's `cancellation_deadline`. With
    /// `event_id`, a token of another event's registration is refused. A
    /// malformed, wrong or other event's token is refused alike
    /// (`invalid_token`); a token used again answers as the first time.
    #[pyo3(signature = (token, event_id=None, at=None))]
    fn cancel_by_token(
        &self,
        py: Python<'_>,
        token: &Bound<'_, PyAny>,
        event_id: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCancellation> {
        // Any text reaches the core, which refuses every token it cannot
        // use alike (text that is not valid Unicode included).
        let token = token
            .cast::<PyString>()
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "token: expected str, got {}",
                    crate::convert::type_name(token)
                ))
            })?
            .to_string_lossy()
            .into_owned();
        let event = event_id
            .filter(|e| !e.is_none())
            .map(crate::convert::event_id)
            .transpose()?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.cancel_by_token(&token, event, at))
            .map(cancellation_result)
    }

    /// Accepts the seat offered to a registration (status `"offered"`): it
    /// is confirmed on site. Returns the registration. Refused once the
    /// offer's deadline has passed (`offer_expired`).
    #[pyo3(signature = (registration_id, at=None))]
    fn accept_offer(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::registration_id(registration_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.accept_offer(id, at))
            .map(PyRegistration::new)
    }

    /// Declines the seat offered to a registration: it is cancelled and the
    /// seat goes to the next in line (an offer to them, or the seat once the
    /// offer window has closed). Returns a `Cancellation`, as `cancel` does.
    #[pyo3(signature = (registration_id, at=None))]
    fn decline_offer(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCancellation> {
        let id = crate::convert::registration_id(registration_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.decline_offer(id, at))
            .map(cancellation_result)
    }

    /// Expires every offer whose deadline is at or before `at` and makes the
    /// next offers (or promotions) in their place: the organisers' periodic
    /// job (every other operation on an event does it first for that event).
    /// Returns `{"expired": [ids], "promoted": [ids]}`, in order. Runs with
    /// the GIL released (it looks at every event).
    #[pyo3(signature = (at=None))]
    fn expire_offers<'py>(
        &self,
        py: Python<'py>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let at = at_or_now(at)?;
        let round = self
            .write_detached(py, |c| c.expire_offers(at))?
            .or_raise(py)?;
        let d = PyDict::new(py);
        d.set_item("expired", ids(round.expired))?;
        d.set_item("promoted", ids(round.promoted))?;
        Ok(d)
    }

    /// Approves a pending request of a moderated event: it gets a seat, or
    /// a place in the waiting list, by the same rules as `register`. Returns
    /// the registration.
    #[pyo3(signature = (registration_id, at=None))]
    fn approve(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::registration_id(registration_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.approve(id, at))
            .map(PyRegistration::new)
    }

    /// Rejects a pending request of a moderated event with the organiser's
    /// `reason` (not blank), kept in `rejection`; the registration, returned,
    /// is cancelled and `rejection_message()` says it to the person.
    #[pyo3(signature = (registration_id, reason, at=None))]
    fn reject(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        reason: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::registration_id(registration_id)?;
        let reason = crate::convert::text(reason, "reason")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.reject(id, &reason, at))
            .map(PyRegistration::new)
    }

    /// Checks a confirmed registrant in (on site or remote), inside the
    /// event's `check_in_window`; checking in twice keeps the first time.
    #[pyo3(signature = (registration_id, at=None))]
    fn check_in(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::registration_id(registration_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.check_in(id, at))
            .map(PyRegistration::new)
    }

    /// A registration by id.
    fn registration(
        &self,
        py: Python<'_>,
        registration_id: &Bound<'_, PyAny>,
    ) -> PyResult<PyRegistration> {
        let id = crate::convert::registration_id(registration_id)?;
        self.read(py, |c| c.registration(id).cloned())?
            .ok_or_else(|| not_found(Entity::Registration, id.get()))
            .or_raise(py)
            .map(PyRegistration::new)
    }

    /// The registrations of an event (or of every event), cancelled ones
    /// included, in order of arrival.
    #[pyo3(signature = (event_id=None))]
    fn registrations(
        &self,
        py: Python<'_>,
        event_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyRegistration>> {
        let event = event_id
            .filter(|e| !e.is_none())
            .map(crate::convert::event_id)
            .transpose()?;
        Ok(self
            .read_detached(py, |c| match event {
                Some(e) => c.registrations(e).cloned().collect::<Vec<_>>(),
                None => c.all_registrations().cloned().collect(),
            })?
            .into_iter()
            .map(PyRegistration::new)
            .collect())
    }

    /// The waiting list of an event (registration ids), in promotion order.
    fn waiting_list(&self, py: Python<'_>, event_id: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
        let id = crate::convert::event_id(event_id)?;
        Ok(ids(self.read_detached(py, |c| c.waiting_list(id))?))
    }

    /// The confirmed registrations of an event (on site and remote), in order.
    fn confirmed(
        &self,
        py: Python<'_>,
        event_id: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyRegistration>> {
        let id = crate::convert::event_id(event_id)?;
        Ok(self
            .read_detached(py, |c| {
                c.confirmed(id).into_iter().cloned().collect::<Vec<_>>()
            })?
            .into_iter()
            .map(PyRegistration::new)
            .collect())
    }
}
