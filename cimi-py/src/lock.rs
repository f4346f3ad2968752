//! The lock of a shared value — the core `Community` inside a
//! `cimi.Community` — written once and without Python, so that it can be
//! checked under many thread interleavings: with the `shuttle` cargo feature
//! its `RwLock` and `AtomicBool` are [shuttle](https://docs.rs/shuttle)'s
//! instrumented twins, and `tests/shuttle_lock.rs` (which includes this file:
//! the extension module itself cannot be linked into a test binary without
//! an interpreter) runs this very code under shuttle's schedulers.
//!
//! The rules: an operation first tries the lock without waiting; when it
//! would wait, it waits through [`Wait::blocking`], where the Python module
//! lets go of the interpreter (a thread holding the lock may need the
//! interpreter to finish: waiting for the lock while holding the interpreter
//! would deadlock with it). The whole operation runs with the lock held and
//! no Python code involved; its result is converted after the lock is
//! released. Reads go on after a panic in an earlier write (there is nothing
//! better to show); writes are refused ([`Denied::Poisoned`]). A value lent to
//! a `Store.execute` operation is closed when that operation is over, and
//! every later access is refused ([`Denied::Closed`]), checked with the lock
//! held.
//!
//! A build with `shuttle` is for that test only: its locks work only inside a
//! shuttle execution.

use std::sync::{PoisonError, TryLockError};

#[cfg(feature = "shuttle")]
use shuttle::sync::{
    RwLock,
    atomic::{AtomicBool, Ordering},
};
#[cfg(not(feature = "shuttle"))]
use std::sync::{
    RwLock,
    atomic::{AtomicBool, Ordering},
};

/// How a thread waits for the lock when it cannot take it at once.
pub trait Wait {
    /// Runs `f`, which may block, the way this thread must block (a Python
    /// thread lets go of the interpreter meanwhile).
    fn blocking<R: Send, F: FnOnce() -> R + Send>(self, f: F) -> R;
}

/// Blocks as it is: for a thread that holds nothing else (no interpreter).
#[derive(Debug, Clone, Copy)]
pub struct Direct;

impl Wait for Direct {
    fn blocking<R: Send, F: FnOnce() -> R + Send>(self, f: F) -> R {
        f()
    }
}

/// Why an access was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The value was lent to an operation that is over.
    Closed,
    /// An earlier write panicked: the value may be half-changed.
    Poisoned,
}

/// A value shared between threads behind a read-write lock.
#[derive(Debug)]
pub struct Shared<T> {
    value: RwLock<T>,
    /// Read and written with `SeqCst` (rare, and the ordering shuttle models).
    closed: AtomicBool,
}

impl<T: Send + Sync> Shared<T> {
    /// Shares `value`.
    pub fn new(value: T) -> Self {
        Shared {
            value: RwLock::new(value),
            closed: AtomicBool::new(false),
        }
    }

    /// Whether the value was lent to an operation that is over.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    fn open(&self) -> Result<(), Denied> {
        if self.is_closed() {
            Err(Denied::Closed)
        } else {
            Ok(())
        }
    }

    /// Runs `f` on the value for reading.
    pub fn read<R: Send>(
        &self,
        wait: impl Wait,
        f: impl FnOnce(&T) -> R + Send,
    ) -> Result<R, Denied> {
        let run = |value: &T| self.open().map(|()| f(value));
        match self.value.try_read() {
            Ok(guard) => run(&guard),
            Err(TryLockError::Poisoned(poisoned)) => run(&poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => wait.blocking(|| {
                let guard = self.value.read().unwrap_or_else(PoisonError::into_inner);
                run(&guard)
            }),
        }
    }

    /// Runs `f` on the value for writing.
    pub fn write<R: Send>(
        &self,
        wait: impl Wait,
        f: impl FnOnce(&mut T) -> R + Send,
    ) -> Result<R, Denied> {
        let run = |value: &mut T| self.open().map(|()| f(value));
        match self.value.try_write() {
            Ok(mut guard) => run(&mut guard),
            Err(TryLockError::Poisoned(_)) => Err(Denied::Poisoned),
            Err(TryLockError::WouldBlock) => wait.blocking(|| match self.value.write() {
                Ok(mut guard) => run(&mut guard),
                Err(_) => Err(Denied::Poisoned),
            }),
        }
    }

    /// Swaps the value with `other` (even after a panic); `close` closes it
    /// for good, in the same critical section.
    pub fn swap(&self, wait: impl Wait, other: &mut T, close: bool) {
        let mut run = |value: &mut T| {
            std::mem::swap(value, other);
            if close {
                self.closed.store(true, Ordering::SeqCst);
            }
        };
        match self.value.try_write() {
            Ok(mut guard) => run(&mut guard),
            Err(TryLockError::Poisoned(poisoned)) => run(&mut poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => wait.blocking(|| {
                let mut guard = self.value.write().unwrap_or_else(PoisonError::into_inner);
                run(&mut guard)
            }),
        }
    }
}
