//! What an import is asked and what it reports: its options, the problems of
//! a row, the rejected rows, the encoding found and the report itself.

use super::Column;
use crate::address::AddressError;
use crate::i18n::Lang;
use crate::ids::MemberId;

/// Options of [`import_members`](super::import_members).
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
