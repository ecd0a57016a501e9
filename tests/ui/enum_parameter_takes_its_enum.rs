// An enum parameter takes its generated enum, not free text.
#[allow(dead_code)]
mod shop {
    include!(concat!(env!("CUSTKIT_UI_OUT"), "/shop.rs"));
}

fn main() {
    let client = shop::Client::builder().build().unwrap();
    let _ = client.show_customer(7, "orders");
}
