//! The CSV dialects, the options of the exports, and the columns the import
//! understands and the directory export writes.

use super::BOM;
use crate::i18n::Lang;
use crate::interop::loose_key;

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

/// A dialect from its [`kind`](CsvDialect::kind); another name is an
/// `invalid_input` error on the field `dialect`.
///
/// ```
/// use cimi_core::interop::csv::CsvDialect;
/// assert_eq!("rfc4180".parse::<CsvDialect>()?, CsvDialect::Rfc4180);
/// assert_eq!("excel".parse::<CsvDialect>().unwrap_err().kind(), "invalid_input");
/// # Ok::<(), cimi_core::Error>(())
/// ```
impl std::str::FromStr for CsvDialect {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "french_office" => Ok(CsvDialect::FrenchOffice),
            "rfc4180" => Ok(CsvDialect::Rfc4180),
            _ => Err(crate::Error::input(
                "dialect",
                "must be 'french_office' or 'rfc4180'",
                "doit valoir 'french_office' ou 'rfc4180'",
            )),
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
