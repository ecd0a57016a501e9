// `email` is a parameter of `list_customers`, not of `show_customer`.
use custkit_ui_fixtures::shop;

fn main() {
    let client = shop::Client::builder().build().unwrap();
    let _ = client
        .show_customer(7, shop::ShowCustomerInclude::Orders)
        .email("a@example.com");
}
