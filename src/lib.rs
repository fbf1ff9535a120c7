//! sgcheck: read AWS security groups and the topology around them, compile them, and answer
//! exposure and reachability questions with explanations.
//!
//! Layers, in the order data flows:
//! - [`net`]: value types (protocols, ports, ICMP matches, CIDRs, address ranges), each
//!   with one `FromStr` shared by every parser.
//! - [`ingest`]: AWS JSON exports and the sgcheck rule language into the model.
//! - [`model`]: the typed topology, with origins and validation.
//! - [`index`]: the compiled index and the naive oracle it is tested against.
//! - [`eval`]: reachability with per-layer explanations, diagnosis, flow assertions.
//! - [`audit`]: exposure, hygiene and topology checks with stable codes.
//! - [`report`], the renderers: text, JSON and SARIF.
//!
//! # Build, then query
//!
//! ```
//! use sgcheck::index::compiled::{CompiledIndex, Decision, Packet};
//! use sgcheck::net::Direction;
//! use std::sync::Arc;
//!
//! let text = "\
//! group sg-web
//!   in tcp 443 from 0.0.0.0/0 \"public https\"
//!   in tcp 22  from 198.51.100.0/24
//! eni eni-web ip 10.0.1.10 groups sg-web
//! ";
//! let (topology, _diagnostics) = sgcheck::ingest::dsl::parse(&Arc::from("web.sg"), text)?;
//! let index = CompiledIndex::new(&topology);
//!
//! let https = Packet::tcp("203.0.113.9".parse()?, 443);
//! assert_eq!(index.decide(0, Direction::Ingress, &https), Some(Decision::Allowed));
//! let why = index.explain(&topology, 0, Direction::Ingress, &https);
//! assert_eq!(why[0].rule.description.as_deref(), Some("public https"));
//! assert_eq!(why[0].rule.origin.to_string(), "web.sg:2:19");
//!
//! let ssh = Packet::tcp("203.0.113.9".parse()?, 22);
//! assert_eq!(index.decide(0, Direction::Ingress, &ssh), Some(Decision::Denied));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod eval;
pub mod index;
pub mod ingest;
pub mod model;
pub mod net;
pub mod report;
pub mod synth;
