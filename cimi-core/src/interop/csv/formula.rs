//! Neutralising the cells a spreadsheet would run as formulas, and reading
//! them back.

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
