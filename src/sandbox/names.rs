//! Realistic names for synthetic customers: Vietnamese (Latin script with diacritics) or
//! Thai, chosen by the script of the example record they replace.

/// Vietnamese family names.
const VI_FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
/// Vietnamese middle names.
const VI_MIDDLE: &[&str] = &["Thị", "Văn", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quốc"];
/// Vietnamese given names.
const VI_GIVEN: &[&str] = &[
    "Anh", "Bảo", "Châu", "Dũng", "Giang", "Hạnh", "Hương", "Khánh", "Linh", "Lệ", "Mạnh", "Nhung",
    "Phúc", "Quỳnh", "Sơn", "Thảo", "Tuấn", "Uyên", "Vy", "Yến", "Đạt", "Ánh",
];
/// Thai given names.
const TH_GIVEN: &[&str] = &[
    "สมชาย",
    "สมหญิง",
    "ณัฐพล",
    "กนกวรรณ",
    "ธนพร",
    "ปิยะ",
    "วรรณา",
    "อนุชา",
    "ศิริพร",
    "พิมพ์ชนก",
];
/// Thai family names.
const TH_FAMILY: &[&str] = &[
    "ใจดี",
    "ศรีสุข",
    "วงศ์ไทย",
    "แสงทอง",
    "บุญมา",
    "ทองคำ",
    "สุขสวัสดิ์",
    "พรหมมา",
];

/// A synthetic person's name.
pub struct Name {
    /// The whole name, in the script's usual order.
    pub full: String,
    /// The given name.
    pub given: String,
    /// The family name.
    pub family: String,
}

/// Whether `text` is written in Thai script.
pub fn is_thai(text: &str) -> bool {
    text.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
}

/// The `index`-th name, Thai or Vietnamese. Deterministic, so runs are reproducible.
pub fn name(index: usize, thai: bool) -> Name {
    if thai {
        let given = TH_GIVEN[index % TH_GIVEN.len()];
        let family = TH_FAMILY[(index / TH_GIVEN.len()) % TH_FAMILY.len()];
        return Name {
            full: format!("{given} {family}"),
            given: given.to_string(),
            family: family.to_string(),
        };
    }
    let family = VI_FAMILY[index % VI_FAMILY.len()];
    let middle = VI_MIDDLE[(index / VI_FAMILY.len()) % VI_MIDDLE.len()];
    let given = VI_GIVEN[(index / 3) % VI_GIVEN.len()];
    Name {
        full: format!("{family} {middle} {given}"),
        given: given.to_string(),
        family: family.to_string(),
    }
}

/// Vietnamese letters with their base letter, for email addresses.
const FOLDS: &[(&str, char)] = &[
    ("àáạảãâầấậẩẫăằắặẳẵ", 'a'),
    ("èéẹẻẽêềếệểễ", 'e'),
    ("ìíịỉĩ", 'i'),
    ("òóọỏõôồốộổỗơờớợởỡ", 'o'),
    ("ùúụủũưừứựửữ", 'u'),
    ("ỳýỵỷỹ", 'y'),
    ("đ", 'd'),
];

/// `text` lower-cased with diacritics removed and anything else non-ASCII dropped.
pub fn ascii_fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                return Some(c);
            }
            FOLDS
                .iter()
                .find(|(letters, _)| letters.contains(c))
                .map(|(_, base)| *base)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_diacritics_and_fold_to_ascii() {
        let name = name(1, false);
        assert!(name.full.contains("Trần"), "{}", name.full);
        assert_eq!(ascii_fold("Trần Đức Ánh"), "tranducanh");
        assert!(is_thai(&super::name(0, true).full));
        assert!(!is_thai("Thân Thị Cẩm Lệ"));
    }
}
