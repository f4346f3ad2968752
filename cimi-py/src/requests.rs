//! Registration requests from Python — the keyword arguments of `register`,
//! the dicts of `register_many` — and the outcomes of a batch (Arrow data is
//! read by `requests_arrow.rs`).
//!
//! This is the hot path of `register_many`, so the conversions avoid work the
//! core does not need. Reading a `str` checks and copies its UTF-8, so a
//! batch reads each `str` object that many rows share (a service, a grade,
//! an obligation id) once ([`TextCache`]); the keys of the rows are matched
//! by identity ([`RowReader`]); the requests are built in the core's own
//! type (`acknowledged=True` is its `acknowledges_all`); the outcomes are
//! reduced to their kinds with the GIL released, and the result list reuses
//! one Python `str` per kind ([`KindStrings`]). `register` and `register_many` build requests with the
//! same function ([`request_with`]), so they raise the same errors in the
//! same order. Nothing here decides a rule: the core judges every request.

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};

use cimi_core::registration::{AttendanceMode, RegistrationRequest};
use cimi_core::text::TextSet;

use crate::convert::{MAX_ITEMS, flag, mapping_items, text, type_name};
use crate::errors::invalid_argument;

/// Number of keys of a request.
const N_KEYS: usize = 8;

/// The keys a request dict may have, in the order of [`Fields`].
const REQUEST_KEYS: [&str; N_KEYS] = [
    "email",
    "family_name",
    "given_name",
    "service",
    "grade",
    "function",
    "acknowledged",
    "attendance",
];

/// The values of a request, by key (in the order of [`REQUEST_KEYS`]).
type Fields<'py> = [Option<Bound<'py, PyAny>>; N_KEYS];

/// The keys of a registration request, interned.
fn request_keys(py: Python<'_>) -> [Bound<'_, PyString>; N_KEYS] {
    [
        intern!(py, "email").clone(),
        intern!(py, "family_name").clone(),
        intern!(py, "given_name").clone(),
        intern!(py, "service").clone(),
        intern!(py, "grade").clone(),
        intern!(py, "function").clone(),
        intern!(py, "acknowledged").clone(),
        intern!(py, "attendance").clone(),
    ]
}

// ----- requests ---------------------------------------------------------------------

/// Reads a `str` value (a [`TextCache`] or [`text`]).
type ReadText<'a, 'py> = dyn FnMut(&Bound<'py, PyAny>, &str) -> PyResult<String> + 'a;

/// An optional text field: `None` is empty.
fn text_or_empty<'py>(
    read: &mut ReadText<'_, 'py>,
    value: Option<&Bound<'py, PyAny>>,
    field: &str,
) -> PyResult<String> {
    match value {
        Some(v) if !v.is_none() => read(v, field),
        _ => Ok(String::new()),
    }
}

/// `acknowledged`: `None`, `True`/`False`, or an iterable of obligation ids
/// (a lone `str` is refused: it would be split into letters). Returns
/// whether it is `True` (the core's `acknowledges_all`: every obligation of
/// the statutes in force when the request is judged) and the ids given.
fn acknowledged<'py>(
    read: &mut ReadText<'_, 'py>,
    value: Option<&Bound<'py, PyAny>>,
    lists: &mut AckLists<'py>,
) -> PyResult<(bool, TextSet)> {
    let field = "acknowledged";
    let value = match value {
        Some(v) if !v.is_none() => v,
        _ => return Ok((false, TextSet::new())),
    };
    if value.is_instance_of::<PyBool>() {
        return Ok((flag(value, field)?, TextSet::new()));
    }
    if let Ok(list) = value.cast_exact::<PyList>() {
        // The common case, without the iterator protocol.
        if let Some(set) = lists.get(list) {
            return Ok((false, set));
        }
        let mut ids = Vec::with_capacity(list.len());
        for item in list.iter() {
            ids.push(read(&item, field)?);
        }
        let set: TextSet = ids.iter().collect();
        lists.put(list, &set);
        return Ok((false, set));
    }
    if value.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{field}: expected an iterable of str, got a single str"
        )));
    }
    let iter = value.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{field}: expected an iterable of str, got {}",
            type_name(value)
        ))
    })?;
    let mut ids = Vec::new();
    for item in iter {
        ids.push(read(&item?, field)?);
    }
    Ok((false, ids.iter().collect()))
}

