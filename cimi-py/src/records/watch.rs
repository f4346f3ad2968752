//! `cimi.WatchItem`, a snapshot of a shared watch item, and `cimi.Digest`,
//! the digest of a channel for a period (core: `cimi_core::watch`).

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use cimi_core::Lang;
use cimi_core::event::EventKind;
use cimi_core::ids::EventId;
use cimi_core::watch::{Channel, Digest, UpcomingEvent, WatchItem};

use super::{from_json, reduce, to_json};
use crate::convert::{text, to_plain};
use crate::errors::lang;

/// A shared technology-watch item (veille), a snapshot.
#[pyclass(module = "cimi", name = "WatchItem", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyWatchItem {
    pub inner: WatchItem,
}

#[pymethods]
impl PyWatchItem {
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id.get()
    }
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }
    #[getter]
    fn link(&self) -> &str {
        &self.inner.link
    }
    #[getter]
    fn summary(&self) -> &str {
        &self.inner.summary
    }
    #[getter]
    fn tags(&self) -> Vec<String> {
        self.inner.tags.iter().cloned().collect()
    }
    /// `"internal"` (the ministry's own projects) or `"external"`.
    #[getter]
    fn scope(&self) -> &'static str {
        self.inner.scope.kind()
    }
    /// The member who shared it.
    #[getter]
    fn shared_by(&self) -> u64 {
        self.inner.shared_by.get()
    }
    #[getter]
    fn shared_at(&self) -> DateTime<Utc> {
        self.inner.shared_at
    }
    #[getter]
    fn event_id(&self) -> Option<u64> {
        self.inner.event.map(|e| e.get())
    }
    #[getter]
    fn help_request_id(&self) -> Option<u64> {
        self.inner.help_request.map(|h| h.get())
    }
    /// The channels it was published on, with when: `[(channel id, datetime)]`.
    #[getter]
    fn published(&self) -> Vec<(String, DateTime<Utc>)> {
        self.inner.published.clone()
    }

    #[classmethod]
    fn _from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyWatchItem {
            inner: from_json(cls.py(), text)?,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let json = to_json(&slf.get().inner)?;
        reduce(
            slf.get_type(),
            vec![json.into_pyobject(slf.py())?.into_any()],
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "<cimi.WatchItem {} {} {:?}>",
            self.inner.id,
            self.inner.scope.kind(),
            self.inner.title
        )
    }
}

// ----- Digest -----------------------------------------------------------------

/// The parts of an upcoming event of a digest, for pickling (the core's
/// `UpcomingEvent` is only serialised).
#[derive(serde::Serialize, serde::Deserialize)]
struct UpcomingState {
    id: EventId,
    title: String,
    kind: EventKind,
    starts_at: DateTime<Utc>,
    venue: Option<String>,
}

/// A digest of the technology watch for one channel and period: the items it
/// may carry grouped by tag, and the events open for registration.
#[pyclass(module = "cimi", name = "Digest", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyDigest {
    pub inner: Digest,
}

/// `language` (`"fr"` or `"en"`), or the module's language when `None`.
pub(super) fn pick_lang(language: Option<&Bound<'_, PyAny>>) -> PyResult<Lang> {
    match language {
        Some(l) if !l.is_none() => {
            let code = text(l, "language")?;
            code.parse().map_err(|_| {
                crate::errors::invalid_input(
                    l.py(),
                    "unknown_language",
                    "unsupported language (expected 'fr' or 'en')".into(),
                    "langue non prise en charge (attendu : 'fr' ou 'en')".into(),
                )
            })
        }
        _ => Ok(lang()),
    }
}

#[pymethods]
impl PyDigest {
    /// The channel: a dict with `id`, `kind`, `name`, `visibility`.
    #[getter]
    fn channel<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_plain(py, &self.inner.channel)
    }
    /// Start of the period (included).
    #[getter]
    fn start(&self) -> DateTime<Utc> {
        self.inner.from
    }
    /// End of the period (excluded).
    #[getter]
    fn end(&self) -> DateTime<Utc> {
        self.inner.to
    }
    /// `[(tag, [WatchItem, ...])]`, tags sorted; untagged items under `""`.
    #[getter]
    fn groups(&self) -> Vec<(String, Vec<PyWatchItem>)> {
        self.inner
            .groups
            .iter()
            .map(|(tag, items)| {
                let items = items.iter().map(|w| PyWatchItem { inner: w.clone() });
                (tag.clone(), items.collect())
            })
            .collect()
    }
    /// Events open for registration: dicts with `id`, `title`, `kind`,
    /// `starts_at`, `venue`.
    #[getter]
    fn upcoming<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .upcoming
            .iter()
            .map(|e| {
                let d = PyDict::new(py);
                d.set_item("id", e.id.get())?;
                d.set_item("title", &e.title)?;
                d.set_item("kind", e.kind.kind())?;
                d.set_item("starts_at", e.starts_at)?;
                d.set_item("venue", &e.venue)?;
                Ok(d)
            })
            .collect()
    }

    /// The digest as plain text, in `language` (default: the module's).
    #[pyo3(signature = (language=None))]
    fn to_text(&self, language: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        Ok(self.inner.to_text(pick_lang(language)?))
    }

    /// The digest as Markdown, in `language` (default: the module's).
    #[pyo3(signature = (language=None))]
    fn to_markdown(&self, language: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        Ok(self.inner.to_markdown(pick_lang(language)?))
    }

    #[classmethod]
    fn _from_json(cls: &Bound<'_, PyType>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        type State = (
            Channel,
            DateTime<Utc>,
            DateTime<Utc>,
            Vec<(String, Vec<WatchItem>)>,
            Vec<UpcomingState>,
        );
        let (channel, from, to, groups, upcoming): State = from_json(cls.py(), text)?;
        let upcoming = upcoming
            .into_iter()
            .map(|u| UpcomingEvent {
                id: u.id,
                title: u.title,
                kind: u.kind,
                starts_at: u.starts_at,
                venue: u.venue,
            })
            .collect();
        Ok(PyDigest {
            inner: Digest {
                channel,
                from,
                to,
                groups,
                upcoming,
            },
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let d = &slf.get().inner;
        let json = to_json(&(&d.channel, d.from, d.to, &d.groups, &d.upcoming))?;
        reduce(
            slf.get_type(),
            vec![json.into_pyobject(slf.py())?.into_any()],
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "<cimi.Digest {} {} → {}: {} tags, {} upcoming events>",
            self.inner.channel.id,
            self.inner.from.format("%Y-%m-%d"),
            self.inner.to.format("%Y-%m-%d"),
            self.inner.groups.len(),
            self.inner.upcoming.len()
        )
    }
}
