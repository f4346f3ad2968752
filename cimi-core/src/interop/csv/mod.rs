//! Spreadsheets: export of an event's attendee list and of the member
//! directory, import of members.
//!
//! Two dialects: the French office one ([`CsvOptions::french_office`]: `;`
//! separator, UTF-8 with a byte-order mark so that spreadsheet programs read
//! accents right, CRLF) and plain RFC 4180 ([`CsvOptions::rfc4180`]: `,`, no
//! BOM, CRLF). Headers are in French or English.
//!
//! Every exported cell that a spreadsheet would run as a formula (starting with
//! `=`, `+`, `-`, `@`, a tab or a carriage return, possibly after spaces, or
//! with their fullwidth forms) is neutralised with a leading `'`. The import
//! removes that `'` again, so an export can be imported back.
//!
//! The import ([`import_members`]) reads a header row with French or English
//! column names (accents and case optional), detects `;` or `,`, tolerates a
//! BOM, reads UTF-8 (or Windows-1252, as spreadsheet programs save "CSV"),
//! and reports every bad row with its line number and reason. Nothing is
//! imported when any row is bad, unless the caller asks to skip bad rows.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use cimi_core::interop::csv::{directory, import_members, CsvOptions, ImportOptions};
//! use cimi_core::Community;
//!
//! let at = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
//! let mut c = Community::cimi();
//! let data = "nom;prénom;adresse;service\r\nMartin;Alice;alice@interieur.gouv.fr;DNUM\r\n\
//!             Durand;Bob;pas-une-adresse;DGGN\r\n";
//! let report = import_members(&mut c, data.as_bytes(), &ImportOptions::default(), at)?;
//! assert!(report.imported.is_empty()); // all or nothing
//! assert_eq!(report.rejected[0].line, 3);
//! assert_eq!(report.rejected[0].problem.kind(), "invalid_address");
//!
//! let report = import_members(&mut c, data.as_bytes(), &ImportOptions { skip_bad_rows: true, ..Default::default() }, at)?;
//! assert_eq!(report.imported.len(), 1);
//! let sheet = directory(&c, &CsvOptions::rfc4180(), at);
//! assert!(sheet.starts_with("nom,prénom,adresse,"));
//! # Ok::<(), cimi_core::Error>(())
//! ```

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::{InteropError, has_forbidden_chars, loose_key};
use crate::address::{AddressError, EmailAddress};
use crate::community::{Community, MemberProfile};
use crate::error::{Entity, Error, StateError};
use crate::i18n::Lang;
use crate::ids::{EventId, MemberId};
use crate::registration::RegistrationStatus;

/// Largest CSV document [`import_members`] reads, in bytes.
pub const MAX_CSV_BYTES: usize = 32 << 20;
/// Most data rows [`import_members`] reads.
pub const MAX_CSV_ROWS: usize = 500_000;
/// Most skills and interests a row may give.
const MAX_TAGS: usize = 1_000;

/// The byte-order mark written by the French office dialect.
pub const BOM: char = '\u{FEFF}';

/// A CSV dialect.
///
/// ```
/// use cimi_core::interop::csv::CsvDialect;
/// assert_eq!(CsvDialect::FrenchOffice.separator(), b';');
/// assert_eq!(CsvDialect::Rfc4180.separator(), b',');
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CsvDialect {
    /// `;` separator, UTF-8 with BOM, CRLF: what French spreadsheet programs
    /// open with a double click.
    #[default]
    FrenchOffice,
    /// RFC 4180: `,` separator, no BOM, CRLF.
    Rfc4180,
}

impl CsvDialect {
    /// The field separator.
    pub fn separator(self) -> u8 {
        match self {
            CsvDialect::FrenchOffice => b';',
            CsvDialect::Rfc4180 => b',',
        }
    }

    /// Whether the document starts with a byte-order mark.
    pub fn bom(self) -> bool {
        self == CsvDialect::FrenchOffice
    }

    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            CsvDialect::FrenchOffice => "french_office",
            CsvDialect::Rfc4180 => "rfc4180",
        }
    }
}

/// Options of the exports.
///
/// ```
/// use cimi_core::interop::csv::{CsvDialect, CsvOptions};
/// use cimi_core::Lang;
/// let o = CsvOptions::rfc4180().with_lang(Lang::En);
/// assert_eq!((o.dialect, o.lang), (CsvDialect::Rfc4180, Lang::En));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CsvOptions {
    /// The dialect.
    pub dialect: CsvDialect,
    /// The language of headers and status labels.
    pub lang: Lang,
    /// Whether the attendee list also shows cancelled registrations.
    pub include_cancelled: bool,
}

