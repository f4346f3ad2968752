//! The members of `cimi.Community`: the directory, profiles, consents and
//! bureau roles (core: `cimi_core::community::members`). Erasure and the
//! right of access are in `gdpr.rs`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use cimi_core::Lang;
use cimi_core::error::Entity;
use cimi_core::member::{Affiliation, MemberProfile, ProfileUpdate};

use super::{PyCommunity, not_found};
use crate::convert::{flag, opt_text, text, texts};
use crate::errors::OrRaise;
use crate::member_rows;
use crate::records::{PyMember, consent_kind};
use crate::time::at_or_now;

/// A profile update from the keyword arguments: `None` keeps the current
/// value (`update_profile`) or leaves the field empty (`add_member`); the
/// core applies it (`ProfileUpdate::apply_to`).
#[allow(clippy::too_many_arguments)]
fn profile_update(
    family_name: Option<&Bound<'_, PyAny>>,
    given_name: Option<&Bound<'_, PyAny>>,
    service: Option<&Bound<'_, PyAny>>,
    grade: Option<&Bound<'_, PyAny>>,
    function: Option<&Bound<'_, PyAny>>,
    corps: Option<&Bound<'_, PyAny>>,
    affiliation: Option<&Bound<'_, PyAny>>,
    skills: Option<&Bound<'_, PyAny>>,
    interests: Option<&Bound<'_, PyAny>>,
) -> PyResult<ProfileUpdate> {
    let list = |v: Option<&Bound<'_, PyAny>>, field: &str| match v {
        Some(v) if !v.is_none() => texts(v, field).map(Some),
        _ => Ok(None),
    };
    Ok(ProfileUpdate {
        family_name: opt_text(family_name, "family_name")?,
        given_name: opt_text(given_name, "given_name")?,
        service: opt_text(service, "service")?,
        grade: opt_text(grade, "grade")?,
        function: opt_text(function, "function")?,
        corps: opt_text(corps, "corps")?,
        affiliation: list(affiliation, "affiliation")?.map(Affiliation::new),
        skills: list(skills, "skills")?.map(|s| s.into_iter().collect()),
        interests: list(interests, "interests")?.map(|s| s.into_iter().collect()),
    })
}

