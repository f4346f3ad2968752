//! FFI bindings: see issue 4.