impl CsvOptions {
    /// The French office dialect, French headers.
    pub fn french_office() -> CsvOptions {
        CsvOptions::default()
    }

    /// RFC 4180, French headers.
    pub fn rfc4180() -> CsvOptions {
        CsvOptions {
            dialect: CsvDialect::Rfc4180,
            ..CsvOptions::default()
        }
    }

    /// The same options in another language.
    pub fn with_lang(mut self, lang: Lang) -> CsvOptions {
        self.lang = lang;
        self
    }

    /// The same options, showing cancelled registrations too.
    pub fn with_cancelled(mut self, include: bool) -> CsvOptions {
        self.include_cancelled = include;
        self
    }
}

/// A column the import understands (and the directory export writes).
///
/// ```
/// use cimi_core::interop::csv::Column;
/// use cimi_core::Lang;
/// assert_eq!(Column::from_header("Prenom"), Some(Column::GivenName));
/// assert_eq!(Column::from_header("E-mail"), Some(Column::Email));
/// assert_eq!(Column::GivenName.label(Lang::Fr), "prénom");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Column {
    /// Nom.
    FamilyName,
    /// Prénom.
    GivenName,
    /// E-mail address (required).
    Email,
    /// Service.
    Service,
    /// Grade.
    Grade,
    /// Fonction.
    Function,
    /// Corps or filière.
    Corps,
    /// Skills, separated by commas.
    Skills,
    /// Interests, separated by commas.
    Interests,
}

impl Column {
    /// Every column, in the directory's order.
    pub const ALL: [Column; 9] = [
        Column::FamilyName,
        Column::GivenName,
        Column::Email,
        Column::Service,
        Column::Grade,
        Column::Function,
        Column::Corps,
        Column::Skills,
        Column::Interests,
    ];

    /// A stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Column::FamilyName => "family_name",
            Column::GivenName => "given_name",
            Column::Email => "email",
            Column::Service => "service",
            Column::Grade => "grade",
            Column::Function => "function",
            Column::Corps => "corps",
            Column::Skills => "skills",
            Column::Interests => "interests",
        }
    }

    /// The header in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Column::FamilyName => lang.pick("nom", "family name"),
            Column::GivenName => lang.pick("prénom", "given name"),
            Column::Email => lang.pick("adresse", "email"),
            Column::Service => "service",
            Column::Grade => "grade",
            Column::Function => lang.pick("fonction", "function"),
            Column::Corps => "corps",
            Column::Skills => lang.pick("compétences", "skills"),
            Column::Interests => lang.pick("centres d'intérêt", "interests"),
        }
    }

    /// The column a header names, in French or English, ignoring case,
    /// accents and punctuation.
    pub fn from_header(header: &str) -> Option<Column> {
        let key = loose_key(header.trim_start_matches(BOM));
        Some(match key.as_str() {
            "nom" | "nom de famille" | "family name" | "last name" | "surname" | "lastname"
            | "familyname" | "family name s" | "nom s" => Column::FamilyName,
            "prenom" | "prenoms" | "given name" | "first name" | "firstname" | "givenname"
            | "forename" => Column::GivenName,
            "adresse"
            | "adresse electronique"
            | "adresse mail"
            | "adresse email"
            | "adresse e mail"
            | "adresse courriel"
            | "courriel"
            | "mel"
            | "email"
            | "e mail"
            | "mail"
            | "email address"
            | "e mail address"
            | "address" => Column::Email,
            "service" | "department" | "unit" => Column::Service,
            "grade" | "rank" => Column::Grade,
            "fonction" | "function" | "position" | "job title" | "poste" => Column::Function,
            "corps" | "filiere" | "corps filiere" | "corps ou filiere" => Column::Corps,
            "competences" | "competence" | "skills" | "skill" => Column::Skills,
            "centres d interet" | "centre d interet" | "interets" | "interests" | "interest" => {
                Column::Interests
            }
            _ => return None,
        })
    }
}

/// Whether a spreadsheet would take a cell for a formula.
fn looks_like_formula(cell: &str) -> bool {
    matches!(
        cell.trim_start_matches(' ').chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    )
}

