//! Argument conversions shared by the wrappers.
//!
//! Wrong Python types raise `TypeError`; values of the right type that the
//! core cannot take raise a `cimi` exception. Nothing here decides a domain
//! rule: it only shapes arguments for the core and results for Python.

use std::path::PathBuf;

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyString, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;

use cimi_core::error::Entity;
use cimi_core::help::HelpRequestId;
use cimi_core::ids::{EventId, MemberId, RegistrationId};
use cimi_core::watch::WatchItemId;

use crate::errors::{invalid_argument, unknown_id};

/// A `str` argument. Text that is not valid Unicode (lone surrogates) is an
/// invalid argument, not a crash.
pub fn text(value: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    let s = value.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{field}: expected str, got {}", type_name(value)))
    })?;
    s.to_cow().map(|c| c.into_owned()).map_err(|_| {
        invalid_argument(
            value.py(),
            field,
            "is not valid Unicode text".into(),
            "n'est pas un texte Unicode valide".into(),
        )
    })
}

/// An optional text field: `None` is empty.
pub fn text_or_empty(value: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<String> {
    match value {
        Some(v) if !v.is_none() => text(v, field),
        _ => Ok(String::new()),
    }
}

/// An optional text: `None` stays `None`.
pub fn opt_text(value: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<String>> {
    match value {
        Some(v) if !v.is_none() => text(v, field).map(Some),
        _ => Ok(None),
    }
}

/// At most this many items in a list argument (tags, skills, ids...): an
/// endless iterator is refused instead of filling the memory.
pub const MAX_ITEMS: usize = 1_000_000;

/// The items of any iterable but a `str` (it would be split into letters),
/// each converted by `item`; more than [`MAX_ITEMS`] is `cimi.InvalidInput`.
/// `len()` is never trusted: the list grows as the items come.
pub fn items<'py, T>(
    value: &Bound<'py, PyAny>,
    field: &str,
    what: &str,
    mut item: impl FnMut(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<Vec<T>> {
    if value.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{field}: expected an iterable of {what}, got a single str"
        )));
    }
    let iter = value.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{field}: expected an iterable of {what}, got {}",
            type_name(value)
        ))
    })?;
    let mut out = Vec::new();
    for element in iter {
        if out.len() == MAX_ITEMS {
            return Err(invalid_argument(
                value.py(),
                field,
                format!("has more than {MAX_ITEMS} items"),
                format!("a plus de {MAX_ITEMS} éléments"),
            ));
        }
        out.push(item(&element?)?);
    }
    Ok(out)
}

/// A list of texts from any iterable of `str` (a lone `str` is refused: it
/// would be split into letters).
pub fn texts(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<String>> {
    items(value, field, "str", |item| text(item, field))
}

fn int<'a, 'py>(value: &'a Bound<'py, PyAny>, field: &str) -> PyResult<&'a Bound<'py, PyInt>> {
    if value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{field}: expected int, got bool"
        )));
    }
    value.cast::<PyInt>().map_err(|_| {
        PyTypeError::new_err(format!("{field}: expected int, got {}", type_name(value)))
    })
}

/// A count (capacity, quota): a non-negative `int` that fits in 32 bits.
pub fn count(value: &Bound<'_, PyAny>, field: &str) -> PyResult<u32> {
    let n = int(value, field)?;
    n.extract::<u32>().map_err(|e| {
        if e.is_instance_of::<PyOverflowError>(value.py()) {
            invalid_argument(
                value.py(),
                field,
                format!("must be between 0 and {}", u32::MAX),
                format!("doit être compris entre 0 et {}", u32::MAX),
            )
        } else {
            e
        }
    })
}

/// A size (how many results): a non-negative `int`, `default` for `None`.
pub fn size(value: Option<&Bound<'_, PyAny>>, field: &str, default: usize) -> PyResult<usize> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(default);
    };
    int(value, field)?.extract::<usize>().map_err(|_| {
        invalid_argument(
            value.py(),
            field,
            format!("must be between 0 and {}", usize::MAX),
            format!("doit être compris entre 0 et {}", usize::MAX),
        )
    })
}

/// A non-negative `int` that fits in 64 bits (a stored id).
pub fn unsigned(value: &Bound<'_, PyAny>, field: &str) -> PyResult<u64> {
    int(value, field)?.extract::<u64>().map_err(|_| {
        invalid_argument(
            value.py(),
            field,
            format!("must be between 0 and {}", u64::MAX),
            format!("doit être compris entre 0 et {}", u64::MAX),
        )
    })
}

