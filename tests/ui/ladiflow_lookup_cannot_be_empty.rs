//! A `Lookup` is always one of its parameters: there is no empty one to pass instead.

fn main() {
    let client = custkit::ladiflow::Client::builder()
        .api_key("key")
        .build()
        .unwrap();
    let _request = client.show_customer(custkit::ladiflow::Lookup::default());
}
