//! Identifiers of the community's records.
//!
//! Identifiers are small integers handed out in increasing order by the
//! [`Community`](crate::Community); they are never reused, so a registration's
//! identifier also tells its place in the order of arrival.
//!
//! ```
//! use cimi_core::ids::EventId;
//! assert_eq!(EventId::new(7).get(), 7);
//! assert_eq!(EventId::new(7).to_string(), "E7");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(u64);

        impl $name {
            /// Wraps a raw identifier.
            pub const fn new(raw: u64) -> Self {
                $name(raw)
            }
            /// The raw identifier.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id!(
    /// Identifies a member.
    ///
    /// ```
    /// assert_eq!(cimi_core::ids::MemberId::new(3).to_string(), "M3");
    /// ```
    MemberId,
    "M"
);
id!(
    /// Identifies an event.
    ///
    /// ```
    /// assert_eq!(cimi_core::ids::EventId::new(1).get(), 1);
    /// ```
    EventId,
    "E"
);
id!(
    /// Identifies a registration; also its rank in the order of arrival.
    ///
    /// ```
    /// use cimi_core::ids::RegistrationId;
    /// assert!(RegistrationId::new(1) < RegistrationId::new(2));
    /// ```
    RegistrationId,
    "R"
);
id!(
    /// Identifies a help request.
    ///
    /// ```
    /// assert_eq!(cimi_core::ids::HelpRequestId::new(4).to_string(), "H4");
    /// ```
    HelpRequestId,
    "H"
);
id!(
    /// Identifies a watch item.
    ///
    /// ```
    /// assert_eq!(cimi_core::ids::WatchItemId::new(2).to_string(), "W2");
    /// ```
    WatchItemId,
    "W"
);
