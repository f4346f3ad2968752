//! Interoperability with the organisers' tools, as the core does it:
//! spreadsheets (CSV exports and the member import), calendars (iCalendar)
//! and registration by e-mail.

use cimi_core::interop::{csv as ccsv, ical, mail};

use crate::community::Community;
use crate::convert::{event_id, id_i64, registration_id};
use crate::error::CimiError;
use crate::time::{duration, instant};
use crate::{Lang, RegistrationOutcome, RegistrationRequest};

pub use cimi_core::interop::csv::CsvDialect;

/// A CSV dialect.
#[uniffi::remote(Enum)]
#[non_exhaustive]
pub enum CsvDialect {
    /// `;` separator, UTF-8 with BOM, CRLF: what French spreadsheet
    /// programs open with a double click.
    FrenchOffice,
    /// RFC 4180: `,` separator, no BOM, CRLF.
    Rfc4180,
}

/// Options of the CSV exports.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CsvOptions {
    /// The dialect.
    pub dialect: CsvDialect,
    /// The language of headers and status labels.
    pub lang: Lang,
    /// Whether the attendee list also shows cancelled registrations.
    pub include_cancelled: bool,
}

impl From<CsvOptions> for ccsv::CsvOptions {
    fn from(o: CsvOptions) -> Self {
        ccsv::CsvOptions {
            dialect: o.dialect,
            lang: o.lang,
            include_cancelled: o.include_cancelled,
        }
    }
}

/// Options of the iCalendar documents (the core's `ical::IcalOptions`),
/// for `eventIcalWith`, `calendarIcalWith` and `invitationIcalWith`. The
/// default (Kotlin `IcalOptions()`, Java `new IcalOptions()` or
/// `new IcalOptionsBuilder().build()`) gives the documents of `eventIcal`,
/// `calendarIcal` and `invitationIcal`.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct IcalOptions {
    /// A reminder (`VALARM`, `ACTION:DISPLAY`) this many milliseconds before
    /// the start of each event still standing (the core writes it to the
    /// second; a negative value is taken as zero); `null`: none. Java:
    /// `new IcalOptionsBuilder().reminder(Duration.ofMinutes(30))`.
    #[uniffi(default = None)]
    pub reminder_ms: Option<i64>,
}

impl IcalOptions {
    fn into_core(self) -> Result<ical::IcalOptions, CimiError> {
        let options = ical::IcalOptions::default();
        let Some(ms) = self.reminder_ms else {
            return Ok(options);
        };
        Ok(options.with_reminder(duration(ms, "reminder_ms")?))
    }
}

/// A row an import refused.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RejectedRow {
    /// Line of the document where the row starts (the header is line 1).
    pub line: i64,
    /// Stable snake_case problem (`missing_address`, `duplicate_address`…).
    pub kind: String,
    /// The problem in English.
    pub message: String,
    /// The problem in French.
    pub message_fr: String,
}

/// What a member import did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportReport {
    /// The members added, in the order of the rows.
    pub imported: Vec<i64>,
    /// Every bad row, in order.
    pub rejected: Vec<RejectedRow>,
    /// Data rows read (blank rows excluded).
    pub rows: i64,
    /// The separator found (`;` or `,`).
    pub separator: String,
    /// The encoding found (`utf8`, `utf8_bom`, `windows1252`).
    pub encoding: String,
    /// Header cells that name no known column (their cells were ignored).
    pub ignored_columns: Vec<String>,
    /// Whether every row was imported.
    pub complete: bool,
}

impl From<ccsv::ImportReport> for ImportReport {
    fn from(r: ccsv::ImportReport) -> Self {
        ImportReport {
            imported: r.imported.iter().map(|id| id_i64(id.get())).collect(),
            rejected: r
                .rejected
                .iter()
                .map(|row| RejectedRow {
                    line: i64::try_from(row.line).unwrap_or(i64::MAX),
                    kind: row.problem.kind().to_string(),
                    message: row.problem.message(cimi_core::Lang::En),
                    message_fr: row.problem.message(cimi_core::Lang::Fr),
                })
                .collect(),
            rows: i64::try_from(r.rows).unwrap_or(i64::MAX),
            separator: char::from(r.separator).to_string(),
            encoding: r.encoding.kind().to_string(),
            complete: r.is_complete(),
            ignored_columns: r.ignored_columns,
        }
    }
}

