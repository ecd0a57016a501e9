//! A Tourwell customer (`GET /api/v1/customers`), as a hand-written client decodes it.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// One page of `GET /api/v1/customers`.
#[derive(Deserialize)]
pub struct Page {
    pub data: Vec<Customer>,
    pub meta: Meta,
}

/// The Laravel paging block.
#[derive(Deserialize)]
pub struct Meta {
    pub last_page: u64,
}

#[derive(Deserialize)]
pub struct Customer {
    pub id: i64,
    pub code: String,
    pub link_erp: Option<String>,
    pub omi_id: Option<String>,
    pub pronoun: Option<String>,
    pub gender: Option<String>,
    pub name: Option<String>,
    pub phone: Phones,
    pub email: Emails,
    #[serde(default)]
    pub company: serde_json::Value,
    #[serde(default, deserialize_with = "object_or_empty")]
    pub creator: Option<Person>,
    pub sales_person: Vec<Person>,
    pub sub_group: Option<String>,
    pub medal: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "object_or_empty")]
    pub source: Option<Source>,
    pub birthday: Option<String>,
    pub identification: Option<String>,
    pub passport: Option<String>,
    #[serde(default, deserialize_with = "object_or_empty")]
    pub address: Option<Address>,
    #[serde(default, deserialize_with = "object_or_empty")]
    pub agent_level: Option<Named>,
    #[serde(default, deserialize_with = "object_or_empty")]
    pub facebook: Option<Facebook>,
    pub status: Option<String>,
    pub total_care: Option<i64>,
    pub latest_care_timestamp: Option<String>,
    #[serde(default, deserialize_with = "object_or_empty")]
    pub order_history: Option<OrderHistory>,
    pub created_at: Option<String>,
    pub created_at_timestamp: Option<i64>,
}

#[derive(Deserialize)]
pub struct Phones {
    pub primary: Option<PhoneNumber>,
    pub secondary: Option<PhoneNumber>,
}

#[derive(Deserialize)]
pub struct PhoneNumber {
    pub number: Option<String>,
    pub code: Option<String>,
}

#[derive(Deserialize)]
pub struct Emails {
    pub primary: Option<String>,
    pub secondary: Option<String>,
}

#[derive(Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Deserialize)]
pub struct Source {
    pub id: Option<i64>,
    pub name: Option<String>,
}

#[derive(Deserialize)]
pub struct Named {
    pub id: i64,
    pub name: Option<String>,
}

#[derive(Deserialize)]
pub struct Address {
    pub line: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
}

#[derive(Deserialize)]
pub struct Facebook {
    pub link: Option<String>,
    pub name: Option<String>,
}

#[derive(Deserialize)]
pub struct OrderHistory {
    pub count: Option<i64>,
    pub total_revenue: Option<String>,
    pub current_debt: Option<String>,
    pub link: Option<String>,
}

/// Tourwell sends `[]` for an empty object.
fn object_or_empty<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Expect<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Expect<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object or []")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }

    deserializer.deserialize_any(Expect(PhantomData))
}
