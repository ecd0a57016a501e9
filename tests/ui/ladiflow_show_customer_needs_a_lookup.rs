//! LadiFlow's `customer/show` needs at least one of customer_id, email, phone: a call
//! with none does not compile.

fn main() {
    let client = custkit::ladiflow::Client::builder()
        .api_key("key")
        .build()
        .unwrap();
    let _request = client.show_customer();
}
