// Required parameters are arguments: a call without them does not compile.
use custkit_ui_fixtures::shop;

fn main() {
    let client = shop::Client::builder().build().unwrap();
    let _ = client.show_customer(7);
}
