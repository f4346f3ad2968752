//! Errors of an import or export that cannot be carried out at all.

use crate::i18n::Lang;

/// An import or export that cannot be carried out at all (as opposed to the
/// per-row or per-message problems that the reports list).
///
/// ```
/// use cimi_core::interop::InteropError;
/// use cimi_core::{Error, Lang};
/// let e = Error::from(InteropError::MessageTooLarge { limit: 1 << 20 });
/// assert_eq!(e.family(), "interop");
/// assert_eq!(e.kind(), "message_too_large");
/// assert_eq!(e.message(Lang::Fr), "le message dépasse 1048576 octets");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InteropError {
    /// An e-mail message is larger than the limit.
    #[error("the message is larger than {limit} bytes")]
    MessageTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A CSV document is larger than the limit.
    #[error("the CSV document is larger than {limit} bytes")]
    CsvTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A CSV document has no header row.
    #[error("the CSV document is empty (a header row is expected)")]
    CsvEmpty,
    /// A CSV header lacks a column that the import needs.
    #[error("the CSV header has no '{column}' column")]
    CsvMissingColumn {
        /// The column, in English.
        column: &'static str,
        /// The column, in French.
        column_fr: &'static str,
    },
    /// A CSV header names the same column twice.
    #[error("the CSV header names the column '{column}' twice")]
    CsvDuplicateColumn {
        /// The column, in English.
        column: &'static str,
        /// The column, in French.
        column_fr: &'static str,
    },
    /// A CSV document has more rows than the limit.
    #[error("the CSV document has more than {limit} rows")]
    CsvTooManyRows {
        /// The limit.
        limit: usize,
    },
}

impl InteropError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            InteropError::MessageTooLarge { .. } => "message_too_large",
            InteropError::CsvTooLarge { .. } => "csv_too_large",
            InteropError::CsvEmpty => "csv_empty",
            InteropError::CsvMissingColumn { .. } => "csv_missing_column",
            InteropError::CsvDuplicateColumn { .. } => "csv_duplicate_column",
            InteropError::CsvTooManyRows { .. } => "csv_too_many_rows",
        }
    }

    /// The error in the given language.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            InteropError::MessageTooLarge { limit } => {
                format!("le message dépasse {limit} octets")
            }
            InteropError::CsvTooLarge { limit } => {
                format!("le document CSV dépasse {limit} octets")
            }
            InteropError::CsvEmpty => {
                "le document CSV est vide (une ligne d'en-tête est attendue)".into()
            }
            InteropError::CsvMissingColumn { column_fr, .. } => {
                format!("l'en-tête CSV n'a pas de colonne « {column_fr} »")
            }
            InteropError::CsvDuplicateColumn { column_fr, .. } => {
                format!("l'en-tête CSV nomme deux fois la colonne « {column_fr} »")
            }
            InteropError::CsvTooManyRows { limit } => {
                format!("le document CSV a plus de {limit} lignes")
            }
        }
    }
}
