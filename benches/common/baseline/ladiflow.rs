//! A LadiFlow customer (`POST /1.0/customer/show`), as a hand-written client decodes it.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Customer {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub vouchers: Vec<String>,
    pub is_email_verified: Option<bool>,
    #[serde(default)]
    pub messenger_recurring_message_tokens: Vec<serde_json::Value>,
    #[serde(default)]
    pub messenger_recurring_topics: Vec<serde_json::Value>,
    #[serde(default)]
    pub fb_page_ids: Vec<String>,
    #[serde(default)]
    pub fb_uids: Vec<String>,
    #[serde(default)]
    pub zalo_oa_ids: Vec<String>,
    #[serde(default)]
    pub zalo_uids: Vec<String>,
    #[serde(default)]
    pub ladichat_uids: Vec<String>,
    #[serde(default)]
    pub ladichat_store_ids: Vec<String>,
    pub is_merge: Option<bool>,
    pub is_delete: Option<bool>,
    pub email: Option<String>,
    pub key: Option<String>,
    #[serde(default)]
    pub custom_fields: Vec<CustomField>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub phone_2: Option<String>,
    pub gender: Option<String>,
    pub dob: Option<String>,
    pub dob_year: Option<i64>,
    pub dob_month: Option<i64>,
    pub dob_day: Option<i64>,
    pub dob_month_day: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
    pub country: Option<String>,
    pub country_id: Option<String>,
    pub city: Option<String>,
    pub city_id: Option<String>,
    pub district: Option<String>,
    pub district_id: Option<String>,
    pub ward: Option<String>,
    pub ward_id: Option<String>,
    pub address: Option<String>,
    pub address_2: Option<String>,
    pub postal_code: Option<String>,
    pub alias: Option<String>,
    pub status: Option<String>,
    pub subscribed_at: Option<String>,
    pub external_customer_id: Option<String>,
    pub source: Option<String>,
    pub store_id: Option<String>,
    pub creator_id: Option<String>,
    pub owner_id: Option<String>,
    pub language: Option<String>,
    pub avatar: Option<String>,
    pub avatar_color: Option<String>,
    pub score: Option<f64>,
    #[serde(default)]
    pub fb_page_uids: Vec<serde_json::Value>,
    #[serde(default)]
    pub zalo_oa_uids: Vec<ZaloOaUid>,
    #[serde(default)]
    pub ladichat_store_uids: Vec<serde_json::Value>,
    pub zalo_uid_by_app: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub last_voucher_code: Option<String>,
    pub bounce: Option<i64>,
    pub complaint: Option<i64>,
    pub email_subscribe_status: Option<bool>,
    pub avg_cancel_order_value: Option<f64>,
    pub avg_order_value: Option<f64>,
    pub avg_paid_order_value: Option<f64>,
    pub avg_pending_order_value: Option<f64>,
    pub total_cancel_order: Option<i64>,
    pub total_cancel_order_value: Option<f64>,
    pub total_order: Option<i64>,
    pub total_order_value: Option<f64>,
    pub total_paid_order: Option<i64>,
    pub total_paid_order_value: Option<f64>,
    pub total_pending_order: Option<i64>,
    pub total_pending_order_value: Option<f64>,
    pub facebook_url: Option<String>,
    #[serde(rename = "linkedIn_url")]
    pub linkedin_url: Option<String>,
    pub twitter_url: Option<String>,
    pub skype: Option<String>,
    pub website: Option<String>,
    pub zalo: Option<String>,
    pub ipos_membership_id: Option<String>,
}

/// A custom field: its value is a number or text, its `values` the choices of a
/// multi-value field.
#[derive(Deserialize)]
pub struct CustomField {
    pub custom_field_id: Option<String>,
    pub name: String,
    pub data_type: Option<String>,
    #[serde(default)]
    pub value: serde_json::Value,
    #[serde(default)]
    pub values: Vec<Option<String>>,
}

#[derive(Deserialize)]
pub struct ZaloOaUid {
    pub zalo_oa_id: Option<String>,
    pub zalo_uid: Option<String>,
    pub primary: Option<bool>,
}
