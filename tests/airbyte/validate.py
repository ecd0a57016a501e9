"""Validates Airbyte messages against the official protocol models.

Usage: python validate.py MESSAGES.jsonl

Every line must parse as an `AirbyteMessage` (airbyte-protocol-models) whose `type`
matches the field it fills. When a CATALOG is among the messages, every RECORD's `data`
must also match the JSON Schema of its stream (draft 7). Prints one summary line; exits
non-zero on the first problem, naming the line.
"""

import json
import sys

import jsonschema
from airbyte_protocol.models import AirbyteMessage, Type

FIELD_OF_TYPE = {
    Type.SPEC: "spec",
    Type.CONNECTION_STATUS: "connectionStatus",
    Type.CATALOG: "catalog",
    Type.RECORD: "record",
    Type.STATE: "state",
    Type.LOG: "log",
    Type.TRACE: "trace",
}


def main(path: str) -> int:
    counts = {}
    schemas = {}
    with open(path, encoding="utf-8") as lines:
        messages = [line for line in lines if line.strip()]
    if not messages:
        print("no messages")
        return 1
    parsed = []
    for number, line in enumerate(messages, start=1):
        try:
            message = AirbyteMessage.parse_raw(line)
        except Exception as error:  # pydantic's ValidationError, JSON errors
            print(f"line {number}: not an AirbyteMessage: {error}")
            return 1
        field = FIELD_OF_TYPE.get(message.type)
        if field is None or json.loads(line).get(field) is None:
            print(f"line {number}: type {message.type} without its `{field}` field")
            return 1
        counts[message.type.value] = counts.get(message.type.value, 0) + 1
        parsed.append((number, message))
        if message.type == Type.CATALOG:
            for stream in message.catalog.streams:
                jsonschema.Draft7Validator.check_schema(stream.json_schema)
                schemas[stream.name] = jsonschema.Draft7Validator(stream.json_schema)
    for number, message in parsed:
        if message.type == Type.RECORD and message.record.stream in schemas:
            errors = list(schemas[message.record.stream].iter_errors(message.record.data))
            if errors:
                print(f"line {number}: record does not match its stream's schema: {errors[0].message}")
                return 1
    print(json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
