// The pager owns the page number: there is no setter for it.
fn main() {
    let client = custkit::tourwell::Client::builder().build().unwrap();
    let _ = client.list_customers().page(2);
}
