//! The calendar writer: one folded content line at a time, the calendar head
//! with the Europe/Paris VTIMEZONE, and the start and end times.

use chrono::{DateTime, Utc};

use super::encoding::{escape_text, fold};
use super::{PRODID, TZID};
use crate::event::paris_instant;

/// A calendar being written, one content line at a time.
pub(super) struct Writer {
    out: String,
}

impl Writer {
    pub(super) fn new() -> Writer {
        Writer {
            out: String::with_capacity(4096),
        }
    }

    /// A raw content line whose value is already in its final form.
    pub(super) fn line(&mut self, name: &str, params: &[(&str, String)], value: &str) {
        let mut l = String::with_capacity(name.len() + value.len() + 16);
        l.push_str(name);
        for (k, v) in params {
            l.push(';');
            l.push_str(k);
            l.push('=');
            l.push_str(v);
        }
        l.push(':');
        l.push_str(value);
        self.out.push_str(&fold(&l));
        self.out.push_str("\r\n");
    }

    pub(super) fn text(&mut self, name: &str, value: &str) {
        self.line(name, &[], &escape_text(value));
    }

    pub(super) fn begin(&mut self, component: &str) {
        self.line("BEGIN", &[], component);
    }

    pub(super) fn end(&mut self, component: &str) {
        self.line("END", &[], component);
    }

    pub(super) fn calendar_head(&mut self, method: &str, name: Option<&str>) {
        self.begin("VCALENDAR");
        self.line("VERSION", &[], "2.0");
        self.line("PRODID", &[], PRODID);
        self.line("CALSCALE", &[], "GREGORIAN");
        self.line("METHOD", &[], method);
        if let Some(name) = name {
            self.text("NAME", name);
            self.text("X-WR-CALNAME", name);
        }
        self.line("X-WR-TIMEZONE", &[], TZID);
        self.vtimezone();
    }

    /// Europe/Paris under the EU rules in force since 1996 (summer time since
    /// 1981 on the last Sunday of March; winter time on the last Sunday of
    /// October since 1996), as most calendar servers publish it.
    fn vtimezone(&mut self) {
        self.begin("VTIMEZONE");
        self.line("TZID", &[], TZID);
        self.line("X-LIC-LOCATION", &[], TZID);
        self.begin("DAYLIGHT");
        self.line("TZOFFSETFROM", &[], "+0100");
        self.line("TZOFFSETTO", &[], "+0200");
        self.line("TZNAME", &[], "CEST");
        self.line("DTSTART", &[], "19810329T020000");
        self.line("RRULE", &[], "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
        self.end("DAYLIGHT");
        self.begin("STANDARD");
        self.line("TZOFFSETFROM", &[], "+0200");
        self.line("TZOFFSETTO", &[], "+0100");
        self.line("TZNAME", &[], "CET");
        self.line("DTSTART", &[], "19961027T030000");
        self.line("RRULE", &[], "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
        self.end("STANDARD");
        self.end("VTIMEZONE");
    }

    /// DTSTART or DTEND: Paris civil time with TZID, or UTC when the civil
    /// time would not name this instant (the repeated hour in October).
    pub(super) fn time(&mut self, name: &str, at: DateTime<Utc>) {
        let local = crate::event::to_paris(at).naive_local();
        if paris_instant(local) == Ok(at) {
            self.line(
                name,
                &[("TZID", TZID.to_string())],
                &local.format("%Y%m%dT%H%M%S").to_string(),
            );
        } else {
            self.line(name, &[], &utc(at));
        }
    }

    pub(super) fn finish(mut self) -> String {
        self.end("VCALENDAR");
        self.out
    }
}

pub(super) fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}
