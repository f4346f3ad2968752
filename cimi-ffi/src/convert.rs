//! Conversions shared by every noun of the bindings: the signed integers of
//! the foreign side against the core's identifiers and counts. No domain rule
//! lives here.
//!
//! Integers are signed (`i64` for identifiers and instants, `i32` for counts
//! and capacities) so that Java sees `long` and `int`; a negative or too large
//! value is an `invalid_input` error. Instants are milliseconds since the
//! epoch (see [`crate::time`]).
//!
//! The records and enums themselves live next to their noun:
//! [`crate::community::members`], [`crate::community::events`],
//! [`crate::community::registrations`], [`crate::community::statutes`],
//! [`crate::community::help`], [`crate::community::watch`], and the
//! top-level [`crate::stats`], [`crate::store`], [`crate::interop`].

use std::collections::{BTreeMap, HashMap};

use cimi_core::ids::{EventId, MemberId, RegistrationId};

use crate::error::CimiError;

pub(crate) fn id_u64(id: i64, field: &str) -> Result<u64, CimiError> {
    u64::try_from(id).map_err(|_| {
        CimiError::input(
            field,
            format!("{id} is negative"),
            format!("{id} est négatif"),
        )
    })
}

pub(crate) fn event_id(id: i64) -> Result<EventId, CimiError> {
    id_u64(id, "event_id").map(EventId::new)
}

pub(crate) fn member_id(id: i64) -> Result<MemberId, CimiError> {
    id_u64(id, "member_id").map(MemberId::new)
}

pub(crate) fn registration_id(id: i64) -> Result<RegistrationId, CimiError> {
    id_u64(id, "registration_id").map(RegistrationId::new)
}

/// Identifiers are handed out from 1 upwards; they fit an `i64` for ever.
pub(crate) fn id_i64(raw: u64) -> i64 {
    i64::try_from(raw).unwrap_or(i64::MAX)
}

pub(crate) fn count_u32(v: i32, field: &str) -> Result<u32, CimiError> {
    u32::try_from(v).map_err(|_| {
        CimiError::input(
            field,
            format!("{v} is negative"),
            format!("{v} est négatif"),
        )
    })
}

pub(crate) fn count_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

pub(crate) fn quotas_in(quotas: HashMap<String, i32>) -> Result<BTreeMap<String, u32>, CimiError> {
    quotas
        .into_iter()
        .map(|(k, v)| Ok((k, count_u32(v, "quotas")?)))
        .collect()
}

pub(crate) fn quotas_out(quotas: &BTreeMap<String, u32>) -> HashMap<String, i32> {
    quotas
        .iter()
        .map(|(k, v)| (k.clone(), count_i32(*v)))
        .collect()
}

pub(crate) fn ids_out(ids: &[RegistrationId]) -> Vec<i64> {
    ids.iter().map(|id| id_i64(id.get())).collect()
}
