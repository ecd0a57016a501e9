//! The Airbyte protocol messages this source emits and the state it reads back, and the
//! emitter that writes them as JSON lines.

use custkit::Customer;
use serde::{Deserialize, Serialize};
use std::io::Write;

/// One Airbyte message. Serialized as `{"type": "RECORD", "record": {...}}` and so on.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
enum Message<'a> {
    Spec {
        spec: serde_json::Value,
    },
    ConnectionStatus {
        #[serde(rename = "connectionStatus")]
        connection_status: ConnectionStatus<'a>,
    },
    Catalog {
        catalog: serde_json::Value,
    },
    Record {
        record: Record<'a>,
    },
    State {
        state: State<'a>,
    },
    Log {
        log: Log<'a>,
    },
    Trace {
        trace: Trace<'a>,
    },
}

#[derive(Serialize)]
struct ConnectionStatus<'a> {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

/// A RECORD: the normalized customer, serialized straight from its type.
#[derive(Serialize)]
struct Record<'a> {
    stream: &'a str,
    data: &'a Customer,
    emitted_at: i64,
}

#[derive(Serialize)]
struct State<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    stream: StreamStateMessage<'a>,
}

#[derive(Serialize, Deserialize)]
struct StreamDescriptor {
    name: String,
}

#[derive(Serialize)]
struct StreamStateMessage<'a> {
    stream_descriptor: StreamDescriptorRef<'a>,
    stream_state: &'a StreamState,
}

#[derive(Serialize)]
struct StreamDescriptorRef<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Log<'a> {
    level: &'static str,
    message: &'a str,
}

#[derive(Serialize)]
struct Trace<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    emitted_at: f64,
    error: TraceError<'a>,
}

#[derive(Serialize)]
struct TraceError<'a> {
    message: &'a str,
    failure_type: FailureType,
}

/// Whose fault a failure is, as Airbyte classifies it.
#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureType {
    /// The user's configuration is wrong (bad config, unknown provider, bad credentials).
    ConfigError,
    /// Anything else (the provider failed, the network, this program).
    SystemError,
}

/// This source's state of one stream: how far the current read got, and where an
/// incremental sync continues from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamState {
    /// Pages of the read in progress whose records were all delivered. Absent once a read
    /// completes, so the next read starts from the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages_done: Option<u64>,
    /// Incremental mode: the newest cursor value delivered so far (RFC 3339). The next
    /// read fetches what changed at or after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<chrono::DateTime<chrono::Utc>>,
    /// Incremental mode, a read in progress: the cursor it started from, so a resumed
    /// read asks for the same records (its pages line up with `pages_done`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The `--state` file: Airbyte passes a list of per-stream STATE messages (or, from
/// older platforms, a single one).
#[derive(Deserialize)]
#[serde(untagged)]
pub enum InputStates {
    /// The current form.
    List(Vec<InputState>),
    /// A single message.
    One(InputState),
}

impl InputStates {
    /// The per-stream states.
    pub fn into_list(self) -> Vec<InputState> {
        match self {
            InputStates::List(list) => list,
            InputStates::One(one) => vec![one],
        }
    }
}

/// One per-stream STATE message as read back.
#[derive(Deserialize)]
pub struct InputState {
    #[serde(default)]
    stream: Option<InputStreamState>,
}

#[derive(Deserialize)]
struct InputStreamState {
    stream_descriptor: StreamDescriptor,
    #[serde(default)]
    stream_state: Option<StreamState>,
}

impl InputState {
    /// The state of the stream called `name`, if this message is about it.
    pub fn for_stream(&self, name: &str) -> Option<StreamState> {
        let stream = self.stream.as_ref()?;
        (stream.stream_descriptor.name == name)
            .then(|| stream.stream_state.clone().unwrap_or_default())
    }
}

/// Writes messages to stdout, one JSON object per line. Write failures (a closed pipe)
/// are remembered and end the read.
pub struct Emitter {
    out: std::io::BufWriter<std::io::Stdout>,
    failed: bool,
}

impl Emitter {
    /// An emitter on this process's stdout.
    pub fn stdout() -> Emitter {
        Emitter {
            out: std::io::BufWriter::new(std::io::stdout()),
            failed: false,
        }
    }

    /// Whether a write failed (the reader went away).
    pub fn failed(&self) -> bool {
        self.failed
    }

    fn emit(&mut self, message: &Message<'_>, flush: bool) {
        if self.failed {
            return;
        }
        let written = serde_json::to_writer(&mut self.out, message)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
            .and_then(|()| if flush { self.out.flush() } else { Ok(()) });
        if written.is_err() {
            self.failed = true;
        }
    }

    /// SPEC.
    pub fn spec(&mut self, spec: serde_json::Value) {
        self.emit(&Message::Spec { spec }, true);
    }

    /// CONNECTION_STATUS: succeeded, or failed with a message.
    pub fn connection_status(&mut self, failure: Option<&str>) {
        let connection_status = ConnectionStatus {
            status: if failure.is_some() {
                "FAILED"
            } else {
                "SUCCEEDED"
            },
            message: failure,
        };
        self.emit(&Message::ConnectionStatus { connection_status }, true);
    }

    /// CATALOG.
    pub fn catalog(&mut self, catalog: serde_json::Value) {
        self.emit(&Message::Catalog { catalog }, true);
    }

    /// RECORD.
    pub fn record(&mut self, stream: &str, customer: &Customer, emitted_at: i64) {
        let record = Record {
            stream,
            data: customer,
            emitted_at,
        };
        self.emit(&Message::Record { record }, false);
    }

    /// A per-stream STATE. Flushed, so that every record before it has been written when
    /// the platform sees it.
    pub fn state(&mut self, stream: &str, state: &StreamState) {
        let state = State {
            kind: "STREAM",
            stream: StreamStateMessage {
                stream_descriptor: StreamDescriptorRef { name: stream },
                stream_state: state,
            },
        };
        self.emit(&Message::State { state }, true);
    }

    /// A LOG message (`INFO`, `WARN`, ...).
    pub fn log(&mut self, level: &'static str, message: &str) {
        self.emit(
            &Message::Log {
                log: Log { level, message },
            },
            false,
        );
    }

    /// An error TRACE: why the command failed.
    pub fn error(&mut self, message: &str, failure_type: FailureType) {
        let trace = Trace {
            kind: "ERROR",
            emitted_at: now_millis() as f64,
            error: TraceError {
                message,
                failure_type,
            },
        };
        self.emit(&Message::Trace { trace }, true);
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) {
        if !self.failed && self.out.flush().is_err() {
            self.failed = true;
        }
    }
}

impl Drop for Emitter {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or(0)
}
