//! The exception tree: `cimi.CimiError` (a `ValueError`) and one subclass per
//! error family of the core ([`cimi_core::Error::family`]). Every instance
//! carries `.kind` (the core's stable snake_case kind), `.message_en`,
//! `.message_fr`, `.details` (a dict: the field, the address problem...), and
//! reads in the module's language (`cimi.set_language`, English by default).

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use cimi_core::error::{Detail, Entity, ErrorFamily};
use cimi_core::registration::Refusal;
use cimi_core::{Error, Lang};

create_exception!(
    cimi,
    CimiError,
    PyValueError,
    "Base class of every cimi error.\n\n`.kind` is a stable snake_case string to branch on, `.message_en` and `.message_fr` the readable text, `.details` a dict of what the error is about."
);
create_exception!(
    cimi,
    RegistrationRefused,
    CimiError,
    "The registration engine refused a request; `.kind` says why ('invalid_address', 'address_not_allowed', 'missing_field', ...; every kind is in `RegistrationRefused.kinds`)."
);
create_exception!(
    cimi,
    NotFound,
    CimiError,
    "An id that the community does not know."
);
create_exception!(
    cimi,
    InvalidState,
    CimiError,
    "The operation does not fit the current state (e.g. cancelling a registration of a held event)."
);
create_exception!(
    cimi,
    InvalidInput,
    CimiError,
    "An argument that is not acceptable."
);
create_exception!(
    cimi,
    StatutesError,
    CimiError,
    "Statutes that cannot be read or do not hold together."
);
create_exception!(
    cimi,
    PublicationRefused,
    CimiError,
    "The watch rules refused a publication (e.g. 'internal_item_on_public_channel')."
);
create_exception!(
    cimi,
    StoreError,
    CimiError,
    "The durable store failed (I/O error, damaged journal) or refuses writes until reopened."
);
create_exception!(
    cimi,
    InteropError,
    CimiError,
    "An import or export that cannot be carried out at all (too large, no header, missing column...)."
);
create_exception!(
    cimi,
    FormatError,
    CimiError,
    "A community document (JSON) that cannot be loaded."
);

/// Messages in French when set; English by default.
static FRENCH: AtomicBool = AtomicBool::new(false);

/// The language of messages.
pub fn lang() -> Lang {
    if FRENCH.load(Ordering::Relaxed) {
        Lang::Fr
    } else {
        Lang::En
    }
}

/// Sets the language of messages.
pub fn set_lang(lang: Lang) {
    FRENCH.store(lang == Lang::Fr, Ordering::Relaxed);
}

/// An exception instance of `ty` (not raised) with `.kind`, the messages and
/// `.details`.
pub fn exception<'py>(
    ty: Bound<'py, PyType>,
    kind: &str,
    en: String,
    fr: String,
    details: Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = ty.py();
    let message = if lang() == Lang::Fr { &fr } else { &en };
    let instance = ty.call1((message,))?;
    instance.setattr(intern!(py, "kind"), kind)?;
    instance.setattr(intern!(py, "message_en"), en)?;
    instance.setattr(intern!(py, "message_fr"), fr)?;
    instance.setattr(intern!(py, "details"), details)?;
    Ok(instance)
}

fn raise(result: PyResult<Bound<'_, PyAny>>) -> PyErr {
    match result {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// The exception class of a core error family.
fn class_of(py: Python<'_>, family: ErrorFamily) -> Bound<'_, PyType> {
    match family {
        ErrorFamily::Refused => py.get_type::<RegistrationRefused>(),
        ErrorFamily::NotFound => py.get_type::<NotFound>(),
        ErrorFamily::InvalidState => py.get_type::<InvalidState>(),
        ErrorFamily::InvalidInput => py.get_type::<InvalidInput>(),
        ErrorFamily::Statutes => py.get_type::<StatutesError>(),
        ErrorFamily::Format => py.get_type::<FormatError>(),
        ErrorFamily::PublicationRefused => py.get_type::<PublicationRefused>(),
        ErrorFamily::Store => py.get_type::<StoreError>(),
        ErrorFamily::Interop => py.get_type::<InteropError>(),
    }
}

/// What the error is about, for programs (the core's `Error::details`): a
/// text is a `str`, a number an `int`, an instant an aware `datetime` (UTC),
/// an absent value `None`.
fn details<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (name, value) in error.details() {
        match value {
            Detail::Text(s) => d.set_item(name, s)?,
            Detail::Integer(n) => d.set_item(name, n)?,
            Detail::Instant(t) => d.set_item(name, t)?,
            Detail::Absent => d.set_item(name, py.None())?,
            // A kind of value this version does not know: its text.
            other => d.set_item(name, other.to_string())?,
        }
    }
    Ok(d)
}

/// The exception instance for a core error (not raised).
pub fn core_exception<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyAny>> {
    exception(
        class_of(py, error.family()),
        error.kind(),
        error.message(Lang::En),
        error.message(Lang::Fr),
        details(py, error)?,
    )
}

/// The Python exception for a core error.
pub fn core_err(py: Python<'_>, error: &Error) -> PyErr {
    raise(core_exception(py, error))
}

/// Maps a core result to a Python result.
pub trait OrRaise<T> {
    /// Converts the core error, if any, into its Python exception.
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T, E: Into<Error>> OrRaise<T> for Result<T, E> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| core_err(py, &e.into()))
    }
}

