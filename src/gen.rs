//! A deterministic generator of realistic national data, as the import JSONL that
//! `malbok import` accepts: organisations with 4-digit Kolada ids, bodies, plans with decision
//! references, goals, indicators tied to Kolada-style KPI ids, targets with levels and
//! revisions, ten years of yearly and interim readings with corrections and not-measurable
//! periods, a scale and methods, follow-ups twice a year with assessments, and published
//! summaries. It exists to measure malbok at scale (`benches/`), and every line passes the
//! domain's checks.
//!
//! Pure: the only I/O is writing to the given writer. Same `Spec` → byte-identical output.
//! Memory stays constant whatever the size: an organisation's structure is rebuilt from its
//! own seeded generator whenever a phase needs it, and every value is a function of
//! (seed, organisation, indicator, year), so nothing grows with the output.
//!
//! Order: first every organisation's definitions, then year by year (2014–2023) each
//! organisation's interim follow-up (Delår, cut-off 08-31) and annual follow-up
//! (Årsredovisning, 12-31), as a national ledger fills when each municipality reports in turn.
//! The output stops after exactly `Spec::events` lines; since every event follows what it
//! refers to, any prefix imports.

use std::io::{self, Write};

/// `--size small`: about a hundred municipalities' worth of goals... in events.
pub const SMALL: u64 = 100_000;
/// `--size medium`.
pub const MEDIUM: u64 = 1_000_000;
/// `--size national`: all of Sweden's municipalities many times over.
pub const NATIONAL: u64 = 10_000_000;
/// About how many events one organisation gets over the ten years.
pub const EVENTS_PER_ORG: u64 = 5_100;
/// Kolada ids have four digits, so at most 9 999 organisations.
pub const MAX_ORGS: u64 = 9_999;
/// The first year of readings; ten years are generated.
pub const FIRST_YEAR: i32 = 2014;
const YEARS: i32 = 10;
/// The year of the mid-term revisions (a new mandate period).
const REVISION_YEAR: i32 = 2019;
/// Ledger positions stay within JSON's safe integers.
const MAX_SEQ: u64 = (1 << 53) - 1;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Exactly this many lines.
    pub events: u64,
    /// Goes into every id (`k0125s2...`), so different seeds give disjoint ids.
    pub seed: u64,
    /// The head of the ledger the file will be imported into: the first line lands at
    /// `after + 1`, which is what corrections (`corrects`) count from.
    pub after: u64,
}

impl Spec {
    /// Checks the limits: at least one event, at most 9 999 organisations, positions safe.
    pub fn new(events: u64, seed: u64, after: u64) -> Result<Spec, String> {
        if events == 0 {
            return Err("the size must be at least 1 event".into());
        }
        let orgs = events.div_ceil(EVENTS_PER_ORG);
        if orgs > MAX_ORGS {
            return Err(format!(
                "{events} events need {orgs} organisations, but Kolada ids allow at most {MAX_ORGS} \
                 (about {} events); generate several sets with different seeds instead",
                MAX_ORGS * EVENTS_PER_ORG
            ));
        }
        if after == 0 || after.checked_add(events).is_none_or(|last| last > MAX_SEQ) {
            return Err(format!(
                "--after {after} with {events} events gives positions outside 1..2^53-1"
            ));
        }
        Ok(Spec {
            events,
            seed,
            after,
        })
    }

    /// How many organisations the events are spread over.
    pub fn organisations(&self) -> u64 {
        self.events.div_ceil(EVENTS_PER_ORG).max(1)
    }
}

/// Reads a size: `small`, `medium`, `national` or a number of events (`250000`, `250_000`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    match text {
        "small" => Ok(SMALL),
        "medium" => Ok(MEDIUM),
        "national" => Ok(NATIONAL),
        _ => text.replace('_', "").parse::<u64>().map_err(|_| {
            format!("{text:?} is not a size: use small, medium, national or a number of events")
        }),
    }
}

/// Writes the generated lines to `out`; returns how many were written: `spec.events`, unless
/// that needs more than `MAX_ORGS` organisations.
pub fn write(spec: &Spec, out: &mut dyn Write) -> io::Result<u64> {
    let mut g = Gen {
        spec: *spec,
        out,
        written: 0,
        buf: String::with_capacity(4096),
    };
    match g.all() {
        Ok(()) | Err(Stop::Full) => Ok(g.written),
        Err(Stop::Io(e)) => Err(e),
    }
}

/// Why generation stopped early: the requested number of lines is written, or the writer failed.
enum Stop {
    Full,
    Io(io::Error),
}

type Step = Result<(), Stop>;

struct Gen<'a> {
    spec: Spec,
    out: &'a mut dyn Write,
    written: u64,
    /// The payload being built; reused for every line.
    buf: String,
}

// ---------------------------------------------------------------------------------------------
// The deterministic random numbers: splitmix64, seeded by hashing a list of keys.

struct Rng(u64);

impl Rng {
    fn new(keys: &[u64]) -> Rng {
        let mut r = Rng(0x6d61_6c62_6f6b_0001);
        for k in keys {
            r.0 ^= k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            r.next();
        }
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi` (the tiny modulo bias does not matter for test data).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with a probability of `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
}

// ---------------------------------------------------------------------------------------------
// The catalogue the data is drawn from.

/// A Kolada-style key figure (KPI). Values are integers with `decimals` (0 or 1) implied
/// decimals: 723 with one decimal is 72.3.
struct Kpi {
    id: &'static str,
    text: &'static str,
    unit: &'static str,
    unit_label: Option<&'static str>,
    increase: bool,
    decimals: u32,
    /// A typical value, in the implied decimals.
    typical: i64,
    /// The largest sensible value (100 % for percentages), in the implied decimals.
    max: i64,
    /// A survey: its interim reading is now and then not measurable.
    survey: bool,
}

#[allow(clippy::too_many_arguments)] // one row of the table below
const fn kpi(
    id: &'static str,
    text: &'static str,
    unit: &'static str,
    increase: bool,
    decimals: u32,
    typical: i64,
    max: i64,
    survey: bool,
) -> Kpi {
    Kpi {
        id,
        text,
        unit,
        unit_label: None,
        increase,
        decimals,
        typical,
        max,
        survey,
    }
}

const fn per_capita(
    id: &'static str,
    text: &'static str,
    label: &'static str,
    increase: bool,
    typical: i64,
) -> Kpi {
    Kpi {
        id,
        text,
        unit: "other",
        unit_label: Some(label),
        increase,
        decimals: 1,
        typical,
        max: typical * 10,
        survey: false,
    }
}

/// An area of the municipality's work: its goals and the key figures that measure them.
struct Area {
    name: &'static str,
    goals: &'static [&'static str],
    kpis: &'static [Kpi],
}

