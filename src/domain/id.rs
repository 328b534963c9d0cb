//! Deriving a readable id from text when the user gives none.

use super::types::{Id, MAX_ID_LEN};

/// Derives a valid, unused id from `prefix` and `text`, e.g.
/// `derive_id("ekero.sn.2019", "Bryta den ofrivilliga ensamheten.", |_| false)` gives
/// `ekero.sn.2019.bryta-den-ofrivilliga-ensamheten`.
///
/// Deterministic: the same inputs give the same id. Swedish letters are folded (å, ä → a,
/// ö → o), other characters become `-`; the slug is cut at a word boundary so the whole id
/// stays within 64 characters, and `-2`, `-3`, ... is appended until `existing` says the id
/// is free. An invalid prefix is slugged the same way (keeping its dots).
pub fn derive_id(prefix: &str, text: &str, existing: impl Fn(&str) -> bool) -> String {
    let prefix = prefix
        .split('.')
        .map(slug)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    let mut words = slug(text);
    if words.is_empty() {
        words = "item".to_string();
    }
    // Room for the prefix, its dot and a uniqueness suffix such as "-99".
    let room = MAX_ID_LEN.saturating_sub(prefix.len() + 1 + 4).max(8);
    let base_slug = cut(&words, room);
    let base = if prefix.is_empty() {
        base_slug
    } else {
        format!("{prefix}.{base_slug}")
    };
    let base = cut(&base, MAX_ID_LEN - 4);
    let mut candidate = base.clone();
    let mut n = 2u64;
    while existing(&candidate) || Id::parse(&candidate).is_err() {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// Lowercase ASCII slug with `-` between words.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'á' | 'à' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' | 'ù' => 'u',
            'í' | 'ì' | 'ï' => 'i',
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => c,
            _ => '-',
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches('-').to_string()
}

/// Cuts a slug to at most `max` bytes, at a `-` when there is one, never ending in `-` or `.`.
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    // Slugs are ASCII, so any byte index is a char boundary.
    let head = &s[..max];
    let head = match head.rfind('-') {
        Some(i) if i > max / 2 => &head[..i],
        _ => head,
    };
    head.trim_end_matches(['-', '.']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_swedish_text() {
        assert_eq!(
            derive_id("ekero.sn.2019", "Bryta den ofrivilliga ensamheten.", |_| {
                false
            }),
            "ekero.sn.2019.bryta-den-ofrivilliga-ensamheten"
        );
        assert_eq!(
            derive_id("", "Större valfrihet", |_| false),
            "storre-valfrihet"
        );
        assert_eq!(derive_id("x", "§§§", |_| false), "x.item");
    }

    #[test]
    fn unique_and_valid_and_short() {
        let taken = ["g.a", "g.a-2"];
        assert_eq!(derive_id("g", "A", |id| taken.contains(&id)), "g.a-3");
        let long = "Säkerställa valfrihet, hög kvalitet och ett värdigt bemötande för alla brukare i hela kommunen";
        let id = derive_id("ekero.sn.2019", long, |_| false);
        assert!(id.len() <= MAX_ID_LEN, "{id}");
        assert!(Id::parse(&id).is_ok(), "{id}");
        assert_eq!(id, derive_id("ekero.sn.2019", long, |_| false));
        let weird = derive_id("Ekerö SN", "-", |_| false);
        assert!(Id::parse(&weird).is_ok(), "{weird}");
    }
}