/// Whether a cell needs a `'` in front: it looks like a formula, possibly
/// behind quotes that are themselves neutralisation marks.
fn needs_mark(cell: &str) -> bool {
    looks_like_formula(cell.trim_start_matches('\''))
}

/// Neutralises a cell that a spreadsheet would run as a formula: `'` is put
/// in front of it (and in front of a cell that already starts with such
/// marks, so that [`unneutralise`] gives back exactly the cell). Other cells
/// are unchanged.
///
/// ```
/// use cimi_core::interop::csv::neutralise;
/// assert_eq!(neutralise("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(neutralise("-Bob"), "'-Bob");
/// assert_eq!(neutralise("'=x"), "''=x");
/// assert_eq!(neutralise("Jean-Pierre"), "Jean-Pierre");
/// ```
pub fn neutralise(cell: &str) -> String {
    if needs_mark(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Reverses [`neutralise`]: one `'` in front of what would be a formula is
/// removed (so a cell a spreadsheet user wrote as `'=x` reads as `=x`).
///
/// ```
/// use cimi_core::interop::csv::{neutralise, unneutralise};
/// assert_eq!(unneutralise(&neutralise("+33 1 23")), "+33 1 23");
/// assert_eq!(unneutralise(&neutralise("'=x")), "'=x");
/// assert_eq!(unneutralise("'quoted'"), "'quoted'");
/// ```
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_mark(rest) => rest,
        _ => cell,
    }
}

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
/// Paris). [`import_members`] reads it back.
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

fn split_tags(cell: &str) -> BTreeSet<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Options of [`import_members`].
///
/// ```
/// let o = cimi_core::interop::csv::ImportOptions::default();
/// assert!(!o.skip_bad_rows);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportOptions {
    /// Import the good rows even when some are bad (otherwise nothing is
    /// imported when any row is bad).
    pub skip_bad_rows: bool,
}

/// What is wrong with one row of an import.
///
/// ```
/// use cimi_core::interop::csv::{Column, RowProblem};
/// use cimi_core::Lang;
/// let p = RowProblem::FieldTooLong { column: Column::Grade, max: 200 };
/// assert_eq!(p.kind(), "field_too_long");
/// assert_eq!(p.message(Lang::Fr), "la colonne « grade » dépasse 200 caractères");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowProblem {
    /// The address cell is blank.
    #[error("the address is missing")]
    MissingAddress,
    /// The address is not a valid mailbox.
    #[error("invalid address: {reason}")]
    InvalidAddress {
        /// Why.
        reason: AddressError,
    },
    /// The same address (ignoring case) appears on an earlier row.
    #[error("this address already appears on line {first_line}")]
    DuplicateAddress {
        /// The line where it first appears.
        first_line: u64,
    },
    /// A member with that address already exists.
    #[error("a member with this address already exists")]
    AlreadyMember,
    /// The row has fewer cells than the header.
    #[error("the row has no '{}' cell", column.label(Lang::En))]
    MissingColumn {
        /// The first missing column.
        column: Column,
    },
    /// The row has more (non-empty) cells than the header.
    #[error("the row has {found} cells but the header has {expected}")]
    ExtraCells {
        /// Cells in the header.
        expected: usize,
        /// Cells in the row.
        found: usize,
    },
    /// A cell is longer than the statutes allow.
    #[error("the column '{}' is longer than {max} characters", column.label(Lang::En))]
    FieldTooLong {
        /// The column.
        column: Column,
        /// The limit, in characters.
        max: u32,
    },
    /// A cell holds control or invisible characters.
    #[error("the column '{}' contains control or invisible characters", column.label(Lang::En))]
    ControlCharacters {
        /// The column.
        column: Column,
    },
    /// More skills and interests than allowed.
    #[error("more than {max} skills and interests")]
    TooManyTags {
        /// The limit.
        max: usize,
    },
    /// The community refused the member for another reason.
    #[error("refused: {0}")]
    Refused(String),
}