/// At most this many distinct `acknowledged` lists are remembered in a batch.
const ACK_LISTS_MAX: usize = 8;
/// Lists longer than this are not remembered.
const ACK_ITEMS_MAX: usize = 16;

/// The `acknowledged` lists of a batch, by the identity of their items: rows
/// built from one constant (`list(OBLIGATIONS)`) are distinct lists of the
/// same `str` objects, and share one set (one reference-counted text).
/// The items are held, so no other object takes their addresses.
#[derive(Default)]
struct AckLists<'py> {
    known: Vec<(Vec<Bound<'py, PyAny>>, TextSet)>,
}

impl<'py> AckLists<'py> {
    fn same(items: &[Bound<'py, PyAny>], list: &Bound<'py, PyList>) -> bool {
        items.len() == list.len()
            && items
                .iter()
                .zip(list.iter())
                .all(|(a, b)| a.as_ptr() == b.as_ptr())
    }

    fn get(&self, list: &Bound<'py, PyList>) -> Option<TextSet> {
        self.known
            .iter()
            .find(|(items, _)| Self::same(items, list))
            .map(|(_, set)| set.clone())
    }

    fn put(&mut self, list: &Bound<'py, PyList>, set: &TextSet) {
        if self.known.len() < ACK_LISTS_MAX && list.len() <= ACK_ITEMS_MAX {
            self.known.push((list.iter().collect(), set.clone()));
        }
    }
}

/// `attendance`: `None` (on site) or the kind of a mode.
fn attendance<'py>(
    read: &mut ReadText<'_, 'py>,
    value: Option<&Bound<'py, PyAny>>,
) -> PyResult<AttendanceMode> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(AttendanceMode::OnSite);
    };
    AttendanceMode::from_kind(&read(v, "attendance")?).ok_or_else(|| {
        invalid_argument(
            v.py(),
            "attendance",
            "must be 'on_site', 'remote' or 'on_site_or_remote'".into(),
            "doit valoir 'on_site', 'remote' ou 'on_site_or_remote'".into(),
        )
    })
}