/// A file system path (`str`, `bytes` or `os.PathLike`); a name the system
/// cannot encode (lone surrogates) is `cimi.InvalidInput`.
pub fn path(value: &Bound<'_, PyAny>, field: &str) -> PyResult<PathBuf> {
    value.extract::<PathBuf>().map_err(|e| {
        if e.is_instance_of::<PyValueError>(value.py()) {
            invalid_argument(
                value.py(),
                field,
                format!("is not a usable file name: {}", e.value(value.py())),
                format!(
                    "n'est pas un nom de fichier utilisable : {}",
                    e.value(value.py())
                ),
            )
        } else {
            e
        }
    })
}

/// An optional count.
pub fn opt_count(value: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<u32>> {
    match value {
        Some(v) if !v.is_none() => count(v, field).map(Some),
        _ => Ok(None),
    }
}

fn raw_id(value: &Bound<'_, PyAny>, entity: Entity, field: &str) -> PyResult<u64> {
    int(value, field)?
        .extract::<u64>()
        .map_err(|_| unknown_id(value.py(), entity, value))
}

/// An event id; an `int` that no id can have raises `cimi.NotFound`.
pub fn event_id(value: &Bound<'_, PyAny>) -> PyResult<EventId> {
    raw_id(value, Entity::Event, "event_id").map(EventId::new)
}

/// A member id.
pub fn member_id(value: &Bound<'_, PyAny>) -> PyResult<MemberId> {
    raw_id(value, Entity::Member, "member_id").map(MemberId::new)
}

/// A registration id.
pub fn registration_id(value: &Bound<'_, PyAny>) -> PyResult<RegistrationId> {
    raw_id(value, Entity::Registration, "registration_id").map(RegistrationId::new)
}

/// A help request id.
pub fn help_request_id(value: &Bound<'_, PyAny>) -> PyResult<HelpRequestId> {
    raw_id(value, Entity::HelpRequest, "help_request_id").map(HelpRequestId::new)
}

/// A watch item id.
pub fn watch_item_id(value: &Bound<'_, PyAny>) -> PyResult<WatchItemId> {
    raw_id(value, Entity::WatchItem, "watch_item_id").map(WatchItemId::new)
}

/// A `bool` argument (only `True` or `False`).
pub fn flag(value: &Bound<'_, PyAny>, field: &str) -> PyResult<bool> {
    value.cast::<PyBool>().map(|b| b.is_true()).map_err(|_| {
        PyTypeError::new_err(format!("{field}: expected bool, got {}", type_name(value)))
    })
}

fn json_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static JSON: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    JSON.get_or_try_init(py, || Ok::<_, PyErr>(py.import("json")?.unbind()))
        .map(|m| m.bind(py))
}

/// `json.loads(text)`.
pub fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    json_module(py)?.call_method1("loads", (text,))
}

/// `json.dumps(value)`.
pub fn json_dumps(value: &Bound<'_, PyAny>) -> PyResult<String> {
    json_module(value.py())?
        .call_method1("dumps", (value,))?
        .extract()
}

/// A plain Python value (dict, list, str, int...) for a core value, through
/// the core's own serde form.
pub fn to_plain<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    json_loads(py, &text)
}

/// A core value from a plain Python value (dict, list...), through the core's
/// serde form; a wrong shape is an invalid argument that says what is wrong.
pub fn from_plain<T: DeserializeOwned>(value: &Bound<'_, PyAny>, field: &str) -> PyResult<T> {
    let py = value.py();
    let text: String = json_module(py)?
        .call_method1("dumps", (value,))
        .map_err(|e| {
            if e.is_instance_of::<PyTypeError>(py) {
                PyTypeError::new_err(format!("{field}: {}", e.value(py)))
            } else {
                invalid_argument(
                    py,
                    field,
                    format!("cannot be read: {}", e.value(py)),
                    format!("illisible : {}", e.value(py)),
                )
            }
        })?
        .extract()?;
    serde_json::from_str(&text).map_err(|e| {
        invalid_argument(
            py,
            field,
            format!("has the wrong shape: {e}"),
            format!("n'a pas la forme attendue : {e}"),
        )
    })
}

/// The `(key, value)` pairs of a mapping (a `dict` or anything with `.items()`).
pub fn mapping_items<'py>(
    value: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    if let Ok(d) = value.cast::<PyDict>() {
        return Ok(d.iter().collect());
    }
    let listed = value
        .getattr("items")
        .and_then(|f| f.call0())
        .map_err(|_| {
            PyTypeError::new_err(format!("{what}: expected a dict, got {}", type_name(value)))
        })?;
    let pairs = items(&listed, what, "(key, value) pairs", |pair| {
        let pair = pair
            .cast::<PyTuple>()
            .ok()
            .filter(|t| t.len() == 2)
            .ok_or_else(|| {
                PyTypeError::new_err(format!(
                    "{what}: .items() must give (key, value) pairs, got {}",
                    type_name(pair)
                ))
            })?;
        Ok((pair.get_item(0)?, pair.get_item(1)?))
    })?;
    Ok(pairs)
}

/// The type name of a Python object, for error messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}
