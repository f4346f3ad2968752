//! Domain labels a reader could take for another name: the checks browsers
//! make before showing an internationalised domain in Unicode rather than in
//! punycode, applied here as refusals.
//!
//! The rules follow Chromium's IDN display policy
//! (<https://chromium.googlesource.com/chromium/src/+/main/docs/idn.md>, and
//! `IDNSpoofChecker::SafeToDisplayAsUnicode` in
//! `components/url_formatter/spoof_checks/idn_spoof_checker.cc`), built on
//! Unicode Technical Standard #39 (<https://www.unicode.org/reports/tr39/>).
//! Where Chromium compares a label's skeleton with a list of popular domains,
//! cimi refuses every non-ASCII label whose skeleton is ASCII: whatever ASCII
//! name it reads as, an export would show it as that name. Where Chromium skips
//! a check for some single-script labels, cimi makes it for every label.
//! `docs/hostile-inputs.md` lists the rules with an example each.

use unicode_normalization::UnicodeNormalization;
use unicode_security::mixed_script::AugmentedScriptSet;
use unicode_security::{GeneralSecurityProfile, MixedScript};

/// What makes a label unsafe to show, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LabelProblem {
    /// It could be read as another name.
    Lookalike,
    /// It mixes writing systems.
    MixedScript,
}

/// The label separators of UTS #46: the full stop and its ideographic,
/// fullwidth and halfwidth forms.
pub(super) const SEPARATORS: [char; 4] = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// The rule on a label as it was given, before IDNA maps it: whether one of
/// its non-ASCII characters becomes an ASCII letter or digit in lowercase or
/// under NFKC. `İ` (U+0130) lowercases to `i` + U+0307, so `AGRİ` would be
/// stored as `agri̇` and read as `agri`; fullwidth `ｉ`, the Kelvin sign
/// (U+212A, lowercase `k`), ligatures such as `ﬁ`, mathematical and circled
/// letters are the same trick. (Any other mapping IDNA makes is refused later
/// as a non-canonical domain.)
pub(super) fn maps_into_ascii(label: &str) -> bool {
    label.chars().any(|c| {
        !c.is_ascii()
            && (c.to_lowercase().any(|l| l.is_ascii_alphanumeric())
                || std::iter::once(c).nfkc().any(|k| k.is_ascii_alphanumeric()))
    })
}

/// What the rules need to know of the whole domain: its top-level label.
#[derive(Debug, Clone, Copy)]
pub(super) struct TopLevel<'a> {
    /// The top-level label in its ASCII form (`fr`, `xn--p1ai`).
    ascii: &'a str,
    /// Whether it is a top-level domain where Cyrillic names are common: a
    /// Cyrillic one (`рф`, `бг`…) or one of Chromium's list.
    cyrillic: bool,
}

