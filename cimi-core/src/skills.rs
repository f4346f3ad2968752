//! Skill tags and their normalisation.
//!
//! Members describe their skills (compétences) in free text; help requests name
//! the skills they need. Two tags are the same skill when their normalised forms
//! are equal. The normalisation is, in order:
//!
//! 1. Unicode compatibility decomposition (NFKD), so fullwidth or ligature forms
//!    become plain letters and accented letters become letter + accent;
//! 2. removal of combining marks (accents): `Sécurité` → `Securite`;
//! 3. lowercasing;
//! 4. removal of white space, `-`, `_`, `.` and `/` anywhere in the tag, so
//!    `Postgre SQL`, `postgre-sql` and `PostgreSQL` are one skill, and so are
//!    `Node.js` and `nodejs`. Other punctuation is kept: `C++`, `C#` and `C` stay
//!    three skills.
//!
//! A tag that normalises to nothing (only spaces or punctuation removed above)
//! is not a skill.
//!
//! ```
//! use cimi_core::skills::normalize_skill;
//! assert_eq!(normalize_skill("PostgreSQL").as_deref(), Some("postgresql"));
//! assert_eq!(normalize_skill(" Postgre SQL ").as_deref(), Some("postgresql"));
//! assert_eq!(normalize_skill("Cartographie / SIG").as_deref(), Some("cartographiesig"));
//! assert_eq!(normalize_skill("Sécurité").as_deref(), Some("securite"));
//! assert_eq!(normalize_skill("C++").as_deref(), Some("c++"));
//! assert_eq!(normalize_skill(" - "), None);
//! ```

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalises a skill tag (see the module documentation); `None` when nothing is left.
pub fn normalize_skill(tag: &str) -> Option<String> {
    let out: String = tag
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '_' | '.' | '/')))
        .collect();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_skill_many_spellings() {
        for s in [
            "PostgreSQL",
            "postgresql",
            " Postgre SQL ",
            "postgre-sql",
            "ＰｏｓｔｇｒｅＳＱＬ",
        ] {
            assert_eq!(normalize_skill(s).as_deref(), Some("postgresql"), "{s}");
        }
        assert_ne!(normalize_skill("C#"), normalize_skill("C++"));
        assert_eq!(
            normalize_skill("Données ouvertes"),
            normalize_skill("donnees-ouvertes")
        );
    }
}
