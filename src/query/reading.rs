//! How an indicator's readings are read, the one place `status` and reports share: the trend
//! against the comparable reading a year earlier (never simply the reading before, which may
//! be an interim one), and the grade the latest reading and the target in force give on the
//! organisation's scale, a "kan inte mätas" reading counting as the grade the scale names.

use serde::Serialize;

use crate::domain::{
    Comparison, Date, Dec, Direction, FollowUpKind, Grade, Id, Indicator, Level, Method, Reading,
    Scale, State, Trend,
};

/// Which way an indicator moved, read through its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendDirection {
    Improved,
    Unchanged,
    Worse,
    /// Nothing comparable a year earlier, the latest reading not measurable, or a direction
    /// ("reach") without a threshold to read it by.
    NotComputable,
}

impl std::fmt::Display for TrendDirection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TrendDirection::Improved => "improved",
            TrendDirection::Unchanged => "unchanged",
            TrendDirection::Worse => "worse",
            TrendDirection::NotComputable => "cannot be computed",
        })
    }
}

/// What the latest reading was compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendBasis {
    /// The same period a year earlier.
    SamePeriodLastYear,
    /// The outcome of the whole previous year (an interim reading against last year's result,
    /// as Enköping's page compares: "Föregående års resultat var 21 procent").
    LastYearOutcome,
}

/// Trend of one indicator: the computed direction, what it compared, and the body's judged
/// trend when one was recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrendView {
    pub direction: TrendDirection,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<TrendBasis>,
    /// The latest reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<TrendPoint>,
    /// The comparable reading a year earlier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<TrendPoint>,
    /// The trend the body recorded as its judgement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged: Option<Trend>,
    /// How the organisation's scale draws this trend (an arrow, a colour name), when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drawn: Option<String>,
}

/// A reading's value (exact) and the last day of its period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrendPoint {
    pub value: String,
    pub period_to: Date,
}

/// The method of `org` in force at `at`: the latest effective date, then the latest appended.
pub fn method_in_force<'a>(state: &'a State, org: &Id, at: Date) -> Option<&'a Method> {
    state
        .methods
        .values()
        .filter(|m| &m.def.organisation == org && m.def.effective <= at)
        .max_by_key(|m| (m.def.effective, m.prov.seq))
}

/// How one organisation reads its indicators at a date: its scale (the scale of the method in
/// force, else its own scale, the first by id) for computed attainment and for how trend is
/// drawn, and its template's rule for what trend compares with.
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    pub state: &'a State,
    pub at: Date,
    pub scale: Option<&'a Scale>,
    pub rule: Option<crate::domain::TrendBasis>,
}

impl<'a> Reader<'a> {
    /// The reader of `org` at `at`, for a follow-up of `kind` (templates for any kind only,
    /// when `None`, as for `status`).
    pub fn new(state: &'a State, org: &Id, at: Date, kind: Option<FollowUpKind>) -> Reader<'a> {
        let scale = method_in_force(state, org, at)
            .and_then(|m| state.scales.get(&m.def.scale))
            .or_else(|| {
                state
                    .scales
                    .values()
                    .find(|s| s.def.organisation.as_ref() == Some(org))
            });
        let rule = state
            .templates
            .values()
            .filter(|t| {
                &t.def.organisation == org
                    && t.def.effective <= at
                    && t.def.follow_up_kind.is_none_or(|k| Some(k) == kind)
            })
            .max_by_key(|t| (t.def.effective, t.prov.seq))
            .and_then(|t| t.def.trend_basis);
        Reader {
            state,
            at,
            scale,
            rule,
        }
    }

    /// The readings of `ind` for periods ended by the date.
    fn readings(&self, ind: &Indicator) -> Vec<&'a Reading> {
        ind.readings
            .iter()
            .filter_map(|seq| self.state.readings.get(seq).map(|r| &**r))
            .filter(|r| r.period.to <= self.at)
            .collect()
    }

