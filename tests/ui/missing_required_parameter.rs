// Required parameters are arguments: a call without them does not compile.
#[allow(dead_code)]
mod shop {
    include!(concat!(env!("CUSTKIT_UI_OUT"), "/shop.rs"));
}

fn main() {
    let client = shop::Client::builder().build().unwrap();
    let _ = client.show_customer(7);
}
