//! One module per subcommand.

pub mod check;
pub mod providers;
pub mod scaffold;
pub mod show;
pub mod sync;
mod sync_state;

use crate::exit;
use crate::failure::Failure;

/// Runs a command's async body on a fresh runtime and turns its result into an exit
/// code, printing the failure if there is one.
pub fn block_on(body: impl std::future::Future<Output = Result<u8, Failure>>) -> u8 {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return exit::USAGE;
        }
    };
    runtime.block_on(body).unwrap_or_else(Failure::report)
}