impl RowProblem {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            RowProblem::MissingAddress => "missing_address",
            RowProblem::InvalidAddress { .. } => "invalid_address",
            RowProblem::DuplicateAddress { .. } => "duplicate_address",
            RowProblem::AlreadyMember => "already_member",
            RowProblem::MissingColumn { .. } => "missing_column",
            RowProblem::ExtraCells { .. } => "extra_cells",
            RowProblem::FieldTooLong { .. } => "field_too_long",
            RowProblem::ControlCharacters { .. } => "control_characters",
            RowProblem::TooManyTags { .. } => "too_many_tags",
            RowProblem::Refused(_) => "refused",
        }
    }

    /// The problem in the given language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            RowProblem::MissingAddress => "l'adresse est absente".into(),
            RowProblem::InvalidAddress { reason } => {
                format!("adresse invalide : {}", reason.message(Lang::Fr))
            }
            RowProblem::DuplicateAddress { first_line } => {
                format!("cette adresse figure déjà ligne {first_line}")
            }
            RowProblem::AlreadyMember => "un membre avec cette adresse existe déjà".into(),
            RowProblem::MissingColumn { column } => {
                format!("la ligne n'a pas de cellule « {} »", column.label(Lang::Fr))
            }
            RowProblem::ExtraCells { expected, found } => {
                format!("la ligne a {found} cellules mais l'en-tête en a {expected}")
            }
            RowProblem::FieldTooLong { column, max } => format!(
                "la colonne « {} » dépasse {max} caractères",
                column.label(Lang::Fr)
            ),
            RowProblem::ControlCharacters { column } => format!(
                "la colonne « {} » contient des caractères de contrôle ou invisibles",
                column.label(Lang::Fr)
            ),
            RowProblem::TooManyTags { max } => {
                format!("plus de {max} compétences et centres d'intérêt")
            }
            RowProblem::Refused(m) => format!("refusé : {m}"),
        }
    }
}

/// A rejected row: its line number (1 is the header) and why.
///
/// ```
/// use cimi_core::interop::csv::{RejectedRow, RowProblem};
/// let r = RejectedRow { line: 4, problem: RowProblem::MissingAddress };
/// assert_eq!(r.problem.kind(), "missing_address");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// Line of the document where the row starts (the header is line 1).
    pub line: u64,
    /// What is wrong.
    pub problem: RowProblem,
}

/// The text encoding an import found.
///
/// ```
/// assert_eq!(cimi_core::interop::csv::Encoding::Utf8Bom.kind(), "utf8_bom");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 without byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// Not UTF-8: read as Windows-1252, as spreadsheet programs save "CSV".
    Windows1252,
}

impl Encoding {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf8",
            Encoding::Utf8Bom => "utf8_bom",
            Encoding::Windows1252 => "windows1252",
        }
    }
}

/// What an import did.
///
/// ```
/// # use cimi_core::interop::csv::ImportReport;
/// # fn f(r: &ImportReport) -> bool {
/// r.rejected.is_empty() && r.imported.len() == r.rows
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The members added, in the order of the rows.
    pub imported: Vec<MemberId>,
    /// Every bad row, in order.
    pub rejected: Vec<RejectedRow>,
    /// Data rows read (blank rows excluded).
    pub rows: usize,
    /// The separator found.
    pub separator: u8,
    /// The encoding found.
    pub encoding: Encoding,
    /// Header cells that name no known column (their cells are ignored).
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    /// Whether every row was imported.
    pub fn is_complete(&self) -> bool {
        self.rejected.is_empty()
    }
}

/// Windows-1252 code points for 0x80–0x9F (undefined ones map to the C1
/// control of the same value, as WHATWG does).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn decode(data: &[u8]) -> (String, Encoding) {
    if let Some(rest) = data.strip_prefix(b"\xEF\xBB\xBF") {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            Encoding::Utf8Bom,
        );
    }
    match std::str::from_utf8(data) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => (
            data.iter()
                .map(|&b| match b {
                    0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
                    b => b as char,
                })
                .collect(),
            Encoding::Windows1252,
        ),
    }
}

/// `;` or `,`: whichever appears more often outside quotes on the header line.
fn detect_separator(text: &str) -> u8 {
    let (mut semi, mut comma, mut quoted) = (0usize, 0usize, false);
    let start = text
        .find(|c: char| !matches!(c, '\r' | '\n' | ' ' | '\t' | BOM))
        .unwrap_or(text.len());
    for c in text[start..].chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            '\n' | '\r' if !quoted => break,
            _ => {}
        }
    }
    if semi >= comma && semi > 0 {
        b';'
    } else {
        b','
    }
}

/// Line numbers from byte offsets (the `csv` crate's own line numbers count
/// the end of the previous record).
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
}

impl Lines<'_> {
    /// The line where the record at this byte offset starts.
    fn at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if target < self.pos {
            return self.line;
        }
        while target < self.text.len() && matches!(self.text[target], b'\r' | b'\n') {
            target += 1;
        }
        self.line += self.text[self.pos..target]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.pos = target;
        self.line
    }
}

