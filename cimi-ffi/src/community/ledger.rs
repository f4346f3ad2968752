//! Recording and replay of changes in memory (the core's
//! `community/ledger.rs`): `setRecording`, `drainChangesJson`,
//! `applyChangeJson`. A durable community records every change in its
//! journal instead (see [`crate::store`]).

use cimi_core::change::Change;
use cimi_core::store::Store;

use crate::community::{Community, guarded};
use crate::error::CimiError;

fn refuse_if_durable(store: &Store) -> Result<(), CimiError> {
    match store.is_durable() {
        false => Ok(()),
        true => Err(CimiError::state(
            "journal_in_use",
            "a durable community records its changes in its journal; read them with memberHistory or eventHistory",
            "une communauté durable consigne ses changements dans son journal ; lisez-les avec memberHistory ou eventHistory",
        )),
    }
}

#[uniffi::export]
impl Community {
    /// Starts or stops recording changes (for `drainChangesJson`). Not for a
    /// durable community, whose journal already records every change (read
    /// it with `memberHistory` / `eventHistory`).
    pub fn set_recording(&self, on: bool) -> Result<(), CimiError> {
        self.write_store(|s, actor| {
            refuse_if_durable(s)?;
            Ok(s.execute(actor, |c| {
                c.set_recording(on);
                Ok(())
            })?)
        })
    }

    /// The changes recorded since the last call, each as one line of JSON
    /// (`action`, `at`, `record`, `value`; the journal's record format),
    /// oldest first.
    pub fn drain_changes_json(&self) -> Result<Vec<String>, CimiError> {
        let changes = self.write_store(|s, actor| {
            refuse_if_durable(s)?;
            Ok(s.execute(actor, |c| Ok(c.drain_changes()))?)
        })?;
        Ok(changes.iter().map(Change::to_json).collect())
    }

    /// Applies a change from `drainChangesJson` (replay on a replica); text
    /// that is not a change is `Format` with kind `invalid_json`.
    pub fn apply_change_json(&self, json: String) -> Result<(), CimiError> {
        let change = guarded(|| Ok(Change::from_json(&json)?))?;
        self.write(|c| c.apply(change))
    }
}
