//! sgcheck: read AWS security groups and the topology around them, compile them, and answer
//! exposure and reachability questions with explanations.
//!
//! Layers, in the order data flows:
//! - [`net`]: value types (protocols, ports, ICMP matches, CIDRs, address ranges).
//! - [`ingest`]: AWS JSON exports and the sgcheck rule language into the model.
//! - [`model`]: the typed topology, with origins and validation.
//! - [`index`]: evaluators over the model (today the naive oracle).
//! - [`audit`]: exposure, hygiene and topology checks with stable codes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod index;
pub mod ingest;
pub mod model;
pub mod net;
pub mod report;
pub mod synth;