impl<'a> TopLevel<'a> {
    /// The top-level label of a domain in lowercase ASCII form.
    pub(super) fn of(ascii_domain: &'a str) -> TopLevel<'a> {
        let ascii = ascii_domain.rsplit('.').next().unwrap_or_default();
        let cyrillic = if ascii.starts_with("xn--") {
            idna::domain_to_unicode(ascii).0.chars().any(is_cyrillic)
        } else {
            // Chromium's `IsCyrillicTopLevelDomain`.
            matches!(
                ascii,
                "bg" | "by" | "kz" | "pyc" | "ru" | "su" | "ua" | "uz"
            )
        };
        TopLevel { ascii, cyrillic }
    }
}

/// The rules on a label in its Unicode form after IDNA mapping (lowercase,
/// NFC), as a browser would show it; `None` when it may be shown as it is.
/// `is_top` says the label is the top-level one.
pub(super) fn check_unicode_label(
    label: &str,
    is_top: bool,
    top: TopLevel<'_>,
) -> Option<LabelProblem> {
    use LabelProblem::{Lookalike, MixedScript};
    if label.is_ascii() {
        return None;
    }
    // UTS #39 mixed-script detection: one script per label (Chinese,
    // Japanese and Korean count as one each). Stricter than Chromium's
    // "highly restrictive" level, which also lets ASCII mix with them.
    // First, so that a label refused for this before (`раураl`, Cyrillic а,
    // р, у among Latin letters) keeps its reason.
    if !label.is_single_script() {
        return Some(MixedScript);
    }
    // UTS #39 confusable detection: a skeleton made only of ASCII means the
    // label reads as an ASCII name (`аррӏе`, all Cyrillic, reads `apple`;
    // `agrı` with a dotless i reads `agri`). Except for the few top-level
    // domains ICANN delegated whose skeletons happen to be ASCII.
    let delegated = is_top && DELEGATED_WITH_ASCII_SKELETON.contains(&top.ascii);
    if !delegated && unicode_security::skeleton(label).all(|c| c.is_ascii()) {
        return Some(Lookalike);
    }
    let chars: Vec<char> = label.chars().collect();
    let refused = !chars.iter().all(|&c| allowed(c))
        || chars.iter().any(|c| DEVIATIONS.contains(c))
        || repeats_a_mark(label)
        || mixes_numbering_systems(&chars)
        || regional_letter_elsewhere(&chars, top)
        || (!top.cyrillic && made_of_latin_alike_cyrillic(&chars))
        || has_dangerous_pattern(&chars);
    refused.then_some(Lookalike)
}

/// The internationalised top-level domains ICANN delegated (after its own
/// review of look-alike strings) whose UTS #39 skeletons are ASCII: `бг`
/// (`6r`), `срб` (`cp6`), `рус` (`pyc`), `орг` (`opr`), `հայ` (`hwj`). Any
/// other top-level label with an ASCII skeleton (`іо`, read `io`) is refused.
const DELEGATED_WITH_ASCII_SKELETON: [&str; 5] = [
    "xn--90ae",
    "xn--90a3ac",
    "xn--p1acf",
    "xn--c1avg",
    "xn--y9a3aq",
];

/// The characters a label may hold: UTS #39's General Security Profile
/// (`Identifier_Status=Allowed`), without the ones Chromium also removes
/// (`IDNSpoofChecker::SetAllowedUnicodeSet`).
fn allowed(c: char) -> bool {
    c.identifier_allowed()
        && !matches!(
            c,
            // Combining long solidus overlay (looks like a slash), Armenian
            // hyphen, hyphen (looks like `-`), right single quotation mark,
            // hyphenation point, Katakana-Hiragana double hyphen.
            '\u{0338}' | '\u{058A}' | '\u{2010}' | '\u{2019}' | '\u{2027}' | '\u{30A0}'
            // Quotation-mark look-alikes, modifier letter voicing, Latin kra.
            | '\u{02BB}' | '\u{02BC}' | '\u{02EC}' | '\u{0138}'
            // Rarely used Latin, Greek and Cyrillic blocks: Latin Extended-B
            // (Pinyin), Cyrillic Extended-C, Latin Extended Additional,
            // Greek Extended, Cyrillic Extended-B, Latin Extended-D.
            | '\u{01CD}'..='\u{01DC}'
            | '\u{1C80}'..='\u{1C8F}'
            | '\u{1E00}'..='\u{1E9B}'
            | '\u{1F00}'..='\u{1FFF}'
            | '\u{A640}'..='\u{A69F}'
            | '\u{A720}'..='\u{A7FF}'
        )
}

/// The deviation characters of UTS #46, which IDNA 2003 and IDNA 2008 treat
/// differently: `straße` was `strasse` for the former. (The zero-width
/// joiners, the other two, are refused with the invisible characters.)
const DEVIATIONS: [char; 2] = ['\u{00DF}', '\u{03C2}'];

/// UTS #39's invisible-character check: the same combining mark twice on one
/// base character (in NFD), which displays as one.
fn repeats_a_mark(label: &str) -> bool {
    use unicode_normalization::char::is_combining_mark;
    let mut marks: Vec<char> = Vec::new();
    for c in label.nfd() {
        if !is_combining_mark(c) {
            marks.clear();
        } else if marks.contains(&c) {
            return true;
        } else {
            marks.push(c);
        }
    }
    false
}

/// UTS #39's mixed-numbers check: digits of two numbering systems (`1` and
/// the Devanagari `१` look alike and mean different things). Each system's
/// digits lie within one aligned block of sixteen code points.
fn mixes_numbering_systems(chars: &[char]) -> bool {
    let mut systems = chars
        .iter()
        .filter(|c| c.is_numeric())
        .map(|&c| u32::from(c) >> 4);
    match systems.next() {
        Some(first) => systems.any(|s| s != first),
        None => false,
    }
}

/// Letters Chromium keeps for one country: the Icelandic thorn `þ` (reads as
/// `b` or `p`) and eth `ð` (reads as `o`) outside `.is`, the schwa `ə` outside
/// `.az`, in labels longer than one character.
fn regional_letter_elsewhere(chars: &[char], top: TopLevel<'_>) -> bool {
    chars.len() > 1
        && ((top.ascii != "is" && chars.iter().any(|c| matches!(c, 'þ' | 'ð')))
            || (top.ascii != "az" && chars.contains(&'ə')))
}

/// The Cyrillic letters that look like Latin ones (Chromium's
/// `cyrillic_letters_latin_alike_`).
const LATIN_ALIKE_CYRILLIC: &str = "аысԁеԍһіюјӏорԗԛѕԝхуъЬҽпгѵѡ";

fn is_cyrillic(c: char) -> bool {
    AugmentedScriptSet::for_char(c) == AugmentedScriptSet::for_char('а')
}

/// A whole-script confusable: every Cyrillic letter of the label looks like a
/// Latin one (`пес`, Russian for dog, reads `nec`), so the label reads as Latin. Chromium makes
/// this check outside the top-level domains where Cyrillic names are common.
fn made_of_latin_alike_cyrillic(chars: &[char]) -> bool {
    let mut cyrillic = chars.iter().filter(|&&c| is_cyrillic(c)).peekable();
    cyrillic.peek().is_some() && cyrillic.all(|&c| LATIN_ALIKE_CYRILLIC.contains(c))
}

/// Whether `c`'s script extensions name the script of `sample` (Common and
/// Inherited characters name none).
fn has_script(c: char, sample: char) -> bool {
    let own = AugmentedScriptSet::for_char(c);
    if own.is_all() {
        return false;
    }
    let mut both = own;
    both.intersect_with(AugmentedScriptSet::for_char(sample));
    !both.base.is_empty()
}

fn katakana(c: char) -> bool {
    has_script(c, 'ア')
}
fn hiragana(c: char) -> bool {
    has_script(c, 'あ')
}
fn japanese(c: char) -> bool {
    katakana(c) || hiragana(c) || has_script(c, '字')
}
fn latin_greek_cyrillic(c: char) -> bool {
    has_script(c, 'a') || has_script(c, 'α') || has_script(c, 'а')
}

/// Combining diacritical marks U+0300 to U+0339.
fn diacritic(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{0339}')
}

/// Chromium's "dangerous patterns": characters that read as something else
/// where they stand.
fn has_dangerous_pattern(chars: &[char]) -> bool {
    let n = chars.len();
    // Exactly one `c` inside a label otherwise made of `rest`.
    let lone_inside = |c: &dyn Fn(char) -> bool, rest: &dyn Fn(char) -> bool| {
        let mut at = chars.iter().enumerate().filter(|&(_, &x)| c(x));
        matches!((at.next(), at.next()), (Some((i, _)), None) if i > 0 && i + 1 < n)
            && chars.iter().all(|&x| c(x) || rest(x))
    };
    if lone_inside(&|c| matches!(c, 'へ'..='ぺ'), &katakana)
        || lone_inside(&|c| matches!(c, 'ヘ'..='ペ'), &hiragana)
    {
        return true;
    }
    chars.iter().enumerate().any(|(i, &c)| {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        match c {
            // Katakana no, n, so, zo and four CJK strokes read as a slash
            // between non-Japanese characters.
            'ノ' | 'ン' | 'ソ' | 'ゾ' | '丶' | '乀' | '乁' | '丿' => {
                before.is_some_and(|b| !japanese(b)) && after.is_some_and(|a| !japanese(a))
            }
            // Katakana iteration marks after anything but Katakana.
            'ヽ' | 'ヾ' => !before.is_some_and(katakana),
            // The prolonged sound mark after anything but Kana.
            'ー' => !before.is_some_and(|b| katakana(b) || hiragana(b)),
            // The Katakana middle dot next to a Latin letter.
            '・' => {
                before.is_some_and(|b| b.is_ascii_lowercase())
                    || after.is_some_and(|a| a.is_ascii_lowercase())
            }
            // CJK one and Bopomofo i (read as a hyphen or `l`) next to
            // anything but Japanese or Chinese.
            '一' | 'ㄧ' => {
                before.is_some_and(|b| !japanese(b)) || after.is_some_and(|a| !japanese(a))
            }
            // Combining Kana voiced sound marks.
            '\u{3099}' | '\u{309A}' => true,
            // The Latin middle dot outside the Catalan `l·l`.
            '·' => before != Some('l') || after != Some('l'),
            // A diacritic after a character that is not Latin, Greek or
            // Cyrillic; any diacritic on a dotless i; a dot above on `i`,
            // `j` or `l` (`agri̇` reads `agri`).
            d if diacritic(d) => before.is_some_and(|b| {
                !latin_greek_cyrillic(b)
                    || b == 'ı'
                    || (d == '\u{0307}' && matches!(b, 'i' | 'j' | 'l'))
            }),
            _ => false,
        }
    })
}
