//! An Xtrakit customer (`GET /api/v1/customers`), as a hand-written client decodes it.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Customer {
    pub id: i64,
    pub user_id: Option<String>,
    pub business_code: Option<String>,
    pub customer_group_id: Option<i64>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub customer_whatsapp: Option<String>,
    pub customer_country: Option<String>,
    pub customer_city: Option<String>,
    pub customer_state: Option<String>,
    pub customer_zip: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub customer_profile: Option<String>,
    pub created_by: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}
