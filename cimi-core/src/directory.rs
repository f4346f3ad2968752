//! The members' table: compact storage for a directory of millions.
//!
//! Members live in one vector ordered by identifier (identifiers are handed
//! out in increasing order, so a lookup is usually a subtraction); the index
//! by address is a hash table of positions that hashes the address in
//! lowercase on the fly instead of keeping a second, lowercased copy; the
//! texts members share (names, services, grades, skills…) are interned.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::ids::MemberId;
use crate::member::Member;
use crate::table::{IdTable, Placed};
use crate::text::Interner;

type Hasher = foldhash::fast::RandomState;

/// Members by identifier, with an index of live members by address.
#[derive(Default)]
pub(crate) struct Directory {
    members: IdTable<Member>,
    by_address: HashTable<Entry>,
    hasher: Hasher,
    /// Counts the changes of `by_address`, so that a [`Lookup`] knows whether
    /// it still holds.
    version: u64,
    pub(crate) interner: Interner,
}

/// An address looked up in the index: the live member holding it, if any,
/// with what lets [`Directory::put_shared`] index a new member at that
/// address without hashing it and probing the table again (a registration
/// looks the address up first, and stores the person a moment later).
///
/// Good only for the directory that made it, and only until its index
/// changes; a stale one is noticed and ignored.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lookup {
    /// The live member with that address.
    pub(crate) member: Option<MemberId>,
    hash: u32,
    version: u64,
}

/// A position in the members' vector and its address's hash, kept so that
/// growing the table never reads the members again (at a million members,
/// that read is a cache miss per entry).
#[derive(Clone, Copy)]
struct Entry {
    slot: u32,
    hash: u32,
}

impl Entry {
    fn table_hash(self) -> u64 {
        spread(self.hash)
    }
}