const P: i64 = 1000; // 100.0 %

#[rustfmt::skip]
static AREAS: [Area; 6] = [
    Area {
        name: "Utbildning",
        goals: &[
            "Alla elever ska nå kunskapskraven i samtliga ämnen.",
            "Fler elever ska fullfölja gymnasieskolan med examen.",
            "Förskolan ska ge alla barn en god start i livet.",
            "Eleverna ska känna sig trygga och ha studiero i skolan.",
        ],
        kpis: &[
            kpi("N15419", "Elever i åk 9 som uppnått kunskapskraven i alla ämnen, andel (%)", "percent", true, 1, 730, P, false),
            kpi("N15428", "Elever i åk 9 som är behöriga till yrkesprogram, andel (%)", "percent", true, 1, 850, P, false),
            kpi("N15505", "Genomsnittligt meritvärde i åk 9", "score", true, 1, 2240, 3400, false),
            kpi("N17461", "Gymnasieelever med examen inom 4 år, andel (%)", "percent", true, 1, 720, P, false),
            kpi("N11102", "Inskrivna barn per årsarbetare i förskolan, antal", "count", false, 1, 52, 200, false),
            kpi("U15461", "Elever i åk 5 som känner sig trygga i skolan, andel (%)", "percent", true, 1, 900, P, true),
        ],
    },
    Area {
        name: "Äldreomsorg",
        goals: &[
            "Äldre ska känna sig trygga och ha inflytande över sin vardag.",
            "Äldre ska kunna bo kvar i det egna hemmet så länge de vill.",
            "Omsorgen ska ha god kontinuitet och hög kvalitet.",
        ],
        kpis: &[
            kpi("U21468", "Brukarbedömning hemtjänst äldreomsorg – helhetssyn, andel (%)", "percent", true, 1, 890, P, true),
            kpi("U23471", "Brukarbedömning särskilt boende äldreomsorg – helhetssyn, andel (%)", "percent", true, 1, 820, P, true),
            kpi("N23890", "Väntetid från ansökan till erbjudet inflyttningsdatum till särskilt boende, dagar", "days", false, 0, 60, 720, false),
            kpi("U21401", "Personal som en hemtjänsttagare möter under 14 dagar, antal", "count", false, 0, 15, 80, false),
            kpi("N21030", "Kostnad för hemtjänst äldreomsorg, kr/invånare 65+", "sek", false, 0, 14500, 60000, false),
        ],
    },
    Area {
        name: "Individ- och familjeomsorg",
        goals: &[
            "Fler invånare ska bli självförsörjande.",
            "Barn och unga ska växa upp under trygga förhållanden.",
            "Den ofrivilliga ensamheten ska minska.",
        ],
        kpis: &[
            kpi("N31807", "Invånare som någon gång under året erhållit ekonomiskt bistånd, andel (%)", "percent", false, 1, 45, P, false),
            kpi("N31805", "Barnfamiljer som erhållit ekonomiskt bistånd, andel (%)", "percent", false, 1, 55, P, false),
            kpi("N31816", "Långvarigt ekonomiskt bistånd, andel av befolkningen (%)", "percent", false, 1, 15, P, false),
            kpi("U31462", "Ej återaktualiserade barn 0–12 år ett år efter avslutad utredning, andel (%)", "percent", true, 1, 760, P, false),
            per_capita("N31880", "Hemlösa personer, antal per 10 000 invånare", "per 10 000 invånare", false, 180),
        ],
    },
    Area {
        name: "Miljö och klimat",
        goals: &[
            "Kommunens klimatpåverkan ska minska.",
            "Andelen förnybar energi i kommunens verksamheter ska öka.",
            "Avfallet ska minska och mer ska återvinnas.",
        ],
        kpis: &[
            per_capita("N85534", "Insamlat hushållsavfall totalt, kg/invånare", "kg/invånare", false, 4600),
            per_capita("N00401", "Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/invånare", "ton CO2-ekv/invånare", false, 45),
            kpi("U07451", "Miljöbilar i kommunorganisationen, andel (%)", "percent", true, 1, 550, P, false),
            kpi("N07403", "Ekologiska livsmedel i kommunens verksamheter, andel (%)", "percent", true, 1, 290, P, false),
        ],
    },
    Area {
        name: "Kultur och fritid",
        goals: &[
            "Invånarna ska ha tillgång till ett rikt kultur- och fritidsliv.",
            "Fler barn och unga ska delta i föreningslivet.",
        ],
        kpis: &[
            per_capita("N09805", "Besök i folkbibliotek, antal/invånare", "besök/invånare", true, 45),
            per_capita("U09402", "Deltagartillfällen i idrottsföreningar, antal/invånare 7–20 år", "deltagartillfällen/invånare", true, 260),
            kpi("N09003", "Nettokostnad för kultur och fritid, kr/invånare", "sek", false, 0, 2900, 20000, false),
            kpi("U09460", "Arrangemang i kommunens kulturhus, antal", "count", true, 0, 120, 5000, false),
        ],
    },
    Area {
        name: "Arbete och inflytande",
        goals: &[
            "Fler ska ha ett arbete att gå till.",
            "Invånarna ska vara nöjda med sin kommun och kunna påverka.",
        ],
        kpis: &[
            kpi("N00914", "Invånare 20–64 år som förvärvsarbetar, andel (%)", "percent", true, 1, 800, P, false),
            kpi("N00945", "Nöjd-Inflytande-Index (NII), index", "index", true, 0, 40, 100, true),
            kpi("N00002", "Nöjd-Region-Index (NRI), index", "index", true, 0, 55, 100, true),
            kpi("N02904", "Arbetslöshet 18–64 år, andel av befolkningen (%)", "percent", false, 1, 68, P, false),
        ],
    },
];

