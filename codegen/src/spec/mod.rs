//! The spec format, version 1: the types a `specs/<provider>.yaml` file deserializes into.
//!
//! Every struct denies unknown keys, and the JSON Schema shipped with the project is
//! derived from these same types (see [`crate::schema`]), so the reference, the schema and
//! the parser cannot drift apart. Field docs here are the format's reference text.

mod normalize;
pub mod path;
mod record;
pub(crate) mod shorthand;

pub use normalize::{
    normalize_value_from, AddressMap, CustomFieldList, CustomFieldType, DateParts, DateTimeFormat,
    EmailMap, LoyaltyMap, MoneyFormat, NationalIdMap, Normalize, PhoneMap, SocialProfileMap,
    Target, UnixUnit, ValueMap,
};
pub use record::{FieldDef, FieldType, ScalarType};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// A provider spec: one provider's customer API.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Editors' schema reference; ignored by custkit.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The spec format version. Always `1`.
    pub version: u32,
    /// The provider's name: lower snake case, the module name in generated code
    /// (`acme` → `custkit::acme`).
    pub provider: String,
    /// The provider's display name.
    pub title: String,
    /// A description, copied into rustdoc.
    #[serde(default)]
    pub docs: Option<String>,
    /// The base URL. `{name}` parts are variables declared under `variables`.
    pub base_url: String,
    /// Variables of `base_url` (a tenant subdomain, a region).
    #[serde(default)]
    pub variables: IndexMap<String, Variable>,
    /// How requests authenticate.
    pub auth: Auth,
    /// The provider's documented rate limit (`{ requests: 300, per: minute }`). Every
    /// client paces all its requests to it; one client counts as one caller (one
    /// tenant, brand or key).
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Defaults that transforms use when a mapping does not say.
    #[serde(default)]
    pub defaults: Defaults,
    /// The endpoints, by name. Names become method names (`list_customers`).
    pub endpoints: IndexMap<String, Endpoint>,
    /// The endpoint a sync lists every customer with. Defaults to the only endpoint, or
    /// to `list_customers`.
    #[serde(default)]
    pub sync: Option<String>,
    /// The raw record: every field the provider sends, with its type. Becomes the
    /// provider module's `Customer` type.
    pub record: IndexMap<String, FieldDef>,
    /// How the raw record maps to the unified `custkit::Customer`.
    pub normalize: Normalize,
    /// A flag in every response body that says whether the call succeeded, for providers
    /// that report failures under HTTP 200 (`{"code": 404, ...}`, `{"success": false}`).
    #[serde(default)]
    pub success: Option<SuccessFlag>,
    /// The provider's documented example responses, verbatim. They feed golden tests and
    /// the sandbox, and are checked against `records` and `pagination` paths.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// A base URL variable.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// The value used when none is configured.
    #[serde(default)]
    pub default: Option<String>,
    /// What it is.
    #[serde(default)]
    pub doc: Option<String>,
}

/// How requests authenticate.
///
/// `scopes` lists the permissions a credential can be granted (OAuth scopes, API key
/// permissions). Record fields marked `pii: <scope>` must name one of them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// No authentication.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// The scopes a token can be granted.
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// A static key sent in a header, exactly as given.
    Header {
        /// The header's name (`Api-Key`).
        name: String,
        /// The scopes a key can be granted.
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// A static key sent as a query parameter.
    Query {
        /// The parameter's name.
        name: String,
        /// The scopes a key can be granted.
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// HTTP basic authentication.
    Basic {
        /// The scopes an account can be granted.
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// OAuth2 client credentials: `grant_type=client_credentials&client_id=...&
    /// client_secret=...` posted form-encoded to `token_path`; the response's
    /// `access_token` is sent as `Authorization: Bearer`, renewed before `expires_in`.
    #[serde(rename = "oauth2_client_credentials")]
    Oauth2ClientCredentials {
        /// The token endpoint's path below the base URL.
        token_path: String,
        /// The scopes to ask for (`scope=...`), if the provider wants them named.
        #[serde(default)]
        scope: Option<String>,
        /// The scopes a token can be granted.
        #[serde(default)]
        scopes: Vec<String>,
    },
    /// A provider's own token endpoint: named credentials posted (JSON or form) to
    /// `path`; the token found at `token` is sent as a bearer token or in `header`.
    TokenExchange {
        /// The token endpoint's path below the base URL.
        path: String,
        /// The request body's encoding (default `json`).
        #[serde(default)]
        encoding: TokenEncoding,
        /// The credentials sent, by name; each becomes a `ClientBuilder` method.
        credentials: Vec<String>,
        /// Fixed fields sent along (`grant_type: client_credentials`).
        #[serde(default)]
        fields: IndexMap<String, String>,
        /// Dotted path to the token in the response.
        token: String,
        /// Dotted path to the token's lifetime in seconds. Without it a token is kept
        /// until the provider rejects it.
        #[serde(default)]
        expires_in: Option<String>,
        /// The header that carries the token, its whole value (`x-token`). Omitted:
        /// `Authorization: Bearer <token>`.
        #[serde(default)]
        header: Option<String>,
        /// The scopes a token can be granted.
        #[serde(default)]
        scopes: Vec<String>,
    },
}

impl Auth {
    /// The scopes a credential of this kind can be granted (none without auth).
    pub fn scopes(&self) -> &[String] {
        match self {
            Auth::None => &[],
            Auth::Bearer { scopes }
            | Auth::Header { scopes, .. }
            | Auth::Query { scopes, .. }
            | Auth::Basic { scopes }
            | Auth::Oauth2ClientCredentials { scopes, .. }
            | Auth::TokenExchange { scopes, .. } => scopes,
        }
    }
}

/// How a token request's body is encoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenEncoding {
    /// A JSON object.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
}

/// A rate limit: at most `requests` per `per`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests allowed in each period; at least 1.
    pub requests: u32,
    /// The period.
    pub per: RatePeriod,
}

