//! Technology watch (veille) in `cimi.Community`: sharing and publishing
//! watch items, the digest of a channel, and the mailing list's recipients
//! (core: `cimi_core::community::watch`).

use pyo3::prelude::*;

use cimi_core::error::Entity;
use cimi_core::watch::{NewWatchItem, Scope};

use super::{PyCommunity, not_found};
use crate::convert::{text_or_empty, texts};
use crate::errors::{OrRaise, invalid_argument};
use crate::records::{PyDigest, PyMember, PyWatchItem};
use crate::time::{at_or_now, to_utc};

#[pymethods]
impl PyCommunity {
    /// Shares a watch item; the sharer (found by address, or a new member *de
    /// fait*) participates. `scope` is `"internal"` (the ministry's own
    /// projects: never on a channel wider than the ministry) or `"external"`.
    #[pyo3(signature = (title, link, *, scope, shared_by, summary=None, tags=None, event_id=None,
                        help_request_id=None, at=None))]
    #[allow(clippy::too_many_arguments)]
    fn share_watch_item(
        &self,
        py: Python<'_>,
        title: &Bound<'_, PyAny>,
        link: &Bound<'_, PyAny>,
        scope: &Bound<'_, PyAny>,
        shared_by: &Bound<'_, PyAny>,
        summary: Option<&Bound<'_, PyAny>>,
        tags: Option<&Bound<'_, PyAny>>,
        event_id: Option<&Bound<'_, PyAny>>,
        help_request_id: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let scope_name = crate::convert::text(scope, "scope")?;
        let item = NewWatchItem {
            title: crate::convert::text(title, "title")?,
            link: crate::convert::text(link, "link")?,
            summary: text_or_empty(summary, "summary")?,
            tags: match tags {
                Some(t) if !t.is_none() => texts(t, "tags")?,
                _ => Vec::new(),
            },
            scope: Scope::from_kind(&scope_name).ok_or_else(|| {
                invalid_argument(
                    py,
                    "scope",
                    "must be 'internal' or 'external'".into(),
                    "doit valoir 'internal' ou 'external'".into(),
                )
            })?,
            shared_by: crate::convert::text(shared_by, "shared_by")?,
            event: event_id
                .filter(|e| !e.is_none())
                .map(crate::convert::event_id)
                .transpose()?,
            help_request: help_request_id
                .filter(|h| !h.is_none())
                .map(crate::convert::help_request_id)
                .transpose()?,
        };
        let at = at_or_now(at)?;
        self.apply(py, |c| c.share_watch_item(item, at))
            .map(|id| id.get())
    }

    /// Publishes a watch item on a channel of the statutes (e.g. `"forum"`,
    /// `"twitter"`); an internal item on a channel wider than the ministry
    /// raises `cimi.PublicationRefused`.
    #[pyo3(signature = (watch_item_id, channel, at=None))]
    fn publish_watch_item(
        &self,
        py: Python<'_>,
        watch_item_id: &Bound<'_, PyAny>,
        channel: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::watch_item_id(watch_item_id)?;
        let channel = crate::convert::text(channel, "channel")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.publish_watch_item(id, &channel, at))
    }

    /// A watch item by id.
    fn watch_item(
        &self,
        py: Python<'_>,
        watch_item_id: &Bound<'_, PyAny>,
    ) -> PyResult<PyWatchItem> {
        let id = crate::convert::watch_item_id(watch_item_id)?;
        self.read(py, |c| c.watch_item(id).cloned())?
            .ok_or_else(|| not_found(Entity::WatchItem, id.get()))
            .or_raise(py)
            .map(|inner| PyWatchItem { inner })
    }

    /// Every watch item, by id.
    fn watch_items(&self, py: Python<'_>) -> PyResult<Vec<PyWatchItem>> {
        Ok(self
            .read_detached(py, |c| c.watch_items().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyWatchItem { inner })
            .collect())
    }

    /// The digest of the watch items shared in `[start, end)` that `channel`
    /// may carry, with the events open for registration at `at`.
    #[pyo3(signature = (channel, start, end, at=None))]
    fn digest(
        &self,
        py: Python<'_>,
        channel: &Bound<'_, PyAny>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDigest> {
        let channel = crate::convert::text(channel, "channel")?;
        let start = to_utc(start, "start")?;
        let end = to_utc(end, "end")?;
        let at = at_or_now(at)?;
        self.read_detached(py, |c| c.digest(&channel, start, end, at))?
            .or_raise(py)
            .map(|inner| PyDigest { inner })
    }

    /// The mailing list's recipients at `at`: the members whose latest
    /// mailing-list consent is granted, not erased.
    #[pyo3(signature = (at=None))]
    fn mailing_list_recipients(
        &self,
        py: Python<'_>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyMember>> {
        let at = at_or_now(at)?;
        Ok(self
            .read_detached(py, |c| {
                c.mailing_list_recipients(at)
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            })?
            .into_iter()
            .map(|inner| PyMember { inner })
            .collect())
    }
}
