//! Compact shared text: what the community stores for names, services, grades,
//! skills and addresses.
//!
//! A directory of a million members repeats the same services, grades,
//! functions, given names and skills over and over. [`Text`] is an immutable,
//! reference-counted string one pointer wide (8 bytes, `Option<Text>` too); the
//! community keeps one copy of each distinct text it stores and every member
//! shares it. [`TextSet`] is a sorted set of texts held in a single [`Text`],
//! so a member's skills cost one pointer.
//!
//! ```
//! use cimi_core::text::{Text, TextSet};
//! let service: Text = "SDSICIF".into();
//! assert_eq!(service, "SDSICIF");
//! assert_eq!(std::mem::size_of::<Text>(), 8);
//!
//! let skills: TextSet = ["rust", "python", "rust"].into_iter().collect();
//! assert_eq!(skills.iter().collect::<Vec<_>>(), ["python", "rust"]);
//! assert!(skills.contains("rust"));
//! ```

use std::borrow::Borrow;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Deref;

use arcstr::ArcStr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable, shared string, one pointer wide.
///
/// Cloning it copies a pointer; two `Text`s compare by content. It converts
/// from `&str` and `String` and dereferences to `&str`.
///
/// ```
/// use cimi_core::text::Text;
/// let a = Text::from("Intérieur");
/// let b = a.clone();
/// assert_eq!(a, b);
/// assert_eq!(b.len(), "Intérieur".len());
/// assert_eq!(String::from(b), "Intérieur");
/// ```
#[derive(Clone, Default)]
pub struct Text(ArcStr);

