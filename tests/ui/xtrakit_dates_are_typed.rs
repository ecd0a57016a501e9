//! Xtrakit's `updated_at` filter is a date, formatted by the spec: text is refused.

fn main() {
    let client = custkit::xtrakit::Client::builder()
        .bearer_token("key")
        .build()
        .unwrap();
    let _request = client.list_customers().updated_at("2024-08-31");
}
