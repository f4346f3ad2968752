//! The records of a community as Arrow record batches, one per table, each
//! with a fixed schema whatever the data (an empty community gives the same
//! column types as a full one). The columns are read from the core with the
//! community's lock held and the GIL released; `crate::table` hands the
//! batch to Python (`cimi.Table`).
//!
//! Column types: texts are `LargeUtf8`, lists of texts `List<LargeUtf8>`,
//! identifiers, counts and years `Int64`, instants `Timestamp(µs, "UTC")`,
//! flags `Boolean`, rates `Float64`. A column is nullable only where the
//! value can be absent. The schemas are listed in `python/cimi/_cimi.pyi`
//! (`Community.members_table` and the others) and checked by
//! `tests/test_arrow.py`.

use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, BooleanBuilder, Int64Builder, LargeStringBuilder};
use arrow_array::types::Int64Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, LargeStringArray, ListArray,
    PrimitiveArray, RecordBatch, RecordBatchOptions, TimestampMicrosecondArray,
};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, Field, Schema};
use chrono::{DateTime, Utc};

use cimi_core::ids::EventId;
use cimi_core::member::ConsentKind;
use cimi_core::stats::EventStats;
use cimi_core::{Community, Error};

/// The time zone of every instant column.
pub const UTC: &str = "UTC";

/// Builds the columns of one table from its rows, in order: each method
/// reads one value per row with `f` and adds the column. Values that do not
/// fit (an identifier above `i64::MAX`, more list items than a list array
/// holds) make [`Columns::finish`] fail instead of panicking.
pub struct Columns<'r, T> {
    rows: &'r [T],
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
    error: Option<ArrowError>,
}

fn too_large(what: &str) -> ArrowError {
    ArrowError::InvalidArgumentError(format!("{what} does not fit in an Arrow column"))
}

/// An identifier or count as `Int64`.
fn int64(value: u64) -> Result<i64, ArrowError> {
    i64::try_from(value).map_err(|_| too_large("a value above 2^63 - 1"))
}

impl<'r, T> Columns<'r, T> {
    /// A table over `rows`.
    pub fn new(rows: &'r [T]) -> Self {
        Columns {
            rows,
            fields: Vec::new(),
            arrays: Vec::new(),
            error: None,
        }
    }

