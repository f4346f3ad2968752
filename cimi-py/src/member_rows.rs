//! The rows of `import_members`: members as Arrow data (a members table of
//! cimi, polars, pandas, pyarrow…) or as an iterable of dicts, each with the
//! keys of `add_member`: `email` (required), `family_name`, `given_name`,
//! `service`, `grade`, `function`, `corps` (texts), `affiliation`, `skills`,
//! `interests` (lists of texts). A null or `None` leaves the field empty, as
//! in `add_member`. The columns `members_table()` computes (`id`, `domain`,
//! `administration`, `joined_at`, `last_participation_at`, `status`,
//! `bureau_role`, `erased_at`, `consent_*`) are skipped, so that a members
//! table imports as it is; another column or key is a `TypeError`. The
//! core adds the members (`Community::add_members`).

use arrow_array::ArrayRef;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use cimi_core::member::{Affiliation, MemberProfile};

use crate::arrow_in::{InputError, Kind, Spec, TextLists, Texts, is_stream, read_stream};
use crate::convert::{MAX_ITEMS, mapping_items, text, texts, type_name};
use crate::errors::invalid_argument;

/// The columns (and keys) of a member row, in the order [`row`] reads them.
const SPEC: Spec = Spec {
    field: "members",
    columns: &[
        ("email", Kind::Text),
        ("family_name", Kind::Text),
        ("given_name", Kind::Text),
        ("service", Kind::Text),
        ("grade", Kind::Text),
        ("function", Kind::Text),
        ("corps", Kind::Text),
        ("affiliation", Kind::TextList),
        ("skills", Kind::TextList),
        ("interests", Kind::TextList),
    ],
    required: "email",
    ignored: &[
        "id",
        "domain",
        "administration",
        "joined_at",
        "last_participation_at",
        "status",
        "bureau_role",
        "erased_at",
        "consent_mailing_list",
        "consent_recording",
        "consent_name_publication",
    ],
};

/// A member to add: the address and the profile.
pub type Row = (String, MemberProfile);

/// The rows of `members` (Arrow data or an iterable of dicts), in order.
pub fn read(members: &Bound<'_, PyAny>) -> PyResult<Vec<Row>> {
    if is_stream(members)? {
        from_arrow(members)
    } else {
        from_dicts(members)
    }
}

fn from_arrow(members: &Bound<'_, PyAny>) -> PyResult<Vec<Row>> {
    let py = members.py();
    let stream = read_stream(members, SPEC.field)?;
    py.detach(move || {
        let positions = SPEC.positions(&stream.schema)?;
        let mut rows = Vec::new();
        for batch in &stream.batches {
            let columns = SPEC.columns(batch, &positions)?;
            for i in 0..batch.num_rows() {
                rows.push(arrow_row(&columns, i, rows.len())?);
            }
        }
        Ok(rows)
    })
    .map_err(|e: InputError| e.into_py(py))
}

/// Row `i` of a batch (row `index` of the whole stream).
fn arrow_row(columns: &[Option<ArrayRef>], i: usize, index: usize) -> Result<Row, InputError> {
    let text = |c: usize| Texts::of(columns[c].as_ref()).get(i);
    let list = |c: usize| -> Result<Option<Vec<String>>, InputError> {
        let Some(items) = TextLists::of(columns[c].as_ref()).get(i) else {
            return Ok(None);
        };
        items
            .map(|item| {
                item.map(str::to_owned).ok_or_else(|| {
                    InputError::Type(format!(
                        "members[{index}]: {}: expected an iterable of str, got a null item",
                        SPEC.columns[c].0
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    };
    let email = text(0).ok_or_else(|| {
        InputError::Type(format!("members[{index}]: email: expected str, got null"))
    })?;
    let owned = |c: usize| text(c).unwrap_or("").to_owned();
    Ok((
        email.to_owned(),
        MemberProfile {
            family_name: owned(1),
            given_name: owned(2),
            service: owned(3),
            grade: owned(4),
            function: owned(5),
            corps: text(6).map(str::to_owned),
            affiliation: list(7)?.map(Affiliation::new).unwrap_or_default(),
            skills: list(8)?.unwrap_or_default().into_iter().collect(),
            interests: list(9)?.unwrap_or_default().into_iter().collect(),
        },
    ))
}

fn from_dicts(members: &Bound<'_, PyAny>) -> PyResult<Vec<Row>> {
    if members.is_instance_of::<PyString>() || members.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(
            "members: expected Arrow data or an iterable of dicts (one per member)",
        ));
    }
    let iter = members.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "members: expected Arrow data or an iterable of dicts, got {}",
            type_name(members)
        ))
    })?;
    let mut rows = Vec::new();
    for (index, item) in iter.enumerate() {
        if index == MAX_ITEMS {
            return Err(invalid_argument(
                members.py(),
                "members",
                format!("has more than {MAX_ITEMS} items"),
                format!("a plus de {MAX_ITEMS} éléments"),
            ));
        }
        rows.push(dict_row(&item?, index)?);
    }
    Ok(rows)
}

/// One dict (or mapping) of `members`.
fn dict_row(item: &Bound<'_, PyAny>, index: usize) -> PyResult<Row> {
    let what = format!("members[{index}]");
    let pairs = match item.cast::<PyDict>() {
        Ok(d) => d.iter().collect(),
        Err(_) => mapping_items(item, &what)?,
    };
    let mut fields: [Option<Bound<'_, PyAny>>; 10] = Default::default();
    for (key, value) in pairs {
        let name = key
            .cast::<PyString>()
            .ok()
            .and_then(|k| k.to_str().ok().map(str::to_owned));
        let known = name
            .as_deref()
            .and_then(|n| SPEC.columns.iter().position(|(c, _)| *c == n));
        match known {
            Some(i) => fields[i] = Some(value),
            None if name.as_deref().is_some_and(|n| SPEC.ignored.contains(&n)) => {}
            None => {
                return Err(PyTypeError::new_err(format!(
                    "{what}: unknown key {} (expected {})",
                    key.repr().map(|r| r.to_string()).unwrap_or_default(),
                    SPEC.columns
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    let given = |i: usize| fields[i].as_ref().filter(|v| !v.is_none());
    let owned = |i: usize| given(i).map(|v| text(v, SPEC.columns[i].0)).transpose();
    let list = |i: usize| given(i).map(|v| texts(v, SPEC.columns[i].0)).transpose();
    let email = fields[0]
        .as_ref()
        .ok_or_else(|| PyTypeError::new_err(format!("{what}: missing key 'email'")))?;
    Ok((
        text(email, "email")?,
        MemberProfile {
            family_name: owned(1)?.unwrap_or_default(),
            given_name: owned(2)?.unwrap_or_default(),
            service: owned(3)?.unwrap_or_default(),
            grade: owned(4)?.unwrap_or_default(),
            function: owned(5)?.unwrap_or_default(),
            corps: owned(6)?,
            affiliation: list(7)?.map(Affiliation::new).unwrap_or_default(),
            skills: list(8)?.unwrap_or_default().into_iter().collect(),
            interests: list(9)?.unwrap_or_default().into_iter().collect(),
        },
    ))
}
