//! LadiFlow's sort direction is one of ASC or DESC: free text is refused.

fn main() {
    let client = custkit::ladiflow::Client::builder()
        .api_key("key")
        .build()
        .unwrap();
    let _request = client.list_customers().sort_updated_at("DESC");
}
