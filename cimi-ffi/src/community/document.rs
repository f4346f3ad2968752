//! The community as one versioned JSON document (the core's
//! `community/document.rs`): `toJson`, `save`, and the constructors
//! `fromJson` and `load` that read it back.

use crate::community::{Community, guarded, read_file};
use crate::error::CimiError;

#[uniffi::export]
impl Community {
    /// Loads a community saved with `toJson()`. Nothing is half-loaded: an
    /// impossible document is a `Format` error saying where.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Community, CimiError> {
        guarded(|| {
            Ok(Community::in_memory(cimi_core::Community::from_json(
                &json,
            )?))
        })
    }

    /// Loads a community from a file written by `save`.
    #[uniffi::constructor]
    pub fn load(path: String) -> Result<Community, CimiError> {
        guarded(|| {
            Ok(Community::in_memory(cimi_core::Community::from_json(
                &read_file(&path)?,
            )?))
        })
    }

    /// The whole state as a versioned JSON document.
    pub fn to_json(&self) -> Result<String, CimiError> {
        self.read(|c| Ok(c.to_json()))
    }

    /// Writes `toJson()` to a file atomically (the core's `save`: a
    /// temporary file `<path>.tmp` beside it, fsync, rename, fsync of the
    /// directory; a crash leaves the old file or the new one, never a torn
    /// one). A path that names no file (empty, `dir/`) is `InvalidInput`.
    pub fn save(&self, path: String) -> Result<(), CimiError> {
        self.read(|c| Ok(c.save(&path)?))
    }
}
