//! Golden tests: every provider's documented example response normalizes to the
//! checked-in `tests/golden/<provider>/<endpoint>.json`, field by field.
//!
//! After an intended change, regenerate the files with `CUSTKIT_BLESS=1 cargo test
//! --test golden` and review the diff.

use custkit_runtime::http::Response;
use custkit_runtime::paging::extract_records;
use serde_json::Value;
use std::path::PathBuf;

/// Normalized customers of one example, without `raw` (checked separately: it must be
/// the record verbatim).
fn normalize_example(
    provider: &custkit::ProviderInfo,
    example: &custkit_runtime::provider::Example,
) -> Vec<Value> {
    let endpoint = provider
        .endpoint(example.endpoint)
        .expect("example names an endpoint");
    let response = Response::new(1, example.body.to_string());
    let records =
        extract_records(endpoint, &response).expect("example has records where the spec says");
    assert!(
        !records.is_empty(),
        "{} {}: the example has no records",
        provider.name,
        example.endpoint
    );
    records
        .iter()
        .map(|record| {
            let customer = (endpoint.normalize)(record.clone()).unwrap_or_else(|(_, reason)| {
                panic!(
                    "{} record {}: {reason}",
                    provider.name, record.position.index
                )
            });
            assert_eq!(
                customer.raw.get(),
                record.json.get(),
                "raw must be the record verbatim"
            );
            let mut json = serde_json::to_value(&customer).expect("a customer serializes");
            json.as_object_mut().expect("an object").remove("raw");
            json
        })
        .collect()
}

fn golden_path(provider: &str, endpoint: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(provider)
        .join(format!("{endpoint}.json"))
}

#[test]
fn every_example_matches_its_golden_file() {
    let bless = std::env::var_os("CUSTKIT_BLESS").is_some();
    let mut checked = 0;
    for provider in custkit::PROVIDERS {
        for example in provider.examples {
            let actual = Value::Array(normalize_example(provider, example));
            let path = golden_path(provider.name, example.endpoint);
            if bless {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, serde_json::to_string_pretty(&actual).unwrap() + "\n")
                    .unwrap();
            }
            let expected: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|_| {
                    panic!(
                        "missing {}; run with CUSTKIT_BLESS=1 to create it",
                        path.display()
                    )
                }))
                .unwrap();
            let (Value::Array(actual), Value::Array(expected)) = (&actual, &expected) else {
                unreachable!()
            };
            assert_eq!(
                actual.len(),
                expected.len(),
                "{}: record count",
                path.display()
            );
            for (index, (actual, expected)) in actual.iter().zip(expected).enumerate() {
                for (field, want) in expected.as_object().unwrap() {
                    assert_eq!(
                        actual.get(field),
                        Some(want),
                        "{} record {index} field `{field}`",
                        path.display()
                    );
                }
                assert_eq!(actual, expected, "{} record {index}", path.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 1, "no examples were checked");
}

