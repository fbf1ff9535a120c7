//! One file per subcommand.

pub mod inventory;
