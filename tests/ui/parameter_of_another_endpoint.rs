// `email` is a parameter of `list_customers`, not of `show_customer`.
#[allow(dead_code)]
mod shop {
    include!(concat!(env!("CUSTKIT_UI_OUT"), "/shop.rs"));
}

fn main() {
    let client = shop::Client::builder().build().unwrap();
    let _ = client
        .show_customer(7, shop::ShowCustomerInclude::Orders)
        .email("a@example.com");
}
