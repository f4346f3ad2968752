//! Registration requests from Arrow data: `register_many(event, df)` with a
//! polars or pandas DataFrame, a pyarrow Table… whose columns are the keys of
//! `register` (`email` required; `family_name`, `given_name`, `service`,
//! `grade`, `function`, `attendance` texts; `acknowledged` booleans or lists
//! of obligation ids). A null is what `None` is in a dict: an empty text, no
//! acknowledgement, on-site attendance.
//!
//! The stream is read and every row checked with the GIL released and
//! before anything is judged, so that a bad row raises what the same row in
//! a list of dicts raises (`TypeError` for a null address or a column of the
//! wrong type, `cimi.InvalidInput` for an unknown attendance mode) and
//! nothing is registered. The rows are then turned into core requests a
//! chunk at a time, reusing the requests' buffers, and judged by the core's
//! `register_many` in order, all under one lock: the same outcomes as one
//! call with every request.

use arrow_array::{Array, ArrayRef, RecordBatch};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use cimi_core::community::RegistrationOutcome;
use cimi_core::ids::EventId;
use cimi_core::registration::{AttendanceMode, RegistrationRequest};
use cimi_core::text::TextSet;
use cimi_core::{Community, Error};

use crate::arrow_in::{FlagsOrLists, InputError, Kind, Spec, TextLists, Texts, read_stream};

/// The columns of a request table, in the order of the views below.
const SPEC: Spec = Spec {
    field: "requests",
    columns: &[
        ("email", Kind::Text),
        ("family_name", Kind::Text),
        ("given_name", Kind::Text),
        ("service", Kind::Text),
        ("grade", Kind::Text),
        ("function", Kind::Text),
        ("acknowledged", Kind::FlagOrTextList),
        ("attendance", Kind::Text),
    ],
    required: "email",
    ignored: &[],
};

/// Requests judged per call of the core (their buffers are reused).
const CHUNK: usize = 1024;

/// The request columns of one record batch.
struct Views<'a> {
    texts: [Texts<'a>; 6],
    acknowledged: FlagsOrLists<'a>,
    attendance: Texts<'a>,
}

impl<'a> Views<'a> {
    fn of(columns: &'a [Option<ArrayRef>]) -> Self {
        let text = |i: usize| Texts::of(columns[i].as_ref());
        Views {
            texts: [text(0), text(1), text(2), text(3), text(4), text(5)],
            acknowledged: FlagsOrLists::of(columns[6].as_ref()),
            attendance: text(7),
        }
    }
}

/// `attendance`: null is on site; another text must name a mode.
fn mode(value: Option<&str>) -> Result<AttendanceMode, InputError> {
    match value {
        None => Ok(AttendanceMode::OnSite),
        Some(kind) => AttendanceMode::from_kind(kind).ok_or_else(|| InputError::Invalid {
            field: "attendance".into(),
            en: "must be 'on_site', 'remote' or 'on_site_or_remote'".into(),
            fr: "doit valoir 'on_site', 'remote' ou 'on_site_or_remote'".into(),
        }),
    }
}

/// The `acknowledged` lists met last, shared by the rows that repeat it.
#[derive(Default)]
struct LastList {
    items: Vec<String>,
    set: TextSet,
}

impl LastList {
    /// The set of row `i`'s list (checked by [`ArrowRequests::read`]: no
    /// null item).
    fn set_of(&mut self, lists: &TextLists<'_>, i: usize) -> TextSet {
        let Some(items) = lists.get(i) else {
            return TextSet::new();
        };
        let same = items.len() == self.items.len()
            && items
                .clone()
                .zip(&self.items)
                .all(|(a, b)| a == Some(b.as_str()));
        if !same {
            self.items = items.flatten().map(str::to_owned).collect();
            self.set = self.items.iter().collect();
        }
        self.set.clone()
    }
}

/// Overwrites `text` with `value` (keeping its buffer).
fn put(text: &mut String, value: Option<&str>) {
    text.clear();
    text.push_str(value.unwrap_or(""));
}

/// Requests read from Arrow data, checked, not yet judged.
pub struct ArrowRequests {
    /// Each batch's columns, normalised (see `arrow_in::Spec::columns`).
    batches: Vec<(usize, Vec<Option<ArrayRef>>)>,
}