/// The table's 64-bit hash of a 32-bit address hash: an odd multiplier
/// spreads it over the low bits (the bucket) and the top bits (the tag).
fn spread(hash: u32) -> u64 {
    u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The hash of an address, ignoring ASCII case (the identity of a person),
/// without copying it when it is short.
fn address_hash(hasher: &Hasher, address: &str) -> u32 {
    let bytes = address.as_bytes();
    // Room for nearly every address on the stack; longer ones are copied.
    let mut buf = [0u8; 96];
    let full = if bytes.len() <= buf.len() {
        let buf = &mut buf[..bytes.len()];
        for (d, s) in buf.iter_mut().zip(bytes) {
            *d = s.to_ascii_lowercase();
        }
        hasher.hash_one(&*buf)
    } else {
        hasher.hash_one(bytes.to_ascii_lowercase().as_slice())
    };
    // The high half: foldhash mixes it best.
    (full >> 32) as u32
}

/// A copy grows as the original would: it keeps the vector's spare room (a
/// derived clone would not, and the copy's first new member would then move
/// millions of members at once).
impl Clone for Directory {
    fn clone(&self) -> Self {
        let mut members = IdTable::with_capacity(self.members.capacity());
        members.extend_ordered(self.members.values());
        Directory {
            members,
            by_address: self.by_address.clone(),
            hasher: self.hasher.clone(),
            version: self.version,
            interner: self.interner.clone(),
        }
    }
}

impl PartialEq for Directory {
    fn eq(&self, other: &Self) -> bool {
        self.members == other.members
    }
}

impl Directory {
    /// How many members (erased ones included).
    pub(crate) fn len(&self) -> usize {
        self.members.len()
    }

    /// A member by identifier.
    pub(crate) fn get(&self, id: &MemberId) -> Option<&Member> {
        self.members.get(id)
    }

    /// Whether that identifier is taken.
    pub(crate) fn contains_key(&self, id: &MemberId) -> bool {
        self.members.contains_key(id)
    }

    /// Every member, by identifier.
    pub(crate) fn values(&self) -> std::slice::Iter<'_, Member> {
        self.members.values()
    }

    /// The live (not erased) member with that address, ignoring ASCII case.
    pub(crate) fn by_address(&self, address: &str) -> Option<MemberId> {
        self.lookup(address).member
    }

    /// [`by_address`](Self::by_address), kept for storing a new member with
    /// that address.
    pub(crate) fn lookup(&self, address: &str) -> Lookup {
        let hash = address_hash(&self.hasher, address);
        let member = self
            .by_address
            .find(spread(hash), |e| {
                e.hash == hash
                    && self.members.rows()[e.slot as usize]
                        .email
                        .as_str()
                        .eq_ignore_ascii_case(address)
            })
            .map(|e| self.members.rows()[e.slot as usize].id);
        Lookup {
            member,
            hash,
            version: self.version,
        }
    }

    fn unindex(&mut self, slot: usize) {
        self.version += 1;
        let hash = address_hash(&self.hasher, self.members.rows()[slot].email.as_str());
        if let Ok(entry) = self
            .by_address
            .find_entry(spread(hash), |e| e.slot as usize == slot)
        {
            entry.remove();
        }
    }

    /// Indexes the member at `slot`; `absent` is a lookup of its address
    /// that found no live member, if the caller has one.
    fn index(&mut self, slot: usize, absent: Option<Lookup>) {
        let members = self.members.rows();
        let m = &members[slot];
        if m.is_erased() {
            return;
        }
        self.version += 1;
        if let Some(found) = absent.filter(|l| l.member.is_none() && l.version + 1 == self.version)
        {
            // Nothing changed the index since the address was found absent:
            // the entry goes in without a second search.
            debug_assert_eq!(found.hash, address_hash(&self.hasher, m.email.as_str()));
            let entry = Entry {
                slot: slot as u32,
                hash: found.hash,
            };
            self.by_address
                .insert_unique(spread(found.hash), entry, |e| e.table_hash());
            return;
        }
        let hash = address_hash(&self.hasher, m.email.as_str());
        let entry = Entry {
            slot: slot as u32,
            hash,
        };
        // One live member per address: a previous holder loses the entry.
        match self.by_address.find_entry(spread(hash), |e| {
            e.hash == hash
                && members[e.slot as usize]
                    .email
                    .as_str()
                    .eq_ignore_ascii_case(m.email.as_str())
        }) {
            Ok(mut found) => *found.get_mut() = entry,
            Err(absent) => {
                absent
                    .into_table()
                    .insert_unique(spread(hash), entry, |e| e.table_hash());
            }
        }
    }

    fn reindex_all(&mut self) {
        self.version += 1;
        self.by_address.clear();
        for slot in 0..self.members.len() {
            self.index(slot, None);
        }
    }

    /// Stores a member (new or a new version), sharing its texts; returns the
    /// previous version.
    pub(crate) fn put(&mut self, member: Member) -> Option<Member> {
        let member = member.shared(&mut self.interner);
        self.put_shared(member, None)
    }

    /// [`put`](Self::put) for a member whose texts already come from this
    /// directory's interner (or are empty); `found` is a lookup of its
    /// address, if the caller made one.
    pub(crate) fn put_shared(&mut self, member: Member, found: Option<Lookup>) -> Option<Member> {
        let rows = self.members.rows();
        let old_address = self.members.slot(member.id).and_then(|slot| {
            let old = &rows[slot];
            let same_address = old.email == member.email && !old.is_erased() && !member.is_erased();
            (!same_address).then_some(slot)
        });
        if let Some(slot) = old_address {
            self.unindex(slot);
        }
        let old = match self.members.put(member) {
            Placed::Replaced(slot, old) => {
                if old_address.is_some() {
                    self.index(slot, None);
                }
                Some(old)
            }
            Placed::Appended(slot) => {
                self.index(slot, found);
                None
            }
            Placed::Inserted => {
                self.reindex_all();
                None
            }
        };
        if let Some(old) = &old {
            old.release(&mut self.interner);
        }
        old
    }

    /// Removes a member (undo of its creation).
    pub(crate) fn remove(&mut self, id: &MemberId) -> Option<Member> {
        let slot = self.members.slot(*id)?;
        self.unindex(slot);
        let (slot, old) = self.members.remove_slot(id)?;
        if slot != self.members.len() {
            self.reindex_all();
        }
        old.release(&mut self.interner);
        Some(old)
    }

    /// Lets the interner forget the texts of a version nobody holds any more.
    pub(crate) fn release(&mut self, member: &Member) {
        member.release(&mut self.interner);
    }

    /// Stores members given in increasing identifier order (loading).
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.version += 1;
        self.members.reserve(additional);
        self.by_address.reserve(additional, |e| e.table_hash());
    }
}

impl std::ops::Index<&MemberId> for Directory {
    type Output = Member;
    fn index(&self, id: &MemberId) -> &Member {
        &self.members[id]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::EmailAddress;

    /// A lookup that found an address absent no longer holds once the index
    /// changed: the member put with it replaces the entry instead of adding
    /// a second one.
    #[test]
    fn a_stale_lookup_is_ignored() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let address = EmailAddress::parse("ada@x.gouv.fr").unwrap();
        let mut d = Directory::default();
        let found = d.lookup("ADA@x.gouv.fr");
        assert_eq!(found.member, None);
        d.put_shared(Member::new(MemberId::new(1), address.clone(), at), None);
        d.put_shared(Member::new(MemberId::new(2), address, at), Some(found));
        assert_eq!(d.by_address("ada@X.gouv.fr"), Some(MemberId::new(2)));
        assert_eq!(d.by_address.len(), 1);
        // A fresh lookup is used, and the next address indexed once.
        let other = EmailAddress::parse("grace@x.gouv.fr").unwrap();
        let found = d.lookup(other.as_str());
        d.put_shared(Member::new(MemberId::new(3), other, at), Some(found));
        assert_eq!(d.by_address("grace@x.gouv.fr"), Some(MemberId::new(3)));
        assert_eq!(d.by_address.len(), 2);
    }
}
