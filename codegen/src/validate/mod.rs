//! Semantic checks: everything the YAML shape cannot say. Every problem of a spec is
//! collected, so an author fixes them all in one round.

mod collisions;
mod endpoints;
pub(crate) mod examples;
mod names;
mod normalize;

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::load::SourceSpec;

pub(crate) use examples::read_example;
pub use names::is_rust_keyword;

/// Checks a loaded spec; an empty list means it can be generated.
///
/// Parts cut for shape errors (`SourceSpec::damaged`) were reported already: checks that
/// depend on them are skipped, and nothing is reported at or inside them.
pub fn validate(source: &SourceSpec) -> Vec<Diagnostic> {
    let mut checker = Checker {
        source,
        found: Vec::new(),
    };
    checker.top_level();
    endpoints::check(&mut checker);
    collisions::check(&mut checker);
    if !source.touches_damage("record") && !source.touches_damage("defaults") {
        normalize::check(&mut checker);
    }
    if !source.touches_damage("endpoints") {
        examples::check(&mut checker);
    }
    checker.found
}

/// Collects diagnostics against one spec's text.
pub(crate) struct Checker<'a> {
    pub source: &'a SourceSpec,
    pub found: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Reports a problem at `key_path`'s key.
    pub fn error(&mut self, key_path: &str, diagnostic: Diagnostic) {
        if self.source.touches_damage(key_path) {
            return;
        }
        let located = self.source.error_at(key_path, diagnostic);
        self.found.push(located);
    }

    /// Reports a problem at `key_path`'s value.
    pub fn error_value(&mut self, key_path: &str, diagnostic: Diagnostic) {
        if self.source.touches_damage(key_path) {
            return;
        }
        let located = self.source.error_at_value(key_path, diagnostic);
        self.found.push(located);
    }

    fn top_level(&mut self) {
        let spec = &self.source.spec;
        if spec.version != 1 {
            self.error_value(
                "version",
                Diagnostic::new(format!("unsupported spec version {}", spec.version))
                    .expected("1")
                    .hint("this custkit reads version 1 specs"),
            );
        }
        names::check_identifier(self, "provider", &spec.provider, true);
        let stem = self
            .source
            .path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        if !stem.is_empty() && stem != spec.provider {
            self.error_value(
                "provider",
                Diagnostic::new(format!(
                    "provider `{}` is in a file named `{stem}.yaml`",
                    spec.provider
                ))
                .hint(format!(
                    "name the file `{}.yaml`, or the provider `{stem}`",
                    spec.provider
                )),
            );
        }
        self.base_url_variables();
        self.defaults();
        if !self.source.touches_damage("auth") {
            self.pii_scopes();
        }
        if spec
            .rate_limit
            .as_ref()
            .is_some_and(|limit| limit.requests == 0)
        {
            self.error_value(
                "rate_limit.requests",
                Diagnostic::new("a rate limit must allow at least 1 request")
                    .hint("omit `rate_limit` if the provider has none"),
            );
        }
        self.success_flag();
        self.auth();
        for (name, def) in &spec.record {
            if let crate::spec::FieldType::Object(fields) = &def.ty {
                self.nested_pii(&format!("record.{name}"), fields);
            }
        }
    }

    /// A field withheld without a scope is only readable if some credential can hold
    /// that scope: the scope must be one `auth.scopes` lists.
    fn pii_scopes(&mut self) {
        let spec = &self.source.spec;
        let granted: Vec<&str> = spec.auth.scopes().iter().map(String::as_str).collect();
        for (name, def) in &spec.record {
            let Some(scope) = &def.pii else { continue };
            if granted.contains(&scope.as_str()) {
                continue;
            }
            let diagnostic =
                Diagnostic::new(format!("no credential can be granted the scope `{scope}`"));
            let diagnostic = if granted.is_empty() {
                diagnostic
                    .expected("a scope listed in `auth.scopes`")
                    .hint(format!(
                        "list the scopes the provider grants under `auth`: `scopes: [{scope}]`"
                    ))
            } else {
                diagnostic
                    .expected(format!("one of {}", granted.join(", ")))
                    .hint(
                        did_you_mean(scope, &granted)
                            .map(|best| format!("did you mean `{best}`?"))
                            .unwrap_or_else(|| format!("add `{scope}` to `auth.scopes`")),
                    )
            };
            self.error_value(&format!("record.{name}.pii"), diagnostic);
        }
    }

    /// `pii` is declared on top-level record fields: that is where providers omit keys.
    fn nested_pii(
        &mut self,
        path: &str,
        fields: &indexmap::IndexMap<String, crate::spec::FieldDef>,
    ) {
        for (name, def) in fields {
            let key = format!("{path}.object.{name}");
            if def.pii.is_some() {
                self.error(
                    &format!("{key}.pii"),
                    Diagnostic::new("`pii` is allowed on top-level record fields only")
                        .hint("mark the top-level field that contains it"),
                );
            }
            if let crate::spec::FieldType::Object(inner) = &def.ty {
                self.nested_pii(&key, inner);
            }
        }
    }

    fn base_url_variables(&mut self) {
        let spec = &self.source.spec;
        let used = placeholders(&spec.base_url);
        for name in &used {
            if !spec.variables.contains_key(*name) {
                self.error_value(
                    "base_url",
                    Diagnostic::new(format!("base URL variable `{{{name}}}` is not declared"))
                        .hint(format!(
                            "add `variables: {{ {name}: {{ default: ..., doc: ... }} }}`"
                        )),
                );
            }
        }
        for name in spec.variables.keys() {
            if !used.contains(&name.as_str()) {
                self.error(
                    &format!("variables.{name}"),
                    Diagnostic::new(format!("variable `{name}` is not used in `base_url`")).hint(
                        format!("use it as `{{{name}}}` in `base_url`, or remove it"),
                    ),
                );
            }
            names::check_identifier(self, &format!("variables.{name}"), name, false);
        }
        if !(spec.base_url.starts_with("https://") || spec.base_url.starts_with("http://")) {
            self.error_value(
                "base_url",
                Diagnostic::new("`base_url` must start with https://").expected("an absolute URL"),
            );
        }
    }

    fn auth(&mut self) {
        let spec = &self.source.spec;
        let (path_key, path, credentials) = match &spec.auth {
            crate::spec::Auth::Oauth2ClientCredentials { token_path, .. } => {
                ("auth.token_path", token_path, Vec::new())
            }
            crate::spec::Auth::TokenExchange {
                path,
                credentials,
                token,
                expires_in,
                header,
                ..
            } => {
                for (key, dotted) in [("token", Some(token)), ("expires_in", expires_in.as_ref())] {
                    if dotted.is_some_and(|p| p.is_empty() || p.split('.').any(str::is_empty)) {
                        self.error_value(
                            &format!("auth.{key}"),
                            Diagnostic::new(format!(
                                "`{key}` must be a dotted path such as `data.token`"
                            )),
                        );
                    }
                }
                if header.as_deref().is_some_and(|name| {
                    name.is_empty()
                        || !name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                }) {
                    self.error_value(
                        "auth.header",
                        Diagnostic::new("`header` must be a header name such as `x-token`"),
                    );
                }
                if credentials.is_empty() {
                    self.error(
                        "auth.credentials",
                        Diagnostic::new("a token exchange needs at least one credential")
                            .hint("list them: `credentials: [client_id, client_secret]`"),
                    );
                }
                ("auth.path", path, credentials.clone())
            }
            _ => return,
        };
        if !path.starts_with('/') {
            self.error_value(
                path_key,
                Diagnostic::new("the token endpoint's path must start with `/`"),
            );
        }
        let taken: Vec<&str> = ["base_url", "configure", "build"]
            .into_iter()
            .chain(spec.variables.keys().map(String::as_str))
            .collect();
        for name in &credentials {
            names::check_identifier(self, "auth.credentials", name, true);
            if taken.contains(&name.as_str()) {
                self.error_value(
                    "auth.credentials",
                    Diagnostic::new(format!(
                        "the credential `{name}` would clash with the builder method `{name}`"
                    )),
                );
            }
        }
    }

    fn success_flag(&mut self) {
        let Some(flag) = &self.source.spec.success else {
            return;
        };
        let valid = match &flag.equals {
            serde_json::Value::Bool(_) | serde_json::Value::String(_) => true,
            serde_json::Value::Number(number) => number.is_i64(),
            _ => false,
        };
        if !valid {
            self.error_value(
                "success.equals",
                Diagnostic::new("`equals` must be a boolean, a whole number or a text")
                    .expected("true, 200 or \"ok\""),
            );
        }
        for (key, path) in [
            ("path", Some(&flag.path)),
            ("message", flag.message.as_ref()),
        ] {
            if path.is_some_and(|path| path.is_empty() || path.split('.').any(str::is_empty)) {
                self.error_value(
                    &format!("success.{key}"),
                    Diagnostic::new(format!("`{key}` must be a dotted path such as `meta.code`")),
                );
            }
        }
    }

    fn defaults(&mut self) {
        let defaults = &self.source.spec.defaults;
        if let Some(zone) = &defaults.timezone {
            check_timezone(self, "defaults.timezone", zone);
        }
        if let Some(currency) = &defaults.currency {
            check_currency(self, "defaults.currency", currency);
        }
        if let Some(region) = &defaults.phone_region {
            if region.len() != 2 || !region.chars().all(|c| c.is_ascii_uppercase()) {
                self.error_value(
                    "defaults.phone_region",
                    Diagnostic::new(format!("`{region}` is not an ISO 3166 region code"))
                        .expected("two upper-case letters, such as VN or TH"),
                );
            }
        }
    }
}

/// `{name}` placeholders in a template.
pub(crate) fn placeholders(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        found.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    found
}

pub(crate) fn check_timezone(checker: &mut Checker<'_>, key: &str, zone: &str) {
    if zone.parse::<chrono_tz::Tz>().is_err() {
        let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
        checker.error_value(
            key,
            Diagnostic::new(format!("`{zone}` is not an IANA time zone"))
                .expected("a zone name such as Asia/Ho_Chi_Minh")
                .maybe_hint(
                    crate::diagnostic::did_you_mean(zone, &names)
                        .map(|best| format!("did you mean `{best}`?")),
                ),
        );
    }
}

pub(crate) fn check_currency(checker: &mut Checker<'_>, key: &str, currency: &str) {
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        checker.error_value(
            key,
            Diagnostic::new(format!("`{currency}` is not an ISO 4217 currency code"))
                .expected("three upper-case letters, such as VND"),
        );
    }
}