    fn add(
        &mut self,
        name: &str,
        nullable: bool,
        array: Result<ArrayRef, ArrowError>,
    ) -> &mut Self {
        match array {
            Ok(array) => {
                self.fields
                    .push(Field::new(name, array.data_type().clone(), nullable));
                self.arrays.push(array);
            }
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// An `Int64` column of identifiers or counts (never null).
    pub fn id(&mut self, name: &str, f: impl Fn(&'r T) -> u64) -> &mut Self {
        let values: Result<Vec<i64>, _> = self.rows.iter().map(|r| int64(f(r))).collect();
        self.add(
            name,
            false,
            values.map(|v| Arc::new(Int64Array::from(v)) as ArrayRef),
        )
    }

    /// An `Int64` column of identifiers or counts that may be absent.
    pub fn opt_id(&mut self, name: &str, f: impl Fn(&'r T) -> Option<u64>) -> &mut Self {
        let values: Result<Vec<Option<i64>>, _> = self
            .rows
            .iter()
            .map(|r| f(r).map(int64).transpose())
            .collect();
        self.add(
            name,
            true,
            values.map(|v| Arc::new(Int64Array::from(v)) as ArrayRef),
        )
    }

    /// An `Int64` column of signed numbers (years).
    pub fn int(&mut self, name: &str, f: impl Fn(&'r T) -> i64) -> &mut Self {
        let array = Int64Array::from_iter_values(self.rows.iter().map(f));
        self.add(name, false, Ok(Arc::new(array)))
    }

    /// A `Float64` column that may be absent (rates of events without seats
    /// or registrations).
    pub fn opt_float(&mut self, name: &str, f: impl Fn(&'r T) -> Option<f64>) -> &mut Self {
        let array: Float64Array = self.rows.iter().map(f).collect();
        self.add(name, true, Ok(Arc::new(array)))
    }

    /// A `Boolean` column.
    pub fn flag(&mut self, name: &str, f: impl Fn(&'r T) -> bool) -> &mut Self {
        let mut b = BooleanBuilder::with_capacity(self.rows.len());
        for r in self.rows {
            b.append_value(f(r));
        }
        let array: BooleanArray = b.finish();
        self.add(name, false, Ok(Arc::new(array)))
    }

    /// A `LargeUtf8` column.
    pub fn text<S: AsRef<str>>(&mut self, name: &str, f: impl Fn(&'r T) -> S) -> &mut Self {
        let array = LargeStringArray::from_iter_values(self.rows.iter().map(f));
        self.add(name, false, Ok(Arc::new(array)))
    }

    /// A `LargeUtf8` column that may be absent.
    pub fn opt_text<S: AsRef<str>>(
        &mut self,
        name: &str,
        f: impl Fn(&'r T) -> Option<S>,
    ) -> &mut Self {
        let array: LargeStringArray = self.rows.iter().map(f).collect();
        self.add(name, true, Ok(Arc::new(array)))
    }

    /// A `Timestamp(µs, "UTC")` column.
    pub fn time(&mut self, name: &str, f: impl Fn(&'r T) -> DateTime<Utc>) -> &mut Self {
        let array = TimestampMicrosecondArray::from_iter_values(
            self.rows.iter().map(|r| f(r).timestamp_micros()),
        )
        .with_timezone(UTC);
        self.add(name, false, Ok(Arc::new(array)))
    }

    /// A `Timestamp(µs, "UTC")` column that may be absent.
    pub fn opt_time(
        &mut self,
        name: &str,
        f: impl Fn(&'r T) -> Option<DateTime<Utc>>,
    ) -> &mut Self {
        let array: TimestampMicrosecondArray = self
            .rows
            .iter()
            .map(|r| f(r).map(|t| t.timestamp_micros()))
            .collect();
        self.add(name, true, Ok(Arc::new(array.with_timezone(UTC))))
    }

    /// A `List<LargeUtf8>` column (each row's list may be empty, never null).
    pub fn texts<I, S>(&mut self, name: &str, f: impl Fn(&'r T) -> I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut values = LargeStringBuilder::new();
        let offsets = self.offsets(|r| {
            let before = values.len();
            for s in f(r) {
                values.append_value(s);
            }
            values.len() - before
        });
        let values = values.finish();
        let array = offsets.and_then(|o| list(o, Arc::new(values)));
        self.add(name, false, array)
    }

    /// A `List<Int64>` column of identifiers (never null).
    pub fn ids<I: IntoIterator<Item = u64>>(
        &mut self,
        name: &str,
        f: impl Fn(&'r T) -> I,
    ) -> &mut Self {
        let mut values = Int64Builder::new();
        let mut error = None;
        let offsets = self.offsets(|r| {
            let mut n = 0;
            for id in f(r) {
                match int64(id) {
                    Ok(v) => values.append_value(v),
                    Err(e) => {
                        error.get_or_insert(e);
                        values.append_value(0);
                    }
                }
                n += 1;
            }
            n
        });
        let values: PrimitiveArray<Int64Type> = values.finish();
        let array = match error {
            Some(e) => Err(e),
            None => offsets.and_then(|o| list(o, Arc::new(values))),
        };
        self.add(name, false, array)
    }

    /// The `i32` offsets of a list column whose rows have `len(row)` items.
    fn offsets(&self, mut len: impl FnMut(&'r T) -> usize) -> Result<Vec<i32>, ArrowError> {
        let mut offsets = Vec::with_capacity(self.rows.len() + 1);
        let mut total = 0usize;
        offsets.push(0);
        for r in self.rows {
            total += len(r);
            offsets.push(
                i32::try_from(total).map_err(|_| too_large("more than 2^31 - 1 list items"))?,
            );
        }
        Ok(offsets)
    }

    /// The record batch (the first value that did not fit, if any, is the
    /// error).
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        RecordBatch::try_new_with_options(
            Arc::new(Schema::new(std::mem::take(&mut self.fields))),
            std::mem::take(&mut self.arrays),
            &RecordBatchOptions::new().with_row_count(Some(self.rows.len())),
        )
    }
}

/// A list array from its offsets and values (the items are never null,
/// the item field is the usual nullable `item`).
fn list(offsets: Vec<i32>, values: ArrayRef) -> Result<ArrayRef, ArrowError> {
    let item = Arc::new(Field::new_list_field(values.data_type().clone(), true));
    // Monotonic from 0 by construction (OffsetBuffer::new checks it).
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    Ok(Arc::new(ListArray::try_new(item, offsets, values, None)?))
}

/// Members: identity, affiliation, skills, participation, status and
/// consents as of `at`.
pub fn members(c: &Community, at: DateTime<Utc>) -> Result<RecordBatch, ArrowError> {
    let window = c.statutes().activity_window();
    let rows: Vec<_> = c.members().collect();
    let mut t = Columns::new(&rows);
    t.id("id", |m| m.id.get())
        .text("email", |m| m.email.as_str())
        .text("domain", |m| m.email.domain())
        .text("family_name", |m| &m.family_name)
        .text("given_name", |m| &m.given_name)
        .text("service", |m| &m.service)
        .opt_text("administration", |m| m.affiliation.administration())
        .texts("affiliation", |m| m.affiliation.units())
        .opt_text("corps", |m| m.corps())
        .text("grade", |m| &m.grade)
        .text("function", |m| &m.function)
        .texts("skills", |m| m.skills.iter())
        .texts("interests", |m| m.interests().iter())
        .time("joined_at", |m| m.joined_at)
        .opt_time("last_participation_at", |m| m.last_participation_at)
        .text("status", |m| m.status(window, at).kind())
        .opt_text("bureau_role", |m| {
            m.bureau_role().map(|r| r.responsibility.as_str())
        })
        .opt_time("erased_at", |m| m.erased_at());
    for (kind, name) in [
        (ConsentKind::MailingList, "consent_mailing_list"),
        (ConsentKind::Recording, "consent_recording"),
        (ConsentKind::NamePublication, "consent_name_publication"),
    ] {
        t.flag(name, |m| m.has_consent(kind, at));
    }
    t.finish()
}

/// Events with their schedule, place, settings and occupancy.
pub fn events(c: &Community) -> Result<RecordBatch, ArrowError> {
    let rows: Vec<_> = c
        .events()
        .filter_map(|e| c.occupancy(e.id).ok().map(|o| (e, o)))
        .collect();
    Columns::new(&rows)
        .id("id", |(e, _)| e.id.get())
        .text("kind", |(e, _)| e.kind.kind())
        .text("title", |(e, _)| &e.title)
        .text("state", |(e, _)| e.state.kind())
        .time("starts_at", |(e, _)| e.schedule.starts_at)
        .time("ends_at", |(e, _)| e.schedule.ends_at)
        .opt_text("venue", |(e, _)| e.venue.as_ref().map(|v| &v.name))
        .opt_text("venue_address", |(e, _)| {
            e.venue.as_ref().map(|v| &v.address)
        })
        .opt_text("remote_url", |(e, _)| e.remote.as_ref().map(|r| &r.url))
        .opt_id("remote_capacity", |(e, _)| {
            e.remote.as_ref().and_then(|r| r.capacity).map(u64::from)
        })
        .id("capacity", |(e, _)| u64::from(e.capacity))
        .flag("waitlist", |(e, _)| e.waitlist)
        .opt_time("registration_opens_at", |(e, _)| e.registration_opens_at)
        .time("registration_deadline", |(e, _)| e.registration_deadline())
        .time("created_at", |(e, _)| e.created_at)
        .id("program_items", |(e, _)| e.program.len() as u64)
        .texts("speakers", |(e, _)| {
            e.program
                .iter()
                .flat_map(|i| i.speakers.iter().map(|s| &s.name))
        })
        .flag("recording_allowed", |(e, _)| e.recording_allowed())
        .id("on_site", |(_, o)| u64::from(o.on_site))
        .id("remote", |(_, o)| u64::from(o.remote))
        .id("waiting", |(_, o)| u64::from(o.waiting))
        .opt_time("reported_at", |(e, _)| {
            e.report.as_ref().map(|r| r.published_at)
        })
        .finish()
}

/// A table that could not be built: the core's error (an unknown event) or
/// a value Arrow cannot hold.
pub enum TableError {
    /// The core refused.
    Core(Error),
    /// Arrow refused.
    Arrow(ArrowError),
}

impl From<ArrowError> for TableError {
    fn from(e: ArrowError) -> Self {
        TableError::Arrow(e)
    }
}

/// Registrations (of one event, or all), with attendance
/// (`Community::attendance`). Never the cancellation token.
pub fn registrations(c: &Community, event: Option<EventId>) -> Result<RecordBatch, TableError> {
    let regs: Vec<_> = match event {
        Some(e) => c.registrations(e).collect(),
        None => c.all_registrations().collect(),
    };
    let rows = regs
        .into_iter()
        .map(|r| c.attendance(r.id).map(|a| (r, a.kind())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(TableError::Core)?;
    Ok(Columns::new(&rows)
        .id("id", |(r, _)| r.id.get())
        .id("event_id", |(r, _)| r.event.get())
        .id("member_id", |(r, _)| r.member.get())
        .opt_text("audience", |(r, _)| r.audience.as_deref())
        .text("mode", |(r, _)| r.mode.kind())
        .text("status", |(r, _)| r.status.kind())
        .opt_text("seat", |(r, _)| r.seat.map(|s| s.kind()))
        .flag("waiting_for_seat", |(r, _)| r.waiting_for_seat)
        .time("requested_at", |(r, _)| r.requested_at)
        .opt_time("confirmed_at", |(r, _)| r.confirmed_at)
        .opt_time("promoted_at", |(r, _)| r.promoted_at)
        .opt_time("cancelled_at", |(r, _)| r.cancelled_at)
        .opt_time("checked_in_at", |(r, _)| r.checked_in_at)
        .opt_time("offered_at", |(r, _)| r.offered_at)
        .opt_time("offer_expires_at", |(r, _)| r.offer_expires_at)
        .text("attendance", |(_, a)| a)
        .finish()?)
}

/// One count of an event's figures.
type Count = fn(&EventStats) -> u32;

/// Figures of every event (`Community::event_stats`).
pub fn event_stats(c: &Community) -> Result<RecordBatch, ArrowError> {
    let rows = c.event_stats();
    let mut t = Columns::new(&rows);
    t.id("event_id", |s| s.event.get())
        .text("kind", |s| s.kind.kind())
        .text("state", |s| s.state.kind())
        .int("year", |s| i64::from(s.year));
    let counts: [(&str, Count); 8] = [
        ("capacity", |s| s.capacity),
        ("confirmed_on_site", |s| s.confirmed_on_site),
        ("confirmed_remote", |s| s.confirmed_remote),
        ("waiting", |s| s.waiting),
        ("promoted", |s| s.promoted),
        ("cancelled", |s| s.cancelled),
        ("attended", |s| s.attended),
        ("no_shows", |s| s.no_shows),
    ];
    for (name, f) in counts {
        t.id(name, |s| u64::from(f(s)));
    }
    t.opt_float("fill_rate", |s| s.fill_rate)
        .opt_float("attendance_rate", |s| s.attendance_rate)
        .opt_float("no_show_rate", |s| s.no_show_rate)
        .finish()
}

/// Events held per year and kind.
pub fn events_held(c: &Community) -> Result<RecordBatch, ArrowError> {
    let rows: Vec<_> = c.events_held_per_year_and_kind().into_iter().collect();
    Columns::new(&rows)
        .int("year", |((y, _), _)| i64::from(*y))
        .text("kind", |((_, k), _)| k.kind())
        .id("count", |(_, n)| u64::from(*n))
        .finish()
}

/// Members by administration, audience and status.
pub fn member_groups(c: &Community, at: DateTime<Utc>) -> Result<RecordBatch, ArrowError> {
    let rows = c.member_groups(at);
    Columns::new(&rows)
        .text("administration", |g| &g.administration)
        .text("audience", |g| &g.audience)
        .text("status", |g| g.status.kind())
        .id("count", |g| u64::from(g.count))
        .finish()
}

/// Members joined per month.
pub fn joined_per_month(c: &Community) -> Result<RecordBatch, ArrowError> {
    let rows: Vec<_> = c.members_joined_per_month().into_iter().collect();
    Columns::new(&rows)
        .int("year", |((y, _), _)| i64::from(*y))
        .id("month", |((_, m), _)| u64::from(*m))
        .id("count", |(_, n)| u64::from(*n))
        .finish()
}

/// Help requests (the question's text is left out: see `HelpRequest.text`).
pub fn help_requests(c: &Community) -> Result<RecordBatch, ArrowError> {
    let rows: Vec<_> = c.help_requests().collect();
    Columns::new(&rows)
        .id("id", |h| h.id.get())
        .id("asker_id", |h| h.asker.get())
        .text("topic", |h| &h.topic)
        .texts("skills", |h| h.skills.iter())
        .text("visibility", |h| h.visibility.kind())
        .text("state", |h| h.state().kind())
        .time("asked_at", |h| h.asked_at())
        .time("last_step_at", |h| {
            h.steps.last().map_or(h.asked_at(), |s| s.at)
        })
        .ids("referred_to", |h| {
            h.referred_to().iter().map(|m| m.get()).collect::<Vec<_>>()
        })
        .finish()
}

/// Watch items.
pub fn watch_items(c: &Community) -> Result<RecordBatch, ArrowError> {
    let rows: Vec<_> = c.watch_items().collect();
    Columns::new(&rows)
        .id("id", |w| w.id.get())
        .text("title", |w| &w.title)
        .text("link", |w| &w.link)
        .text("scope", |w| w.scope.kind())
        .texts("tags", |w| w.tags.iter())
        .id("shared_by", |w| w.shared_by.get())
        .time("shared_at", |w| w.shared_at)
        .opt_id("event_id", |w| w.event.map(|e| e.get()))
        .opt_id("help_request_id", |w| w.help_request.map(|h| h.get()))
        .texts("channels", |w| w.published.iter().map(|(c, _)| c))
        .finish()
}
