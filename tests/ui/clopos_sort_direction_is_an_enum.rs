//! Clopos sorts with `sort[1]=1|-1`: the direction is an enum, not a number.

fn main() {
    let client = custkit::clopos::Client::builder()
        .client_id("id")
        .client_secret("secret")
        .brand("brand")
        .integrator_id("1")
        .build()
        .unwrap();
    let _request = client.list_customers().sort_direction(-1);
}
