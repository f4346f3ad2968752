//! The exports: an event's attendee list and the member directory, written
//! in the options' dialect and language with every cell neutralised.

use chrono::{DateTime, Utc};

use super::{BOM, Column, CsvOptions, neutralise};
use crate::community::Community;
use crate::error::{Entity, Error};
use crate::ids::EventId;
use crate::registration::RegistrationStatus;

fn write_document(options: &CsvOptions, rows: Vec<Vec<String>>) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(options.dialect.separator())
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        // Writing into memory cannot fail.
        let _ = writer.write_record(row.iter().map(|c| neutralise(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::with_capacity(bytes.len() + 3);
    if options.dialect.bom() {
        out.push(BOM);
    }
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

/// The attendee list of an event, in order of arrival: columns nom, prénom,
/// service, grade, fonction, adresse, statut (family name, given name,
/// service, grade, function, email, status in English). The status is the
/// registration status label in the options' language. Cancelled
/// registrations appear only with [`CsvOptions::include_cancelled`]; an erased
/// member's personal cells are empty.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use cimi_core::event::{EventKind, EventSpec, Schedule};
/// use cimi_core::registration::RegistrationRequest;
/// use cimi_core::interop::csv::{attendees, CsvOptions};
/// use cimi_core::{Community, Lang};
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let mut c = Community::cimi();
/// let when = Schedule::new(now + Duration::days(7), now + Duration::days(7) + Duration::hours(2))?;
/// let ev = c.schedule_event(EventSpec::new(EventKind::Miditech, "IA", when, 10), now)?;
/// c.register(ev, &RegistrationRequest::new("jean.dupont@interieur.gouv.fr").names("Dupont", "Jean")
///     .affiliation("DNUM", "attaché", "chef de projet").acknowledging(["deontology", "pssi"]), now)?;
/// assert_eq!(attendees(&c, ev, &CsvOptions::french_office())?,
///     "\u{FEFF}nom;prénom;service;grade;fonction;adresse;statut\r\n\
///      Dupont;Jean;DNUM;attaché;chef de projet;jean.dupont@interieur.gouv.fr;confirmé\r\n");
/// assert!(attendees(&c, ev, &CsvOptions::rfc4180().with_lang(Lang::En))?
///     .ends_with("Dupont,Jean,DNUM,attaché,chef de projet,jean.dupont@interieur.gouv.fr,confirmed\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn attendees(
    community: &Community,
    event: EventId,
    options: &CsvOptions,
) -> Result<String, Error> {
    if community.event(event).is_none() {
        return Err(Error::NotFound {
            entity: Entity::Event,
            id: event.get(),
        });
    }
    let lang = options.lang;
    let mut rows = vec![
        [
            Column::FamilyName,
            Column::GivenName,
            Column::Service,
            Column::Grade,
            Column::Function,
            Column::Email,
        ]
        .iter()
        .map(|c| c.label(lang).to_string())
        .chain([lang.pick("statut", "status").to_string()])
        .collect::<Vec<_>>(),
    ];
    for r in community.registrations(event) {
        if r.status == RegistrationStatus::Cancelled && !options.include_cancelled {
            continue;
        }
        let status = r.status.label(lang).to_string();
        let row = match community.member(r.member) {
            Some(m) if !m.is_erased() => vec![
                m.family_name.to_string(),
                m.given_name.to_string(),
                m.service.to_string(),
                m.grade.to_string(),
                m.function.to_string(),
                m.email.to_string(),
                status,
            ],
            _ => vec![String::new(); 6].into_iter().chain([status]).collect(),
        };
        rows.push(row);
    }
    Ok(write_document(options, rows))
}

/// The member directory (erased members left out), by identifier: nom,
/// prénom, adresse, service, grade, fonction, corps, compétences, centres
/// d'intérêt, statut (active or dormant at `now`), membre depuis (date in
/// Paris). [`import_members`](super::import_members) reads it back.
///
/// ```
/// use cimi_core::interop::csv::{directory, CsvOptions};
/// use cimi_core::{Community, Lang};
/// let c = Community::cimi();
/// let now = chrono::Utc::now();
/// assert_eq!(directory(&c, &CsvOptions::rfc4180().with_lang(Lang::En), now),
///     "family name,given name,email,service,grade,function,corps,skills,interests,status,member since\r\n");
/// ```
pub fn directory(community: &Community, options: &CsvOptions, now: DateTime<Utc>) -> String {
    let lang = options.lang;
    let window = community.statutes().activity_window();
    let mut rows = vec![
        Column::ALL
            .iter()
            .map(|c| c.label(lang).to_string())
            .chain([
                lang.pick("statut", "status").to_string(),
                lang.pick("membre depuis", "member since").to_string(),
            ])
            .collect::<Vec<_>>(),
    ];
    for m in community.members().filter(|m| !m.is_erased()) {
        rows.push(vec![
            m.family_name.to_string(),
            m.given_name.to_string(),
            m.email.to_string(),
            m.service.to_string(),
            m.grade.to_string(),
            m.function.to_string(),
            m.corps()
                .map(|c| c.as_str())
                .unwrap_or_default()
                .to_string(),
            join_tags(&m.skills),
            join_tags(m.interests()),
            m.status(window, now).label(lang).to_string(),
            crate::event::to_paris(m.joined_at)
                .format("%Y-%m-%d")
                .to_string(),
        ]);
    }
    write_document(options, rows)
}

fn join_tags(tags: &crate::text::TextSet) -> String {
    tags.iter().collect::<Vec<_>>().join(", ")
}
