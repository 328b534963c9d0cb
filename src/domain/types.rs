//! Value types that payloads are parsed into. Each one is validated once, at the edge (see
//! `json.rs`), so the rest of the domain never re-checks a date, an id or a decimal.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// Longest identifier accepted, in bytes (all allowed characters are ASCII).
pub const MAX_ID_LEN: usize = 64;

/// A stable, readable identifier chosen by the user, e.g. `ekero.sn.2019.m07`.
///
/// Rules: 1 to 64 characters from `a-z`, `0-9`, `.`, `_`, `-`, starting with a letter or a
/// digit. Grade codes on a scale follow the same rules.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(String);

impl Id {
    /// Validates `s` as an id; the error is a sentence saying what is wrong and what to do.
    pub fn parse(s: &str) -> Result<Id, String> {
        if s.is_empty() {
            return Err("must not be empty: give an id such as `ekero.sn.2019.m07`".into());
        }
        if s.len() > MAX_ID_LEN {
            return Err(format!(
                "`{s}` is {} characters long; ids are at most {MAX_ID_LEN} characters",
                s.chars().count()
            ));
        }
        let first_ok = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let rest_ok = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if !first_ok || !rest_ok {
            return Err(format!(
                "`{s}` is not a valid id: use lowercase letters a-z, digits, '.', '_' and '-', \
                 starting with a letter or digit (e.g. `ekero.sn.2019.m07`)"
            ));
        }
        Ok(Id(s.to_string()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Earliest and latest year accepted in a date; anything outside is taken for a typo.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A calendar date on the valid-time axis, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Parses exactly `YYYY-MM-DD` (zero-padded) and refuses dates not in the calendar.
    pub fn parse(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(format!(
                "`{s}` is not a date: write it as YYYY-MM-DD, e.g. \"2021-08-31\""
            ));
        }
        // The shape check above guarantees three runs of ASCII digits.
        let (y, m, d) = (
            s[0..4].parse::<i32>().unwrap_or(0),
            s[5..7].parse::<u32>().unwrap_or(0),
            s[8..10].parse::<u32>().unwrap_or(0),
        );
        let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
            return Err(format!("`{s}` is not a date in the calendar"));
        };
        if !YEARS.contains(&date.year()) {
            return Err(format!(
                "`{s}` is outside the years {}-{}; check the year",
                YEARS.start(),
                YEARS.end()
            ));
        }
        Ok(Date(date))
    }

    /// Shorthand for tests and fixed dates; `None` when not in the calendar.
    pub fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A closed interval of valid time, both ends included: `{"from":"2021-01-01","to":"2021-08-31"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Period {
    /// First day of the period.
    pub from: Date,
    /// Last day of the period (inclusive), not before `from`.
    pub to: Date,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.from, self.to)
    }
}

/// An exact decimal, written in JSON as a string matching `-?(0|[1-9][0-9]*)(\.[0-9]+)?`.
/// The scale is kept, so `"75.50"` prints back as `75.50`; comparisons are numeric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dec(pub Decimal);

impl Dec {
    /// Parses the strict decimal form; no exponent, no `+`, no leading zeros, no `-0`.
    pub fn parse(s: &str) -> Result<Dec, String> {
        let hint = "write an exact decimal as a string, e.g. \"0.87\", \"21\" or \"-34\"";
        let body = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let int_ok = int == "0"
            || (!int.is_empty()
                && !int.starts_with('0')
                && int.bytes().all(|c| c.is_ascii_digit()));
        let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()));
        if !int_ok || !frac_ok {
            return Err(format!("`{s}` is not a decimal: {hint}"));
        }
        let Ok(d) = Decimal::from_str_exact(s) else {
            return Err(format!(
                "`{s}` has too many digits; at most 28 significant digits are kept exactly"
            ));
        };
        if s.starts_with('-') && d.is_zero() {
            return Err(format!(
                "`{s}` is a negative zero; write it without the sign"
            ));
        }
        Ok(Dec(d))
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A Kolada KPI id: one capital letter and five digits, e.g. `N31848`, `U28523`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KpiId(String);

impl KpiId {
    /// Validates the Kolada KPI id form.
    pub fn parse(s: &str) -> Result<KpiId, String> {
        let b = s.as_bytes();
        if b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit) {
            Ok(KpiId(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not a Kolada KPI id: one capital letter and five digits, e.g. \"N31848\""
            ))
        }
    }
}

impl fmt::Display for KpiId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for KpiId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A Kolada (SCB) municipality or region id: four digits with leading zero, e.g. `0125`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KoladaId(String);

impl KoladaId {
    /// Validates the four-digit form.
    pub fn parse(s: &str) -> Result<KoladaId, String> {
        if s.len() == 4 && s.bytes().all(|c| c.is_ascii_digit()) {
            Ok(KoladaId(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not a Kolada municipality id: four digits, e.g. \"0125\" for Ekerö"
            ))
        }
    }
}

impl Serialize for KoladaId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A moment in ledger or fetch time, RFC 3339 (e.g. `2023-04-02T08:15:00Z`), kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// Validates RFC 3339 with an explicit offset.
    pub fn parse(s: &str) -> Result<Timestamp, String> {
        match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(_) => Ok(Timestamp(s.to_string())),
            Err(_) => Err(format!(
                "`{s}` is not an RFC 3339 time: write e.g. \"2023-04-02T08:15:00Z\""
            )),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A decision reference: body, ISO date and paragraph, written `KF 2020-10-19 § 147`.
///
/// The body is an abbreviation or a name (`KF`, `SN`, `Socialnämnden`); it may contain spaces.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecisionRef {
    /// The deciding body as written in the reference, e.g. `KF`.
    pub body: String,
    /// The date of the meeting.
    pub date: Date,
    /// The paragraph number (`§ 147`), at least 1.
    pub paragraph: u32,
}

impl DecisionRef {
    /// Parses the canonical form `<body> <YYYY-MM-DD> § <n>` with single spaces.
    pub fn parse(s: &str) -> Result<DecisionRef, String> {
        let hint = "write a decision reference as `<body> <YYYY-MM-DD> § <paragraph>`, \
                    e.g. \"KF 2020-10-19 § 147\"";
        let Some((left, para)) = s.rsplit_once(" § ") else {
            return Err(format!("`{s}` has no \" § \" paragraph: {hint}"));
        };
        let paragraph = match para.parse::<u32>() {
            Ok(n)
                if n >= 1 && !para.starts_with('0') && para.bytes().all(|c| c.is_ascii_digit()) =>
            {
                n
            }
            _ => return Err(format!("`{para}` is not a paragraph number: {hint}")),
        };
        let Some((body, date)) = left.rsplit_once(' ') else {
            return Err(format!("`{s}` names no body before the date: {hint}"));
        };
        let date = Date::parse(date).map_err(|e| format!("{e} ({hint})"))?;
        let canonical_body = body.split_whitespace().collect::<Vec<_>>().join(" ");
        if body.is_empty() || canonical_body != body {
            return Err(format!(
                "the body `{body}` must be non-empty text with single spaces: {hint}"
            ));
        }
        Ok(DecisionRef {
            body: body.to_string(),
            date,
            paragraph,
        })
    }
}

impl fmt::Display for DecisionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} § {}", self.body, self.date, self.paragraph)
    }
}

impl Serialize for DecisionRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for DecisionRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DecisionRef::parse(s)
    }
}

/// Why a change was made: a decision reference, an explicit reason, or both.
///
/// Revisions, retirements and corrections need at least one; definitions may carry one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Basis {
    /// The decision that made the change, e.g. `KF 2023-03-27 § 40`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionRef>,
    /// A free-text reason, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Basis {
    /// True when neither a decision nor a reason is given.
    pub fn is_empty(&self) -> bool {
        self.decision.is_none() && self.reason.is_none()
    }
}

/// Defines a closed set of names used in payloads, with the list of names for error messages.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every accepted name, in declaration order.
            pub const ALL: &'static [&'static str] = &[$($s),+];

            /// The name used in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s),+ }
            }

            /// The value for a JSON name, if it is one.
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// What an indicator's values count.
    Unit {
        /// Per cent, 0-100 for shares ("andel").
        Percent = "percent",
        /// A number of things or people.
        Count = "count",
        /// A rate per 10 000 inhabitants.
        Per10000 = "per_10000",
        /// An index (NMI, recommendation index, goal-fulfilment index).
        Index = "index",
        /// A score on a survey scale (e.g. 1-4).
        Score = "score",
        /// A duration in years.
        Years = "years",
        /// A duration in days.
        Days = "days",
        /// Swedish kronor.
        Sek = "sek",
        /// Done or not done: readings are 1 (reached) or 0 (not reached).
        Milestone = "milestone",
        /// Anything else; say what in `unit_label`.
        Other = "other",
    }
}

string_enum! {
    /// Which way an indicator should move.
    Direction {
        /// Higher is better ("ska öka").
        Increase = "increase",
        /// Lower is better ("ska minska").
        Decrease = "decrease",
        /// A level or a milestone is to be reached ("minst 90 %", "är presenterad").
        Reach = "reach",
    }
}

string_enum! {
    /// How a reading is compared with a target level's threshold.
    Comparison {
        /// reading >= threshold ("minst").
        AtLeast = ">=",
        /// reading > threshold.
        MoreThan = ">",
        /// reading <= threshold ("högst", "maximalt").
        AtMost = "<=",
        /// reading < threshold.
        LessThan = "<",
        /// reading = threshold.
        Equal = "=",
    }
}

/// How a threshold is written when people write it: "minst 70", "högst 5", "≥ 90", "≤ 3,5",
/// "70 %", "mer än 10", "under 2". One example per way, for error messages.
pub const THRESHOLD_EXAMPLES: &str =
    "\"minst 70\", \"högst 5\", \"≥ 90\", \"≤ 3,5\", \"> 10\", \"under 2\" or \"70 %\"";

/// Reads a target level as people write it into a comparison and an exact threshold, using
/// the indicator's `direction` where the text gives no comparison ("70 %": at least 70 for an
/// indicator that should increase, at most 70 for one that should decrease). Refuses what
/// cannot be read as a threshold, a bare number for an indicator to "reach" (say "minst" or
/// "högst"), and a comparison that contradicts the direction unless `contrary` allows it.
pub fn parse_threshold(
    text: &str,
    direction: Direction,
    contrary: bool,
) -> Result<(Comparison, Dec), String> {
    let refuse =
        || format!("`{text}` cannot be read as a threshold; write it as e.g. {THRESHOLD_EXAMPLES}");
    let lower = text.trim().to_lowercase();
    const WORDS: &[(&str, Comparison)] = &[
        (">=", Comparison::AtLeast),
        ("<=", Comparison::AtMost),
        ("≥", Comparison::AtLeast),
        ("≤", Comparison::AtMost),
        ("minst", Comparison::AtLeast),
        ("lägst", Comparison::AtLeast),
        ("åtminstone", Comparison::AtLeast),
        ("högst", Comparison::AtMost),
        ("maximalt", Comparison::AtMost),
        ("max", Comparison::AtMost),
        ("mer än", Comparison::MoreThan),
        ("fler än", Comparison::MoreThan),
        ("över", Comparison::MoreThan),
        (">", Comparison::MoreThan),
        ("mindre än", Comparison::LessThan),
        ("färre än", Comparison::LessThan),
        ("under", Comparison::LessThan),
        ("<", Comparison::LessThan),
        ("exakt", Comparison::Equal),
        ("=", Comparison::Equal),
    ];
    let (given, rest) = WORDS
        .iter()
        .find_map(|(w, c)| lower.strip_prefix(w).map(|r| (Some(*c), r)))
        .unwrap_or((None, lower.as_str()));
    let number = rest
        .trim()
        .trim_end_matches("procent")
        .trim_end_matches('%')
        .trim();
    // "3,5" and "3.5"; "10 000" with a space (or a no-break space) between thousands.
    let plain: String = number
        .chars()
        .filter(|c| *c != ' ' && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if plain.is_empty() || number.chars().any(|c| c.is_alphabetic()) {
        return Err(refuse());
    }
    let value = Dec::parse(&plain).map_err(|_| refuse())?;
    let comparison = match (given, direction) {
        (Some(c), _) => c,
        (None, Direction::Increase) => Comparison::AtLeast,
        (None, Direction::Decrease) => Comparison::AtMost,
        (None, Direction::Reach) => {
            return Err(format!(
                "`{text}` gives no comparison and the indicator is to reach a level: write \
                 \"minst {number}\" or \"högst {number}\""
            ));
        }
    };
    let contradicts = matches!(
        (direction, comparison),
        (
            Direction::Increase,
            Comparison::AtMost | Comparison::LessThan
        ) | (
            Direction::Decrease,
            Comparison::AtLeast | Comparison::MoreThan
        )
    );
    if contradicts && !contrary {
        return Err(format!(
            "`{text}` contradicts the indicator's direction ({direction}): a target for an \
             indicator that should {} says {}; check it, or confirm it explicitly",
            if direction == Direction::Increase {
                "increase"
            } else {
                "decrease"
            },
            if direction == Direction::Increase {
                "\"minst\""
            } else {
                "\"högst\""
            },
        ));
    }
    Ok((comparison, value))
}

impl Comparison {
    /// Whether `value` meets `threshold` under this comparison.
    pub fn holds(self, value: Dec, threshold: Dec) -> bool {
        match self {
            Comparison::AtLeast => value >= threshold,
            Comparison::MoreThan => value > threshold,
            Comparison::AtMost => value <= threshold,
            Comparison::LessThan => value < threshold,
            Comparison::Equal => value == threshold,
        }
    }
}

string_enum! {
    /// Change since the last period; a dimension of its own, never folded into a grade.
    Trend {
        /// Better than last period.
        Improved = "improved",
        /// The same as last period.
        Unchanged = "unchanged",
        /// Worse than last period.
        Worse = "worse",
    }
}

string_enum! {
    /// Whether a follow-up is an interim report or the annual report.
    FollowUpKind {
        /// Delårsrapport.
        Interim = "interim",
        /// Årsredovisning.
        Annual = "annual",
    }
}

string_enum! {
    /// Where a value comes from.
    SourceKind {
        /// Kolada, the national KPI database.
        Kolada = "kolada",
        /// A survey (e.g. Socialstyrelsens brukarundersökning).
        Survey = "survey",
        /// The municipality's own measurement or statistics.
        Internal = "internal",
        /// A published document (a report that states the value).
        Document = "document",
        /// Anything else; describe it.
        Other = "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_as_people_write_them() {
        use Comparison::*;
        use Direction::*;
        let ok: &[(&str, Direction, Comparison, &str)] = &[
            ("minst 70", Increase, AtLeast, "70"),
            ("Minst 90 %", Reach, AtLeast, "90"),
            ("högst 5", Decrease, AtMost, "5"),
            ("≥ 90", Reach, AtLeast, "90"),
            ("≤ 3,5", Decrease, AtMost, "3.5"),
            ("<= 3.5", Reach, AtMost, "3.5"),
            ("70 %", Increase, AtLeast, "70"),
            ("70 procent", Decrease, AtMost, "70"),
            ("10 000", Increase, AtLeast, "10000"),
            ("mer än 10", Increase, MoreThan, "10"),
            ("under 2", Decrease, LessThan, "2"),
            ("= 1", Reach, Equal, "1"),
        ];
        for (text, direction, comparison, value) in ok {
            assert_eq!(
                parse_threshold(text, *direction, false),
                Ok((*comparison, Dec::parse(value).expect("dec"))),
                "{text}"
            );
        }
        for (text, direction) in [
            ("Uppnått ≥ 90", Increase),
            ("på rätt väg", Increase),
            ("", Increase),
            ("minst", Increase),
            ("minst 7O", Increase),
            ("70 %", Reach),
            ("högst 5", Increase),
            ("minst 5", Decrease),
            ("1e3", Increase),
        ] {
            let err = parse_threshold(text, direction, false).expect_err(text);
            assert!(
                err.contains("minst") || err.contains("direction"),
                "{text}: {err}"
            );
        }
        // A contrary target is allowed when confirmed.
        assert_eq!(
            parse_threshold("högst 5", Increase, true),
            Ok((AtMost, Dec::parse("5").expect("dec")))
        );
    }

    #[test]
    fn ids() {
        assert!(Id::parse("ekero.sn.2019.m07").is_ok());
        assert!(Id::parse("0125").is_ok());
        assert!(Id::parse("Ekero").is_err());
        assert!(Id::parse(".a").is_err());
        assert!(Id::parse("a b").is_err());
        assert!(Id::parse("").is_err());
        assert!(Id::parse(&"a".repeat(64)).is_ok());
        assert!(Id::parse(&"a".repeat(65)).is_err());
        assert!(Id::parse("ekerö").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2021-08-31").map(|d| d.to_string()).as_deref(),
            Ok("2021-08-31")
        );
        assert!(
            Date::parse("2021-02-29")
                .unwrap_err()
                .contains("not a date in the calendar")
        );
        assert!(Date::parse("2021-8-31").is_err());
        assert!(
            Date::parse("0201-08-31")
                .unwrap_err()
                .contains("outside the years")
        );
    }

    #[test]
    fn decimals() {
        for ok in ["0", "0.87", "21", "-34", "75.50", "2.75"] {
            assert_eq!(Dec::parse(ok).map(|d| d.to_string()).as_deref(), Ok(ok));
        }
        for bad in ["", "01", "1.", ".5", "+1", "1e3", "-0", "1,5", " 1", "0x1"] {
            assert!(Dec::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Dec::parse("0.870"), Dec::parse("0.87"));
    }

    #[test]
    fn decision_refs() {
        let d = DecisionRef::parse("KF 2020-10-19 § 147").unwrap();
        assert_eq!(d.body, "KF");
        assert_eq!(d.date, Date::ymd(2020, 10, 19).unwrap());
        assert_eq!(d.paragraph, 147);
        assert_eq!(d.to_string(), "KF 2020-10-19 § 147");
        let long = DecisionRef::parse("Socialnämnden 2023-01-23 § 13").unwrap();
        assert_eq!(long.body, "Socialnämnden");
        for bad in [
            "KF 2020-10-19 §147",
            "KF 2020-10-19",
            "2020-10-19 § 147",
            "KF 2020-13-19 § 147",
            "KF 2020-10-19 § 0",
            "KF 2020-10-19 § 01",
            "KF  2020-10-19 § 1",
        ] {
            assert!(DecisionRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kpi_and_kolada_ids() {
        assert!(KpiId::parse("N31848").is_ok());
        assert!(KpiId::parse("n31848").is_err());
        assert!(KoladaId::parse("0125").is_ok());
        assert!(KoladaId::parse("125").is_err());
    }
}

string_enum! {
    /// What a column of a report template's results table shows.
    ColumnKind {
        /// The goal (number and text), on its first indicator's row.
        Goal = "goal",
        /// The indicator's text (with its grade's symbol when there is no grade column).
        Indicator = "indicator",
        /// The indicator's grade: symbol and label.
        Grade = "grade",
        /// The deadline of the target in force ("Tidpunkter").
        Deadline = "deadline",
        /// The body's comment ("Kommentar").
        Comment = "comment",
        /// The threshold of the target in force ("Målvärde").
        Target = "target",
        /// The outcome of each of the last `years` years ("Utfall 2019", "Utfall 2020", ...).
        Outcomes = "outcomes",
    }
}

string_enum! {
    /// A section a report template may show.
    Section {
        /// The results table.
        Results = "results",
        /// Each goal's own verdict.
        Verdicts = "verdicts",
        /// The readings table.
        Measurements = "measurements",
        /// Computed attainment beside the body's grade.
        Attainment = "attainment",
        /// Trend.
        Trend = "trend",
        /// Other bodies' assessments.
        Bodies = "bodies",
        /// The summary sentences.
        Summary = "summary",
        /// Computed, assessed and published figures.
        Comparison = "comparison",
        /// The published summary, quoted.
        PublishedSummary = "published_summary",
        /// The method and its per-goal table.
        Method = "method",
        /// Interim forecast beside the annual outcome.
        Forecast = "forecast",
        /// Changes since the last seal.
        Changes = "changes",
        /// A legend of the scale's symbols.
        Legend = "legend",
    }
}

string_enum! {
    /// What an indicator's latest reading is compared with for its trend.
    TrendBasis {
        /// The same period a year earlier.
        SamePeriod = "same_period",
        /// The previous year's outcome (an interim reading against last year's result).
        LastYearOutcome = "last_year_outcome",
    }
}

string_enum! {
    /// Which indicator grades a method scores.
    GradeInput {
        /// The body's recorded grades (its judgement).
        Judged = "judged",
        /// The grades the readings and the targets in force give on the method's scale.
        Computed = "computed",
    }
}

string_enum! {
    /// How a method turns goal scores into an overall index.
    Aggregation {
        /// Mean over goals of each goal's mean indicator score ("räknat på indikatorerna för
        /// samtliga mål", each goal weighing the same).
        MeanOfGoalMeans = "mean_of_goal_means",
        /// Mean over all indicators, each indicator weighing the same.
        MeanOfIndicators = "mean_of_indicators",
    }
}

string_enum! {
    /// How an index is rounded to its decimals.
    Rounding {
        /// Cut off the further digits (0,875 → 0,87).
        Truncate = "truncate",
        /// Round half away from zero (0,875 → 0,88).
        HalfUp = "half_up",
        /// Round half to the even digit (0,875 → 0,88; 0,865 → 0,86).
        HalfEven = "half_even",
    }
}