/// The quirks the Tourwell seed is known for, asserted directly (not only via the golden
/// file), so a wrong golden file cannot hide them.
#[test]
fn tourwell_quirks_normalize_as_documented() {
    let provider = custkit::provider("tourwell").expect("tourwell spec");
    let customers = normalize_example(provider, &provider.examples[0]);
    let first = &customers[0];
    assert_eq!(first["remote_id"], "2150");
    assert_eq!(
        first["total_spent"],
        serde_json::json!({"amount": "198860000", "currency": "VND"})
    );
    assert_eq!(first["created_at"], "2025-05-30T05:09:37Z");
    assert_eq!(first["gender"], "other");
    assert_eq!(first["birth_date"], "1990-01-01");
    assert_eq!(first["phones"][0]["e164"], "+84888899000");
    assert_eq!(first["phones"][0]["raw"], "+84 0888899000");
    assert_eq!(
        first["emails"],
        serde_json::json!([]),
        "\"\" emails are no emails"
    );
    let custom_names = |customer: &Value| -> Vec<String> {
        customer["custom_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        !custom_names(first).contains(&"creator".to_string()),
        "creator: [] means no creator"
    );
    let third = &customers[2];
    assert!(custom_names(third).contains(&"creator".to_string()));
    assert_eq!(third["gender"], "male");
    assert_eq!(third["addresses"][0]["country_code"], "VN");
    // KH107: secondary phone "0" is no phone; the primary has no country code, so the
    // spec's region (VN) applies.
    let kh107 = &customers[3];
    let phones = kh107["phones"].as_array().unwrap();
    assert_eq!(phones.len(), 1, "the \"0\" secondary phone is dropped");
    assert_eq!(phones[0]["e164"], "+84988776511");
    assert_eq!(kh107["birth_date"], Value::Null);
    assert_eq!(kh107["gender"], "female");
    // KH106: a 9-digit number is not a valid VN number: raw kept, no E.164.
    let kh106 = &customers[4];
    assert_eq!(kh106["phones"][0]["raw"], "098877123");
    assert_eq!(kh106["phones"][0]["e164"], Value::Null);
    assert_eq!(kh106["birth_date"], "1990-10-31");
    // KH105: every contact is blank.
    let kh105 = &customers[5];
    assert_eq!(kh105["phones"], serde_json::json!([]));
    assert_eq!(kh105["addresses"], serde_json::json!([]));
    assert_eq!(kh105["national_ids"], serde_json::json!([]));
}

/// Xtrakit: `data.customers` is one object in the sample; naive timestamps are Accra
/// wall-clock time (UTC+0); WhatsApp is a second phone.
#[test]
fn xtrakit_quirks_normalize_as_documented() {
    let provider = custkit::provider("xtrakit").expect("xtrakit spec");
    let customers = normalize_example(provider, &provider.examples[0]);
    assert_eq!(
        customers.len(),
        1,
        "a single `customers` object is one record"
    );
    let jane = &customers[0];
    assert_eq!(jane["remote_id"], "1");
    assert_eq!(jane["full_name"], "Jane Doe");
    assert_eq!(jane["created_at"], "2024-08-04T08:23:45Z");
    assert_eq!(jane["updated_at"], "2024-08-04T02:00:43Z");
    assert_eq!(jane["phones"][0]["e164"], "+233244567890");
    assert_eq!(jane["phones"][1]["kind"], "whatsapp");
    assert_eq!(jane["addresses"][0]["postal_code"], "00233");
    assert_eq!(jane["addresses"][0]["line2"], "Apt 4B, Downtown Complex");
    assert_eq!(jane["groups"], serde_json::json!(["1"]));
}

/// LadiFlow: typed custom fields from `{name, value, data_type}` items (numbers sent as
/// numbers or text, blanks dropped), a 0-based `dob_month`, Zalo identities.
#[test]
fn ladiflow_quirks_normalize_as_documented() {
    let provider = custkit::provider("ladiflow").expect("ladiflow spec");
    let customers = normalize_example(provider, &provider.examples[0]);
    let customer = &customers[0];
    assert_eq!(customer["remote_id"], "662c801d7fd0573d9b2f23a8");
    assert_eq!(customer["birth_date"], "2024-04-10", "dob_month 3 is April");
    assert_eq!(customer["phones"][0]["e164"], "+84363042200");
    assert_eq!(customer["family_name"], Value::Null, "\"\" is no name");
    assert_eq!(customer["social_profiles"][0]["id"], "8870236147300259240");
    let field = |name: &str| {
        customer["custom_fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|field| field["name"] == name)
            .map(|field| field["value"].clone())
    };
    assert_eq!(
        field("last_order_total"),
        Some(serde_json::json!({"type": "number", "value": "321321"}))
    );
    assert_eq!(
        field("last_order_created_at"),
        Some(serde_json::json!({"type": "date_time", "value": "2024-04-25T07:02:50Z"}))
    );
    assert_eq!(
        field("channel_urls"),
        Some(serde_json::json!({"type": "list", "value": ["173672"]})),
        "a check box's null choice is dropped"
    );
    assert_eq!(
        field("payment_method"),
        Some(serde_json::json!({"type": "text", "value": "2"})),
        "no data_type reads as text"
    );
    assert_eq!(
        field("last_order_shipping_fee"),
        None,
        "a NUMBER sent as \"\" is empty"
    );
    assert_eq!(field("last_order_status"), None, "blank text is empty");
}

/// MeeDee: `total_spent` is decimal text, points are exact decimals, PII sent as `null`
/// (the example's token has the PII scope) is known-empty, not withheld.
#[test]
fn meedee_quirks_normalize_as_documented() {
    let provider = custkit::provider("meedee").expect("meedee spec");
    let customers = normalize_example(provider, &provider.examples[0]);
    let customer = &customers[0];
    assert_eq!(
        customer["remote_id"],
        "4b1a5ef8-f4a2-4fb2-99d5-dddd1076e1bb"
    );
    assert_eq!(customer["code"], "CUS-000380");
    assert_eq!(
        customer["total_spent"],
        serde_json::json!({"amount": "600", "currency": "THB"})
    );
    assert_eq!(customer["loyalty"]["points"], "30");
    assert_eq!(customer["loyalty"]["available_points"], "10");
    assert_eq!(customer["visit_count"], 4);
    assert_eq!(customer["active"], true);
    assert_eq!(customer["phones"][0]["e164"], "+66812345678");
    assert_eq!(
        customer["emails"],
        serde_json::json!([]),
        "null email: known, empty"
    );
    assert_eq!(customer["birth_date"], Value::Null);
    assert_eq!(customer["addresses"][0]["country"], "Thailand");
    assert_eq!(customer["created_at"], "2026-05-11T15:12:59.723Z");
}

/// Clopos: gender 1/2/null, `phone` plus `phones[]`, `address_data` null or an array,
/// `spent` a float read as an exact amount.
#[test]
fn clopos_quirks_normalize_as_documented() {
    let provider = custkit::provider("clopos").expect("clopos spec");
    let customers = normalize_example(provider, &provider.examples[0]);
    let (aysel, rauf) = (&customers[0], &customers[1]);
    assert_eq!(aysel["gender"], "female", "2 is female");
    assert_eq!(rauf["gender"], "unknown", "null is unspecified");
    assert_eq!(aysel["phones"][0]["e164"], "+994501234567");
    assert_eq!(
        aysel["phones"][1]["e164"], "+994557654321",
        "phones[] adds numbers"
    );
    assert_eq!(rauf["phones"], serde_json::json!([]));
    assert_eq!(
        aysel["total_spent"],
        serde_json::json!({"amount": "1250.4", "currency": "AZN"})
    );
    assert_eq!(
        rauf["addresses"],
        serde_json::json!([]),
        "address_data: null"
    );
    assert_eq!(aysel["groups"], serde_json::json!(["VIP"]));
    assert_eq!(rauf["active"], false);
}

/// The normalizer decodes only the fields its mappings read: a wrong type in a field it
/// does not read (Tourwell's `latest_care_timestamp`, `creator.id`) does not cost the
/// customer, and `raw` keeps the field as sent. `raw_stream`'s typed record, which
/// declares every field, still reports it.
#[test]
fn a_field_no_mapping_reads_does_not_stop_a_record_from_normalizing() {
    let example: Value = serde_json::from_str(custkit::tourwell::PROVIDER.examples[0].body)
        .expect("example is JSON");
    let mut record = example["data"][0].clone();
    record["latest_care_timestamp"] = serde_json::json!(17);
    record["creator"] = serde_json::json!({ "id": "not a number", "name": "Lan", "email": null });
    let json = serde_json::value::to_raw_value(&record).expect("serializes");
    let raw = custkit_runtime::record::RawRecord {
        position: custkit_runtime::record::RecordPosition { page: 1, index: 0 },
        json,
    };

    let typed = raw.decode::<custkit::tourwell::Customer>(&custkit::tourwell::LIST_CUSTOMERS);
    let reason = typed
        .expect_err("the full raw type checks every field")
        .reason;
    assert!(
        reason.contains("does not match the spec's record type"),
        "{reason}"
    );

    let customer = (custkit::tourwell::LIST_CUSTOMERS.normalize)(raw.clone())
        .unwrap_or_else(|(_, reason)| panic!("normalizes: {reason}"));
    assert_eq!(customer.remote_id, "2150");
    assert_eq!(customer.raw.get(), raw.json.get());
    assert!(customer.raw.get().contains(r#""latest_care_timestamp":17"#));
}

/// A key the record repeats is reported, naming the field and where its second value
/// begins; the normalizer keeps neither value silently, and gives the record back as it
/// came.
#[test]
fn a_repeated_key_is_an_error_naming_the_field() {
    let text = r#"{"id": 7, "customer_name": "Ama", "customer_name": "Kofi"}"#;
    let json = serde_json::value::RawValue::from_string(text.to_string()).expect("JSON");
    let raw = custkit_runtime::record::RawRecord {
        position: custkit_runtime::record::RecordPosition { page: 2, index: 5 },
        json,
    };
    let (record, reason) = (custkit::xtrakit::LIST_CUSTOMERS.normalize)(raw)
        .expect_err("a repeated key does not normalize");
    assert_eq!((record.position.page, record.position.index), (2, 5));
    assert_eq!(record.json.get(), text);
    // Column 51 is just after the second key's colon, where its value begins.
    assert_eq!(
        reason,
        "does not match the spec's record type: expected the field `customer_name` once \
         (column 51)"
    );
}