/// A nämnd: key (in ids), name, abbreviation (in decision references), its areas.
struct Board {
    key: &'static str,
    name: &'static str,
    abbr: &'static str,
    areas: &'static [usize],
}

#[rustfmt::skip]
static BOARDS: [Board; 6] = [
    Board { key: "sn", name: "Socialnämnden", abbr: "SN", areas: &[2, 5] },
    Board { key: "bun", name: "Barn- och utbildningsnämnden", abbr: "BUN", areas: &[0] },
    Board { key: "von", name: "Vård- och omsorgsnämnden", abbr: "VON", areas: &[1] },
    Board { key: "kfn", name: "Kultur- och fritidsnämnden", abbr: "KFN", areas: &[4] },
    Board { key: "mbn", name: "Miljö- och byggnadsnämnden", abbr: "MBN", areas: &[3] },
    Board { key: "ks", name: "Kommunstyrelsen", abbr: "KS", areas: &[5, 3] },
];

/// Variants of one key figure, as a municipality follows it per unit and gender.
#[rustfmt::skip]
const VARIANTS: [&str; 6] = ["totalt", "kvinnor", "män", "norra området", "södra området", "centrala området"];

// ---------------------------------------------------------------------------------------------
// One organisation, rebuilt from its seed whenever a phase needs it.

struct Org {
    /// 1-based; also its Kolada id.
    number: u64,
    id: String,
    /// Indexes into `BOARDS`, in order; body 0 of the organisation is KF, body k is `boards[k-1]`.
    boards: Vec<usize>,
    /// Second plan: adopted by this board (index into `boards`), refining KF's goals.
    second_plan: Option<usize>,
    goals: Vec<Goal>,
    inds: Vec<Ind>,
    /// Decision references: KF's adoption and the mid-term revision.
    adopted: String,
    revised: String,
}

struct Goal {
    id: String,
    /// 0: KF's plan, 1: the board's plan.
    plan: usize,
    number: usize,
    area: usize,
    text: &'static str,
    /// Indexes into `Org::boards`.
    boards: Vec<usize>,
    parent: Option<usize>,
    /// Revised at the mid-term.
    revised: bool,
    /// Its indicators: `inds[first..first + count]`.
    first: usize,
    count: usize,
}

struct Ind {
    id: String,
    /// `None`: a milestone followed internally (an action plan adopted).
    kpi: Option<&'static Kpi>,
    variant: usize,
    /// The 2013 value.
    base: i64,
    /// Change per year, in the implied decimals.
    slope: i64,
    /// Thresholds of "På rätt väg" and "Uppnått", before and (if revised) after the mid-term.
    levels: (i64, i64),
    revised_levels: Option<(i64, i64)>,
    /// Indicator revised at the mid-term (a new baseline).
    revised: bool,
    /// Milestones: the first year the milestone is reached.
    reached: i32,
}

impl Org {
    fn build(seed: u64, number: u64) -> Org {
        let mut r = Rng::new(&[seed, number, 0]);
        let id = format!("k{number:04}s{seed}");
        let mut boards: Vec<usize> = (0..BOARDS.len()).collect();
        // Three or four nämnder, in a stable order.
        let keep = 3 + r.below(2);
        while boards.len() > keep {
            let i = r.below(boards.len());
            boards.remove(i);
        }
        let second_plan = r.chance(500).then(|| r.below(boards.len()));
        let mut org = Org {
            number,
            boards,
            second_plan,
            goals: Vec::new(),
            inds: Vec::new(),
            adopted: decision(&mut r, "KF", FIRST_YEAR - 1, 11),
            revised: decision(&mut r, "KF", REVISION_YEAR - 1, 12),
            id,
        };
        let (kf_goals, board_goals) = match second_plan {
            Some(_) => (10 + r.below(3), 10 + r.below(3)),
            None => (20 + r.below(4), 0),
        };
        for n in 0..kf_goals {
            let board = 1 + r.below(org.boards.len());
            let mut boards = vec![board];
            if r.chance(100) {
                let other = 1 + r.below(org.boards.len());
                if other != board {
                    boards.push(other);
                }
            }
            org.add_goal(&mut r, 0, n + 1, boards, None);
        }
        if let Some(b) = second_plan {
            let board = b + 1;
            // The board's goals refine KF goals it is responsible for, when there are any.
            let own: Vec<usize> = (0..org.goals.len())
                .filter(|&g| org.goals[g].boards.contains(&board))
                .collect();
            for n in 0..board_goals {
                let parent = (!own.is_empty()).then(|| own[r.below(own.len())]);
                org.add_goal(&mut r, 1, n + 1, vec![board], parent);
            }
        }
        org
    }

