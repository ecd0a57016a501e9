// An enum parameter takes its generated enum, not free text.
use custkit_ui_fixtures::shop;

fn main() {
    let client = shop::Client::builder().build().unwrap();
    let _ = client.show_customer(7, "orders");
}
