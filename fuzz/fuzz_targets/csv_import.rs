//! Any bytes, as a member CSV: never a panic; all or nothing unless bad rows
//! are skipped; whatever was imported exports and imports back whole.
#![no_main]

use std::sync::LazyLock;

use cimi_core::Community;
use cimi_core::interop::csv::{CsvOptions, ImportOptions, directory, import_members};
use libfuzzer_sys::fuzz_target;

mod common;

static BASE: LazyLock<Community> = LazyLock::new(common::community);

fuzz_target!(|data: &[u8]| {
    let base = &*BASE;
    let now = common::now();
    let skip = data.last().is_some_and(|b| b & 1 == 1);
    let mut c = base.clone();
    let Ok(report) = import_members(
        &mut c,
        data,
        &ImportOptions {
            skip_bad_rows: skip,
        },
        now,
    ) else {
        assert!(c == *base, "an import error changed the community");
        return;
    };
    assert_eq!(
        c.members().count(),
        base.members().count() + report.imported.len()
    );
    if !skip && !report.rejected.is_empty() {
        assert!(report.imported.is_empty() && c == *base);
    }
    for options in [CsvOptions::french_office(), CsvOptions::rfc4180()] {
        let doc = directory(&c, &options, now);
        let mut back = Community::cimi();
        let again =
            import_members(&mut back, doc.as_bytes(), &ImportOptions::default(), now).unwrap();
        assert!(again.is_complete(), "{:?}", again.rejected);
        assert_eq!(
            back.members().count(),
            c.members().filter(|m| !m.is_erased()).count()
        );
    }
});
