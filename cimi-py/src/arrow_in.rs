//! Arrow data from Python: any object with `__arrow_c_stream__` (a polars or
//! pandas DataFrame, a pyarrow Table or RecordBatchReader, a `cimi.Table`),
//! imported through pyo3-arrow and read column by column in Rust with the
//! GIL released. This module checks the columns a caller expects (names and
//! types) and gives typed views of their values; `requests_arrow.rs` and
//! `member_rows.rs` turn the rows into core values. Nothing here decides a
//! domain rule.
//!
//! Texts may come in any of Arrow's string layouts (`Utf8`, `LargeUtf8`,
//! `Utf8View`, dictionary-encoded, or `Null` for a column of nothing but
//! nulls); lists of texts as `List` or `LargeList` of strings, read as they
//! are, or in another list layout (`FixedSizeList`, `ListView`, dictionary
//! items…), cast once per record batch by arrow-cast to `List<LargeUtf8>`.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{
    Array, ArrayRef, BooleanArray, LargeStringArray, RecordBatch, StringArray, StringViewArray,
};
use arrow_cast::{can_cast_types, cast};
use arrow_schema::{ArrowError, DataType, Field, SchemaRef};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use pyo3_arrow::PyRecordBatchReader;

use crate::convert::MAX_ITEMS;
use crate::errors::invalid_argument;

/// An error found while reading Arrow data without the GIL, raised once it
/// is taken back.
#[derive(Debug)]
pub enum InputError {
    /// A column of the wrong type, a missing or unknown column, a null where
    /// a value is required: `TypeError`, as for the same mistake in a dict.
    Type(String),
    /// A value of the right type the bindings cannot take (an unknown
    /// attendance mode, too many rows, a stream that fails):
    /// `cimi.InvalidInput` on `field`.
    Invalid {
        /// The argument or column.
        field: String,
        /// English reason.
        en: String,
        /// French reason.
        fr: String,
    },
}

impl InputError {
    /// The Python exception.
    pub fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            InputError::Type(message) => PyTypeError::new_err(message),
            InputError::Invalid { field, en, fr } => invalid_argument(py, &field, en, fr),
        }
    }

    fn stream(field: &str, e: &ArrowError) -> Self {
        InputError::Invalid {
            field: field.to_owned(),
            en: format!("could not be read as Arrow data: {e}"),
            fr: format!("n'a pas pu être lu comme données Arrow : {e}"),
        }
    }
}

/// A whole Arrow stream, in memory.
pub struct Stream {
    /// The schema of every batch.
    pub schema: SchemaRef,
    /// The record batches, in order.
    pub batches: Vec<RecordBatch>,
}

/// Whether `value` exports an Arrow stream (has `__arrow_c_stream__`).
pub fn is_stream(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    value.hasattr(intern!(value.py(), "__arrow_c_stream__"))
}

/// Reads every record batch of `value`'s Arrow stream (the argument
/// `field`): the capsule is taken with the GIL, the batches are read without
/// it (a producer that needs Python takes the GIL itself). More than
/// [`MAX_ITEMS`] rows is `cimi.InvalidInput`, even from an endless stream.
pub fn read_stream(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Stream> {
    let py = value.py();
    let capsule = value.call_method0(intern!(py, "__arrow_c_stream__"))?;
    let not_a_stream = || {
        PyTypeError::new_err(format!(
            "{field}: __arrow_c_stream__() must return an 'arrow_array_stream' PyCapsule"
        ))
    };
    let capsule = capsule
        .cast_into::<PyCapsule>()
        .map_err(|_| not_a_stream())?;
    if !capsule.is_valid_checked(Some(c"arrow_array_stream")) {
        return Err(not_a_stream());
    }
    let reader = PyRecordBatchReader::from_arrow_pycapsule(&capsule)
        .and_then(PyRecordBatchReader::into_reader)
        .map_err(|_| not_a_stream())?;
    let schema = reader.schema();
    let batches = py.detach(move || {
        let mut rows = 0usize;
        let mut batches = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| InputError::stream(field, &e))?;
            rows += batch.num_rows();
            if rows > MAX_ITEMS {
                return Err(InputError::Invalid {
                    field: field.to_owned(),
                    en: format!("has more than {MAX_ITEMS} rows"),
                    fr: format!("a plus de {MAX_ITEMS} lignes"),
                });
            }
            batches.push(batch);
        }
        Ok(batches)
    });
    let batches = batches.map_err(|e| e.into_py(py))?;
    Ok(Stream { schema, batches })
}

// ----- the columns a reader expects ----------------------------------------------------

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Texts.
    Text,
    /// Lists of texts.
    TextList,
    /// Booleans or lists of texts (`acknowledged`).
    FlagOrTextList,
}

