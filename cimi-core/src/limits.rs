//! Every size limit of the crate, named in one place, and the walk that
//! checks what a loaded document or journal may hold.
//!
//! The limits protect a process from input that would take unbounded memory
//! or time (a hostile file, a runaway script); each is far above what a real
//! community needs. Operations refuse input over a limit with a typed error
//! naming the field; loading refuses a record over a limit with
//! `over_limit`, naming where.
//!
//! Every record read from outside (a community document, a journal line, a
//! change applied by a program) is walked once through its `Serialize`
//! implementation, so every string and every list of every record type is
//! measured without listing fields by hand: a new field is covered the day it
//! is added.

use std::fmt::{self, Display};

use serde::ser::{self, Serialize};

/// Longest text any record may hold, in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// Longest list any record may hold (consents, program items, skills, steps…).
pub const MAX_LIST_LEN: usize = 100_000;

/// Largest community document [`Community::from_json`](crate::Community::from_json) reads, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 4 << 30;
/// Largest journal record (one change), in bytes.
pub const MAX_RECORD_BYTES: usize = 1 << 30;
/// Longest compte-rendu summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 100_000;
/// Largest capacity (seats or remote places) or quota an event may have.
pub const MAX_CAPACITY: u32 = 10_000_000;
/// Check-in opens this long before an event starts (the desk set up the
/// day before, a remote attendee joining early).
pub const CHECK_IN_OPENS_BEFORE: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// Check-in closes this long after an event ends (a sign-in sheet typed in
/// the next day).
pub const CHECK_IN_CLOSES_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// Longest an offer of a freed seat may hold it, in days.
pub const MAX_OFFER_HOLD_DAYS: i64 = 30;
/// Longest cut-off before an event's start after which no offer runs, in days.
pub const MAX_OFFER_CUTOFF_DAYS: i64 = 365;
/// Most items in an event's program.
pub const MAX_PROGRAM_ITEMS: usize = 1_000;
/// Most skills and interests, together, on a member's profile.
pub const MAX_PROFILE_TAGS: usize = 1_000;
/// Most consent decisions kept per member.
pub const MAX_CONSENTS: usize = 10_000;
/// Most skills a help request may ask for.
pub const MAX_HELP_SKILLS: usize = 100;
/// Most members one help step may refer to.
pub const MAX_REFERRALS: usize = 100;
/// Most tags on a watch item.
pub const MAX_WATCH_TAGS: usize = 100;
/// Largest `max_field_chars` statutes may set for registration fields.
pub const MAX_FIELD_CHARS: u32 = 10_000;
/// Longest actor name a store records with each operation, in characters.
pub const MAX_ACTOR_CHARS: usize = 200;
/// Largest bureau statutes may describe.
pub const MAX_BUREAU_SIZE: u32 = 1_000;

/// The first limit a value breaks: where (a path such as `skills[3]`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OverLimit {
    pub(crate) path: String,
    pub(crate) what: &'static str,
    pub(crate) limit: usize,
}

/// Checks every string and list of `value` against the limits.
pub(crate) fn check<T: Serialize + ?Sized>(value: &T) -> Result<(), OverLimit> {
    let mut walker = Walker { path: Vec::new() };
    match value.serialize(&mut walker) {
        Ok(()) => Ok(()),
        Err(Found(over)) => Err(over),
    }
}

#[derive(Debug)]
struct Found(OverLimit);

impl Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} over {} at {}",
            self.0.what, self.0.limit, self.0.path
        )
    }
}
impl std::error::Error for Found {}
impl ser::Error for Found {
    fn custom<T: Display>(_: T) -> Self {
        Found(OverLimit {
            path: String::new(),
            what: "unserialisable value",
            limit: 0,
        })
    }
}

