//! Python bindings: see issue 3.