/// A request from its fields (`register`'s keyword arguments). A value of
/// the wrong type raises `TypeError`, text that is not valid Unicode or an
/// unknown attendance `cimi.InvalidInput`, checked in this order:
/// `acknowledged`, `email`, the other texts, `attendance`.
pub fn request(
    email: &Bound<'_, PyAny>,
    texts: [Option<&Bound<'_, PyAny>>; 5],
    ack: Option<&Bound<'_, PyAny>>,
    mode: Option<&Bound<'_, PyAny>>,
) -> PyResult<RegistrationRequest> {
    request_with(
        &mut |v, field| text(v, field),
        &mut AckLists::default(),
        email,
        texts,
        ack,
        mode,
    )
}

/// [`request`], reading the texts with `read`.
fn request_with<'py>(
    read: &mut ReadText<'_, 'py>,
    lists: &mut AckLists<'py>,
    email: &Bound<'py, PyAny>,
    [family_name, given_name, service, grade, function]: [Option<&Bound<'py, PyAny>>; 5],
    ack: Option<&Bound<'py, PyAny>>,
    mode: Option<&Bound<'py, PyAny>>,
) -> PyResult<RegistrationRequest> {
    let (acknowledges_all, acknowledged) = acknowledged(read, ack, lists)?;
    Ok(RegistrationRequest {
        email: read(email, "email")?,
        family_name: text_or_empty(read, family_name, "family_name")?,
        given_name: text_or_empty(read, given_name, "given_name")?,
        service: text_or_empty(read, service, "service")?,
        grade: text_or_empty(read, grade, "grade")?,
        function: text_or_empty(read, function, "function")?,
        acknowledged,
        acknowledges_all,
        attendance: attendance(read, mode)?,
    })
}

// ----- the keys of a row -------------------------------------------------------------

/// At most this many request keys that are not the interned names (the
/// column names of a data frame, say) are remembered.
const KNOWN_KEYS_MAX: usize = 32;

/// Reads the keys of the rows of a batch. Keys are matched by identity with
/// the interned names (keyword arguments and literals use them) or with key
/// objects met before (the column names of a data frame are the same objects
/// on every row), else by value.
struct RowReader<'py> {
    names: [Bound<'py, PyString>; N_KEYS],
    known_keys: Vec<(Bound<'py, PyAny>, usize)>,
}

impl<'py> RowReader<'py> {
    fn new(py: Python<'py>) -> Self {
        RowReader {
            names: request_keys(py),
            known_keys: Vec::new(),
        }
    }

    /// The fields of row `index`: a dict (or any mapping) with the keys of
    /// `register`; another key is a `TypeError` that names it.
    fn fields(&mut self, value: &Bound<'py, PyAny>, index: usize) -> PyResult<Fields<'py>> {
        let what = || format!("requests[{index}]");
        let unknown = |key: &Bound<'_, PyAny>| {
            PyTypeError::new_err(format!(
                "{}: unknown key {} (expected {})",
                what(),
                repr(key),
                REQUEST_KEYS.join(", ")
            ))
        };
        let fields = match value.cast::<PyDict>() {
            Ok(d) => {
                // Keys matched by identity: no Python code runs while the
                // dict is iterated. Any other key: matched by value (which
                // may run Python code) on a copy of the items.
                let mut fields: Fields<'py> = Default::default();
                let mut known = true;
                for (key, value) in d.iter() {
                    match self.known_index(&key) {
                        Some(index) => fields[index] = Some(value),
                        None => {
                            known = false;
                            break;
                        }
                    }
                }
                if known {
                    fields
                } else {
                    self.assign(d.iter().collect::<Vec<_>>(), unknown)?
                }
            }
            Err(_) => self.assign(mapping_items(value, &what())?, unknown)?,
        };
        Ok(fields)
    }

    /// The fields from the `(key, value)` pairs of a mapping; a key that
    /// names no field is refused by `unknown`.
    fn assign(
        &mut self,
        items: impl IntoIterator<Item = (Bound<'py, PyAny>, Bound<'py, PyAny>)>,
        unknown: impl Fn(&Bound<'py, PyAny>) -> PyErr,
    ) -> PyResult<Fields<'py>> {
        let mut fields: Fields<'py> = Default::default();
        for (key, value) in items {
            let index = self.key_index(&key).ok_or_else(|| unknown(&key))?;
            fields[index] = Some(value);
        }
        Ok(fields)
    }

    /// Which field a key names, if the key is an interned name or a key
    /// object met before (identity only: no Python code runs).
    fn known_index(&self, key: &Bound<'py, PyAny>) -> Option<usize> {
        let address = key.as_ptr();
        if let Some(index) = self.names.iter().position(|n| n.as_ptr() == address) {
            return Some(index);
        }
        self.known_keys
            .iter()
            .find(|(known, _)| known.as_ptr() == address)
            .map(|(_, index)| *index)
    }

    /// Which field a key names.
    fn key_index(&mut self, key: &Bound<'py, PyAny>) -> Option<usize> {
        if let Some(index) = self.known_index(key) {
            return Some(index);
        }
        let name = key.cast::<PyString>().ok()?;
        let index = self
            .names
            .iter()
            .position(|wanted| PyAnyMethods::eq(name.as_any(), wanted).unwrap_or(false))?;
        if self.known_keys.len() < KNOWN_KEYS_MAX {
            // Kept alive here, so no other object takes its address.
            self.known_keys.push((key.clone(), index));
        }
        Some(index)
    }
}

fn repr(value: &Bound<'_, PyAny>) -> String {
    value.repr().map(|r| r.to_string()).unwrap_or_default()
}

// ----- a batch -----------------------------------------------------------------------

/// Number of `str` objects a batch remembers, in sets of [`WAYS`].
const SLOTS: usize = 256;
/// Slots per set.
const WAYS: usize = 4;

/// Reads the `str` values of a batch, remembering the objects it met, by
/// identity (address), in a small set-associative table: an object met a second time
/// is read and its text kept; met again, its text is copied from the table
/// instead of being encoded by Python once more. The table holds a reference
/// to each object it remembers, so no other object can take its address
/// while the batch is read; a miss only costs a normal read.
struct TextCache<'py> {
    /// The address of the object in each slot (0: empty), scanned first.
    addresses: Vec<usize>,
    /// The object in each slot: the reference keeps its address its own.
    held: Vec<Option<Bound<'py, PyAny>>>,
    /// Its text, once met twice (most objects are met once).
    texts: Vec<Option<String>>,
    /// The next way to replace in a full set.
    victim: usize,
}

impl<'py> TextCache<'py> {
    fn new() -> Self {
        TextCache {
            addresses: vec![0; SLOTS],
            held: (0..SLOTS).map(|_| None).collect(),
            texts: (0..SLOTS).map(|_| None).collect(),
            victim: 0,
        }
    }

    /// A `str` value (see [`text`]).
    fn text(&mut self, value: &Bound<'py, PyAny>, field: &str) -> PyResult<String> {
        let address = value.as_ptr() as usize;
        // Fibonacci hashing of the address: objects allocated one after the
        // other spread over the sets.
        let set = ((address as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
            % (SLOTS / WAYS)
            * WAYS;
        let ways = set..set + WAYS;
        if let Some(way) = ways.clone().find(|&w| self.addresses[w] == address) {
            if let Some(s) = &self.texts[way] {
                return Ok(s.clone());
            }
            let s = text(value, field)?;
            self.texts[way] = Some(s.clone());
            return Ok(s);
        }
        let s = text(value, field)?;
        // Replace an empty slot, else an object met once, else each way in turn.
        let way = ways
            .clone()
            .find(|&w| self.addresses[w] == 0)
            .or_else(|| ways.clone().find(|&w| self.texts[w].is_none()))
            .unwrap_or_else(|| {
                self.victim = (self.victim + 1) % WAYS;
                set + self.victim
            });
        self.addresses[way] = address;
        self.held[way] = Some(value.clone());
        self.texts[way] = None;
        Ok(s)
    }
}

/// The rows of a batch, read with the GIL held, judged without it.
pub struct Batch {
    /// The requests, in order.
    requests: Vec<RegistrationRequest>,
}

/// At most this many rows are reserved ahead from `len(requests)`: a
/// `__len__` that lies costs nothing.
const RESERVE_MAX: usize = 1 << 16;

impl Batch {
    /// Reads every row of `requests` (an iterable of at most
    /// [`MAX_ITEMS`] dicts; a `str` or a lone dict is a `TypeError`); the
    /// first bad row raises what `register` would, its index in the message
    /// for a key that is missing or unknown.
    pub fn read<'py>(requests: &Bound<'py, PyAny>) -> PyResult<Self> {
        if requests.is_instance_of::<PyString>() || requests.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(
                "requests: expected an iterable of dicts (one per request)",
            ));
        }
        let iter = requests.try_iter().map_err(|_| {
            PyTypeError::new_err(format!(
                "requests: expected an iterable of dicts, got {}",
                type_name(requests)
            ))
        })?;
        let reserve = requests.len().unwrap_or(0).min(RESERVE_MAX);
        let mut batch = Batch {
            requests: Vec::with_capacity(reserve),
        };
        let mut rows = RowReader::new(requests.py());
        let mut cache = TextCache::new();
        let mut lists = AckLists::default();
        let read = &mut |v: &Bound<'py, PyAny>, field: &str| cache.text(v, field);
        for (index, item) in iter.enumerate() {
            if index == MAX_ITEMS {
                return Err(invalid_argument(
                    requests.py(),
                    "requests",
                    format!("has more than {MAX_ITEMS} items"),
                    format!("a plus de {MAX_ITEMS} éléments"),
                ));
            }
            let fields = rows.fields(&item?, index)?;
            let [
                email,
                family_name,
                given_name,
                service,
                grade,
                function,
                ack,
                mode,
            ] = fields.each_ref().map(Option::as_ref);
            let email = email.ok_or_else(|| {
                PyTypeError::new_err(format!("requests[{index}]: missing key 'email'"))
            })?;
            let request = request_with(
                read,
                &mut lists,
                email,
                [family_name, given_name, service, grade, function],
                ack,
                mode,
            )?;
            batch.requests.push(request);
        }
        Ok(batch)
    }

    /// The core requests, in order.
    pub fn requests(&self) -> &[RegistrationRequest] {
        &self.requests
    }
}

// ----- outcomes ----------------------------------------------------------------------

/// One Python `str` per outcome kind of a batch (a few kinds, thousands of
/// rows).
#[derive(Default)]
pub struct KindStrings<'py> {
    made: Vec<(&'static str, Bound<'py, PyString>)>,
}

impl<'py> KindStrings<'py> {
    /// The Python `str` of `kind`.
    pub fn get(&mut self, py: Python<'py>, kind: &'static str) -> Bound<'py, PyString> {
        if let Some((_, s)) = self.made.iter().find(|(k, _)| *k == kind) {
            return s.clone();
        }
        let s = PyString::new(py, kind);
        self.made.push((kind, s.clone()));
        s
    }
}