enum Step {
    Field(&'static str),
    Index(usize),
}

struct Walker {
    path: Vec<Step>,
}

impl Walker {
    fn fail(&self, what: &'static str, limit: usize) -> Found {
        let mut path = String::new();
        for step in &self.path {
            match step {
                Step::Field(name) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
                Step::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        Found(OverLimit { path, what, limit })
    }

    fn text(&self, s: &str) -> Result<(), Found> {
        // Bytes bound characters from above: count only when it could matter.
        if s.len() > MAX_TEXT_CHARS && s.chars().count() > MAX_TEXT_CHARS {
            return Err(self.fail("text length", MAX_TEXT_CHARS));
        }
        Ok(())
    }

    fn list(&self, len: Option<usize>) -> Result<(), Found> {
        if len.is_some_and(|n| n > MAX_LIST_LEN) {
            return Err(self.fail("list length", MAX_LIST_LEN));
        }
        Ok(())
    }
}

/// Walks the elements of a list, numbering them.
struct Seq<'a> {
    walker: &'a mut Walker,
    index: usize,
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        if self.index >= MAX_LIST_LEN {
            return Err(self.walker.fail("list length", MAX_LIST_LEN));
        }
        self.walker.path.push(Step::Index(self.index));
        let r = value.serialize(&mut *self.walker);
        self.walker.path.pop();
        self.index += 1;
        r
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = Found;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        self.element(value)
    }
    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}
impl ser::SerializeTuple for Seq<'_> {
    type Ok = ();
    type Error = Found;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        self.element(value)
    }
    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}
impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = ();
    type Error = Found;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        self.element(value)
    }
    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}
impl ser::SerializeTupleVariant for Seq<'_> {
    type Ok = ();
    type Error = Found;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        self.element(value)
    }
    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}
impl ser::SerializeMap for Seq<'_> {
    type Ok = ();
    type Error = Found;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Found> {
        key.serialize(&mut *self.walker)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Found> {
        self.element(value)
    }
    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}

/// Walks the fields of a struct, naming them.
struct Fields<'a> {
    walker: &'a mut Walker,
}

impl Fields<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Found> {
        self.walker.path.push(Step::Field(key));
        let r = value.serialize(&mut *self.walker);
        self.walker.path.pop();
        r
    }
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Found;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Found> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}
impl ser::SerializeStructVariant for Fields<'_> {
    type Ok = ();
    type Error = Found;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Found> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Found> {
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Walker {
    type Ok = ();
    type Error = Found;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Seq<'a>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Fields<'a>;

    fn serialize_bool(self, _: bool) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Found> {
        self.text(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Found> {
        self.list(Some(v.len()))
    }
    fn serialize_none(self) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Found> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Found> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Found> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Found> {
        self.path.push(Step::Field(variant));
        let r = value.serialize(&mut *self);
        self.path.pop();
        r
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a>, Found> {
        self.list(len)?;
        Ok(Seq {
            walker: self,
            index: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, Found> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'a>, Found> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Seq<'a>, Found> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Seq<'a>, Found> {
        self.serialize_seq(len)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'a>, Found> {
        Ok(Fields { walker: self })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Fields<'a>, Found> {
        Ok(Fields { walker: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Doc {
        name: String,
        items: Vec<Vec<String>>,
    }

    #[test]
    fn names_the_path_of_the_first_excess() {
        let ok = Doc {
            name: "x".into(),
            items: vec![vec!["a".into()]],
        };
        assert_eq!(check(&ok), Ok(()));
        let long = Doc {
            name: "x".into(),
            items: vec![vec![], vec!["a".into(), "é".repeat(MAX_TEXT_CHARS + 1)]],
        };
        let over = check(&long).unwrap_err();
        assert_eq!(over.path, "items[1][1]");
        assert_eq!(over.what, "text length");
        // Exactly at the limit in characters (but over it in bytes) is fine.
        let at_limit = Doc {
            name: "é".repeat(MAX_TEXT_CHARS),
            items: vec![],
        };
        assert_eq!(check(&at_limit), Ok(()));
        let many = Doc {
            name: String::new(),
            items: vec![Vec::new(); MAX_LIST_LEN + 1],
        };
        assert_eq!(check(&many).unwrap_err().what, "list length");
    }
}
