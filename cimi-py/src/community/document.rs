//! `cimi.Community` as one versioned JSON document: `to_json` and
//! `from_json` (core: `cimi_core::community::document`). Pickling goes
//! through the same document (see `mod.rs`).

use pyo3::prelude::*;

use cimi_core::Community;

use super::PyCommunity;
use crate::errors::OrRaise;

#[pymethods]
impl PyCommunity {
    /// Loads a document written by `to_json`; an inconsistent document is
    /// refused (`cimi.FormatError`) and nothing is half-loaded.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = crate::convert::text(text, "text")?;
        py.detach(|| Community::from_json(&text))
            .or_raise(py)
            .map(Self::wrap)
    }

    /// The whole state as a versioned JSON document.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        self.document(py)
    }
}
