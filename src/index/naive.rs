//! The naive linear evaluator: the oracle.
