//! Static descriptions of endpoints, emitted by the generator and read by the runtime.

/// An HTTP method an endpoint uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`: parameters go in the query string.
    Get,
    /// `POST`: body parameters form a JSON object.
    Post,
}

/// Everything the runtime needs to call one endpoint and find its records. Generated
/// code declares one `static` per endpoint.
pub struct EndpointSpec {
    /// The provider's name (`acme`).
    pub provider: &'static str,
    /// The endpoint's name in the spec (`list_customers`).
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path below the base URL; `{name}` segments are path parameters.
    pub path: &'static str,
    /// Where the records are in a response.
    pub records: RecordsAt,
    /// How to get every page.
    pub pagination: Pagination,
    /// The most pages one stream may fetch; more ends the stream with an error.
    /// [`ClientConfig::max_pages`](crate::ClientConfig::max_pages) overrides it.
    pub max_pages: Option<u64>,
    /// How to fetch only what changed since a saved cursor, if the spec says.
    pub incremental: Option<Incremental>,
    /// The body flag that says whether a call succeeded, if the provider has one.
    pub success: Option<crate::http::envelope::SuccessFlag>,
    /// Groups of parameters of which every call must set at least one (by provider name).
    pub one_of: &'static [&'static [&'static str]],
    /// The parameters the endpoint accepts.
    pub params: &'static [crate::http::ParamSpec],
    /// Decodes and normalizes one record of this endpoint (generated from the spec). The
    /// record's text moves into `Customer::raw` (no copy); a record that fails comes
    /// back with the reason.
    pub normalize: crate::record::Normalizer,
}

/// Where records sit in a response body.
#[derive(Debug)]
pub struct RecordsAt {
    /// Keys from the top of the body to the records (`["data"]`); empty for the body itself.
    pub path: &'static [&'static str],
    /// What is found there.
    pub shape: RecordsShape,
}

/// The JSON shape at [`RecordsAt::path`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordsShape {
    /// An array of records.
    Array,
    /// A single record.
    Object,
    /// An array of records, or a single record object (providers that collapse
    /// one-element lists).
    ArrayOrObject,
}

/// How an endpoint pages.
#[derive(Debug)]
pub enum Pagination {
    /// One request returns everything.
    None,
    /// Numbered pages: `?page=1`, `?page=2`, ...
    PageNumber(PageNumber),
    /// Each response gives the next page's cursor.
    Cursor(Cursor),
    /// Each response gives the next page's URL.
    NextUrl(NextUrl),
}

/// Cursor paging.
#[derive(Debug)]
pub struct Cursor {
    /// The parameter that carries the cursor (the first request has none).
    pub param: &'static str,
    /// Keys to the next page's cursor in a response; `null` or absent on the last page.
    pub next: &'static [&'static str],
    /// Keys to a flag saying whether there are more pages, if the provider sends one.
    pub has_more: Option<&'static [&'static str]>,
    /// The page-size parameter, if the provider has one.
    pub page_size: Option<PageSize>,
}

/// Incremental sync: what orders changes, and what the provider offers to send less.
/// See [`crate::incremental`].
#[derive(Debug)]
pub struct Incremental {
    /// The normalized instant that orders changes.
    pub cursor: CursorField,
    /// A parameter (the provider's name) that filters by change time, sent the cursor.
    pub since: Option<&'static str>,
    /// Parameters and values (provider names) that list the newest changes first; empty
    /// if the provider cannot.
    pub newest_first: &'static [(&'static str, &'static str)],
    /// The provider's time zone (IANA), for a `since` parameter without one.
    pub timezone: &'static str,
}

/// The normalized instant an incremental sync orders by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorField {
    /// [`Customer::updated_at`](crate::Customer::updated_at).
    UpdatedAt,
    /// [`Customer::created_at`](crate::Customer::created_at).
    CreatedAt,
}

impl CursorField {
    /// The field's name (`updated_at`).
    pub fn name(self) -> &'static str {
        match self {
            CursorField::UpdatedAt => "updated_at",
            CursorField::CreatedAt => "created_at",
        }
    }

    /// The field's value in `customer`.
    pub fn of(self, customer: &crate::Customer) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            CursorField::UpdatedAt => customer.updated_at,
            CursorField::CreatedAt => customer.created_at,
        }
    }
}

/// Next-link paging: each response carries the URL of the next page (`links.next`),
/// followed as given (it carries the query) as long as it stays on the configured origin.
#[derive(Debug)]
pub struct NextUrl {
    /// Keys to the next page's URL in a response (absolute, or relative to the page it is
    /// in); `null`, empty or absent on the last page.
    pub next: &'static [&'static str],
    /// The page-size parameter, sent with the first request (links carry it after).
    pub page_size: Option<PageSize>,
}

/// Page-number paging.
#[derive(Debug)]
pub struct PageNumber {
    /// The query parameter carrying the page number.
    pub param: &'static str,
    /// The first page's number (usually 1).
    pub start: u64,
    /// Keys to the last page's number in a response, when the provider says it up front.
    /// Known, the remaining pages are fetched concurrently; unknown, paging stops at the
    /// first page with fewer records than `page_size` (or with none).
    pub last_page: Option<&'static [&'static str]>,
    /// Keys to the total number of records in a response: with the page size it gives
    /// the last page, like [`last_page`](PageNumber::last_page).
    pub total: Option<&'static [&'static str]>,
    /// The page size parameter, if the provider has one.
    pub page_size: Option<PageSize>,
}

/// A page-size parameter. It goes where the method puts parameters (query for `GET`,
/// body for `POST`) unless the endpoint declares it; a declared one the caller set wins.
#[derive(Debug)]
pub struct PageSize {
    /// The parameter.
    pub param: &'static str,
    /// The size requested when the caller sets none.
    pub default: u64,
}

impl std::fmt::Debug for EndpointSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointSpec")
            .field("provider", &self.provider)
            .field("name", &self.name)
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}