// Equality, order and hash are those of the `str`, as `Borrow<str>` requires.
impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}
impl Eq for Text {}
impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Text {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}
impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Text {
    /// The empty text.
    ///
    /// ```
    /// assert!(cimi_core::text::Text::empty().is_empty());
    /// ```
    pub fn empty() -> Text {
        Text(ArcStr::new())
    }

    /// The text as a string slice.
    ///
    /// ```
    /// assert_eq!(cimi_core::text::Text::from("a").as_str(), "a");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A text around an `ArcStr` built elsewhere.
    pub(crate) fn from_arc(text: ArcStr) -> Text {
        Text(text)
    }

    /// The texts one after the other, in one allocation.
    pub(crate) fn concat(parts: &[&str]) -> Text {
        let len = parts.iter().map(|p| p.len()).sum();
        let built = ArcStr::init_with(len, |buf| {
            let mut at = 0;
            for p in parts {
                buf[at..at + p.len()].copy_from_slice(p.as_bytes());
                at += p.len();
            }
        });
        // Whole `str`s end to end are UTF-8: the fallback is never taken.
        built.map_or_else(|_| Text::from(parts.concat()), Text)
    }

    /// How many owners share this text (the community's own copy included).
    pub(crate) fn owners(&self) -> usize {
        ArcStr::strong_count(&self.0).unwrap_or(usize::MAX)
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(ArcStr::from(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(ArcStr::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text(ArcStr::from(s.as_str()))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0.as_str().to_string()
    }
}

impl From<&Text> for String {
    fn from(t: &Text) -> String {
        t.0.as_str().to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::from(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text::from(v))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// Separates the elements of a [`TextSet`] or of an affiliation inside one
/// [`Text`]. Stored texts never contain control characters, so it cannot
/// collide with their content.
pub(crate) const SEPARATOR: char = '\u{1F}';

/// A sorted set of texts without duplicates, held in one [`Text`] (8 bytes).
///
/// Elements are kept in byte order. An element that is empty or contains the
/// unit separator U+001F (a control character the community refuses in every
/// stored text) is dropped.
///
/// ```
/// use cimi_core::text::TextSet;
/// let mut s = TextSet::new();
/// assert!(s.insert("rust"));
/// assert!(!s.insert("rust"));
/// s.insert("go");
/// assert_eq!(s.len(), 2);
/// assert_eq!(s.first(), Some("go"));
/// assert!(s.remove("go"));
/// assert_eq!(s.iter().collect::<Vec<_>>(), ["rust"]);
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextSet(Option<Text>);

impl TextSet {
    /// The empty set.
    pub const fn new() -> TextSet {
        TextSet(None)
    }

    /// Builds the set from already sorted, distinct, valid elements.
    fn from_sorted(items: &[&str]) -> TextSet {
        if items.is_empty() {
            return TextSet(None);
        }
        let mut joined = String::with_capacity(items.iter().map(|s| s.len() + 1).sum());
        for (i, s) in items.iter().enumerate() {
            if i > 0 {
                joined.push(SEPARATOR);
            }
            joined.push_str(s);
        }
        TextSet(Some(Text::from(joined)))
    }

    /// The elements, in byte order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + Clone + '_ {
        self.0
            .as_deref()
            .into_iter()
            .flat_map(|s| s.split(SEPARATOR))
    }

    /// Whether the set holds that element.
    pub fn contains(&self, item: &str) -> bool {
        // By bytes: the separator is one byte, and no element holds it.
        let separator = SEPARATOR as u8;
        self.0.as_deref().is_some_and(|all| {
            all.as_bytes()
                .split(|&b| b == separator)
                .any(|s| s == item.as_bytes())
        })
    }

    /// How many elements.
    pub fn len(&self) -> usize {
        self.0
            .as_deref()
            .map_or(0, |s| s.matches(SEPARATOR).count() + 1)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The smallest element.
    pub fn first(&self) -> Option<&str> {
        self.iter().next()
    }

    /// Adds an element; `false` when it was there already or is not valid.
    pub fn insert(&mut self, item: &str) -> bool {
        if item.is_empty() || item.contains(SEPARATOR) || self.contains(item) {
            return false;
        }
        let mut items: Vec<&str> = self.iter().collect();
        let at = items.partition_point(|s| *s < item);
        items.insert(at, item);
        *self = TextSet::from_sorted(&items);
        true
    }

    /// Removes an element; `false` when it was not there.
    pub fn remove(&mut self, item: &str) -> bool {
        if !self.contains(item) {
            return false;
        }
        let items: Vec<&str> = self.iter().filter(|s| *s != item).collect();
        *self = TextSet::from_sorted(&items);
        true
    }

    /// The whole set as one text (elements joined by U+001F), for interning.
    pub(crate) fn as_text(&self) -> Option<&Text> {
        self.0.as_ref()
    }

    /// The set whose joined text is `text` (as given by [`as_text`](Self::as_text)).
    pub(crate) fn from_text(text: Option<Text>) -> TextSet {
        TextSet(text)
    }
}

impl<S: AsRef<str>> FromIterator<S> for TextSet {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> TextSet {
        let owned: Vec<S> = iter.into_iter().collect();
        let mut items: Vec<&str> = owned
            .iter()
            .map(AsRef::as_ref)
            .filter(|s| !s.is_empty() && !s.contains(SEPARATOR))
            .collect();
        items.sort_unstable();
        items.dedup();
        TextSet::from_sorted(&items)
    }
}

impl<'a> IntoIterator for &'a TextSet {
    type Item = &'a str;
    type IntoIter = Box<dyn DoubleEndedIterator<Item = &'a str> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl fmt::Debug for TextSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for TextSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for TextSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TextSet, D::Error> {
        let items: Vec<String> = Vec::deserialize(d)?;
        if let Some(bad) = items.iter().find(|s| s.contains(SEPARATOR)) {
            return Err(serde::de::Error::custom(format!(
                "set element {bad:?} contains a control character"
            )));
        }
        Ok(items.into_iter().collect())
    }
}

/// The community's single copy of each distinct stored text.
///
/// Not global: each community has its own. A text that no member uses any
/// more is dropped by [`release`](Self::release), so erased personal data does
/// not linger here. Words (names, services, grades, functions, affiliations)
/// and sets (skills, interests) are kept apart: a directory repeats a few
/// thousand words, which stay in cache, while nearly every member has a set
/// of their own, and looking a word up should not wade through those.
#[derive(Clone, Default)]
pub(crate) struct Interner {
    words: hashbrown::HashTable<Text>,
    sets: hashbrown::HashTable<Text>,
    hasher: foldhash::fast::RandomState,
}

/// Shows the number of texts only: they are personal data.
impl fmt::Debug for Interner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interner")
            .field("words", &self.words.len())
            .field("sets", &self.sets.len())
            .finish()
    }
}

/// The held text equal to `s`, or the one `make` builds, held from now on.
fn find_or_insert(
    table: &mut hashbrown::HashTable<Text>,
    hasher: &foldhash::fast::RandomState,
    s: &str,
    make: impl FnOnce() -> Text,
) -> Text {
    let hash = hasher.hash_one(s);
    if let Some(found) = table.find(hash, |x| x.as_str() == s) {
        return found.clone();
    }
    let t = make();
    table.insert_unique(hash, t.clone(), |t| hasher.hash_one(t.as_str()));
    t
}

/// Forgets `t` when nobody but the table and the caller's `t` hold it.
fn release_from(
    table: &mut hashbrown::HashTable<Text>,
    hasher: &foldhash::fast::RandomState,
    t: &Text,
) {
    if t.owners() > 2 {
        return;
    }
    let hash = hasher.hash_one(t.as_str());
    if let Ok(entry) = table.find_entry(hash, |x| x.as_str() == t.as_str())
        && entry.get().owners() <= 2
    {
        entry.remove();
    }
}

impl Interner {
    /// The shared copy of `s`.
    pub(crate) fn intern(&mut self, s: &str) -> Text {
        find_or_insert(&mut self.words, &self.hasher, s, || Text::from(s))
    }

    /// The shared copy of a text the caller already holds.
    pub(crate) fn share(&mut self, t: &Text) -> Text {
        find_or_insert(&mut self.words, &self.hasher, t.as_str(), || t.clone())
    }

    /// The shared copy of a set.
    pub(crate) fn share_set(&mut self, s: &TextSet) -> TextSet {
        TextSet::from_text(
            s.as_text()
                .map(|t| find_or_insert(&mut self.sets, &self.hasher, t.as_str(), || t.clone())),
        )
    }

    /// Forgets the word `t` when nobody but the interner and the caller's `t` hold it.
    pub(crate) fn release(&mut self, t: &Text) {
        release_from(&mut self.words, &self.hasher, t);
    }

    /// Forgets the set `s` when nobody but the interner and the caller's `s` hold it.
    pub(crate) fn release_set(&mut self, s: &TextSet) {
        if let Some(t) = s.as_text() {
            release_from(&mut self.sets, &self.hasher, t);
        }
    }

    /// How many distinct texts are held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.words.len() + self.sets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Text>(), 8);
        assert_eq!(std::mem::size_of::<Option<Text>>(), 8);
        assert_eq!(std::mem::size_of::<TextSet>(), 8);
    }

    #[test]
    fn interning_shares_and_releases() {
        let mut i = Interner::default();
        let a = i.intern("Martin");
        let b = i.intern("Martin");
        assert_eq!(a.owners(), 3);
        assert_eq!(i.len(), 1);
        drop(b);
        i.release(&a);
        assert_eq!(i.len(), 0);
        let c = i.intern("Durand");
        let d = c.clone();
        i.release(&c);
        assert_eq!(i.len(), 1, "still used by another holder");
        drop(d);
    }

    proptest::proptest! {
        /// `contains` (by bytes) answers as looking at each element does.
        #[test]
        fn set_contains_its_elements_only(
            items in proptest::collection::vec("[a-c\u{1F}é]{0,3}", 0..5),
            probe in "[a-c\u{1F}é]{0,3}",
        ) {
            let set: TextSet = items.iter().collect();
            proptest::prop_assert_eq!(set.contains(&probe), set.iter().any(|s| s == probe));
            for item in set.iter() {
                proptest::prop_assert!(set.contains(item));
            }
        }
    }

    #[test]
    fn set_round_trips_through_json() {
        let s: TextSet = ["b", "a", "", "a"].into_iter().collect();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"["a","b"]"#);
        let back: TextSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_str::<TextSet>("[\"a\u{1F}b\"]").is_err());
    }
}
