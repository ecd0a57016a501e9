//! A command's failure: the message for stderr and the exit code scripts see.

use crate::exit;

/// Why a command stopped, and with which exit code.
#[derive(Debug)]
pub struct Failure {
    /// One of the [`exit`] codes.
    pub code: u8,
    /// The message, without the `error: ` prefix. Never holds a credential.
    pub message: String,
}

impl Failure {
    /// Bad usage or configuration.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    /// The provider (or the output) failed while running.
    pub fn provider(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::PROVIDER,
            message: message.into(),
        }
    }

    /// Maps a runtime error to its exit code: configuration and parameter errors are
    /// usage errors, everything else is the provider's.
    pub fn from_runtime(error: &custkit::Error) -> Failure {
        match error {
            custkit::Error::InvalidParam { .. } | custkit::Error::Config { .. } => {
                Failure::usage(error.to_string())
            }
            _ => Failure::provider(error.to_string()),
        }
    }

    /// Prints the message and returns the exit code.
    pub fn report(self) -> u8 {
        eprintln!("error: {}", self.message);
        self.code
    }
}
