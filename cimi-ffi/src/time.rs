//! The time convention of the bindings.
//!
//! Every instant crosses the boundary as an `i64` count of **milliseconds since
//! the Unix epoch, UTC** (Java's `System.currentTimeMillis()` and
//! `Instant.toEpochMilli()`, Python's `time.time_ns() // 1_000_000`). The core
//! takes the current instant as an explicit parameter (`at_ms`, `now_ms`);
//! [`now_ms`] gives the machine's clock for callers who want "now". Helpers
//! convert from and to RFC 3339 text and from Europe/Paris civil time, the
//! community's time zone.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};

use crate::error::CimiError;

/// Milliseconds since the epoch → instant; out-of-range values are an
/// `invalid_input` error naming the argument.
pub(crate) fn instant(ms: i64, field: &str) -> Result<DateTime<Utc>, CimiError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| {
        CimiError::input(
            field,
            format!("{ms} ms is outside the supported range of instants"),
            format!("{ms} ms est hors de l'intervalle des instants pris en charge"),
        )
    })
}

/// Milliseconds → a duration (`reminderMs`, `waitlistOfferMs`…); a value
/// beyond chrono's range is an `invalid_input` error naming the argument.
/// Whether the duration makes sense is the core's to judge.
pub(crate) fn duration(ms: i64, field: &str) -> Result<TimeDelta, CimiError> {
    TimeDelta::try_milliseconds(ms).ok_or_else(|| {
        CimiError::input(
            field,
            format!("{ms} ms is outside the supported range of durations"),
            format!("{ms} ms est hors de l'intervalle des durées prises en charge"),
        )
    })
}

pub(crate) fn opt_instant(
    ms: Option<i64>,
    field: &str,
) -> Result<Option<DateTime<Utc>>, CimiError> {
    ms.map(|ms| instant(ms, field)).transpose()
}

pub(crate) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn opt_millis(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(millis)
}

/// The machine's current instant, in milliseconds since the epoch (UTC): the
/// "now" to pass as `at_ms` or `now_ms`.
#[uniffi::export]
pub fn now_ms() -> i64 {
    millis(Utc::now())
}

/// Parses an RFC 3339 instant (`2017-12-12T12:30:00+01:00`,
/// `2017-12-12T11:30:00Z`) into milliseconds since the epoch.
#[uniffi::export]
pub fn instant_from_rfc3339(text: String) -> Result<i64, CimiError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|e| {
            CimiError::input(
                "instant",
                format!("not an RFC 3339 date-time ({e})"),
                format!("pas une date-heure RFC 3339 ({e})"),
            )
        })
}

/// Formats an instant as RFC 3339 in UTC (`2017-12-12T11:30:00.000Z`).
#[uniffi::export]
pub fn instant_to_rfc3339(ms: i64) -> Result<String, CimiError> {
    Ok(instant(ms, "ms")?.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Formats an instant as RFC 3339 in Europe/Paris civil time
/// (`2017-12-12T12:30:00+01:00`).
#[uniffi::export]
pub fn instant_to_paris_rfc3339(ms: i64) -> Result<String, CimiError> {
    Ok(cimi_core::event::to_paris(instant(ms, "ms")?).to_rfc3339_opts(SecondsFormat::Secs, false))
}

/// The instant of a Europe/Paris civil time (the community's time zone), with
/// the right summer or winter offset. A time that does not exist (spring gap)
/// or happens twice (autumn fall-back) is an `invalid_input` error of kind
/// `nonexistent_local_time` or `ambiguous_local_time`.
#[uniffi::export]
pub fn paris_instant_ms(
    year: i32,
    month: i32,
    day: i32,
    hour: i32,
    minute: i32,
) -> Result<i64, CimiError> {
    let bad = || {
        CimiError::input(
            "date",
            format!(
                "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} is not a valid date and time"
            ),
            format!(
                "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} n'est pas une date et une heure valides"
            ),
        )
    };
    let u = |v: i32| u32::try_from(v).map_err(|_| bad());
    let (month, day, hour, minute) = (u(month)?, u(day)?, u(hour)?, u(minute)?);
    let local = NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, 0))
        .ok_or_else(bad)?;
    Ok(millis(cimi_core::event::paris_instant(local)?))
}
