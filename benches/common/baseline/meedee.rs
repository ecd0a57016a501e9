//! A MeeDee (Thai POS Partner API) customer (`GET /api/partner/v1/customers`), as a
//! hand-written client decodes it.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Customer {
    pub id: String,
    pub customer_code: Option<String>,
    pub full_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub membership_tier_id: Option<String>,
    pub membership_number: Option<String>,
    pub total_points: Option<f64>,
    pub available_points: Option<f64>,
    pub total_spent: Option<String>,
    pub total_visits: Option<i64>,
    pub last_visit_date: Option<String>,
    pub is_active: Option<bool>,
    pub is_verified: Option<bool>,
    pub joined_date: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    // Personal data, absent without the PII scope (a missing `Option` reads as `None`).
    pub phone: Option<String>,
    pub email: Option<String>,
    pub date_of_birth: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub tax_id: Option<String>,
}
