//! Evaluators over security groups. [`naive`] is the obviously-correct linear oracle that
//! every faster structure is tested against.

pub mod intervals;
pub mod naive;
