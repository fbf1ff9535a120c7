//! One file per subcommand.

pub mod assert;
pub mod audit;
pub mod diagnose;
pub mod explain;
pub mod inventory;
pub mod reach;