/// The columns a reader takes: their names and kinds, which one is required,
/// and the names it ignores (output-only columns of cimi's own tables).
pub struct Spec {
    /// The argument, for messages.
    pub field: &'static str,
    /// The columns taken, in the reader's order.
    pub columns: &'static [(&'static str, Kind)],
    /// The column that must be there.
    pub required: &'static str,
    /// Columns skipped without a word.
    pub ignored: &'static [&'static str],
}

impl Spec {
    /// Where each column of `schema` goes (an index into `columns`, or
    /// `None` for an ignored one); a missing required column, an unknown or
    /// repeated one is a `TypeError`.
    pub fn positions(&self, schema: &SchemaRef) -> Result<Vec<Option<usize>>, InputError> {
        let mut seen = vec![false; self.columns.len()];
        let mut positions = Vec::with_capacity(schema.fields().len());
        for f in schema.fields() {
            let name = f.name().as_str();
            match self.columns.iter().position(|(n, _)| *n == name) {
                Some(i) if seen[i] => {
                    return Err(InputError::Type(format!(
                        "{}: column '{}' appears twice",
                        self.field,
                        name.escape_debug()
                    )));
                }
                Some(i) => {
                    seen[i] = true;
                    positions.push(Some(i));
                }
                None if self.ignored.contains(&name) => positions.push(None),
                None => {
                    return Err(InputError::Type(format!(
                        "{}: unknown column '{}' (expected {})",
                        self.field,
                        name.escape_debug(),
                        self.columns
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
        if !self
            .columns
            .iter()
            .zip(&seen)
            .any(|((n, _), s)| *s && *n == self.required)
        {
            return Err(InputError::Type(format!(
                "{}: missing column '{}'",
                self.field, self.required
            )));
        }
        Ok(positions)
    }

    /// The columns of one batch, each normalised to a layout the views
    /// read (`None` where the batch has no such column).
    pub fn columns(
        &self,
        batch: &RecordBatch,
        positions: &[Option<usize>],
    ) -> Result<Vec<Option<ArrayRef>>, InputError> {
        let mut out = vec![None; self.columns.len()];
        for (column, position) in batch.columns().iter().zip(positions) {
            let Some(i) = *position else { continue };
            let (name, kind) = self.columns[i];
            // The C data interface trusts the producer; the columns read are
            // checked (offsets, views, UTF-8) so that no malformed array
            // reaches the readers.
            column
                .to_data()
                .validate_full()
                .map_err(|e| InputError::stream(self.field, &e))?;
            let normalised = match kind {
                Kind::Text => text_array(column),
                Kind::TextList => text_list_array(column),
                Kind::FlagOrTextList => match column.data_type() {
                    DataType::Boolean => Some(column.clone()),
                    _ => text_list_array(column),
                },
            };
            out[i] = Some(normalised.ok_or_else(|| {
                let expected = match kind {
                    Kind::Text => "strings",
                    Kind::TextList => "lists of strings",
                    Kind::FlagOrTextList => "booleans or lists of strings",
                };
                InputError::Type(format!(
                    "{}: column '{name}' has type {}, expected {expected}",
                    self.field,
                    column.data_type()
                ))
            })?);
        }
        Ok(out)
    }
}

fn is_text(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
    ) || matches!(t, DataType::Dictionary(_, v) if matches!(**v, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View))
}

/// A text column as it is (or decoded from a dictionary), `None` if it does
/// not hold texts.
fn text_array(column: &ArrayRef) -> Option<ArrayRef> {
    match column.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => {
            Some(column.clone())
        }
        t if is_text(t) => cast(column, &DataType::LargeUtf8).ok(),
        _ => None,
    }
}

/// A list-of-texts column as it is when it is a `List` or `LargeList` of
/// `Utf8`, `LargeUtf8` or `Utf8View`, else cast to `List<LargeUtf8>` (`Null`
/// as it is); `None` if it does not hold lists of texts.
fn text_list_array(column: &ArrayRef) -> Option<ArrayRef> {
    let item = match column.data_type() {
        DataType::Null => return Some(column.clone()),
        DataType::List(f) | DataType::LargeList(f)
            if matches!(
                f.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            ) =>
        {
            return Some(column.clone());
        }
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::FixedSizeList(f, _)
        | DataType::ListView(f)
        | DataType::LargeListView(f) => f,
        _ => return None,
    };
    if !is_text(item.data_type()) {
        return None;
    }
    let target = DataType::List(Arc::new(Field::new_list_field(DataType::LargeUtf8, true)));
    if !can_cast_types(column.data_type(), &target) {
        return None;
    }
    cast(column, &target).ok()
}

// ----- views of the values --------------------------------------------------------------

/// The values of a text column.
#[derive(Clone, Copy)]
pub enum Texts<'a> {
    /// `Utf8`.
    Utf8(&'a StringArray),
    /// `LargeUtf8`.
    Large(&'a LargeStringArray),
    /// `Utf8View`.
    View(&'a StringViewArray),
    /// No column, or nothing but nulls.
    Absent,
}

impl<'a> Texts<'a> {
    /// A view of a column normalised by [`Spec::columns`] (or of the values
    /// of a list column).
    pub fn of(column: Option<&'a ArrayRef>) -> Self {
        let Some(c) = column else {
            return Texts::Absent;
        };
        match c.data_type() {
            DataType::Utf8 => Texts::Utf8(c.as_string::<i32>()),
            DataType::LargeUtf8 => Texts::Large(c.as_string::<i64>()),
            DataType::Utf8View => Texts::View(c.as_string_view()),
            _ => Texts::Absent,
        }
    }

    /// Row `i`'s text, `None` when null.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Texts::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::View(a) => a.is_valid(i).then(|| a.value(i)),
            Texts::Absent => None,
        }
    }

    /// Calls `f(k, text)` for the rows `start..end` in order (`k` from 0):
    /// a column read in one pass, faster than row by row.
    pub fn each(&self, start: usize, end: usize, mut f: impl FnMut(usize, Option<&str>)) {
        let n = end - start;
        match self {
            Texts::Utf8(a) => StringArray::slice(a, start, n)
                .iter()
                .enumerate()
                .for_each(|(k, v)| f(k, v)),
            Texts::Large(a) => LargeStringArray::slice(a, start, n)
                .iter()
                .enumerate()
                .for_each(|(k, v)| f(k, v)),
            Texts::View(a) => StringViewArray::slice(a, start, n)
                .iter()
                .enumerate()
                .for_each(|(k, v)| f(k, v)),
            Texts::Absent => (0..n).for_each(|k| f(k, None)),
        }
    }
}

/// The offsets of a list column.
#[derive(Clone, Copy)]
enum Offsets<'a> {
    Small(&'a [i32]),
    Large(&'a [i64]),
}

/// The values of a list-of-texts column.
#[derive(Clone, Copy)]
pub struct TextLists<'a> {
    lists: Option<(&'a dyn Array, Offsets<'a>, Texts<'a>)>,
}

impl<'a> TextLists<'a> {
    /// A view of a column normalised by [`Spec::columns`].
    pub fn of(column: Option<&'a ArrayRef>) -> Self {
        let lists = column.and_then(|c| match c.data_type() {
            DataType::List(_) => {
                let l = c.as_list::<i32>();
                Some((
                    c.as_ref(),
                    Offsets::Small(l.value_offsets()),
                    Texts::of(Some(l.values())),
                ))
            }
            DataType::LargeList(_) => {
                let l = c.as_list::<i64>();
                Some((
                    c.as_ref(),
                    Offsets::Large(l.value_offsets()),
                    Texts::of(Some(l.values())),
                ))
            }
            _ => None,
        });
        TextLists { lists }
    }

    /// Row `i`'s items (`None` when the list is null); a null item is `None`.
    pub fn get(
        &self,
        i: usize,
    ) -> Option<impl ExactSizeIterator<Item = Option<&'a str>> + Clone + 'a> {
        let (lists, offsets, values) = self.lists?;
        if lists.is_null(i) {
            return None;
        }
        // Offsets are checked by arrow-rs when the array is imported:
        // non-negative and increasing.
        let (start, end) = match offsets {
            Offsets::Small(o) => (o[i] as usize, o[i + 1] as usize),
            Offsets::Large(o) => (o[i] as usize, o[i + 1] as usize),
        };
        Some((start..end).map(move |j| values.get(j)))
    }
}

/// The values of a column of booleans or of lists of texts.
#[derive(Clone, Copy)]
pub enum FlagsOrLists<'a> {
    /// Booleans.
    Flags(&'a BooleanArray),
    /// Lists of texts (or nothing).
    Lists(TextLists<'a>),
}

impl<'a> FlagsOrLists<'a> {
    /// A view of a column normalised by [`Spec::columns`].
    pub fn of(column: Option<&'a ArrayRef>) -> Self {
        match column {
            Some(c) if c.data_type() == &DataType::Boolean => FlagsOrLists::Flags(c.as_boolean()),
            other => FlagsOrLists::Lists(TextLists::of(other)),
        }
    }
}
