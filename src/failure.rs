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

    /// Maps a runtime error to its exit code: configuration and parameter errors are
    /// usage errors (2); a record that stopped a strict run is a record error (1);
    /// everything else is the provider's (3): an HTTP status, a refused token or
    /// credential (`Auth`), a network failure (`Transport`), a body that is not what the
    /// spec describes (`Response`), a body flag saying the call failed (`Rejected`),
    /// paging that would loop (`Paging`), a sync past its time limit.
    pub fn from_runtime(error: &custkit::Error) -> Failure {
        let code = match error {
            custkit::Error::InvalidParam { .. } | custkit::Error::Config { .. } => exit::USAGE,
            custkit::Error::Record(_) => exit::RECORD_ERRORS,
            _ => exit::PROVIDER,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }

    /// Prints the message and returns the exit code.
    pub fn report(self) -> u8 {
        eprintln!("error: {}", self.message);
        self.code
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custkit::runtime::record::{RawRecord, RecordPosition};
    use custkit::runtime::RecordError;
    use serde_json::value::RawValue;

    #[test]
    fn each_runtime_error_has_its_documented_exit_code() {
        let (provider, endpoint) = ("p", "list");
        let text = |reason: &str| reason.to_string();
        let record = RawRecord {
            position: RecordPosition { page: 2, index: 3 },
            json: RawValue::from_string("{}".to_string()).unwrap(),
        };
        let cases = [
            (
                custkit::Error::Config {
                    provider,
                    message: text("no base URL"),
                },
                exit::USAGE,
            ),
            (
                custkit::Error::InvalidParam {
                    provider,
                    endpoint,
                    param: "limit",
                    reason: text("must be at most 200"),
                },
                exit::USAGE,
            ),
            (
                custkit::Error::Auth {
                    provider,
                    reason: text("HTTP 401"),
                },
                exit::PROVIDER,
            ),
            (
                custkit::Error::Status {
                    provider,
                    endpoint,
                    status: 401,
                    body_excerpt: String::new(),
                },
                exit::PROVIDER,
            ),
            (
                custkit::Error::Response {
                    provider,
                    endpoint,
                    page: 1,
                    reason: text("not JSON"),
                },
                exit::PROVIDER,
            ),
            (
                custkit::Error::Rejected {
                    provider,
                    endpoint,
                    page: 1,
                    reason: text("code 404"),
                },
                exit::PROVIDER,
            ),
            (
                custkit::Error::Paging {
                    provider,
                    endpoint,
                    page: 3,
                    reason: text("repeated cursor"),
                },
                exit::PROVIDER,
            ),
            (
                custkit::Error::SyncTimeout {
                    provider,
                    endpoint,
                    limit: std::time::Duration::from_secs(1),
                },
                exit::PROVIDER,
            ),
            (
                custkit::Error::Record(RecordError::new(
                    &custkit::meedee::LIST_CUSTOMERS,
                    &record,
                    "bad id",
                )),
                exit::RECORD_ERRORS,
            ),
        ];
        for (error, code) in cases {
            let failure = Failure::from_runtime(&error);
            assert_eq!(failure.code, code, "{error}");
            assert_eq!(failure.message, error.to_string());
        }
    }
}