#[uniffi::export]
impl Community {
    /// The attendee list of an event as CSV (sheet-formula cells neutralised).
    pub fn attendees_csv(&self, event_id: i64, options: CsvOptions) -> Result<String, CimiError> {
        let id = event_id_arg(event_id)?;
        let options = options.into();
        self.read(|c| Ok(ccsv::attendees(c, id, &options)?))
    }

    /// The member directory as CSV (erased members left out), statuses at `now_ms`.
    pub fn directory_csv(&self, options: CsvOptions, now_ms: i64) -> Result<String, CimiError> {
        let now = instant(now_ms, "now_ms")?;
        let options = options.into();
        self.read(|c| Ok(ccsv::directory(c, &options, now)))
    }

    /// Imports members from a CSV document (either dialect, UTF-8 or
    /// Windows-1252, French or English headers). Unless `skip_bad_rows`,
    /// nothing is imported when any row is bad; the report lists every bad row.
    pub fn import_members_csv(
        &self,
        data: Vec<u8>,
        skip_bad_rows: bool,
        at_ms: i64,
    ) -> Result<ImportReport, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let options = ccsv::ImportOptions { skip_bad_rows };
        self.write(|c| ccsv::import_members(c, &data, &options, at).map(Into::into))
    }

    /// One event as an iCalendar document (RFC 5545, Europe/Paris):
    /// `METHOD:PUBLISH`, or `METHOD:CANCEL` once the event is cancelled, with
    /// `SEQUENCE` its `revision` so that a calendar client updates or removes
    /// the entry it imported.
    pub fn event_ical(&self, event_id: i64, now_ms: i64) -> Result<String, CimiError> {
        let id = event_id_arg(event_id)?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(ical::event(c, id, now)?))
    }

    /// Several events in one iCalendar document named after the community.
    pub fn calendar_ical(&self, event_ids: Vec<i64>, now_ms: i64) -> Result<String, CimiError> {
        let ids = event_ids
            .into_iter()
            .map(event_id_arg)
            .collect::<Result<Vec<_>, _>>()?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(ical::calendar(c, &ids, now)?))
    }

    /// The invitation (`METHOD:REQUEST`) of a registration, from `organizer_email`.
    pub fn invitation_ical(
        &self,
        registration_id: i64,
        organizer_email: String,
        now_ms: i64,
    ) -> Result<String, CimiError> {
        let id = registration_id_arg(registration_id)?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(ical::invitation(c, id, &organizer_email, now)?))
    }

    /// `eventIcal` with options (a reminder).
    pub fn event_ical_with(
        &self,
        event_id: i64,
        options: IcalOptions,
        now_ms: i64,
    ) -> Result<String, CimiError> {
        let id = event_id_arg(event_id)?;
        let options = options.into_core()?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(ical::event_with(c, id, now, &options)?))
    }

    /// `calendarIcal` with options (a reminder for each event still standing;
    /// a cancelled event stays with `STATUS:CANCELLED` and its higher
    /// `SEQUENCE`).
    pub fn calendar_ical_with(
        &self,
        event_ids: Vec<i64>,
        options: IcalOptions,
        now_ms: i64,
    ) -> Result<String, CimiError> {
        let ids = event_ids
            .into_iter()
            .map(event_id_arg)
            .collect::<Result<Vec<_>, _>>()?;
        let options = options.into_core()?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(ical::calendar_with(c, &ids, now, &options)?))
    }

    /// `invitationIcal` with options (a reminder, left out of a
    /// cancellation).
    pub fn invitation_ical_with(
        &self,
        registration_id: i64,
        organizer_email: String,
        options: IcalOptions,
        now_ms: i64,
    ) -> Result<String, CimiError> {
        let id = registration_id_arg(registration_id)?;
        let options = options.into_core()?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| {
            Ok(ical::invitation_with(
                c,
                id,
                &organizer_email,
                now,
                &options,
            )?)
        })
    }
}

fn event_id_arg(id: i64) -> Result<cimi_core::ids::EventId, CimiError> {
    event_id(id)
}

