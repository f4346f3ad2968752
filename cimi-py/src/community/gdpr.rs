//! The GDPR side of `cimi.Community`: erasing a member, the right of access,
//! and the members the retention rule applies to (core: `cimi_core::gdpr`).

use pyo3::prelude::*;

use super::PyCommunity;
use crate::convert::to_plain;
use crate::errors::OrRaise;
use crate::time::at_or_now;

#[pymethods]
impl PyCommunity {
    /// the texts of their help requests are removed, their registrations for
    /// upcoming events are cancelled. Erasing twice changes nothing.
    #[pyo3(signature = (member_id, at=None))]
    fn erase_member(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::member_id(member_id)?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.erase_member(id, at))
    }

    /// Everything the community holds about a member (GDPR right of access),
    /// as a dict: identity, affiliation, consents, registrations, help
    /// requests, watch items.
    #[pyo3(signature = (member_id, at=None))]
    fn subject_access<'py>(
        &self,
        py: Python<'py>,
        member_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = crate::convert::member_id(member_id)?;
        let at = at_or_now(at)?;
        let doc = self
            .read_detached(py, |c| c.subject_access(id, at))?
            .or_raise(py)?;
        to_plain(py, &doc)
    }

    /// The members the statutes' retention rule applies to at `at`: everyone
    /// held, registrants or not, dormant, with no bureau role, no upcoming
    /// registration or open help request, and no trace within the retention
    /// period.
    #[pyo3(signature = (at=None))]
    fn retention_candidates(
        &self,
        py: Python<'_>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<u64>> {
        let at = at_or_now(at)?;
        Ok(self
            .read_detached(py, |c| c.retention_candidates(at))?
            .into_iter()
            .map(|m| m.get())
            .collect())
    }
}
