//! Columnar tables (`dict[str, list]`) that `pandas.DataFrame(...)` and
//! `polars.DataFrame(...)` take as they are. The columns are gathered from the
//! core with the community's lock held, then turned into Python lists after
//! it is released.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cimi_core::ids::EventId;
use cimi_core::member::ConsentKind;
use cimi_core::stats::EventStats;
use cimi_core::{Community, Error};

/// One column of a table.
pub enum Column {
    Int(Vec<u64>),
    SignedInt(Vec<i64>),
    OptFloat(Vec<Option<f64>>),
    IntList(Vec<Vec<u64>>),
    OptInt(Vec<Option<u64>>),
    Str(Vec<String>),
    OptStr(Vec<Option<String>>),
    Bool(Vec<bool>),
    Time(Vec<DateTime<Utc>>),
    OptTime(Vec<Option<DateTime<Utc>>>),
    StrList(Vec<Vec<String>>),
}

/// Named columns, in order.
pub struct Table(Vec<(&'static str, Column)>);

impl Table {
    /// The table as a `dict` of lists.
    pub fn into_py_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        for (name, column) in self.0 {
            match column {
                Column::Int(v) => d.set_item(name, v)?,
                Column::SignedInt(v) => d.set_item(name, v)?,
                Column::OptFloat(v) => d.set_item(name, v)?,
                Column::IntList(v) => d.set_item(name, v)?,
                Column::OptInt(v) => d.set_item(name, v)?,
                Column::Str(v) => d.set_item(name, v)?,
                Column::OptStr(v) => d.set_item(name, v)?,
                Column::Bool(v) => d.set_item(name, v)?,
                Column::Time(v) => d.set_item(name, v)?,
                Column::OptTime(v) => d.set_item(name, v)?,
                Column::StrList(v) => d.set_item(name, v)?,
            }
        }
        Ok(d)
    }
}

fn col<T, U>(rows: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

/// Members: identity, affiliation, skills, participation, status and
/// consents as of `at`.
pub fn members(c: &Community, at: DateTime<Utc>) -> Table {
    let window = c.statutes().activity_window();
    let rows: Vec<_> = c.members().collect();
    let mut t = vec![
        ("id", Column::Int(col(&rows, |m| m.id.get()))),
        (
            "email",
            Column::Str(col(&rows, |m| m.email.as_str().to_owned())),
        ),
        (
            "domain",
            Column::Str(col(&rows, |m| m.email.domain().to_owned())),
        ),
        (
            "family_name",
            Column::Str(col(&rows, |m| m.family_name.to_string())),
        ),
        (
            "given_name",
            Column::Str(col(&rows, |m| m.given_name.to_string())),
        ),
        (
            "service",
            Column::Str(col(&rows, |m| m.service.to_string())),
        ),
        (
            "administration",
            Column::OptStr(col(&rows, |m| {
                m.affiliation.administration().map(str::to_owned)
            })),
        ),
        (
            "affiliation",
            Column::StrList(col(&rows, |m| {
                m.affiliation.units().map(|s| s.to_string()).collect()
            })),
        ),
        (
            "corps",
            Column::OptStr(col(&rows, |m| {
                m.corps().map(|c| c.as_str()).map(str::to_owned)
            })),
        ),
        ("grade", Column::Str(col(&rows, |m| m.grade.to_string()))),
        (
            "function",
            Column::Str(col(&rows, |m| m.function.to_string())),
        ),
        (
            "skills",
            Column::StrList(col(&rows, |m| {
                m.skills.iter().map(|s| s.to_string()).collect()
            })),
        ),
        (
            "interests",
            Column::StrList(col(&rows, |m| {
                m.interests().iter().map(|s| s.to_string()).collect()
            })),
        ),
        ("joined_at", Column::Time(col(&rows, |m| m.joined_at))),
        (
            "last_participation_at",
            Column::OptTime(col(&rows, |m| m.last_participation_at)),
        ),
        (
            "status",
            Column::Str(col(&rows, |m| m.status(window, at).kind().to_owned())),
        ),
        (
            "bureau_role",
            Column::OptStr(col(&rows, |m| {
                m.bureau_role().map(|r| r.responsibility.to_string())
            })),
        ),
        ("erased_at", Column::OptTime(col(&rows, |m| m.erased_at()))),
    ];
    for (kind, name) in [
        (ConsentKind::MailingList, "consent_mailing_list"),
        (ConsentKind::Recording, "consent_recording"),
        (ConsentKind::NamePublication, "consent_name_publication"),
    ] {
        t.push((name, Column::Bool(col(&rows, |m| m.has_consent(kind, at)))));
    }
    Table(t)
}

/// Events with their schedule, place, settings and occupancy.
pub fn events(c: &Community) -> Table {
    let rows: Vec<_> = c
        .events()
        .filter_map(|e| c.occupancy(e.id).ok().map(|o| (e, o)))
        .collect();
    Table(vec![
        ("id", Column::Int(col(&rows, |(e, _)| e.id.get()))),
        (
            "kind",
            Column::Str(col(&rows, |(e, _)| e.kind.kind().to_owned())),
        ),
        ("title", Column::Str(col(&rows, |(e, _)| e.title.clone()))),
        (
            "state",
            Column::Str(col(&rows, |(e, _)| e.state.kind().to_owned())),
        ),
        (
            "starts_at",
            Column::Time(col(&rows, |(e, _)| e.schedule.starts_at)),
        ),
        (
            "ends_at",
            Column::Time(col(&rows, |(e, _)| e.schedule.ends_at)),
        ),
        (
            "venue",
            Column::OptStr(col(&rows, |(e, _)| {
                e.venue.as_ref().map(|v| v.name.clone())
            })),
        ),
        (
            "venue_address",
            Column::OptStr(col(&rows, |(e, _)| {
                e.venue.as_ref().map(|v| v.address.clone())
            })),
        ),
        (
            "remote_url",
            Column::OptStr(col(&rows, |(e, _)| {
                e.remote.as_ref().map(|r| r.url.clone())
            })),
        ),
        (
            "remote_capacity",
            Column::OptInt(col(&rows, |(e, _)| {
                e.remote.as_ref().and_then(|r| r.capacity).map(u64::from)
            })),
        ),
        (
            "capacity",
            Column::Int(col(&rows, |(e, _)| u64::from(e.capacity))),
        ),
        ("waitlist", Column::Bool(col(&rows, |(e, _)| e.waitlist))),
        (
            "registration_opens_at",
            Column::OptTime(col(&rows, |(e, _)| e.registration_opens_at)),
        ),
        (
            "registration_deadline",
            Column::Time(col(&rows, |(e, _)| e.registration_deadline())),
        ),
        (
            "created_at",
            Column::Time(col(&rows, |(e, _)| e.created_at)),
        ),
        (
            "program_items",
            Column::Int(col(&rows, |(e, _)| e.program.len() as u64)),
        ),
        (
            "speakers",
            Column::StrList(col(&rows, |(e, _)| {
                e.program
                    .iter()
                    .flat_map(|i| i.speakers.iter().map(|s| s.name.clone()))
                    .collect()
            })),
        ),
        (
            "recording_allowed",
            Column::Bool(col(&rows, |(e, _)| e.recording_allowed())),
        ),
        (
            "on_site",
            Column::Int(col(&rows, |(_, o)| u64::from(o.on_site))),
        ),
        (
            "remote",
            Column::Int(col(&rows, |(_, o)| u64::from(o.remote))),
        ),
        (
            "waiting",
            Column::Int(col(&rows, |(_, o)| u64::from(o.waiting))),
        ),
        (
            "reported_at",
            Column::OptTime(col(&rows, |(e, _)| {
                e.report.as_ref().map(|r| r.published_at)
            })),
        ),
    ])
}

/// Registrations (of one event, or all), with attendance
/// (`Community::attendance`).
pub fn registrations(c: &Community, event: Option<EventId>) -> Result<Table, Error> {
    let rows: Vec<_> = match event {
        Some(e) => c.registrations(e).collect(),
        None => c.all_registrations().collect(),
    };
    let attendance = rows
        .iter()
        .map(|r| c.attendance(r.id).map(|a| a.kind().to_owned()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Table(vec![
        ("id", Column::Int(col(&rows, |r| r.id.get()))),
        ("event_id", Column::Int(col(&rows, |r| r.event.get()))),
        ("member_id", Column::Int(col(&rows, |r| r.member.get()))),
        (
            "audience",
            Column::OptStr(col(&rows, |r| r.audience.as_deref().map(str::to_string))),
        ),
        (
            "mode",
            Column::Str(col(&rows, |r| r.mode.kind().to_owned())),
        ),
        (
            "status",
            Column::Str(col(&rows, |r| r.status.kind().to_owned())),
        ),
        (
            "seat",
            Column::OptStr(col(&rows, |r| r.seat.map(|s| s.kind().to_owned()))),
        ),
        (
            "waiting_for_seat",
            Column::Bool(col(&rows, |r| r.waiting_for_seat)),
        ),
        ("requested_at", Column::Time(col(&rows, |r| r.requested_at))),
        (
            "confirmed_at",
            Column::OptTime(col(&rows, |r| r.confirmed_at)),
        ),
        (
            "promoted_at",
            Column::OptTime(col(&rows, |r| r.promoted_at)),
        ),
        (
            "cancelled_at",
            Column::OptTime(col(&rows, |r| r.cancelled_at)),
        ),
        (
            "checked_in_at",
            Column::OptTime(col(&rows, |r| r.checked_in_at)),
        ),
        ("attendance", Column::Str(attendance)),
    ]))
}

/// Figures of every event (`Community::event_stats`).
pub fn event_stats(c: &Community) -> Table {
    let rows = c.event_stats();
    let n = |f: fn(&EventStats) -> u32| Column::Int(col(&rows, |s| u64::from(f(s))));
    Table(vec![
        ("event_id", Column::Int(col(&rows, |s| s.event.get()))),
        (
            "kind",
            Column::Str(col(&rows, |s| s.kind.kind().to_owned())),
        ),
        (
            "state",
            Column::Str(col(&rows, |s| s.state.kind().to_owned())),
        ),
        ("year", Column::SignedInt(col(&rows, |s| i64::from(s.year)))),
        ("capacity", n(|s| s.capacity)),
        ("confirmed_on_site", n(|s| s.confirmed_on_site)),
        ("confirmed_remote", n(|s| s.confirmed_remote)),
        ("waiting", n(|s| s.waiting)),
        ("promoted", n(|s| s.promoted)),
        ("cancelled", n(|s| s.cancelled)),
        ("attended", n(|s| s.attended)),
        ("no_shows", n(|s| s.no_shows)),
        ("fill_rate", Column::OptFloat(col(&rows, |s| s.fill_rate))),
        (
            "attendance_rate",
            Column::OptFloat(col(&rows, |s| s.attendance_rate)),
        ),
        (
            "no_show_rate",
            Column::OptFloat(col(&rows, |s| s.no_show_rate)),
        ),
    ])
}

/// Events held per year and kind.
pub fn events_held(c: &Community) -> Table {
    let rows: Vec<_> = c.events_held_per_year_and_kind().into_iter().collect();
    Table(vec![
        (
            "year",
            Column::SignedInt(col(&rows, |((y, _), _)| i64::from(*y))),
        ),
        (
            "kind",
            Column::Str(col(&rows, |((_, k), _)| k.kind().to_owned())),
        ),
        ("count", Column::Int(col(&rows, |(_, n)| u64::from(*n)))),
    ])
}

/// Members by administration, audience and status.
pub fn member_groups(c: &Community, at: DateTime<Utc>) -> Table {
    let rows = c.member_groups(at);
    Table(vec![
        (
            "administration",
            Column::Str(col(&rows, |g| g.administration.clone())),
        ),
        ("audience", Column::Str(col(&rows, |g| g.audience.clone()))),
        (
            "status",
            Column::Str(col(&rows, |g| g.status.kind().to_owned())),
        ),
        ("count", Column::Int(col(&rows, |g| u64::from(g.count)))),
    ])
}

/// Members joined per month.
pub fn joined_per_month(c: &Community) -> Table {
    let rows: Vec<_> = c.members_joined_per_month().into_iter().collect();
    Table(vec![
        (
            "year",
            Column::SignedInt(col(&rows, |((y, _), _)| i64::from(*y))),
        ),
        (
            "month",
            Column::Int(col(&rows, |((_, m), _)| u64::from(*m))),
        ),
        ("count", Column::Int(col(&rows, |(_, n)| u64::from(*n)))),
    ])
}

/// Help requests (the question's text is left out: see `HelpRequest.text`).
pub fn help_requests(c: &Community) -> Table {
    let rows: Vec<_> = c.help_requests().collect();
    Table(vec![
        ("id", Column::Int(col(&rows, |h| h.id.get()))),
        ("asker_id", Column::Int(col(&rows, |h| h.asker.get()))),
        ("topic", Column::Str(col(&rows, |h| h.topic.clone()))),
        (
            "skills",
            Column::StrList(col(&rows, |h| {
                h.skills.iter().map(|s| s.to_string()).collect()
            })),
        ),
        (
            "visibility",
            Column::Str(col(&rows, |h| h.visibility.kind().to_owned())),
        ),
        (
            "state",
            Column::Str(col(&rows, |h| h.state().kind().to_owned())),
        ),
        ("asked_at", Column::Time(col(&rows, |h| h.asked_at()))),
        (
            "last_step_at",
            Column::Time(col(&rows, |h| {
                h.steps.last().map_or(h.asked_at(), |s| s.at)
            })),
        ),
        (
            "referred_to",
            Column::IntList(col(&rows, |h| {
                h.referred_to().iter().map(|m| m.get()).collect()
            })),
        ),
    ])
}

/// Watch items.
pub fn watch_items(c: &Community) -> Table {
    let rows: Vec<_> = c.watch_items().collect();
    Table(vec![
        ("id", Column::Int(col(&rows, |w| w.id.get()))),
        ("title", Column::Str(col(&rows, |w| w.title.clone()))),
        ("link", Column::Str(col(&rows, |w| w.link.clone()))),
        (
            "scope",
            Column::Str(col(&rows, |w| w.scope.kind().to_owned())),
        ),
        (
            "tags",
            Column::StrList(col(&rows, |w| w.tags.iter().cloned().collect())),
        ),
        ("shared_by", Column::Int(col(&rows, |w| w.shared_by.get()))),
        ("shared_at", Column::Time(col(&rows, |w| w.shared_at))),
        (
            "event_id",
            Column::OptInt(col(&rows, |w| w.event.map(|e| e.get()))),
        ),
        (
            "help_request_id",
            Column::OptInt(col(&rows, |w| w.help_request.map(|h| h.get()))),
        ),
        (
            "channels",
            Column::StrList(col(&rows, |w| {
                w.published.iter().map(|(c, _)| c.clone()).collect()
            })),
        ),
    ])
}
