//! One module per subcommand.

pub mod check;
pub mod providers;
pub mod scaffold;
pub mod sync;
