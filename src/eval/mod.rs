//! Questions over the topology: reachability with per-layer explanations ([`reach`]),
//! from a symptom to the layers to blame ([`diagnose`]), and batch queries and flow
//! assertions ([`flows`]).
//!
//! Build once, then ask:
//!
//! ```
//! use sgcheck::eval::{Options, Reach, Verdict};
//! use sgcheck::ingest::ingest_bytes;
//! let text = "\
//! vpc vpc-1 cidr 10.0.0.0/16
//! subnet subnet-1 vpc vpc-1 cidr 10.0.1.0/24
//! group sg-web vpc vpc-1
//!   in tcp 443 from 10.0.0.0/16
//!   out all to 0.0.0.0/0
//! instance i-a
//!   eni eni-a subnet subnet-1 ip 10.0.1.10 groups sg-web index 0
//! instance i-b
//!   eni eni-b subnet subnet-1 ip 10.0.1.11 groups sg-web index 0
//! ";
//! let ingest = ingest_bytes("example.sg", text.as_bytes());
//! let reach = Reach::new(&ingest.topology, Options::default());
//! let answers = reach.answer(&"i-a -> i-b 443/tcp".parse()?)?;
//! assert_eq!(answers[0].verdict, Verdict::Allowed);
//! let answers = reach.answer(&"i-a -> i-b 22/tcp".parse()?)?;
//! assert_eq!(answers[0].verdict, Verdict::Blocked);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod diagnose;
pub mod endpoint;
pub mod flows;
pub mod reach;

pub use endpoint::{Endpoint, PortSpec, Question};
pub use reach::{
    Answer, Layer, LayerResult, Options, Outcome, Reach, ReachError, Symptom, Verdict,
};
