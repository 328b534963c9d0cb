//! Applying a method: indicator grades → goal means → goal grades and an overall index, in
//! exact rational arithmetic (a mean of thirds never passes through a rounded decimal), with the
//! rounding rule the method names applied once, at the end. See `events/METHODS.md`.
//!
//! The fractions are big rationals: a mean over goals with 1, 2, ..., 100 indicators has a
//! denominator beyond any fixed-width integer, and a report must never overflow or panic on
//! what the checks accepted.

use super::GoalRow;
use crate::domain::{Aggregation, Dec, GradeInput, Id, Method, MethodDefined, Rounding};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::Serialize;

type Q = BigRational;

/// What a method computes for a report.
#[derive(Clone, Debug, Serialize)]
pub struct Computed {
    pub method: MethodDefined,
    /// The ledger position that defined the method.
    pub method_seq: u64,
    /// Per goal, in report order.
    pub goals: Vec<GoalResult>,
    /// Goals per computed grade, in the method's order (best first), zeros left out.
    pub counts: Vec<(Id, u64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexResult>,
    /// The grades of the method's scale, best first, so that every code above reads as the
    /// scale's symbol and label.
    pub grades: Vec<super::GradeView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GoalResult {
    pub goal: Id,
    /// The mean score of the goal's graded indicators, as an exact fraction ("2/3").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Id>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndexResult {
    /// Rounded by the method's rule to its decimals, e.g. "0.87".
    pub value: String,
    /// Before rounding, as an exact fraction, e.g. "7/8".
    pub exact: String,
}

fn q(d: Dec) -> Q {
    Q::new(
        BigInt::from(d.0.mantissa()),
        BigInt::from(10u8).pow(d.0.scale()),
    )
}

fn int(n: usize) -> Q {
    Q::from_integer(BigInt::from(n))
}

fn show(x: &Q) -> String {
    if x.is_integer() {
        x.to_integer().to_string()
    } else {
        format!("{}/{}", x.numer(), x.denom())
    }
}

/// Rounds `x` to `decimals` by `rule` and writes it with exactly that many decimals.
pub fn round(x: &Q, decimals: u32, rule: Rounding) -> String {
    let scaled = x * Q::from_integer(BigInt::from(10u8).pow(decimals));
    let floor = scaled.floor();
    let rest = &scaled - &floor;
    let half = Q::new(BigInt::from(1), BigInt::from(2));
    let one = Q::from_integer(BigInt::from(1));
    let n = match rule {
        Rounding::Truncate => scaled.trunc(),
        Rounding::HalfUp if scaled.is_negative() => -((-scaled) + half).floor(),
        Rounding::HalfUp => (scaled + half).floor(),
        Rounding::HalfEven if rest > half => floor + one,
        Rounding::HalfEven if rest < half => floor,
        Rounding::HalfEven if (floor.to_integer() % BigInt::from(2)).is_zero() => floor,
        Rounding::HalfEven => floor + one,
    }
    .to_integer();
    let n_negative = n.is_negative();
    let digits = n.magnitude().to_string();
    let sign = if n_negative { "-" } else { "" };
    if decimals == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = decimals as usize + 1);
    let (int, frac) = padded.split_at(padded.len() - decimals as usize);
    format!("{sign}{int}.{frac}")
}

/// Applies `method` to the goals of a report (the caller names the scale's grades).
pub fn compute(method: &Method, goals: &[GoalRow]) -> Computed {
    let def = &method.def;
    let score = |code: &Id| {
        def.scores
            .iter()
            .find(|s| &s.grade == code)
            .map(|s| q(s.score))
    };
    let mut results = Vec::new();
    let mut goal_means = Vec::new();
    let mut all_scores = Vec::new();
    for goal in goals {
        let scores: Vec<Q> = goal
            .indicators
            .iter()
            .filter_map(|i| match def.input {
                Some(GradeInput::Computed) => i.computed_grade.as_ref(),
                // An indicator the body left ungraded because it could not be measured counts
                // as the grade the scale names for "kan inte mätas", as status and the
                // attainment table count it.
                Some(GradeInput::Judged) | None => i.grade.as_ref().or(i
                    .computed_grade
                    .as_ref()
                    .filter(|_| i.not_measurable.is_some())),
            })
            .filter(|g| g.scale == def.scale)
            .filter_map(|g| score(&g.code))
            .collect();
        all_scores.extend(scores.iter().cloned());
        let mean = (!scores.is_empty())
            .then(|| scores.iter().fold(Q::zero(), |a, b| a + b) / int(scores.len()));
        let grade = mean.as_ref().and_then(|m| {
            def.goal_grades
                .iter()
                .find(|g| *m >= q(g.min))
                .map(|g| g.grade.clone())
        });
        results.push(GoalResult {
            goal: goal.id.clone(),
            mean: mean.as_ref().map(show),
            grade,
        });
        goal_means.extend(mean);
    }
    // A method without an index rule computes none: nothing is invented.
    let index = def.index.as_ref().and_then(|rule| {
        let values = match rule.aggregation {
            Aggregation::MeanOfGoalMeans => &goal_means,
            Aggregation::MeanOfIndicators => &all_scores,
        };
        (!values.is_empty()).then(|| {
            let exact = values.iter().fold(Q::zero(), |a, b| a + b) / int(values.len());
            IndexResult {
                value: round(&exact, rule.places(), rule.rounding),
                exact: show(&exact),
            }
        })
    });
    let counts = def
        .goal_grades
        .iter()
        .map(|g| {
            let n = results
                .iter()
                .filter(|r| r.grade.as_ref() == Some(&g.grade))
                .count() as u64;
            (g.grade.clone(), n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    Computed {
        method: def.clone(),
        method_seq: method.prov.seq,
        goals: results,
        counts,
        index,
        grades: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_rules_are_named_and_exact() {
        let r = |n: i64, d: i64| Q::new(BigInt::from(n), BigInt::from(d));
        let x = &r(7, 8); // 0.875
        assert_eq!(round(x, 2, Rounding::Truncate), "0.87");
        assert_eq!(round(x, 2, Rounding::HalfUp), "0.88");
        assert_eq!(round(x, 2, Rounding::HalfEven), "0.88");
        let y = &r(173, 200); // 0.865
        assert_eq!(round(y, 2, Rounding::HalfEven), "0.86");
        assert_eq!(round(y, 2, Rounding::HalfUp), "0.87");
        assert_eq!(round(&r(2, 3), 2, Rounding::HalfUp), "0.67");
        assert_eq!(round(&r(2, 3), 2, Rounding::Truncate), "0.66");
        assert_eq!(round(&r(-7, 8), 2, Rounding::HalfUp), "-0.88");
        assert_eq!(round(&r(-7, 8), 2, Rounding::Truncate), "-0.87");
        assert_eq!(round(&r(5, 2), 0, Rounding::HalfEven), "2");
        assert_eq!(round(&r(1, 200), 2, Rounding::Truncate), "0.00");
        assert_eq!(round(&r(12, 1), 1, Rounding::Truncate), "12.0");
    }
}
