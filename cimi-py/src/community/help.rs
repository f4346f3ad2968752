//! Mutual help (entraide) in `cimi.Community`: asking, referring, resolving
//! and closing help requests, and suggesting members by skill (core:
//! `cimi_core::community::help`).

use pyo3::prelude::*;
use pyo3::types::PyDict;

use cimi_core::error::Entity;
use cimi_core::help::{Suggestion, Visibility};

use super::{PyCommunity, not_found};
use crate::convert::{opt_text, texts};
use crate::errors::{OrRaise, invalid_argument};
use crate::records::PyHelpRequest;
use crate::time::at_or_now;

#[pymethods]
impl PyCommunity {
    /// Asks for help; the asker (found by address, or a new member *de fait*)
    /// participates. Returns the help request id.
    #[pyo3(signature = (email, topic, text, skills=None, visibility=None, at=None),
           text_signature = "(self, /, email, topic, text, skills=None, visibility='public', at=None)")]
    #[allow(clippy::too_many_arguments)]
    fn ask_help(
        &self,
        py: Python<'_>,
        email: &Bound<'_, PyAny>,
        topic: &Bound<'_, PyAny>,
        text: &Bound<'_, PyAny>,
        skills: Option<&Bound<'_, PyAny>>,
        visibility: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let email = crate::convert::text(email, "email")?;
        let topic = crate::convert::text(topic, "topic")?;
        let body = crate::convert::text(text, "text")?;
        let skills = match skills {
            Some(s) if !s.is_none() => texts(s, "skills")?,
            _ => Vec::new(),
        };
        let visibility = opt_text(visibility, "visibility")?;
        let visibility = Visibility::from_kind(visibility.as_deref().unwrap_or("public"))
            .ok_or_else(|| {
                invalid_argument(
                    py,
                    "visibility",
                    "must be 'public' or 'private'".into(),
                    "doit valoir 'public' ou 'private'".into(),
                )
            })?;
        let at = at_or_now(at)?;
        let skills: Vec<&str> = skills.iter().map(String::as_str).collect();
        self.apply(py, |c| {
            c.ask_help(&email, &topic, &body, &skills, visibility, at)
        })
        .map(|id| id.get())
    }

    /// Puts the asker in touch with members (mise en relation).
    #[pyo3(signature = (help_request_id, to, at=None))]
    fn refer_help(
        &self,
        py: Python<'_>,
        help_request_id: &Bound<'_, PyAny>,
        to: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::help_request_id(help_request_id)?;
        let to = crate::convert::items(to, "to", "member ids", crate::convert::member_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.refer_help(id, &to, at))
    }

    /// Marks a help request as resolved.
    #[pyo3(signature = (help_request_id, at=None))]
    fn resolve_help(
        &self,
        py: Python<'_>,
        help_request_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::help_request_id(help_request_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.resolve_help(id, at))
    }

    /// Closes a help request without an answer.
    #[pyo3(signature = (help_request_id, at=None))]
    fn close_help(
        &self,
        py: Python<'_>,
        help_request_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::help_request_id(help_request_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.close_help(id, at))
    }

    /// A help request by id.
    fn help_request(
        &self,
        py: Python<'_>,
        help_request_id: &Bound<'_, PyAny>,
    ) -> PyResult<PyHelpRequest> {
        let id = crate::convert::help_request_id(help_request_id)?;
        self.read(py, |c| c.help_request(id).cloned())?
            .ok_or_else(|| not_found(Entity::HelpRequest, id.get()))
            .or_raise(py)
            .map(|inner| PyHelpRequest { inner })
    }

    /// Every help request, by id.
    fn help_requests(&self, py: Python<'_>) -> PyResult<Vec<PyHelpRequest>> {
        Ok(self
            .read_detached(py, |c| c.help_requests().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyHelpRequest { inner })
            .collect())
    }

    /// The best `k` members to put the asker in touch with: dicts with
    /// `member_id`, `score`, `shared_skills`, `status` (rarer shared skills
    /// weigh more; active members first; never the asker).
    #[pyo3(signature = (help_request_id, k=None, at=None),
           text_signature = "(self, /, help_request_id, k=5, at=None)")]
    fn suggest_helpers<'py>(
        &self,
        py: Python<'py>,
        help_request_id: &Bound<'_, PyAny>,
        k: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let id = crate::convert::help_request_id(help_request_id)?;
        let k = crate::convert::size(k, "k", 5)?;
        let at = at_or_now(at)?;
        let found = self
            .read_detached(py, |c| c.suggest_helpers(id, k, at))?
            .or_raise(py)?;
        suggestions(py, found)
    }

    /// The best `k` members for a set of skills, leaving out `exclude` (a
    /// member id); the same ranking as `suggest_helpers`.
    #[pyo3(signature = (skills, k=None, exclude=None, at=None),
           text_signature = "(self, /, skills, k=5, exclude=None, at=None)")]
    fn suggest_for_skills<'py>(
        &self,
        py: Python<'py>,
        skills: &Bound<'_, PyAny>,
        k: Option<&Bound<'_, PyAny>>,
        exclude: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let skills = texts(skills, "skills")?;
        let k = crate::convert::size(k, "k", 5)?;
        let exclude = exclude
            .filter(|e| !e.is_none())
            .map(crate::convert::member_id)
            .transpose()?;
        let at = at_or_now(at)?;
        let skills: Vec<&str> = skills.iter().map(String::as_str).collect();
        let found = self.read_detached(py, |c| c.suggest_for_skills(&skills, exclude, k, at))?;
        suggestions(py, found)
    }
}

fn suggestions(py: Python<'_>, found: Vec<Suggestion>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    found
        .into_iter()
        .map(|s| {
            let d = PyDict::new(py);
            d.set_item("member_id", s.member.get())?;
            d.set_item("score", s.score)?;
            d.set_item("shared_skills", s.shared_skills)?;
            d.set_item("status", s.status.kind())?;
            Ok(d)
        })
        .collect()
}