/// The period of a rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatePeriod {
    /// One second.
    Second,
    /// One minute.
    Minute,
    /// One hour.
    Hour,
}

impl RatePeriod {
    /// The period in seconds.
    pub fn seconds(self) -> u64 {
        match self {
            RatePeriod::Second => 1,
            RatePeriod::Minute => 60,
            RatePeriod::Hour => 3600,
        }
    }
}

/// Defaults for transforms.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// The IANA time zone of the provider's naive timestamps (`Asia/Ho_Chi_Minh`).
    #[serde(default)]
    pub timezone: Option<String>,
    /// The ISO 3166 region of national phone numbers without a country code (`VN`).
    #[serde(default)]
    pub phone_region: Option<String>,
    /// The ISO 4217 currency of amounts (`VND`).
    #[serde(default)]
    pub currency: Option<String>,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum HttpMethod {
    /// Parameters in the query string.
    #[serde(rename = "GET")]
    Get,
    /// Parameters in a JSON body.
    #[serde(rename = "POST")]
    Post,
}

/// One endpoint.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// What the endpoint does, for rustdoc.
    #[serde(default)]
    pub doc: Option<String>,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path below the base URL. `{name}` segments are `in: path` parameters.
    pub path: String,
    /// Request parameters, by the name the generated setter has.
    #[serde(default)]
    pub params: IndexMap<String, Param>,
    /// Groups of parameters of which a call must give at least one, by group name. Each
    /// group becomes a Rust enum (`lookup` → `Lookup`) that the endpoint method takes, so
    /// a call with none does not compile; the request builder's setters add more.
    #[serde(default)]
    pub one_of: IndexMap<String, Vec<String>>,
    /// How the endpoint pages. Omitted: one request returns everything.
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// The most pages one stream may fetch; a provider with more ends the stream with an
    /// error instead of paging on. Omitted: no limit. Clients can override it.
    #[serde(default)]
    pub max_pages: Option<u64>,
    /// How to fetch only the customers changed since a saved cursor. Omitted: every sync
    /// fetches everything.
    #[serde(default)]
    pub incremental: Option<Incremental>,
    /// Where the records are in a response.
    pub records: Records,
}

/// Incremental sync: the customers changed since the newest change a previous sync saw.
/// Whatever the provider supports, records older than the saved cursor are dropped;
/// `since` and `newest_first` let the provider send (or page through) less.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incremental {
    /// The normalized instant that orders changes: `updated_at`, or `created_at` for a
    /// provider whose records never change.
    pub cursor: CursorField,
    /// A parameter that makes the provider send only records changed at or after a time;
    /// it is sent the saved cursor (a `date` parameter its day in the provider's time
    /// zone, a `datetime` one in its format and time zone, a `string` one RFC 3339).
    #[serde(default)]
    pub since: Option<String>,
    /// Parameters and values that make the provider list the newest changes first
    /// (`{ sort_by: updated_at, sort_direction: desc }`), so paging stops at the first
    /// record older than the saved cursor.
    #[serde(default)]
    pub newest_first: IndexMap<String, String>,
}

/// The normalized field an incremental sync orders by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CursorField {
    /// `Customer::updated_at`.
    UpdatedAt,
    /// `Customer::created_at`.
    CreatedAt,
}

impl CursorField {
    /// The field's name, as in the spec and in `Customer`.
    pub fn name(self) -> &'static str {
        match self {
            CursorField::UpdatedAt => "updated_at",
            CursorField::CreatedAt => "created_at",
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// The query string.
    Query,
    /// The JSON body; dotted names nest (`search.name`).
    Body,
    /// A header.
    Header,
    /// A `{name}` path segment.
    Path,
}

/// Parameter types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    /// Text; `min_length`/`max_length` apply.
    String,
    /// A whole number; `min`/`max` apply.
    Integer,
    /// A number; `min`/`max` apply.
    Number,
    /// `true`/`false`.
    Boolean,
    /// A calendar date (a `chrono::NaiveDate` in Rust), sent in `format`.
    Date,
    /// A date and time (a `chrono::NaiveDateTime`), sent in `format`.
    Datetime,
    /// One of `values` (a generated Rust enum).
    Enum,
}

