//! A Clopos customer (`GET /open-api/v2/customers`), as a hand-written client decodes it.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Customer {
    pub id: i64,
    pub venue_id: Option<i64>,
    pub cid: Option<String>,
    pub group_id: Option<i64>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    pub address: Option<String>,
    pub address_data: Option<Vec<AddressData>>,
    pub description: Option<String>,
    pub discount: Option<f64>,
    pub spent: Option<f64>,
    pub total_discount: Option<f64>,
    pub total_bonus: Option<f64>,
    pub receipt_count: Option<i64>,
    pub gender: Option<i64>,
    pub date_of_birth: Option<String>,
    pub code: Option<String>,
    pub source: Option<String>,
    pub reference_id: Option<String>,
    pub status: Option<bool>,
    pub can_use_loyalty_system: Option<bool>,
    pub is_verified: Option<bool>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub group: Option<Group>,
}

#[derive(Deserialize)]
pub struct AddressData {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub source: Option<String>,
    pub address: Option<String>,
}

#[derive(Deserialize)]
pub struct Group {
    pub id: i64,
    pub name: Option<String>,
}