#[pymethods]
impl PyCommunity {
    /// Adds a member to the directory; returns the member id.
    #[pyo3(signature = (email, *, family_name=None, given_name=None, service=None, grade=None,
                        function=None, corps=None, affiliation=None, skills=None, interests=None,
                        at=None))]
    #[allow(clippy::too_many_arguments)]
    fn add_member(
        &self,
        py: Python<'_>,
        email: &Bound<'_, PyAny>,
        family_name: Option<&Bound<'_, PyAny>>,
        given_name: Option<&Bound<'_, PyAny>>,
        service: Option<&Bound<'_, PyAny>>,
        grade: Option<&Bound<'_, PyAny>>,
        function: Option<&Bound<'_, PyAny>>,
        corps: Option<&Bound<'_, PyAny>>,
        affiliation: Option<&Bound<'_, PyAny>>,
        skills: Option<&Bound<'_, PyAny>>,
        interests: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let email = text(email, "email")?;
        let profile = profile_update(
            family_name,
            given_name,
            service,
            grade,
            function,
            corps,
            affiliation,
            skills,
            interests,
        )?
        .apply_to(MemberProfile::default());
        let at = at_or_now(at)?;
        self.apply(py, |c| c.add_member(&email, profile, at))
            .map(|id| id.get())
    }

    /// Adds members from a table (Arrow data: a members table of cimi, a
    /// polars or pandas DataFrame, a pyarrow Table…) or an iterable of dicts,
    /// whose columns or keys are those of `add_member` (`email` required);
    /// the columns `members_table()` computes are skipped. Each member is
    /// added or refused on its own, in order, all at `at`, with the GIL
    /// released. Returns the report: `imported` (the new ids, in order),
    /// `rejected` (dicts with `row`, `kind`, `message`, `message_en`,
    /// `message_fr`), `rows`, `complete`.
    #[pyo3(signature = (members, *, at=None))]
    fn import_members<'py>(
        &self,
        py: Python<'py>,
        members: &Bound<'py, PyAny>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let rows = member_rows::read(members)?;
        let at = at_or_now(at)?;
        let n = rows.len();
        let results = self.write_detached(py, move |c| c.add_members(rows, at))?;
        let imported = PyList::empty(py);
        let rejected = PyList::empty(py);
        for (row, result) in results.into_iter().enumerate() {
            match result {
                Ok(id) => imported.append(id.get())?,
                Err(e) => {
                    let r = PyDict::new(py);
                    r.set_item("row", row)?;
                    r.set_item("kind", e.kind())?;
                    r.set_item("message", e.message(crate::errors::lang()))?;
                    r.set_item("message_en", e.message(Lang::En))?;
                    r.set_item("message_fr", e.message(Lang::Fr))?;
                    rejected.append(r)?;
                }
            }
        }
        let report = PyDict::new(py);
        report.set_item("complete", rejected.is_empty())?;
        report.set_item("imported", imported)?;
        report.set_item("rejected", rejected)?;
        report.set_item("rows", n)?;
        Ok(report)
    }

    /// Changes a member's profile; arguments left to `None` keep their value.
    #[pyo3(signature = (member_id, *, family_name=None, given_name=None, service=None, grade=None,
                        function=None, corps=None, affiliation=None, skills=None, interests=None,
                        at=None))]
    #[allow(clippy::too_many_arguments)]
    fn update_profile(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        family_name: Option<&Bound<'_, PyAny>>,
        given_name: Option<&Bound<'_, PyAny>>,
        service: Option<&Bound<'_, PyAny>>,
        grade: Option<&Bound<'_, PyAny>>,
        function: Option<&Bound<'_, PyAny>>,
        corps: Option<&Bound<'_, PyAny>>,
        affiliation: Option<&Bound<'_, PyAny>>,
        skills: Option<&Bound<'_, PyAny>>,
        interests: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::member_id(member_id)?;
        let update = profile_update(
            family_name,
            given_name,
            service,
            grade,
            function,
            corps,
            affiliation,
            skills,
            interests,
        )?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.update_profile(id, update, at))
    }

    /// Records a consent decision (`"mailing_list"`, `"recording"`,
    /// `"name_publication"`), dated `at`.
    #[pyo3(signature = (member_id, kind, granted, at=None))]
    fn set_consent(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        kind: &Bound<'_, PyAny>,
        granted: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::member_id(member_id)?;
        let kind = consent_kind(kind)?;
        let granted = flag(granted, "granted")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_consent(id, kind, granted, at))
    }

    /// Gives a member a bureau responsibility, or removes it with `None`.
    #[pyo3(signature = (member_id, responsibility, at=None))]
    fn set_bureau_role(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        responsibility: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let id = crate::convert::member_id(member_id)?;
        let role = opt_text(responsibility, "responsibility")?;
        let at = at_or_now(at)?;
        self.apply(py, |c| c.set_bureau_role(id, role.as_deref(), at))
    }

    /// `"active"`, `"dormant"` or `"erased"` at `at`.
    #[pyo3(signature = (member_id, at=None))]
    fn member_status(
        &self,
        py: Python<'_>,
        member_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<&'static str> {
        let id = crate::convert::member_id(member_id)?;
        let at = at_or_now(at)?;
        self.read(py, |c| c.member_status(id, at))?
            .or_raise(py)
            .map(|s| s.kind())
    }

    /// A member by id.
    fn member(&self, py: Python<'_>, member_id: &Bound<'_, PyAny>) -> PyResult<PyMember> {
        let id = crate::convert::member_id(member_id)?;
        self.read(py, |c| c.member(id).cloned())?
            .ok_or_else(|| not_found(Entity::Member, id.get()))
            .or_raise(py)
            .map(|inner| PyMember { inner })
    }

    /// A member by address (compared case-insensitively), or `None`.
    fn member_by_email(
        &self,
        py: Python<'_>,
        email: &Bound<'_, PyAny>,
    ) -> PyResult<Option<PyMember>> {
        let email = text(email, "email")?;
        Ok(self
            .read(py, |c| c.member_by_email(&email).cloned())?
            .map(|inner| PyMember { inner }))
    }

    /// All members, by id.
    fn members(&self, py: Python<'_>) -> PyResult<Vec<PyMember>> {
        Ok(self
            .read_detached(py, |c| c.members().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyMember { inner })
            .collect())
    }

    /// The members holding a bureau role.
    fn bureau(&self, py: Python<'_>) -> PyResult<Vec<PyMember>> {
        Ok(self
            .read_detached(py, |c| c.bureau().into_iter().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|inner| PyMember { inner })
            .collect())
    }
}