    fn add_goal(
        &mut self,
        r: &mut Rng,
        plan: usize,
        number: usize,
        boards: Vec<usize>,
        parent: Option<usize>,
    ) {
        let board = &BOARDS[self.boards[boards[0] - 1]];
        let area = match parent {
            Some(p) => self.goals[p].area,
            None => board.areas[r.below(board.areas.len())],
        };
        let a = &AREAS[area];
        let plan_key = if plan == 0 { "mp" } else { board.key };
        let id = format!("{}.{plan_key}.m{number:02}", self.id);
        let count = 4 + r.below(3);
        let first = self.inds.len();
        for i in 0..count {
            self.inds.push(Ind::build(r, format!("{id}.i{}", i + 1), a));
        }
        self.goals.push(Goal {
            id,
            plan,
            number,
            area,
            text: a.goals[r.below(a.goals.len())],
            boards,
            parent,
            revised: r.chance(200),
            first,
            count,
        });
    }

    fn body_id(&self, body: usize) -> String {
        match body {
            0 => format!("{}.kf", self.id),
            b => format!("{}.{}", self.id, BOARDS[self.boards[b - 1]].key),
        }
    }

    fn plan_id(&self, plan: usize) -> String {
        match (plan, self.second_plan) {
            (1, Some(b)) => format!("{}.{}.vp", self.id, BOARDS[self.boards[b]].key),
            _ => format!("{}.mp", self.id),
        }
    }
}

impl Ind {
    fn build(r: &mut Rng, id: String, area: &'static Area) -> Ind {
        if r.chance(60) {
            return Ind {
                id,
                kpi: None,
                variant: 0,
                base: 0,
                slope: 0,
                levels: (1, 1),
                revised_levels: None,
                revised: false,
                reached: FIRST_YEAR + r.range(0, YEARS as i64 + 2) as i32,
            };
        }
        let kpi = &area.kpis[r.below(area.kpis.len())];
        let base = (kpi.typical * r.range(80, 120) / 100).clamp(1, kpi.max);
        let sign = if kpi.increase { 1 } else { -1 };
        // Most indicators move the right way, some the wrong way.
        let step = (base * r.range(0, 30) / 1000).max(1);
        let slope = if r.chance(700) {
            sign * step
        } else {
            -sign * step / 2
        };
        let on_track = clamp(kpi, base + sign * (base * 4 / 100).max(1));
        let reached = clamp(kpi, base + sign * (base * 12 / 100).max(2));
        // A revision halves the distance between the two levels ("skillnaden är mycket stor").
        let revised_levels = r
            .chance(250)
            .then(|| (on_track, on_track + (reached - on_track) / 2))
            .filter(|l| l.1 != on_track);
        Ind {
            id,
            kpi: Some(kpi),
            variant: r.below(VARIANTS.len()),
            base,
            slope,
            levels: (on_track, reached),
            revised_levels,
            revised: r.chance(50),
            reached: 0,
        }
    }

    /// The value for `year` (annual) or its first eight months (interim).
    fn value(&self, seed: u64, org: u64, ind: usize, year: i32, interim: bool) -> i64 {
        let Some(kpi) = self.kpi else {
            return i64::from(year >= self.reached);
        };
        let mut r = Rng::new(&[seed, org, ind as u64 + 1, year as u64, u64::from(interim)]);
        let spread = (self.base * 4 / 100).max(1);
        let v =
            self.base + self.slope * i64::from(year - (FIRST_YEAR - 1)) + r.range(-spread, spread);
        clamp(kpi, v)
    }

    fn levels_at(&self, year: i32) -> (i64, i64) {
        match self.revised_levels {
            Some(l) if year >= REVISION_YEAR => l,
            _ => self.levels,
        }
    }

    /// The grade of a value against the target in force: 0 uppnått, 1 delvis, 2 ej uppnått.
    fn grade(&self, v: i64, year: i32) -> usize {
        let (on_track, reached) = self.levels_at(year);
        let increase = self.kpi.is_none_or(|k| k.increase);
        let meets = |t: i64| if increase { v >= t } else { v <= t };
        if meets(reached) {
            0
        } else if self.kpi.is_some() && meets(on_track) {
            1
        } else {
            2
        }
    }
}

fn clamp(kpi: &Kpi, v: i64) -> i64 {
    v.clamp(0, kpi.max)
}

/// A decision reference of `body` in `year`-`month`, e.g. `KF 2013-11-25 § 147`.
fn decision(r: &mut Rng, body: &str, year: i32, month: u32) -> String {
    format!(
        "{body} {year}-{month:02}-{:02} § {}",
        r.range(1, 28),
        r.range(1, 250)
    )
}

/// An exact decimal with `decimals` implied decimals: 723, 1 → "72.3".
fn dec(v: i64, decimals: u32) -> String {
    match decimals {
        0 => v.to_string(),
        _ => format!("{}.{}", v / 10, v % 10),
    }
}

const GRADES: [&str; 3] = ["uppnatt", "delvis", "ej_uppnatt"];
const NOT_ASSESSABLE: &str = "kan_ej_bedomas";

// ---------------------------------------------------------------------------------------------
// Writing.

