//! The validated domain model: plain typed data, no I/O.
//!
//! Contract: ingest builds these objects; everything downstream (index, eval, audit) reads
//! them. Every object carries its [`Origin`] (file + JSON path or line) and its [`Scope`]
//! (account/region), so an explanation can always point back at the input. Validation
//! ([`validate`]) reports dangling references, out-of-range values, duplicates and AZ
//! mismatches as [`Diagnostic`]s; it never panics and never drops objects.
//! [`build`] constructs topologies programmatically (tests, benches, examples).

pub mod build;
mod ids;
mod objects;
mod origin;
mod topology;
pub mod validate;

pub use ids::*;
pub use objects::*;
pub use origin::{Diagnostic, Location, Origin, Severity, shown};
pub use topology::{ADDRESS_RECORD, Counts, Lookup, Topology};
