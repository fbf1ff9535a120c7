//! One file per subcommand.

pub mod audit;
pub mod explain;
pub mod inventory;