impl Gen<'_> {
    /// Writes one line: `{"kind":KIND,"payload":PAYLOAD}` with the payload in `self.buf`.
    /// Returns the position the line will get.
    fn line(&mut self, kind: &str) -> Result<u64, Stop> {
        if self.written == self.spec.events {
            return Err(Stop::Full);
        }
        let seq = self.spec.after + 1 + self.written;
        writeln!(
            self.out,
            "{{\"kind\":\"{kind}\",\"payload\":{{{}}}}}",
            self.buf
        )
        .map_err(Stop::Io)?;
        self.written += 1;
        self.buf.clear();
        Ok(seq)
    }

    fn all(&mut self) -> Step {
        let orgs = self.spec.organisations();
        for n in 1..=orgs {
            self.setup(&Org::build(self.spec.seed, n))?;
        }
        for year in FIRST_YEAR..FIRST_YEAR + YEARS {
            if year == REVISION_YEAR {
                for n in 1..=orgs {
                    self.revisions(&Org::build(self.spec.seed, n))?;
                }
            }
            for interim in [true, false] {
                for n in 1..=orgs {
                    self.follow_up(&Org::build(self.spec.seed, n), year, interim)?;
                }
            }
        }
        // Organisations differ in size, so the count can fall short: further organisations,
        // each with its whole history, make it up.
        for n in orgs + 1..=MAX_ORGS {
            let org = Org::build(self.spec.seed, n);
            self.setup(&org)?;
            for year in FIRST_YEAR..FIRST_YEAR + YEARS {
                if year == REVISION_YEAR {
                    self.revisions(&org)?;
                }
                self.follow_up(&org, year, true)?;
                self.follow_up(&org, year, false)?;
            }
        }
        Ok(())
    }

    /// The organisation, its bodies, scale, method, plans, goals, indicators and targets.
    fn setup(&mut self, org: &Org) -> Step {
        use std::fmt::Write as _;
        let b = &mut self.buf;
        let id = &org.id;
        let _ = write!(
            b,
            "\"id\":\"{id}\",\"name\":\"Kommun {:04}\",\"kolada_id\":\"{:04}\"",
            org.number, org.number
        );
        self.line("organisation.registered")?;
        for body in 0..=org.boards.len() {
            let (name, abbr) = match body {
                0 => ("Kommunfullmäktige", "KF"),
                n => (
                    BOARDS[org.boards[n - 1]].name,
                    BOARDS[org.boards[n - 1]].abbr,
                ),
            };
            let _ = write!(
                self.buf,
                "\"id\":\"{}\",\"organisation\":\"{id}\",\"name\":\"{name}\",\"abbreviation\":\"{abbr}\"",
                org.body_id(body)
            );
            self.line("body.registered")?;
        }
        let _ = write!(
            self.buf,
            "\"id\":\"{id}.skala\",\"organisation\":\"{id}\",\"name\":\"Tregradig skala\",\"grades\":[\
             {{\"code\":\"uppnatt\",\"label\":\"Uppnått\",\"symbol\":\"●\",\"plural\":\"uppnådda\"}},\
             {{\"code\":\"delvis\",\"label\":\"Delvis uppnått\",\"symbol\":\"◆\",\"plural\":\"delvis uppnådda\"}},\
             {{\"code\":\"ej_uppnatt\",\"label\":\"Ej uppnått\",\"symbol\":\"○\",\"plural\":\"ej uppnådda\"}}],\
             \"not_assessable\":{{\"code\":\"{NOT_ASSESSABLE}\",\"label\":\"Kan ej bedömas\",\"symbol\":\"–\"}},\
             \"on_track_from\":\"delvis\""
        );
        self.line("scale.defined")?;
        self.method(org, FIRST_YEAR, "0.75", None)?;
        let _ = write!(
            self.buf,
            "\"id\":\"{}\",\"organisation\":\"{id}\",\"body\":\"{}\",\"title\":\"Mål och budget {}–{}\",\
             \"period\":{{\"from\":\"{FIRST_YEAR}-01-01\",\"to\":\"{}-12-31\"}},\"decision\":\"{}\"",
            org.plan_id(0),
            org.body_id(0),
            FIRST_YEAR,
            REVISION_YEAR - 1,
            REVISION_YEAR - 1,
            org.adopted
        );
        self.line("plan.adopted")?;
        if let Some(board) = org.second_plan {
            let mut r = Rng::new(&[self.spec.seed, org.number, 1]);
            let abbr = BOARDS[org.boards[board]].abbr;
            let _ = write!(
                self.buf,
                "\"id\":\"{}\",\"organisation\":\"{id}\",\"body\":\"{}\",\"title\":\"{}s verksamhetsplan {}–{}\",\
                 \"period\":{{\"from\":\"{FIRST_YEAR}-01-01\",\"to\":\"{}-12-31\"}},\"decision\":\"{}\"",
                org.plan_id(1),
                org.body_id(board + 1),
                BOARDS[org.boards[board]].name,
                FIRST_YEAR,
                FIRST_YEAR + YEARS - 1,
                FIRST_YEAR + YEARS - 1,
                decision(&mut r, abbr, FIRST_YEAR, 1)
            );
            self.line("plan.adopted")?;
        }
        for (g, goal) in org.goals.iter().enumerate() {
            let _ = write!(
                self.buf,
                "\"id\":\"{}\",\"plan\":\"{}\",\"number\":\"{}\",\"text\":\"{}\",\"area\":\"{}\",\"bodies\":[",
                goal.id,
                org.plan_id(goal.plan),
                goal.number,
                goal.text,
                AREAS[goal.area].name
            );
            for (i, body) in goal.boards.iter().enumerate() {
                let sep = if i == 0 { "" } else { "," };
                let _ = write!(self.buf, "{sep}\"{}\"", org.body_id(*body));
            }
            self.buf.push(']');
            if let Some(p) = goal.parent {
                let _ = write!(self.buf, ",\"parent\":\"{}\"", org.goals[p].id);
            }
            self.line("goal.defined")?;
            for i in goal.first..goal.first + goal.count {
                self.indicator(org, g, i)?;
            }
        }
        Ok(())
    }

    fn method(&mut self, org: &Org, year: i32, min: &str, basis: Option<&str>) -> Step {
        use std::fmt::Write as _;
        let id = &org.id;
        let suffix = if year == FIRST_YEAR {
            String::new()
        } else {
            format!("-{year}")
        };
        let _ = write!(
            self.buf,
            "\"id\":\"{id}.metod{suffix}\",\"organisation\":\"{id}\",\"scale\":\"{id}.skala\",\
             \"name\":\"Måluppfyllelse räknad på indikatorerna\",\"effective\":\"{year}-01-01\",\
             \"scores\":[{{\"grade\":\"uppnatt\",\"score\":\"1\"}},{{\"grade\":\"delvis\",\"score\":\"0.5\"}},\
             {{\"grade\":\"ej_uppnatt\",\"score\":\"0\"}}],\"goal_grades\":[{{\"grade\":\"uppnatt\",\"min\":\"{min}\"}},\
             {{\"grade\":\"delvis\",\"min\":\"0.5\"}},{{\"grade\":\"ej_uppnatt\",\"min\":\"0\"}}],\
             \"index\":{{\"aggregation\":\"mean_of_goal_means\",\"decimals\":\"2\",\"rounding\":\"truncate\"}}"
        );
        if let Some(d) = basis {
            let _ = write!(self.buf, ",\"decision\":\"{d}\"");
        }
        self.line("method.defined")?;
        Ok(())
    }

    fn indicator(&mut self, org: &Org, g: usize, i: usize) -> Step {
        use std::fmt::Write as _;
        let ind = &org.inds[i];
        let goal = &org.goals[g];
        let Some(kpi) = ind.kpi else {
            let _ = write!(
                self.buf,
                "\"id\":\"{}\",\"goal\":\"{}\",\"text\":\"Handlingsplan för målet är antagen och genomförd.\",\
                 \"area\":\"{}\",\"unit\":\"milestone\",\"direction\":\"reach\",\
                 \"source\":{{\"kind\":\"internal\",\"description\":\"Nämndens egen uppföljning\"}}",
                ind.id, goal.id, AREAS[goal.area].name
            );
            self.line("indicator.defined")?;
            let _ = write!(
                self.buf,
                "\"id\":\"{}.t\",\"indicator\":\"{}\",\"levels\":[{{\"name\":\"Uppnått\",\"comparison\":\">=\",\"threshold\":\"1\"}}],\
                 \"deadline\":\"{}-12-31\",\"effective\":\"{FIRST_YEAR}-01-01\",\"decision\":\"{}\"",
                ind.id,
                ind.id,
                FIRST_YEAR + YEARS - 1,
                org.adopted
            );
            self.line("target.set")?;
            return Ok(());
        };
        let direction = if kpi.increase { "increase" } else { "decrease" };
        let _ = write!(
            self.buf,
            "\"id\":\"{}\",\"goal\":\"{}\",\"text\":\"{}, {}\",\"area\":\"{}\",\"unit\":\"{}\",",
            ind.id, goal.id, kpi.text, VARIANTS[ind.variant], AREAS[goal.area].name, kpi.unit
        );
        if let Some(label) = kpi.unit_label {
            let _ = write!(self.buf, "\"unit_label\":\"{label}\",");
        }
        let _ = write!(
            self.buf,
            "\"direction\":\"{direction}\",\"source\":{{\"kind\":\"kolada\",\"description\":\"{}\",\
             \"kolada_kpis\":[\"{}\"]}},\"baseline\":{{\"value\":\"{}\",\"period\":{{\"from\":\"{y}-01-01\",\"to\":\"{y}-12-31\"}}}}",
            kpi.text,
            kpi.id,
            dec(ind.base, kpi.decimals),
            y = FIRST_YEAR - 1
        );
        self.line("indicator.defined")?;
        let _ = write!(
            self.buf,
            "\"id\":\"{}.t\",\"indicator\":\"{}\",\"text\":\"Målnivåer På rätt väg och Uppnått {}\",\"levels\":",
            ind.id,
            ind.id,
            REVISION_YEAR - 1
        );
        self.levels(kpi, ind.levels);
        let _ = write!(
            self.buf,
            ",\"deadline\":\"{}-12-31\",\"effective\":\"{FIRST_YEAR}-01-01\",\"decision\":\"{}\"",
            REVISION_YEAR - 1,
            org.adopted
        );
        self.line("target.set")?;
        Ok(())
    }

    fn levels(&mut self, kpi: &Kpi, (on_track, reached): (i64, i64)) {
        use std::fmt::Write as _;
        let cmp = if kpi.increase { ">=" } else { "<=" };
        let _ = write!(
            self.buf,
            "[{{\"name\":\"På rätt väg\",\"comparison\":\"{cmp}\",\"threshold\":\"{}\"}},\
             {{\"name\":\"Uppnått\",\"comparison\":\"{cmp}\",\"threshold\":\"{}\"}}]",
            dec(on_track, kpi.decimals),
            dec(reached, kpi.decimals)
        );
    }

    /// The mid-term: the plan extended, some goals, indicators and targets revised, a new method.
    fn revisions(&mut self, org: &Org) -> Step {
        use std::fmt::Write as _;
        let last = FIRST_YEAR + YEARS - 1;
        let effective = format!("{REVISION_YEAR}-01-01");
        let _ = write!(
            self.buf,
            "\"plan\":\"{}\",\"effective\":\"{effective}\",\"title\":\"Mål och budget {FIRST_YEAR}–{last}\",\
             \"period\":{{\"from\":\"{FIRST_YEAR}-01-01\",\"to\":\"{last}-12-31\"}},\
             \"note\":\"Planen förlängdes och reviderades inför den nya mandatperioden.\",\"decision\":\"{}\"",
            org.plan_id(0),
            org.revised
        );
        self.line("plan.revised")?;
        self.method(org, REVISION_YEAR, "0.8", Some(&org.revised))?;
        for goal in org.goals.iter().filter(|g| g.revised) {
            let _ = write!(
                self.buf,
                "\"goal\":\"{}\",\"effective\":\"{effective}\",\"text\":\"{} Målet gäller hela mandatperioden.\",\"decision\":\"{}\"",
                goal.id, goal.text, org.revised
            );
            self.line("goal.revised")?;
        }
        for (i, ind) in org.inds.iter().enumerate() {
            let Some(kpi) = ind.kpi else { continue };
            if ind.revised {
                let _ = write!(
                    self.buf,
                    "\"indicator\":\"{}\",\"effective\":\"{effective}\",\"baseline\":{{\"value\":\"{}\",\
                     \"period\":{{\"from\":\"2017-01-01\",\"to\":\"2017-12-31\"}}}},\"decision\":\"{}\",\
                     \"reason\":\"Ny basår inför mandatperioden.\"",
                    ind.id,
                    dec(
                        ind.value(self.spec.seed, org.number, i, 2017, false),
                        kpi.decimals
                    ),
                    org.revised
                );
                self.line("indicator.revised")?;
            }
            let _ = write!(
                self.buf,
                "\"target\":\"{}.t\",\"effective\":\"{effective}\",\"deadline\":\"{last}-12-31\"",
                ind.id
            );
            if let Some(levels) = ind.revised_levels {
                self.buf.push_str(",\"levels\":");
                self.levels(kpi, levels);
                let _ = write!(
                    self.buf,
                    ",\"decision\":\"{}\",\"reason\":\"Målnivån Uppnått har setts över då skillnaden mot På rätt väg var mycket stor.\"",
                    org.revised
                );
            } else {
                let _ = write!(
                    self.buf,
                    ",\"text\":\"Målnivåer På rätt väg och Uppnått {last}\",\"decision\":\"{}\"",
                    org.revised
                );
            }
            self.line("target.revised")?;
        }
        Ok(())
    }

    /// One follow-up of one organisation: its definition, the readings of the period (with
    /// corrections and not-measurable periods), the bodies' assessments and their summaries.
    fn follow_up(&mut self, org: &Org, year: i32, interim: bool) -> Step {
        use std::fmt::Write as _;
        let seed = self.spec.seed;
        let mut r = Rng::new(&[seed, org.number, 2, year as u64, u64::from(interim)]);
        let id = &org.id;
        let (fu, name, kind, cut_off) = if interim {
            (
                format!("{id}.delar-{year}"),
                format!("Delår {year}"),
                "interim",
                format!("{year}-08-31"),
            )
        } else {
            (
                format!("{id}.ar-{year}"),
                format!("Årsredovisning {year}"),
                "annual",
                format!("{year}-12-31"),
            )
        };
        let _ = write!(
            self.buf,
            "\"id\":\"{fu}\",\"organisation\":\"{id}\",\"name\":\"{name}\",\"kind\":\"{kind}\",\"cut_off\":\"{cut_off}\""
        );
        self.line("follow_up.defined")?;

        // Readings: the value each indicator ends up with (after corrections), or none.
        let period = format!("{{\"from\":\"{year}-01-01\",\"to\":\"{cut_off}\"}}");
        let fetched = if interim {
            format!("{year}-09-20T08:00:00Z")
        } else {
            format!("{}-03-15T08:00:00Z", year + 1)
        };
        let mut values: Vec<Option<i64>> = Vec::with_capacity(org.inds.len());
        let mut corrections: Vec<(u64, usize, i64, bool)> = Vec::new();
        for (i, ind) in org.inds.iter().enumerate() {
            let v = ind.value(seed, org.number, i, year, interim);
            let Some(kpi) = ind.kpi else {
                let _ = write!(
                    self.buf,
                    "\"indicator\":\"{}\",\"period\":{period},\"value\":\"{v}\",\
                     \"source\":{{\"kind\":\"internal\",\"description\":\"Nämndens egen uppföljning\"}}",
                    ind.id
                );
                self.line("reading.recorded")?;
                values.push(Some(v));
                continue;
            };
            if interim && kpi.survey && r.chance(150) {
                let _ = write!(
                    self.buf,
                    "\"indicator\":\"{}\",\"period\":{period},\"reason\":\"Enkäten genomförs under hösten; \
                     resultatet redovisas i årsredovisningen.\"",
                    ind.id
                );
                let seq = self.line("reading.not_measurable")?;
                if r.chance(300) {
                    corrections.push((seq, i, v, true));
                    values.push(Some(v));
                } else {
                    values.push(None);
                }
                continue;
            }
            let _ = write!(
                self.buf,
                "\"indicator\":\"{}\",\"period\":{period},\"value\":\"{}\",\"source\":{{\"kind\":\"kolada\",\
                 \"kolada_kpi\":\"{}\",\"kolada_municipality\":\"{:04}\",\
                 \"url\":\"https://api.kolada.se/v2/data/kpi/{}/municipality/{:04}/year/{year}\",\"fetched_at\":\"{fetched}\"}}",
                ind.id,
                dec(v, kpi.decimals),
                kpi.id,
                org.number,
                kpi.id,
                org.number
            );
            let seq = self.line("reading.recorded")?;
            if r.chance(30) {
                // Kolada revised the value: a small change, up or down within the unit's range.
                let step = (v / 50).max(1);
                let (up, down) = (clamp(kpi, v + step), clamp(kpi, v - step));
                let corrected = if (r.chance(500) || down == v) && up != v {
                    up
                } else {
                    down
                };
                if corrected != v {
                    corrections.push((seq, i, corrected, false));
                    values.push(Some(corrected));
                    continue;
                }
            }
            values.push(Some(v));
        }
        for (seq, i, v, supplied) in corrections {
            let ind = &org.inds[i];
            let Some(kpi) = ind.kpi else { continue };
            let reason = if supplied {
                "Enkätresultatet kom efter delårsrapporten."
            } else {
                "Kolada reviderade värdet efter publiceringen."
            };
            let _ = write!(
                self.buf,
                "\"corrects\":{seq},\"indicator\":\"{}\",\"value\":\"{}\",\"source\":{{\"kind\":\"kolada\",\
                 \"kolada_kpi\":\"{}\",\"kolada_municipality\":\"{:04}\",\
                 \"url\":\"https://api.kolada.se/v2/data/kpi/{}/municipality/{:04}/year/{year}\",\
                 \"fetched_at\":\"{}-06-12T09:00:00Z\"}},\"reason\":\"{reason}\"",
                ind.id,
                dec(v, kpi.decimals),
                kpi.id,
                org.number,
                kpi.id,
                org.number,
                year + 1
            );
            self.line("reading.corrected")?;
        }

        // Assessments: each goal by its bodies, each indicator by the goal's first body.
        let min_top = if year >= REVISION_YEAR {
            (16, 10)
        } else {
            (3, 2)
        };
        // Per body: goals per grade, and the sum of goal means as 120ths (see below).
        let mut tally: Vec<([u64; 3], u64, u64)> = vec![([0; 3], 0, 0); org.boards.len() + 1];
        for goal in &org.goals {
            let body = org.body_id(goal.boards[0]);
            let (mut halves, mut scored) = (0u64, 0u64);
            let range = goal.first..goal.first + goal.count;
            for (i, (ind, value)) in org.inds[range.clone()]
                .iter()
                .zip(&values[range])
                .enumerate()
            {
                let i = goal.first + i;
                let (grade, trend) = match *value {
                    None => (NOT_ASSESSABLE, None),
                    Some(v) => {
                        let mut grade = ind.grade(v, year);
                        // Now and then the body judges otherwise than the figures say.
                        if r.chance(40) {
                            grade = if grade == 0 { 1 } else { grade - 1 };
                        }
                        halves += 2 - grade as u64;
                        scored += 1;
                        let before = ind.value(seed, org.number, i, year - 1, interim);
                        let better = if ind.kpi.is_none_or(|k| k.increase) {
                            v > before
                        } else {
                            v < before
                        };
                        let trend = if v == before {
                            "unchanged"
                        } else if better {
                            "improved"
                        } else {
                            "worse"
                        };
                        (GRADES[grade], Some(trend))
                    }
                };
                let _ = write!(
                    self.buf,
                    "\"body\":\"{body}\",\"indicator\":\"{}\",\"follow_up\":\"{fu}\",\"scale\":\"{id}.skala\",\"grade\":\"{grade}\"",
                    ind.id
                );
                match (*value, trend) {
                    (Some(v), Some(trend)) => {
                        let decimals = ind.kpi.map_or(0, |k| k.decimals);
                        let _ = write!(
                            self.buf,
                            ",\"analysis\":\"Utfallet för {name} är {}. Bedömningen görs mot målnivåerna i kraft vid {cut_off}.\",\"trend\":\"{trend}\"",
                            dec(v, decimals).replace('.', ",")
                        );
                    }
                    _ => self
                        .buf
                        .push_str(",\"analysis\":\"Indikatorn kan inte följas upp vid delåret.\""),
                }
                self.line("assessment.recorded")?;
            }
            // The goal's grade as the method computes it: mean score ≥ min (in halves per indicator).
            let grade = if scored == 0 {
                None
            } else if halves * min_top.1 >= scored * min_top.0 {
                Some(0)
            } else if halves >= scored {
                Some(1)
            } else {
                Some(2)
            };
            if let Some(grade) = grade {
                // A goal mean is halves / (2 * scored) = halves * (60 / scored) / 120, exact
                // since a goal has at most six indicators.
                // Only the first body assessed the indicators, so only its report scores the goal.
                let b = goal.boards[0];
                tally[b].0[grade] += 1;
                tally[b].1 += halves * (60 / scored);
                tally[b].2 += 1;
            }
            for &b in &goal.boards {
                let _ = write!(
                    self.buf,
                    "\"body\":\"{}\",\"goal\":\"{}\",\"follow_up\":\"{fu}\"",
                    org.body_id(b),
                    goal.id
                );
                match grade {
                    Some(g) => {
                        let _ = write!(
                            self.buf,
                            ",\"scale\":\"{id}.skala\",\"grade\":\"{}\",\"analysis\":\"Målet bedöms utifrån {} indikatorer.\"",
                            GRADES[g], goal.count
                        );
                    }
                    None => {
                        let _ = write!(
                            self.buf,
                            ",\"scale\":\"{id}.skala\",\"grade\":\"{NOT_ASSESSABLE}\",\"analysis\":\"Målet kan inte bedömas vid {name}.\""
                        );
                    }
                }
                self.line("assessment.recorded")?;
            }
        }
        for (b, (counts, sum, goals)) in tally.iter().enumerate().skip(1) {
            if *goals == 0 {
                continue;
            }
            // The index: the mean of goal means, truncated to two decimals.
            let index = 100 * sum / (120 * goals);
            let _ = write!(
                self.buf,
                "\"body\":\"{}\",\"follow_up\":\"{fu}\",\"text\":\"Per den {} är {} mål uppnådda, {} delvis uppnådda och {} ej uppnådda.\",\"index\":\"{}.{:02}\"",
                org.body_id(b),
                cut_off,
                counts[0],
                counts[1],
                counts[2],
                index / 100,
                index % 100
            );
            self.line("summary.recorded")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(events: u64, seed: u64, after: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let spec = Spec::new(events, seed, after).expect("spec");
        assert_eq!(write(&spec, &mut out).expect("write"), events);
        out
    }

    #[test]
    fn exactly_the_requested_lines_of_valid_json() {
        let out = generate(12_000, 3, 1);
        let text = std::str::from_utf8(&out).expect("utf-8");
        assert_eq!(text.lines().count(), 12_000);
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect(line);
            assert!(v["kind"].is_string() && v["payload"].is_object(), "{line}");
        }
    }

    #[test]
    fn same_seed_same_bytes() {
        assert_eq!(generate(6_000, 7, 1), generate(6_000, 7, 1));
        assert_ne!(generate(6_000, 7, 1), generate(6_000, 8, 1));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("small"), Ok(SMALL));
        assert_eq!(parse_size("2_500"), Ok(2_500));
        assert!(parse_size("big").is_err());
        assert!(Spec::new(0, 1, 1).is_err());
        assert!(Spec::new(MAX_ORGS * EVENTS_PER_ORG + 1, 1, 1).is_err());
        assert!(Spec::new(10, 1, 0).is_err());
    }
}
