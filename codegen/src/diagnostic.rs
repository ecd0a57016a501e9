//! Spec errors, located and rendered like rustc's: what is wrong, where (file, line,
//! column, key path), what was expected, and a hint.

use std::fmt;

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, as it should be shown (relative to the workspace when possible).
    pub file: String,
    /// Line, from 1; 0 when the problem has no position (an unreadable file).
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// How many characters to underline.
    pub width: usize,
    /// The source line, for display.
    pub source_line: Option<String>,
    /// The dotted key path (`endpoints.list_customers.pagination.param`).
    pub key_path: String,
    /// What is wrong.
    pub message: String,
    /// What was expected.
    pub expected: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with only a message; position and context are filled in by the loader.
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: String::new(),
            line: 0,
            column: 0,
            width: 1,
            source_line: None,
            key_path: String::new(),
            message: message.into(),
            expected: None,
            hint: None,
        }
    }

    /// Sets what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the hint, if there is one.
    pub fn maybe_hint(mut self, hint: Option<String>) -> Diagnostic {
        if hint.is_some() {
            self.hint = hint;
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if self.line == 0 {
            writeln!(f, "  --> {}", self.file)?;
        } else {
            let gutter = self.line.to_string().len();
            let pad = " ".repeat(gutter);
            writeln!(f, "{pad}--> {}:{}:{}", self.file, self.line, self.column)?;
            if let Some(source) = &self.source_line {
                writeln!(f, "{pad} |")?;
                writeln!(f, "{} | {}", self.line, source)?;
                let indent: String = source
                    .chars()
                    .take(self.column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{pad} | {indent}{}", "^".repeat(self.width.max(1)))?;
            }
        }
        if !self.key_path.is_empty() {
            writeln!(f, "   = key: {}", self.key_path)?;
        }
        if let Some(expected) = &self.expected {
            writeln!(f, "   = expected: {expected}")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "   = help: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in one run, across all specs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(
            f,
            "error: custkit could not generate clients: {count} spec error{}",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// The candidate closest to `word`, if it is close enough to be a likely typo (a
/// difference in case only always is).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = candidates
        .iter()
        .find(|candidate| candidate.eq_ignore_ascii_case(word))
    {
        return Some(same);
    }
    candidates
        .iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), *candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("pagnation", &["pagination", "params"]),
            Some("pagination")
        );
        assert_eq!(did_you_mean("zzz", &["pagination", "params"]), None);
        assert_eq!(did_you_mean("get", &["GET", "POST"]), Some("GET"));
    }

    #[test]
    fn renders_like_rustc() {
        let mut diagnostic = Diagnostic::new("unknown key `pagnation`")
            .expected("one of `pagination`, `params`")
            .hint("did you mean `pagination`?");
        diagnostic.file = "specs/x.yaml".into();
        diagnostic.line = 12;
        diagnostic.column = 5;
        diagnostic.width = 9;
        diagnostic.source_line = Some("    pagnation: {}".into());
        diagnostic.key_path = "endpoints.list.pagnation".into();
        let expected = "\
error: unknown key `pagnation`
  --> specs/x.yaml:12:5
   |
12 |     pagnation: {}
   |     ^^^^^^^^^
   = key: endpoints.list.pagnation
   = expected: one of `pagination`, `params`
   = help: did you mean `pagination`?
";
        assert_eq!(diagnostic.to_string(), expected);
    }
}
