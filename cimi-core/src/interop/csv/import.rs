//! The import of members: decoding (UTF-8 or Windows-1252), the separator,
//! the header, the check of every row, then adding the members all or
//! nothing (or skipping the bad rows when asked).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::{
    BOM, Column, Encoding, ImportOptions, ImportReport, MAX_CSV_BYTES, MAX_CSV_ROWS, MAX_TAGS,
    RejectedRow, RowProblem, unneutralise,
};
use crate::address::EmailAddress;
use crate::community::{Community, MemberProfile};
use crate::error::{Error, StateError};
use crate::i18n::Lang;
use crate::interop::{InteropError, excerpt, has_forbidden_chars};

fn split_tags(cell: &str) -> BTreeSet<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Windows-1252 code points for 0x80–0x9F (undefined ones map to the C1
/// control of the same value, as WHATWG does).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

pub(super) fn decode(data: &[u8]) -> (String, Encoding) {
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
pub(super) fn detect_separator(text: &str) -> u8 {
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
            ignored_columns.push(excerpt(cell, 100));
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
                    problem: RowProblem::Refused(excerpt(&e.to_string(), 200)),
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
