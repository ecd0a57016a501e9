//! `custkit providers`.

use crate::exit;

pub fn run() -> u8 {
    for provider in custkit::PROVIDERS {
        let endpoints: Vec<&str> = provider
            .endpoints
            .iter()
            .map(|endpoint| endpoint.name)
            .collect();
        println!(
            "{:<12} {:<24} auth: {:<18} endpoints: {}",
            provider.name,
            provider.title,
            provider.auth.describe(),
            endpoints.join(", ")
        );
    }
    exit::OK
}
