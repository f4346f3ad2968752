//! Cross-crate and cross-process integration tests of cimi live under
//! `tests/tests/`; `crash_worker` is the child process the crash test kills.
