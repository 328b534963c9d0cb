//! The report as one self-contained HTML document: the same content as the Markdown renderer,
//! inline CSS that prints on A4, and an inline SVG chart per indicator with readings. No script,
//! no URL: a Content-Security-Policy in the document refuses every fetch and script, so even a
//! text that escaped escaping could not load anything. Deterministic: chart coordinates are
//! exact decimals rounded to one decimal, never floats.

use super::render::{
    attainment_rows, change_line, comparison_text, counts_sentence, decimal_comma, forecast_rows,
    goal_links, index_sentence, index_words, interpretation_lines, interpreted_counts, legend_line,
    method_rows, method_terms, results_table, source_sentence, trend_rows, value_with_unit,
    verdicts,
};
use super::{GradeView, IndicatorRow, Report};
use crate::domain::{ColumnKind, Section};
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Print rules first: A4 pages, rows, figures and quotes never split across pages, headings
/// kept with what follows them, colours kept where they carry meaning.
const STYLE: &str = "\
@page { size: A4; margin: 18mm; }
* { box-sizing: border-box; }
body { font-family: \"Liberation Sans\", Arial, Helvetica, sans-serif; font-size: 10.5pt; \
line-height: 1.4; color: #111; background: #fff; max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
th, td { border: 0.5pt solid #888; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { background: #eee; }
thead { display: table-header-group; }
tr, figure, blockquote, li { break-inside: avoid; page-break-inside: avoid; }
td.tal, th.tal { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.datum { white-space: nowrap; }
.symbol { display: inline-block; min-width: 1.2em; }
tr.avvikelse td { background: #fde8e8; }
.avviker { font-weight: bold; color: #a00000; }
blockquote { border-left: 3pt solid #bbb; margin: 6pt 0; padding: 0 0 0 8pt; }
figure { margin: 10pt 0; }
figcaption { font-weight: bold; margin-bottom: 2pt; }
figure p { margin: 2pt 0; font-size: 9pt; color: #333; }
svg { max-width: 100%; height: auto; }
footer { margin-top: 18pt; border-top: 0.5pt solid #888; padding-top: 6pt; font-size: 9pt; \
color: #333; overflow-wrap: anywhere; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  th, tr.avvikelse td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

/// `&<>"'` as entities: safe in text and in double- or single-quoted attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with its line breaks kept.
fn lines(text: &str) -> String {
    esc(text).replace('\n', "<br>")
}

/// An exact decimal with a decimal comma, escaped.
fn num(s: &str) -> String {
    esc(&decimal_comma(s))
}

/// "● Uppnått"-style symbol of a grade, escaped (the label when the scale has no symbol).
fn symbol(g: &GradeView) -> String {
    esc(g.symbol.as_deref().unwrap_or(&g.label))
}

/// The whole report as an HTML document.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let cut_off = r.follow_up.cut_off;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(&r.title)
    );
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", esc(&r.title));
    let who = match &r.body {
        Some(body) => format!("{}, {}", esc(body), esc(&r.organisation)),
        None => esc(&r.organisation),
    };
    let _ = writeln!(
        out,
        "<p>{who}. Uppföljningstillfälle {} per {cut_off}.</p>\n</header>",
        esc(&r.follow_up.name)
    );

    if r.shows(Section::Results) {
        // The organisation's columns (or the default ones), from the one walker the Markdown
        // uses; as published, a goal's cell spans its indicators' rows.
        let table = results_table(r, lines, |g| {
            format!(
                "<span class=\"symbol\" title=\"{}\">{}</span>",
                esc(&g.label),
                symbol(g)
            )
        });
        let _ = writeln!(
            out,
            "\n<h2>Resultat av periodens uppföljning</h2>\n<table class=\"resultat\">\n<thead><tr><th>{}</th></tr></thead>\n<tbody>",
            table.head.join("</th><th>")
        );
        for row in &table.rows {
            let mut tr = String::from("<tr>");
            for (cell, kind) in row.cells.iter().zip(&table.kinds) {
                match (kind, row.span) {
                    (ColumnKind::Goal, None) => continue,
                    (ColumnKind::Goal, Some(n)) if n > 1 => {
                        let _ = write!(tr, "<td rowspan=\"{n}\">{cell}</td>");
                    }
                    (ColumnKind::Deadline, _) => {
                        let _ = write!(tr, "<td class=\"datum\">{cell}</td>");
                    }
                    _ => {
                        let _ = write!(tr, "<td>{cell}</td>");
                    }
                }
            }
            let _ = writeln!(out, "{tr}</tr>");
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }
    if r.shows(Section::Legend) && !r.legend.is_empty() {
        let _ = writeln!(out, "<p class=\"legend\">{}</p>", legend_line(r, esc));
    }
    let verdicts = verdicts(r, lines);
    if r.shows(Section::Verdicts) && !verdicts.is_empty() {
        let _ = writeln!(out, "\n<h3>Målens bedömning</h3>\n<dl class=\"bedomning\">");
        for v in verdicts {
            let grade = v.grade.map_or(String::new(), |g| format!(" – {g}"));
            let _ = writeln!(out, "<dt>{}{grade}</dt><dd>{}</dd>", v.goal, v.analysis);
        }
        let _ = writeln!(out, "</dl>");
    }

    let others: Vec<&super::GoalRow> = r
        .goals
        .iter()
        .filter(|g| !g.other_assessments.is_empty())
        .collect();
    if r.shows(Section::Bodies) && !others.is_empty() {
        let _ = writeln!(out, "\n<h3>Nämndernas bedömningar</h3>");
        for goal in others {
            let _ = writeln!(out, "<p><strong>{}</strong></p>\n<ul>", lines(&goal.text));
            for a in &goal.other_assessments {
                let grade = a
                    .grade
                    .as_ref()
                    .map_or(String::new(), |g| format!(" {}.", esc(&g.label)));
                let analysis = a.analysis.as_deref().map(lines).unwrap_or_default();
                let _ = writeln!(out, "<li>{}:{grade} {analysis}</li>", esc(&a.body_name));
            }
            let _ = writeln!(out, "</ul>");
        }
    }

    let charts: Vec<(String, &IndicatorRow, String)> = r
        .goals
        .iter()
        .flat_map(|g| g.indicators.iter().map(move |i| (g, i)))
        .filter_map(|(g, i)| {
            let svg = chart(i)?;
            let label = match &g.number {
                Some(n) => format!("Mål {}: {}", esc(n), lines(&i.text)),
                None => lines(&i.text),
            };
            Some((label, i, svg))
        })
        .collect();
    let no_charts = charts.is_empty();
    if r.shows(Section::Measurements) && !charts.is_empty() {
        let _ = writeln!(out, "\n<h2>Mätvärden över tid</h2>");
        for (label, ind, svg) in charts {
            let _ = writeln!(out, "<figure>\n<figcaption>{label}</figcaption>\n{svg}");
            let mut legend = String::from("Mätvärden per periodens sista dag.");
            if let Some(t) = &ind.threshold {
                let _ = write!(
                    legend,
                    " Streckad linje: målnivån {}.",
                    esc(&value_with_unit(t, ind.unit))
                );
            }
            for p in ind.readings.iter().filter(|p| p.corrected) {
                let _ = write!(
                    legend,
                    " ◇ Rättat värde {} för perioden till {}",
                    esc(&value_with_unit(&p.value, ind.unit)),
                    p.period_to
                );
                match &p.original {
                    Some(o) => {
                        let _ = write!(
                            legend,
                            " (ursprungligen {}).",
                            esc(&value_with_unit(o, ind.unit))
                        );
                    }
                    None => legend.push_str(" (ursprungligen ej mätbart)."),
                }
            }
            for p in ind.readings.iter().filter(|p| p.interpretation.is_some()) {
                let _ = write!(
                    legend,
                    " Värdet {} för perioden till {} är en tolkning (se Tolkningar).",
                    esc(&value_with_unit(&p.value, ind.unit)),
                    p.period_to
                );
            }
            let _ = writeln!(out, "<p>{legend}</p>\n</figure>");
        }
    }

    let attained = attainment_rows(r, esc);
    if r.shows(Section::Attainment) && !attained.is_empty() {
        let _ = writeln!(
            out,
            "\n<h3>Beräknad måluppfyllelse</h3>\n<p>Den grad som senaste utfall och målnivån i kraft \
             ger på organisationens skala, bredvid nämndens bedömning.</p>\n\
             <table class=\"berakning\">\n<thead><tr><th>Indikator</th><th>Utfall</th><th>Målnivå</th>\
             <th>Beräknad</th><th>Bedömd</th></tr></thead>\n<tbody>"
        );
        for &(ref row, differs) in &attained {
            let (class, mark) = if differs {
                (
                    " class=\"avvikelse\"",
                    " <span class=\"avviker\">avviker</span>",
                )
            } else {
                ("", "")
            };
            let _ = writeln!(
                out,
                "<tr{class}><td>{}{mark}</td></tr>",
                row.join("</td><td>")
            );
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }
    if let Some(note) = r.source_note()
        && (r.shows(Section::Measurements) && !no_charts
            || r.shows(Section::Attainment) && !attained.is_empty())
    {
        let _ = writeln!(out, "<p class=\"kalla\">{note}</p>");
    }

    let trends = trend_rows(r, esc);
    if r.shows(Section::Trend) && !trends.is_empty() {
        let _ = writeln!(
            out,
            "\n<h3>Trend</h3>\n<p>Senaste utfall jämfört med ett jämförbart utfall ett år tidigare, \
             läst efter indikatorns riktning; skilt från måluppfyllelsen.</p>\n\
             <table class=\"trend\">\n<thead><tr><th>Indikator</th><th>Utfall</th><th>Jämfört med</th>\
             <th>Trend</th><th>Bedömd trend</th></tr></thead>\n<tbody>"
        );
        for row in trends {
            let _ = writeln!(out, "<tr><td>{}</td></tr>", row.join("</td><td>"));
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }

    if r.shows(Section::Summary) {
        let _ = writeln!(out, "\n<h2>Sammanfattning</h2>");
        let mut summary = format!(
            "Per {cut_off} är {}.",
            esc(&counts_sentence(&r.published_counts, "mål "))
        );
        for s in &r.published_counts_by_source {
            let _ = write!(
                summary,
                " {}.",
                esc(&source_sentence(s.goals, &s.title, &s.counts))
            );
        }
        for sentence in &r.rollups {
            let _ = write!(summary, " {}", esc(sentence));
        }
        if let Some(note) = interpreted_counts(r) {
            let _ = write!(summary, " {}", esc(&note));
        }
        let _ = writeln!(out, "<p>{summary}</p>");
        if let Some(sentence) = index_sentence(r) {
            let _ = writeln!(out, "<p>{}</p>", esc(&sentence));
        }
    }

    if r.shows(Section::Comparison) {
        let _ = writeln!(out, "\n<h3>Beräknat och publicerat</h3>");
        let cmp = comparison_text(r, esc);
        for t in &cmp.tables {
            if let Some(caption) = &t.caption {
                let _ = writeln!(out, "<blockquote><p>{caption}</p></blockquote>");
            }
            let _ = write!(out, "<table class=\"jamforelse\">\n<thead><tr>");
            for (i, h) in t.head.iter().enumerate() {
                let class = if i == 0 { "" } else { " class=\"tal\"" };
                let _ = write!(out, "<th{class}>{h}</th>");
            }
            let _ = writeln!(out, "<th>Avvikelse</th></tr></thead>\n<tbody>");
            for (cells, differs) in &t.rows {
                let (class, mark) = if *differs {
                    (
                        " class=\"avvikelse\"",
                        "<span class=\"avviker\">avviker</span>",
                    )
                } else {
                    ("", "")
                };
                let _ = write!(out, "<tr{class}>");
                for (i, cell) in cells.iter().enumerate() {
                    if i == 0 {
                        let _ = write!(out, "<th scope=\"row\">{cell}</th>");
                    } else {
                        let _ = write!(out, "<td class=\"tal\">{cell}</td>");
                    }
                }
                let _ = writeln!(out, "<td>{mark}</td></tr>");
            }
            let _ = writeln!(out, "</tbody>\n</table>");
        }
        if r.computed.is_none() {
            let _ = writeln!(
                out,
                "<p>Ingen beräkningsmetod är registrerad för organisationen; rapporten visar nämndens bedömningar.</p>"
            );
        }
        let _ = writeln!(out, "<p>{}</p>", cmp.verdict);
        for (title, list) in [
            (
                "Avvikelser mellan beräknat, bedömt och publicerat:",
                &cmp.differences,
            ),
            (
                "Mål där beräknad och bedömd grad skiljer sig:",
                &cmp.goal_differences,
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "<p class=\"avviker\">{title}</p>\n<ul class=\"avvikelser\">"
            );
            for d in list {
                let _ = writeln!(out, "<li>{d}</li>");
            }
            let _ = writeln!(out, "</ul>");
        }
    }

    if r.shows(Section::PublishedSummary)
        && let Some(s) = &r.published_summary
    {
        let _ = writeln!(
            out,
            "\n<h3>Publicerad sammanfattning (position {})</h3>\n<blockquote>",
            s.seq
        );
        for p in s.text.split("\n\n") {
            let _ = writeln!(out, "<p>{}</p>", lines(p));
        }
        let _ = writeln!(out, "</blockquote>");
    }

    if r.shows(Section::Method)
        && let Some(c) = &r.computed
    {
        let m = &c.method;
        let _ = writeln!(out, "\n<h2>Metod</h2>");
        let _ = writeln!(
            out,
            "<p>{} ({}, position {}, gäller från {}).</p>",
            esc(&m.name),
            esc(m.id.as_str()),
            c.method_seq,
            m.effective
        );
        let (scores, grades) = method_terms(c, esc);
        let index = match &m.index {
            Some(rule) => {
                let words = index_words(rule);
                let exact = c
                    .index
                    .as_ref()
                    .map_or(String::new(), |i| format!(" (exakt {})", esc(&i.exact)));
                format!(
                    "Index: {}{exact}, {} till {} decimaler.",
                    words.aggregation, words.rounding, rule.decimals
                )
            }
            None => "Index: metoden beräknar inget index.".to_string(),
        };
        let _ = writeln!(
            out,
            "<ul>\n<li>Poäng per indikator: {}.</li>\n\
             <li>Målets grad ur medelpoängen av dess indikatorer: {}.</li>\n\
             <li>{index}</li>\n</ul>",
            scores.join(", "),
            grades.join(", "),
        );
        if let Some(d) = &m.definition {
            let _ = writeln!(out, "<blockquote><p>{}</p></blockquote>", lines(d));
        }
        let _ = writeln!(
            out,
            "<table class=\"metod\">\n<thead><tr><th>Mål</th><th class=\"tal\">Medelpoäng</th>\
             <th>Beräknat</th><th>Publicerat</th></tr></thead>\n<tbody>"
        );
        for (row, differs) in method_rows(r, lines) {
            let _ = writeln!(
                out,
                "<tr{}><td>{}</td><td class=\"tal\">{}</td><td>{}</td><td>{}</td></tr>",
                if differs { " class=\"avvikelse\"" } else { "" },
                row[0],
                row[1],
                row[2],
                row[3]
            );
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }

    if r.shows(Section::Forecast)
        && let Some(f) = &r.forecast
    {
        let _ = writeln!(
            out,
            "\n<h2>Prognos och utfall</h2>\n<p>Bedömningen vid {} ({}) var en prognos; utfallet är \
             årets bedömning. {} av {} mål fick ett annat utfall än prognosen.</p>",
            esc(&f.interim.name),
            f.interim.cut_off,
            f.differing,
            f.compared
        );
        let _ = writeln!(
            out,
            "<table class=\"prognos\">\n<thead><tr><th>Mål</th><th>Prognos ({})</th><th>Utfall</th>\
             <th></th></tr></thead>\n<tbody>",
            esc(&f.interim.name)
        );
        for (row, differs) in forecast_rows(f, lines) {
            let _ = writeln!(
                out,
                "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if differs { " class=\"avvikelse\"" } else { "" },
                row[0],
                row[1],
                row[2],
                if differs {
                    "<span class=\"avviker\">avviker</span>"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }

    if r.shows(Section::Changes)
        && let Some(since) = &r.since_seal
    {
        let _ = writeln!(
            out,
            "\n<h2>Ändrat sedan publiceringen</h2>\n<p>Rapporten förseglades vid position {} \
             (gjord ur position {}). Därefter:</p>",
            since.seal, since.head_seq
        );
        if since.changes.is_empty() {
            let _ = writeln!(out, "<p>Inga ändringar som rör rapporten.</p>");
        } else {
            let _ = writeln!(out, "<ul class=\"andringar\">");
        }
        for e in &since.changes {
            let _ = writeln!(out, "<li>{}</li>", change_line(e, lines));
        }
        if !since.changes.is_empty() {
            let _ = writeln!(out, "</ul>");
        }
    }

    let links = goal_links(r, esc);
    if !links.is_empty() {
        let _ = writeln!(
            out,
            "\n<h2>Löften och aktiviteter</h2>\n<ul class=\"lankat\">"
        );
        for (goal, lines) in &links {
            let _ = writeln!(out, "<li><strong>{goal}</strong>\n<ul>");
            for line in lines {
                let _ = writeln!(out, "<li>{line}</li>");
            }
            let _ = writeln!(out, "</ul></li>");
        }
        let _ = writeln!(out, "</ul>");
    }
    let notes = interpretation_lines(r, esc);
    if !notes.is_empty() {
        let _ = writeln!(
            out,
            "\n<h2>Tolkningar</h2>\n<p>Det som följer står inte i dokumenten; huvudboken härleder \
             det, och det visas som tolkning, aldrig som publicerat:</p>\n<ul class=\"tolkningar\">"
        );
        for n in &notes {
            let _ = writeln!(out, "<li>{n}</li>");
        }
        let _ = writeln!(out, "</ul>");
    }

    let _ = writeln!(
        out,
        "\n<footer>Framtagen ur huvudbok {} per position {} (hash <code>{}</code>).</footer>\n</body>\n</html>",
        esc(&r.source.ledger_id),
        r.source.head_seq,
        esc(&r.source.head_hash)
    );
    out
}

// The chart's drawing area in SVG user units; the text sits in the margins around it.
const WIDTH: i64 = 560;
const HEIGHT: i64 = 204;
const LEFT: i64 = 64;
const RIGHT: i64 = 470;
const TOP: i64 = 24;
const BOTTOM: i64 = 180;

/// A coordinate rounded to one decimal: exact decimal arithmetic, so every machine writes the
/// same digits.
fn coord(x: Decimal) -> String {
    x.round_dp(1).normalize().to_string()
}

/// An axis label: at most two decimals, with a decimal comma.
fn axis_label(x: Decimal) -> String {
    decimal_comma(&x.round_dp(2).normalize().to_string())
}

/// The chart of an indicator's readings, or `None` when it has none: the readings as a line
/// with a point each (a diamond with the original value in its title where corrected), the
/// target as a dashed line with its value, the range and the dates on the axes.
fn chart(ind: &IndicatorRow) -> Option<String> {
    // The model's decimals come from `Dec`, so they always parse; one that did not would
    // only lose its point.
    let points: Vec<(i64, Decimal, &super::ReadingPoint)> = ind
        .readings
        .iter()
        .filter_map(|p| {
            let day = i64::from(chrono::Datelike::num_days_from_ce(&p.period_to.0));
            Some((day, p.value.parse::<Decimal>().ok()?, p))
        })
        .collect();
    let (first, last) = (points.first()?, points.last()?);
    let threshold = ind
        .threshold
        .as_deref()
        .and_then(|t| t.parse::<Decimal>().ok());

    // The value range with a margin of a tenth (at least 1 when flat), widened outwards to
    // whole steps of a power of ten so the axis reads 86 and 91, not 86.7 and 90.3; not below
    // zero when nothing shown is. Checked arithmetic: a value near the decimal's limits loses
    // its chart instead of panicking.
    let values = points.iter().map(|p| p.1).chain(threshold);
    let lo = values.clone().min()?;
    let hi = values.max()?;
    let ten = Decimal::TEN;
    let span = hi.checked_sub(lo)?;
    let pad = if span.is_zero() {
        (hi.abs() / ten).max(Decimal::ONE)
    } else {
        span / ten
    };
    let (low, high) = (lo.checked_sub(pad)?, hi.checked_add(pad)?);
    let range = high.checked_sub(low)?;
    let mut step = Decimal::ONE;
    while step.checked_mul(ten)? <= range / Decimal::TWO {
        step *= ten;
    }
    while step > range / Decimal::TWO && step > Decimal::new(1, 6) {
        step /= ten;
    }
    let mut low = low.checked_div(step)?.floor().checked_mul(step)?;
    let high = high.checked_div(step)?.ceil().checked_mul(step)?;
    if lo >= Decimal::ZERO && low < Decimal::ZERO {
        low = Decimal::ZERO;
    }
    let range = high.checked_sub(low)?;
    let (top, bottom) = (Decimal::from(TOP), Decimal::from(BOTTOM));
    // Fractions of the range first, so no product can exceed the range's magnitude.
    let y = |v: Decimal| bottom - (v - low) / range * (bottom - top);
    // Points stay clear of the axis and of the target's label.
    let (left, right) = (Decimal::from(LEFT + 24), Decimal::from(RIGHT - 24));
    let days = last.0 - first.0;
    let x = |day: i64| {
        if days == 0 {
            (left + right) / Decimal::TWO
        } else {
            left + Decimal::from(day - first.0) / Decimal::from(days) * (right - left)
        }
    };

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" \
         height=\"{HEIGHT}\" role=\"img\" font-size=\"11\">\n<title>Mätvärden: {}</title>",
        esc(&ind.text)
    );
    // Axes, and the range they span.
    let _ = writeln!(
        svg,
        "<path d=\"M{LEFT} {TOP}V{BOTTOM}H{RIGHT}\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>"
    );
    for v in [low, high] {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#444\">{}</text>",
            LEFT - 6,
            coord(y(v) + Decimal::from(4)),
            axis_label(v)
        );
    }
    if let Some(t) = threshold {
        let ty = coord(y(t));
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{ty}\" x2=\"{RIGHT}\" y2=\"{ty}\" stroke=\"#a00000\" \
             stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n\
             <text x=\"{}\" y=\"{}\" fill=\"#a00000\">Mål {}</text>",
            RIGHT + 6,
            coord(y(t) + Decimal::from(4)),
            axis_label(t)
        );
    }
    let line: Vec<String> = points
        .iter()
        .map(|(day, v, _)| format!("{},{}", coord(x(*day)), coord(y(*v))))
        .collect();
    let _ = writeln!(
        svg,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2\"/>",
        line.join(" ")
    );
    // Labels crowd each other beyond a handful of points; then only the ends are labelled.
    let crowded = points.len() > 6;
    for (n, (day, v, p)) in points.iter().enumerate() {
        let (px, py) = (coord(x(*day)), coord(y(*v)));
        let value = num(&p.value);
        if p.corrected {
            let original = p.original.as_deref().map_or("ej mätbart".to_string(), num);
            let _ = writeln!(
                svg,
                "<rect class=\"rattad\" x=\"-5\" y=\"-5\" width=\"10\" height=\"10\" \
                 transform=\"translate({px} {py}) rotate(45)\" fill=\"#fff\" stroke=\"#a00000\" \
                 stroke-width=\"2\"><title>{}: rättat värde {value}, ursprungligen {original}</title></rect>",
                p.period_to
            );
        } else {
            let _ = writeln!(
                svg,
                "<circle class=\"punkt\" cx=\"{px}\" cy=\"{py}\" r=\"4\" fill=\"#1f4e79\">\
                 <title>{}: {value}</title></circle>",
                p.period_to
            );
        }
        if crowded && n != 0 && n + 1 != points.len() {
            continue;
        }
        let _ = writeln!(
            svg,
            "<text x=\"{px}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1f4e79\">{value}</text>\n\
             <text x=\"{px}\" y=\"{}\" text-anchor=\"middle\" fill=\"#444\">{}</text>",
            coord(y(*v) - Decimal::from(9)),
            BOTTOM + 16,
            p.period_to
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            esc(r#"<script>alert(1)</script> & "citat" 'x'"#),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;citat&quot; &#39;x&#39;"
        );
    }

    #[test]
    fn extreme_values_lose_their_chart_instead_of_panicking() {
        let point = |value: &str| super::super::ReadingPoint {
            period_to: crate::domain::Date::ymd(2020, 12, 31).expect("date"),
            value: value.into(),
            corrected: false,
            original: None,
            source: None,
            interpretation: None,
        };
        let row = IndicatorRow {
            id: crate::domain::Id::parse("x.i1").expect("id"),
            text: "x".into(),
            unit: crate::domain::Unit::Count,
            grade: None,
            interpretation: None,
            deadline: None,
            comment: None,
            readings: vec![
                point("-79228162514264337593543950335"),
                point("79228162514264337593543950335"),
            ],
            threshold: None,
            not_measurable: None,
            trend: None,
            computed_grade: None,
        };
        assert_eq!(chart(&row), None);
        let flat = IndicatorRow {
            readings: vec![point("0.000001")],
            ..row
        };
        assert!(chart(&flat).is_some());
    }

    #[test]
    fn coordinates_are_fixed_decimals() {
        assert_eq!(coord(Decimal::from(1) / Decimal::from(3)), "0.3");
        assert_eq!(coord(Decimal::from(60)), "60");
        assert_eq!(axis_label("86.7".parse().expect("decimal")), "86,7");
    }
}
