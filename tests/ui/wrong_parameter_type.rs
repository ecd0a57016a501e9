// A parameter takes the type its spec declares: `agent_level_id` is an integer.
fn main() {
    let client = custkit::tourwell::Client::builder().build().unwrap();
    let _ = client.list_customers().agent_level_id("1");
}
