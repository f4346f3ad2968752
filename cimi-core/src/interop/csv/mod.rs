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

// Split by concern: `options` holds the dialects, export options and columns;
// `formula` neutralises cells a spreadsheet would run; `export` writes the
// attendee list and the directory; `report` holds the import's options and
// report types; `import` decodes, splits and checks the rows and adds the
// members.

mod export;
mod formula;
mod import;
mod options;
mod report;
#[cfg(test)]
mod tests;

pub use export::{attendees, directory};
pub use formula::{neutralise, unneutralise};
pub use import::import_members;
pub use options::{Column, CsvDialect, CsvOptions};
pub use report::{Encoding, ImportOptions, ImportReport, RejectedRow, RowProblem};

/// Largest CSV document [`import_members`] reads, in bytes.
pub const MAX_CSV_BYTES: usize = 32 << 20;
/// Most data rows [`import_members`] reads.
pub const MAX_CSV_ROWS: usize = 500_000;
/// Most skills and interests a row may give.
const MAX_TAGS: usize = 1_000;

/// The byte-order mark written by the French office dialect.
pub const BOM: char = '\u{FEFF}';