/// A request parameter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// Where it goes.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// The provider's name for it, when it differs from the key.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether every request must carry it (it becomes an argument of the endpoint method).
    #[serde(default)]
    pub required: bool,
    /// The value the provider assumes when the parameter is not sent, for docs. custkit
    /// does not send it. A required parameter has none.
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    /// The smallest allowed value.
    #[serde(default)]
    pub min: Option<f64>,
    /// The largest allowed value.
    #[serde(default)]
    pub max: Option<f64>,
    /// The fewest characters allowed.
    #[serde(default)]
    pub min_length: Option<usize>,
    /// The most characters allowed.
    #[serde(default)]
    pub max_length: Option<usize>,
    /// For `date`/`datetime`: the `strftime` format the provider expects.
    #[serde(default)]
    pub format: Option<String>,
    /// For `enum`: the allowed values.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// Several values: a JSON array in a body; in a query string the name is repeated
    /// once per value (name it `with[]` for `with[]=a&with[]=b`). Rules apply to each.
    #[serde(default)]
    pub list: bool,
    /// For `enum`: the Rust variant names of `values`, in order, when the values do not
    /// make names themselves (`["1", "-1"]` → `[Ascending, Descending]`).
    #[serde(default)]
    pub variants: Option<Vec<String>>,
    /// For `query` filters sent as indexed pairs in this array: `filters` sends
    /// `filters[0][0]=<name>&filters[0][1]=<value>`, numbered in the order set.
    #[serde(default)]
    pub indexed_pair: Option<String>,
    /// What it does, for rustdoc.
    #[serde(default)]
    pub doc: Option<String>,
    /// An example value, for docs and the sandbox.
    #[serde(default)]
    pub example: Option<serde_json::Value>,
}

/// How an endpoint pages.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Pagination {
    /// Numbered pages.
    PageNumber {
        /// The query parameter carrying the page number.
        param: String,
        /// The first page's number.
        #[serde(default = "one")]
        start: u64,
        /// Dotted path to the last page's number in a response (`meta.last_page`).
        /// When known, remaining pages are fetched concurrently.
        #[serde(default)]
        last_page: Option<String>,
        /// Dotted path to the total number of records (`data.total`). With the page size
        /// it gives the last page, so the remaining pages are fetched concurrently.
        #[serde(default)]
        total: Option<String>,
        /// The page-size parameter, if any.
        #[serde(default)]
        page_size: Option<PageSize>,
    },
    /// Each response gives the next page's cursor, sent back in `param`. Paging stops
    /// when `has_more` is false or the cursor is null or absent; a repeated cursor is an
    /// error.
    Cursor {
        /// The parameter carrying the cursor (`cursor`).
        param: String,
        /// Dotted path to the next page's cursor (`pagination.next_cursor`).
        next: String,
        /// Dotted path to a boolean saying whether more pages follow.
        #[serde(default)]
        has_more: Option<String>,
        /// The page-size parameter, if any.
        #[serde(default)]
        page_size: Option<PageSize>,
    },
    /// Each response gives the next page's URL (`links.next`), followed as given: it
    /// carries the query. Paging stops when it is null, empty or absent; a link to
    /// another origin than the base URL's, or one already followed, is an error.
    NextUrl {
        /// Dotted path to the next page's URL (`links.next`), absolute or relative to
        /// the page.
        next: String,
        /// The page-size parameter, sent with the first request, if any.
        #[serde(default)]
        page_size: Option<PageSize>,
    },
}

fn one() -> u64 {
    1
}

/// A page-size parameter. The pager sends it (where the method puts parameters: the
/// query for `GET`, the body for `POST`); declare it under `params` too to let callers
/// choose the size within rules.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageSize {
    /// The parameter.
    pub param: String,
    /// The size to request when the caller sets none; a shorter page is the last.
    pub default: u64,
}

/// Where records sit in a response.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Records {
    /// Dotted path from the top of the body (`data`, `data.customers`); empty for the body.
    pub path: String,
    /// What is there.
    #[serde(default)]
    pub shape: RecordsShape,
}

/// The JSON at a records path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordsShape {
    /// An array of records.
    #[default]
    Array,
    /// One record.
    Object,
    /// An array, or a single record object.
    ArrayOrObject,
}

/// Where a response body says whether the call succeeded.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuccessFlag {
    /// Dotted path to the flag (`code`, `success`, `meta.status`).
    pub path: String,
    /// The value that means success: a boolean, a whole number or a text. Anything else,
    /// or no flag at all, is a failure.
    pub equals: serde_json::Value,
    /// Dotted path to the provider's message, quoted in the error.
    #[serde(default)]
    pub message: Option<String>,
}

/// A documented example response.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The endpoint it answers.
    pub endpoint: String,
    /// The JSON file, relative to the spec file.
    pub file: String,
}
