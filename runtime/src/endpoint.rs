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
    /// The provider's name (`tourwell`).
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
    /// The body flag that says whether a call succeeded, if the provider has one.
    pub success: Option<crate::http::envelope::SuccessFlag>,
    /// The parameters the endpoint accepts.
    pub params: &'static [crate::http::ParamSpec],
    /// Decodes and normalizes one record of this endpoint (generated from the spec).
    pub normalize: fn(&crate::record::RawRecord) -> Result<crate::Customer, String>,
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
    /// The page size parameter, if the provider has one.
    pub page_size: Option<PageSize>,
}

/// A page-size parameter.
#[derive(Debug)]
pub struct PageSize {
    /// The query parameter.
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