fn registration_id_arg(id: i64) -> Result<cimi_core::ids::RegistrationId, CimiError> {
    registration_id(id)
}

/// How far a registration e-mail's sender is trusted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MailPolicy {
    /// Whether the message must carry the community server's
    /// `Authentication-Results` with `dmarc=pass` for the sender's domain.
    pub require_dmarc: bool,
    /// The authserv-id of the community's own mail server (when DMARC is required).
    pub authserv_id: String,
}

impl From<MailPolicy> for mail::MailPolicy {
    fn from(p: MailPolicy) -> Self {
        if p.require_dmarc {
            mail::MailPolicy::require_dmarc(p.authserv_id)
        } else {
            mail::MailPolicy::trust_sender()
        }
    }
}

/// What is missing or wrong in a registration e-mail.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MailProblem {
    /// Stable snake_case problem (`no_sender`, `missing_field`, `unknown_event`…).
    pub kind: String,
    /// The problem in English.
    pub message: String,
    /// The problem in French.
    pub message_fr: String,
}

impl From<&mail::MailProblem> for MailProblem {
    fn from(p: &mail::MailProblem) -> Self {
        MailProblem {
            kind: p.kind().to_string(),
            message: p.message(cimi_core::Lang::En),
            message_fr: p.message(cimi_core::Lang::Fr),
        }
    }
}

/// A registration e-mail read into a request, without changing anything.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MailReading {
    /// The sender, when there is exactly one valid `From` address.
    pub sender: Option<String>,
    /// The event, when one was recognised.
    pub event_id: Option<i64>,
    /// The request built from the message (fields read so far).
    pub request: RegistrationRequest,
    /// Every problem found; empty when the request is ready.
    pub problems: Vec<MailProblem>,
    /// Whether the request is ready for `register`.
    pub complete: bool,
}

/// What a registration e-mail led to: a registration, or a reply saying what
/// is missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MailOutcome {
    /// Whether the engine accepted the request.
    pub registered: bool,
    /// The event, when registered.
    pub event_id: Option<i64>,
    /// What the engine answered, when registered.
    pub outcome: Option<RegistrationOutcome>,
    /// Every problem found, when not registered.
    pub problems: Vec<MailProblem>,
    /// The text to send back, in French (confirmation or what to fix).
    pub reply_fr: String,
}

#[uniffi::export]
impl Community {
    /// Reads a raw registration e-mail (RFC 5322/MIME bytes) into a request
    /// for one of the community's events, without changing anything.
    pub fn read_registration_email(
        &self,
        raw: Vec<u8>,
        policy: MailPolicy,
        at_ms: i64,
    ) -> Result<MailReading, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let policy = policy.into();
        self.read(|c| {
            let r = mail::read_request(c, &raw, &policy, at)?;
            Ok(MailReading {
                sender: r.sender.as_ref().map(|s| s.as_str().to_string()),
                event_id: r.event.map(|e| id_i64(e.get())),
                complete: r.is_complete(),
                request: (&r.request).into(),
                problems: r.problems.iter().map(Into::into).collect(),
            })
        })
    }

    /// Registers from a raw e-mail: the engine's answer and a French
    /// confirmation, or a French reply listing what is missing or wrong.
    pub fn register_from_email(
        &self,
        raw: Vec<u8>,
        policy: MailPolicy,
        at_ms: i64,
    ) -> Result<MailOutcome, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let policy = policy.into();
        let out = self.write(|c| mail::register_from_email(c, &raw, &policy, at))?;
        let reply_fr = out.text_fr().to_string();
        Ok(match out {
            mail::MailOutcome::Registered { event, outcome, .. } => MailOutcome {
                registered: true,
                event_id: Some(id_i64(event.get())),
                outcome: Some(outcome.into()),
                problems: Vec::new(),
                reply_fr,
            },
            mail::MailOutcome::Reply { problems, .. } => MailOutcome {
                registered: false,
                event_id: None,
                outcome: None,
                problems: problems.iter().map(Into::into).collect(),
                reply_fr,
            },
            // A kind of outcome added to the core later: its text still goes back.
            _ => MailOutcome {
                registered: false,
                event_id: None,
                outcome: None,
                problems: Vec::new(),
                reply_fr,
            },
        })
    }
}
