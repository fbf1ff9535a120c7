//! Cross-object validation of a [`Topology`](super::Topology).

use super::{Diagnostic, Topology};

/// Checks references, ranges, duplicates and AZ consistency; returns every problem found.
pub fn validate(_topology: &Topology) -> Vec<Diagnostic> {
    Vec::new()
}