struct GoodRow {
    line: u64,
    email: String,
    profile: MemberProfile,
}

/// Imports members from a CSV document through
/// [`Community::add_member`], all at `at`.
///
/// The header row names the columns (see [`Column::from_header`]); an
/// address column is required, others are optional and unknown ones are
/// ignored (listed in the report). Every bad row is reported with its line
/// number and reason: missing or invalid address, address repeated in the
/// document or already a member, missing cells, cells too long (the statutes'
/// limit) or holding control characters. When any row is bad, nothing is
/// imported unless `options.skip_bad_rows` is set; then the good rows are.
///
/// Errors (nothing imported): a document larger than [`MAX_CSV_BYTES`] or
/// with more than [`MAX_CSV_ROWS`] rows, no header, no address column, or a
/// column named twice.
///
/// ```
/// use cimi_core::interop::csv::{import_members, ImportOptions};
/// use cimi_core::Community;
/// let mut c = Community::cimi();
/// let data = "\u{FEFF}Family name,First name,E-mail,Skills\n\"Martin\",Alice,alice@interieur.gouv.fr,\"rust, sql\"\n";
/// let r = import_members(&mut c, data.as_bytes(), &ImportOptions::default(), chrono::Utc::now())?;
/// assert_eq!(r.imported.len(), 1);
/// let m = c.member(r.imported[0]).unwrap();
/// assert_eq!((m.family_name.as_str(), m.skills.len()), ("Martin", 2));
/// # Ok::<(), cimi_core::Error>(())
/// ```
pub fn import_members(
    community: &mut Community,
    data: &[u8],
    options: &ImportOptions,
    at: DateTime<Utc>,
) -> Result<ImportReport, Error> {
    if data.len() > MAX_CSV_BYTES {
        return Err(InteropError::CsvTooLarge {
            limit: MAX_CSV_BYTES,
        }
        .into());
    }
    let (text, encoding) = decode(data);
    let separator = detect_separator(&text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut lines = Lines {
        text: text.as_bytes(),
        pos: 0,
        line: 1,
    };

    // The header: the first non-blank record.
    let header = loop {
        match records.next() {
            None => return Err(InteropError::CsvEmpty.into()),
            Some(Err(_)) => continue,
            Some(Ok(r)) if r.iter().all(|c| c.trim().is_empty()) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(header.len());
    let mut ignored_columns = Vec::new();
    for cell in header.iter() {
        let col = Column::from_header(cell);
        if let Some(c) = col {
            if columns.contains(&Some(c)) {
                return Err(InteropError::CsvDuplicateColumn {
                    column: c.label(Lang::En),
                    column_fr: c.label(Lang::Fr),
                }
                .into());
            }
        } else if !cell.trim().is_empty() {
            ignored_columns.push(super::excerpt(cell, 100));
        }
        columns.push(col);
    }
    if !columns.contains(&Some(Column::Email)) {
        return Err(InteropError::CsvMissingColumn {
            column: Column::Email.label(Lang::En),
            column_fr: Column::Email.label(Lang::Fr),
        }
        .into());
    }

    let max = community.statutes().policy.max_field_chars;
    let mut good = Vec::new();
    let mut rejected = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rows = 0usize;
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                rows += 1;
                rejected.push(RejectedRow {
                    line,
                    problem: RowProblem::Refused(super::excerpt(&e.to_string(), 200)),
                });
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows += 1;
        if rows > MAX_CSV_ROWS {
            return Err(InteropError::CsvTooManyRows {
                limit: MAX_CSV_ROWS,
            }
            .into());
        }
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        match check_row(community, &columns, &record, max, &mut seen, line) {
            Ok(row) => good.push(row),
            Err(problem) => rejected.push(RejectedRow { line, problem }),
        }
    }

    let mut report = ImportReport {
        imported: Vec::new(),
        rejected,
        rows,
        separator,
        encoding,
        ignored_columns,
    };
    if !report.rejected.is_empty() && !options.skip_bad_rows {
        return Ok(report);
    }
    // All or nothing: work on a copy, keep it only if every row went in.
    let mut work = if options.skip_bad_rows {
        None
    } else {
        Some(community.clone())
    };
    for row in good {
        let target = work.as_mut().unwrap_or(&mut *community);
        match target.add_member(&row.email, row.profile, at) {
            Ok(id) => report.imported.push(id),
            Err(e) => report.rejected.push(RejectedRow {
                line: row.line,
                problem: match e {
                    Error::Address(reason) => RowProblem::InvalidAddress { reason },
                    Error::InvalidState(StateError::DuplicateMember) => RowProblem::AlreadyMember,
                    other => RowProblem::Refused(other.message(Lang::En)),
                },
            }),
        }
    }
    if let Some(work) = work {
        if report.rejected.is_empty() {
            *community = work;
        } else {
            report.imported.clear();
        }
    }
    report.rejected.sort_by_key(|r| r.line);
    Ok(report)
}

fn check_row(
    community: &Community,
    columns: &[Option<Column>],
    record: &::csv::StringRecord,
    max: u32,
    seen: &mut HashMap<String, u64>,
    line: u64,
) -> Result<GoodRow, RowProblem> {
    if record.len() < columns.len()
        && let Some(column) = columns[record.len()..].iter().flatten().next()
    {
        return Err(RowProblem::MissingColumn { column: *column });
    }
    if record.len() > columns.len() && record.iter().skip(columns.len()).any(|c| !c.is_empty()) {
        return Err(RowProblem::ExtraCells {
            expected: columns.len(),
            found: record.len(),
        });
    }
    let mut email = String::new();
    let mut p = MemberProfile::default();
    for (cell, column) in record.iter().zip(columns) {
        let Some(column) = *column else { continue };
        let value = unneutralise(cell.trim()).trim();
        if has_forbidden_chars(value) {
            return Err(RowProblem::ControlCharacters { column });
        }
        let tags = matches!(column, Column::Skills | Column::Interests);
        if !tags && value.chars().count() > max as usize {
            return Err(RowProblem::FieldTooLong { column, max });
        }
        match column {
            Column::Email => email = value.to_string(),
            Column::FamilyName => p.family_name = value.to_string(),
            Column::GivenName => p.given_name = value.to_string(),
            Column::Service => p.service = value.to_string(),
            Column::Grade => p.grade = value.to_string(),
            Column::Function => p.function = value.to_string(),
            Column::Corps => p.corps = (!value.is_empty()).then(|| value.to_string()),
            Column::Skills | Column::Interests => {
                let set = split_tags(value);
                if set.iter().any(|t| t.chars().count() > max as usize) {
                    return Err(RowProblem::FieldTooLong { column, max });
                }
                if column == Column::Skills {
                    p.skills = set;
                } else {
                    p.interests = set;
                }
            }
        }
    }
    if p.skills.len() + p.interests.len() > MAX_TAGS {
        return Err(RowProblem::TooManyTags { max: MAX_TAGS });
    }
    if email.is_empty() {
        return Err(RowProblem::MissingAddress);
    }
    let address =
        EmailAddress::parse(&email).map_err(|reason| RowProblem::InvalidAddress { reason })?;
    let key = address.key();
    if let Some(&first_line) = seen.get(&key) {
        return Err(RowProblem::DuplicateAddress { first_line });
    }
    seen.insert(key, line);
    if community.member_by_email(address.as_str()).is_some() {
        return Err(RowProblem::AlreadyMember);
    }
    Ok(GoodRow {
        line,
        email: address.as_str().to_string(),
        profile: p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =x", "＝1"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
            assert_eq!(unneutralise(&neutralise(bad)), bad);
            let marked = format!("'{bad}");
            assert_eq!(unneutralise(&neutralise(&marked)), marked);
        }
        for ok in ["Jean-Pierre", "a=b", "", "'x", "é", "''"] {
            assert_eq!(neutralise(ok), ok);
            assert_eq!(unneutralise(ok), ok);
        }
    }

    #[test]
    fn separators() {
        assert_eq!(detect_separator("nom;prénom;adresse\n"), b';');
        assert_eq!(detect_separator("nom,prénom,adresse\n"), b',');
        assert_eq!(detect_separator("\"a;b\",c\n"), b',');
        assert_eq!(detect_separator("adresse\n"), b',');
        assert_eq!(detect_separator("\r\n\r\nnom;adresse\n"), b';');
    }

    #[test]
    fn windows_1252() {
        let (s, e) = decode(b"pr\xe9nom;\x80\x9c");
        assert_eq!(s, "prénom;€œ");
        assert_eq!(e, Encoding::Windows1252);
    }
}
