//! One file per subcommand.

pub mod assert;
pub mod diagnose;
pub mod inventory;
pub mod reach;