impl ArrowRequests {
    /// Reads and checks the rows of `requests`, the GIL released after the
    /// stream is opened.
    pub fn read(requests: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = requests.py();
        let stream = read_stream(requests, SPEC.field)?;
        py.detach(move || {
            let positions = SPEC.positions(&stream.schema)?;
            let mut batches = Vec::with_capacity(stream.batches.len());
            let mut first = 0usize;
            for batch in &stream.batches {
                let columns = SPEC.columns(batch, &positions)?;
                check(batch, &columns, first)?;
                first += batch.num_rows();
                batches.push((batch.num_rows(), columns));
            }
            Ok(ArrowRequests { batches })
        })
        .map_err(|e: InputError| e.into_py(py))
    }

    /// Judges every request for `event` at `at` (see the module's
    /// documentation), each outcome turned by `map` as it comes (so that a
    /// large batch does not keep every outcome); fails as a whole only as
    /// the core's `register_many` does, before judging anything.
    pub fn judge<T>(
        &self,
        c: &mut Community,
        event: EventId,
        at: DateTime<Utc>,
        mut map: impl FnMut(Result<RegistrationOutcome, Error>) -> T,
    ) -> Result<Vec<T>, Error> {
        let rows = self.batches.iter().map(|(n, _)| n).sum();
        let mut out = Vec::with_capacity(rows);
        // Checks the event (an empty batch still fails for an unknown one).
        c.register_many(event, &[], at)?;
        let mut requests: Vec<RegistrationRequest> = Vec::new();
        let mut last = LastList::default();
        for (n, columns) in &self.batches {
            let views = Views::of(columns);
            let mut start = 0;
            while start < *n {
                let end = (start + CHUNK).min(*n);
                requests.resize_with(requests.len().max(end - start), Default::default);
                fill(&views, start, end, &mut requests[..end - start], &mut last);
                // The event exists (checked above) and no request removes
                // it: the core answers request by request.
                out.extend(
                    c.register_many(event, &requests[..end - start], at)?
                        .into_iter()
                        .map(&mut map),
                );
                start = end;
            }
        }
        Ok(out)
    }
}

/// Row by row, what would make the same row of dicts raise: a null address,
/// a null obligation id, an unknown attendance mode (rows numbered from
/// `first`).
fn check(
    batch: &RecordBatch,
    columns: &[Option<ArrayRef>],
    first: usize,
) -> Result<(), InputError> {
    let views = Views::of(columns);
    let email = views.texts[0];
    for i in 0..batch.num_rows() {
        if let FlagsOrLists::Lists(lists) = &views.acknowledged
            && let Some(mut items) = lists.get(i)
            && items.any(|item| item.is_none())
        {
            return Err(InputError::Type(format!(
                "requests[{}]: acknowledged: expected an iterable of str, got a null item",
                first + i
            )));
        }
        if email.get(i).is_none() {
            return Err(InputError::Type(format!(
                "requests[{}]: email: expected str, got null",
                first + i
            )));
        }
        mode(views.attendance.get(i))?;
    }
    Ok(())
}

/// The text fields of a request, in the order of [`Views::texts`].
const TEXT_FIELDS: [fn(&mut RegistrationRequest) -> &mut String; 6] = [
    |r| &mut r.email,
    |r| &mut r.family_name,
    |r| &mut r.given_name,
    |r| &mut r.service,
    |r| &mut r.grade,
    |r| &mut r.function,
];

/// Rows `start..end` as core requests, written over `requests` (one per
/// row), a column at a time.
fn fill(
    views: &Views<'_>,
    start: usize,
    end: usize,
    requests: &mut [RegistrationRequest],
    last: &mut LastList,
) {
    for (texts, field) in views.texts.iter().zip(TEXT_FIELDS) {
        texts.each(start, end, |k, value| put(field(&mut requests[k]), value));
    }
    for (request, i) in requests.iter_mut().zip(start..end) {
        (request.acknowledges_all, request.acknowledged) = match &views.acknowledged {
            FlagsOrLists::Flags(flags) => (flags.is_valid(i) && flags.value(i), TextSet::new()),
            FlagsOrLists::Lists(lists) => (false, last.set_of(lists, i)),
        };
    }
    // Checked by `check`.
    views.attendance.each(start, end, |k, value| {
        requests[k].attendance = mode(value).unwrap_or_default();
    });
}
