//! Evaluators over security groups.
//!
//! - [`compiled`]: the compiled index (one effective policy per distinct group set and
//!   direction, interval atoms, interned protocol summaries). Build once, query fast.
//! - [`naive`]: the obviously-correct linear oracle that the compiled index is tested
//!   against, and the baseline for benchmarks.
//! - [`intervals`]: normalised inclusive interval sets.

pub mod compiled;
pub(crate) mod fxhash;
pub mod intervals;
pub mod nacl;
pub mod naive;
pub mod summary;

pub use compiled::{CompiledIndex, Decision, IndexBuilder, Packet, RuleMatch, RuleRef};
