//! Success flags in response bodies: some providers answer HTTP 200 and say in the body
//! that the call failed (`{"code": 404}`, `{"success": false}`). The spec declares where
//! the flag is; every response is checked before its records are read.

use crate::error::Error;
use crate::json_path;
use serde_json::value::RawValue;

/// Where a body says whether the call succeeded, and the value that means it did.
#[derive(Debug)]
pub struct SuccessFlag {
    /// Keys to the flag.
    pub path: &'static [&'static str],
    /// The value meaning success.
    pub equals: Expected,
    /// Keys to the provider's message, quoted in the error.
    pub message: Option<&'static [&'static str]>,
}

/// A success value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expected {
    /// `true` or `false`.
    Bool(bool),
    /// A whole number (`200`).
    Integer(i64),
    /// A text (`"ok"`).
    Text(&'static str),
}

impl Expected {
    fn matches(&self, found: &serde_json::Value) -> bool {
        match self {
            Expected::Bool(want) => found.as_bool() == Some(*want),
            Expected::Integer(want) => found.as_i64() == Some(*want),
            Expected::Text(want) => found.as_str() == Some(*want),
        }
    }
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Bool(value) => write!(f, "{value}"),
            Expected::Integer(value) => write!(f, "{value}"),
            Expected::Text(value) => write!(f, "\"{value}\""),
        }
    }
}

/// Why a body's flag says failure, with the provider's message; `Ok` on success. Bodies
/// that are not JSON objects are left to the records reader, which explains them better.
pub fn check(flag: &SuccessFlag, body: &str) -> Result<(), String> {
    let Ok(root) = serde_json::from_str::<&RawValue>(body) else {
        return Ok(());
    };
    let found = json_path::lookup_as::<serde_json::Value>(root, flag.path)
        .ok()
        .flatten();
    let field = flag.path.join(".");
    let problem = match &found {
        Some(value) if flag.equals.matches(value) => return Ok(()),
        Some(value) => format!("`{field}` is {}, not {}", short(value), flag.equals),
        None => format!("`{field}` is missing (success is {})", flag.equals),
    };
    let message = flag
        .message
        .and_then(|path| {
            json_path::lookup_as::<serde_json::Value>(root, path)
                .ok()
                .flatten()
        })
        .map(|message| match message {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        });
    Err(match message {
        Some(message) if !message.trim().is_empty() => format!("{problem}: {message}"),
        _ => problem,
    })
}

/// A flag value for a message: scalars as they are, structures by kind.
fn short(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(_) => "an array".to_string(),
        serde_json::Value::Object(_) => "an object".to_string(),
        other => other.to_string(),
    }
}

/// The error a failed flag becomes.
pub(crate) fn rejected(
    provider: &'static str,
    endpoint: &'static str,
    page: u64,
    reason: String,
) -> Error {
    Error::Rejected {
        provider,
        endpoint,
        page,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: SuccessFlag = SuccessFlag {
        path: &["code"],
        equals: Expected::Integer(200),
        message: Some(&["message"]),
    };

    #[test]
    fn a_matching_flag_passes() {
        assert_eq!(check(&CODE, r#"{"code":200,"message":"ok"}"#), Ok(()));
        let flag = SuccessFlag {
            path: &["success"],
            equals: Expected::Bool(true),
            message: None,
        };
        assert_eq!(check(&flag, r#"{"success":true}"#), Ok(()));
        assert_eq!(
            check(&flag, r#"{"success":false}"#),
            Err("`success` is false, not true".to_string())
        );
    }

    #[test]
    fn a_failure_quotes_the_flag_and_message() {
        assert_eq!(
            check(&CODE, r#"{"code":404,"message":"Không tìm thấy"}"#),
            Err("`code` is 404, not 200: Không tìm thấy".to_string())
        );
        assert_eq!(
            check(&CODE, r#"{"data":{}}"#),
            Err("`code` is missing (success is 200)".to_string())
        );
    }

    #[test]
    fn non_json_is_left_to_the_reader() {
        assert_eq!(check(&CODE, "<html>"), Ok(()));
    }
}