    /// The latest reading by the date: the latest period end, then the latest appended.
    pub fn latest(&self, ind: &Indicator) -> Option<&'a Reading> {
        self.readings(ind)
            .into_iter()
            .max_by_key(|r| (r.period.to, r.prov.seq))
    }

    /// Computed attainment on the organisation's scale: the most ambitious level the latest
    /// reading meets, named as a grade of the scale (its label or its code, case aside); below
    /// every level with a threshold, the scale's lowest grade; a reading that could not be
    /// measured counts as the grade the scale folds "kan inte mätas" into, or its separate
    /// not-assessable state. Nothing without a scale, a reading, a level with a threshold, or
    /// when a met level names no grade of the scale.
    pub fn attainment(&self, ind: &Indicator, levels: Option<&[Level]>) -> Option<&'a Grade> {
        let scale = self.scale?;
        let latest = self.latest(ind)?;
        let Some(value) = latest.value() else {
            return match &scale.def.not_assessable_folded_into {
                Some(code) => scale.grade(code),
                None => scale.def.not_assessable.as_ref(),
            };
        };
        let levels: Vec<(&Level, bool)> = levels?
            .iter()
            .filter_map(|l| Some((l, l.comparison?.holds(value, l.threshold?))))
            .collect();
        if levels.is_empty() {
            return None;
        }
        match levels.iter().rev().find(|(_, met)| *met) {
            Some((level, _)) => scale.def.grades.iter().find(|g| {
                g.label.to_lowercase() == level.name.to_lowercase()
                    || g.code.as_str() == level.name.to_lowercase()
            }),
            None => scale.def.grades.last(),
        }
    }

    /// The trend of `ind` at the date: its latest reading against the same period a year
    /// earlier, else against the previous year's outcome (the template may name one of the
    /// two); read through `direction`, and for a level to reach through the most ambitious
    /// level of `levels` with a threshold. Nothing when there is no reading and no judgement.
    pub fn trend(
        &self,
        ind: &Indicator,
        direction: Direction,
        levels: Option<&[Level]>,
        judged: Option<Trend>,
    ) -> Option<TrendView> {
        let readings = self.readings(ind);
        let latest = readings.iter().max_by_key(|r| (r.period.to, r.prov.seq));
        if latest.is_none() && judged.is_none() {
            return None;
        }
        let not_computable = TrendView {
            direction: TrendDirection::NotComputable,
            basis: None,
            current: latest.and_then(|r| {
                Some(TrendPoint {
                    value: r.value()?.to_string(),
                    period_to: r.period.to,
                })
            }),
            previous: None,
            judged,
            drawn: self.drawn(TrendDirection::NotComputable),
        };
        let Some(latest) = latest else {
            return Some(not_computable);
        };
        let Some(now) = latest.value() else {
            return Some(not_computable);
        };
        let latest_of = |from: Date, to: Date| {
            readings
                .iter()
                .filter(|r| r.period.from == from && r.period.to == to)
                .max_by_key(|r| r.prov.seq)
                .and_then(|r| Some((r.value()?, r.period.to)))
        };
        let same = year_before(latest.period.from)
            .zip(year_before(latest.period.to))
            .and_then(|(from, to)| latest_of(from, to))
            .map(|p| (p, TrendBasis::SamePeriodLastYear));
        let outcome = || {
            use chrono::Datelike;
            let year = latest.period.to.0.year() - 1;
            let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1)?;
            let to = chrono::NaiveDate::from_ymd_opt(year, 12, 31)?;
            latest_of(Date(from), Date(to)).map(|p| (p, TrendBasis::LastYearOutcome))
        };
        // The template says which comparison its document makes; without one, the same
        // period, else last year's outcome.
        let found = match self.rule {
            Some(crate::domain::TrendBasis::SamePeriod) => same,
            Some(crate::domain::TrendBasis::LastYearOutcome) => outcome(),
            None => same.or_else(outcome),
        };
        let Some(((before, before_to), basis)) = found else {
            return Some(not_computable);
        };
        let level = levels.and_then(|ls| {
            ls.iter()
                .rev()
                .find_map(|l| Some((l.comparison?, l.threshold?)))
        });
        let direction = match better(direction, level, before, now) {
            Some(std::cmp::Ordering::Greater) => TrendDirection::Improved,
            Some(std::cmp::Ordering::Equal) => TrendDirection::Unchanged,
            Some(std::cmp::Ordering::Less) => TrendDirection::Worse,
            None => TrendDirection::NotComputable,
        };
        Some(TrendView {
            direction,
            basis: Some(basis),
            current: Some(TrendPoint {
                value: now.to_string(),
                period_to: latest.period.to,
            }),
            previous: Some(TrendPoint {
                value: before.to_string(),
                period_to: before_to,
            }),
            judged,
            drawn: self.drawn(direction),
        })
    }

    /// How the organisation's scale draws `direction` (an arrow, a colour name), when it says.
    fn drawn(&self, direction: TrendDirection) -> Option<String> {
        let d = self.scale?.def.trend.as_ref()?;
        Some(match direction {
            TrendDirection::Improved => d.improved.clone(),
            TrendDirection::Unchanged => d.unchanged.clone(),
            TrendDirection::Worse => d.worse.clone(),
            TrendDirection::NotComputable => d.not_computable.clone(),
        })
    }
}

/// Whether `now` is better (`Greater`) than `before`: higher is better, lower is better; for a
/// level to reach, its comparison says which ("minst 90" is higher, "högst 5" lower, "= 1"
/// closer).
fn better(
    direction: Direction,
    level: Option<(Comparison, Dec)>,
    before: Dec,
    now: Dec,
) -> Option<std::cmp::Ordering> {
    let higher = Some(now.0.cmp(&before.0));
    let lower = Some(before.0.cmp(&now.0));
    match (direction, level) {
        (Direction::Increase, _) => higher,
        (Direction::Decrease, _) => lower,
        (Direction::Reach, Some((Comparison::AtLeast | Comparison::MoreThan, _))) => higher,
        (Direction::Reach, Some((Comparison::AtMost | Comparison::LessThan, _))) => lower,
        // Checked: two extreme decimals have a difference beyond the type.
        (Direction::Reach, Some((Comparison::Equal, t))) => before
            .0
            .checked_sub(t.0)
            .zip(now.0.checked_sub(t.0))
            .map(|(b, n)| b.abs().cmp(&n.abs())),
        (Direction::Reach, None) => None,
    }
}

/// The date a year before `d` (29 February becomes 28 February).
fn year_before(d: Date) -> Option<Date> {
    use chrono::Datelike;
    let n = d.0;
    n.with_year(n.year() - 1)
        .or_else(|| n.pred_opt().and_then(|p| p.with_year(n.year() - 1)))
        .map(Date)
}
