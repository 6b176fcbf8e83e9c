//! revisit
