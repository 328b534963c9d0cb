//! `malbok assess`: `assessment.recorded`.

use super::{BasisArgs, Payload, append};
use crate::cli::{CliError, Context, Format};
use std::io::Write;

/// Record a body's assessment of a goal or an indicator at a follow-up (assessment.recorded).
///
/// A grade on a scale (--scale and --grade together) and/or a written analysis, and optionally
/// a trend (improved, unchanged, worse). Its valid date is the follow-up's cut-off. A second
/// assessment of the same subject by the same body at the same follow-up needs --decision or
/// --reason.
///
/// Example: malbok assess --body ekero.sn --follow-up ekero.delar-2021 --indicator ekero.sn.2019.m07.i1 --scale ekero.tregradig --grade delvis --analysis "87% av brukarna upplevde att de fått välja utförare." --trend unchanged
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("subject").required(true).args(["goal", "indicator"]))]
pub struct Args {
    /// The assessing body.
    #[arg(long)]
    body: String,
    /// The follow-up (delår, årsredovisning) the assessment belongs to.
    #[arg(long)]
    follow_up: String,
    /// The goal assessed (or --indicator).
    #[arg(long)]
    goal: Option<String>,
    /// The indicator assessed (or --goal).
    #[arg(long)]
    indicator: Option<String>,
    /// The scale of the grade.
    #[arg(long)]
    scale: Option<String>,
    /// The grade's code on that scale, e.g. delvis.
    #[arg(long)]
    grade: Option<String>,
    /// The written analysis, verbatim.
    #[arg(long)]
    analysis: Option<String>,
    /// improved, unchanged or worse, since the last period.
    #[arg(long)]
    trend: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    let payload = Payload::default()
        .put("body", args.body)
        .opt("goal", args.goal)
        .opt("indicator", args.indicator)
        .put("follow_up", args.follow_up)
        .opt("scale", args.scale)
        .opt("grade", args.grade)
        .opt("analysis", args.analysis)
        .opt("trend", args.trend);
    let payload = args.basis.add_to(payload);
    let kind = "assessment.recorded";
    append(session, ctx, kind, payload, None, args.format, out)
}