/// `cimi.InvalidInput` for an argument the bindings check before the core
/// sees it (kind `invalid_input`, like the core's own argument errors).
pub fn invalid_argument(py: Python<'_>, field: &str, en: String, fr: String) -> PyErr {
    core_err(
        py,
        &Error::InvalidInput {
            field: field.to_owned(),
            reason: en,
            reason_fr: fr,
        },
    )
}

/// `cimi.InvalidInput` with a kind of the bindings' own (e.g. `naive_datetime`).
pub fn invalid_input(py: Python<'_>, kind: &str, en: String, fr: String) -> PyErr {
    raise(exception(
        py.get_type::<InvalidInput>(),
        kind,
        en,
        fr,
        PyDict::new(py),
    ))
}

/// `cimi.NotFound` for an id that cannot even be represented (negative,
/// huge): the core's error for id 0, with the id as given.
pub fn unknown_id(py: Python<'_>, entity: Entity, id: &Bound<'_, PyAny>) -> PyErr {
    let shown = id.str().map(|s| s.to_string()).unwrap_or_default();
    let error = Error::NotFound { entity, id: 0 };
    let message = |lang| error.message(lang).replacen('0', &shown, 1);
    let d = PyDict::new(py);
    let filled = d
        .set_item("entity", entity.name())
        .and_then(|()| d.set_item("id", id));
    if let Err(e) = filled {
        return e;
    }
    raise(exception(
        py.get_type::<NotFound>(),
        error.kind(),
        message(Lang::En),
        message(Lang::Fr),
        d,
    ))
}

/// `cimi.InvalidState` with a kind of the bindings' own.
pub fn invalid_state(py: Python<'_>, kind: &str, en: String, fr: String) -> PyErr {
    raise(exception(
        py.get_type::<InvalidState>(),
        kind,
        en,
        fr,
        PyDict::new(py),
    ))
}

/// An error of the bindings' lock: an earlier operation panicked while
/// changing the community.
pub fn poisoned(py: Python<'_>) -> PyErr {
    invalid_state(
        py,
        "poisoned",
        "an earlier operation failed while changing this community; reload it from JSON".into(),
        "une opération précédente a échoué en modifiant cette communauté ; rechargez-la depuis le JSON".into(),
    )
}

/// A table holding a value Arrow cannot (an identifier above 2^63 - 1,
/// more than 2^31 - 1 list items in a column): `cimi.InvalidState`, kind
/// `table_overflow`.
pub fn table_overflow(py: Python<'_>, error: &arrow_schema::ArrowError) -> PyErr {
    invalid_state(
        py,
        "table_overflow",
        format!("the table cannot be built as Arrow data: {error}"),
        format!("la table ne peut pas être construite en données Arrow : {error}"),
    )
}

/// Registers the exception classes on the module, each with class-level
/// defaults for the instance attributes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = [
        (py.get_type::<RegistrationRefused>(), ErrorFamily::Refused),
        (py.get_type::<NotFound>(), ErrorFamily::NotFound),
        (py.get_type::<InvalidState>(), ErrorFamily::InvalidState),
        (py.get_type::<InvalidInput>(), ErrorFamily::InvalidInput),
        (py.get_type::<StatutesError>(), ErrorFamily::Statutes),
        (py.get_type::<FormatError>(), ErrorFamily::Format),
        (
            py.get_type::<PublicationRefused>(),
            ErrorFamily::PublicationRefused,
        ),
        (py.get_type::<StoreError>(), ErrorFamily::Store),
        (py.get_type::<InteropError>(), ErrorFamily::Interop),
    ];
    let base = (py.get_type::<CimiError>(), "cimi_error");
    let families = classes.map(|(ty, family)| (ty, family.as_str()));
    for (ty, family) in std::iter::once(base).chain(families) {
        ty.setattr("family", family)?;
        ty.setattr("kind", family)?;
        ty.setattr("message_en", "")?;
        ty.setattr("message_fr", "")?;
        ty.setattr("details", PyDict::new(py))?;
        m.add(ty.name()?, ty)?;
    }
    let kinds: Vec<&str> = Refusal::examples().iter().map(Refusal::kind).collect();
    py.get_type::<RegistrationRefused>()
        .setattr("kinds", PyTuple::new(py, kinds)?)?;
    Ok(())
}
