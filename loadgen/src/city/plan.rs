//! The city as numbers, before any database: its schools and their classes, each class's habit
//! (typical, over the limit, drifting from its grade, skipping days), the school year's days and
//! every class's minutes on each of them. Deterministic: the same seed gives the same city, so
//! that the SQLite and the PostgreSQL copies hold the same data and the same session tokens.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use sha2::{Digest, Sha256};
use shared::{Grade, Policy, Subject};

/// What to generate.
#[derive(Debug, Clone)]
pub struct CityShape {
    pub schools: u32,
    pub classes: u32,
    pub school_days: u32,
    /// The last school day of the year (normally yesterday, so that today is still empty).
    pub last_day: NaiveDate,
    pub seed: u64,
}

/// The six subjects every grade records in the generated city (DESIGN.md: "~6 subjects").
pub const SUBJECTS: [[&str; 6]; 9] = [
    ["chinese", "math", "english", "morality", "art", "music"],
    ["chinese", "math", "english", "morality", "art", "music"],
    ["chinese", "math", "english", "science", "morality", "art"],
    ["chinese", "math", "english", "science", "morality", "art"],
    ["chinese", "math", "english", "science", "morality", "art"],
    ["chinese", "math", "english", "science", "morality", "art"],
    ["chinese", "math", "english", "morality", "history", "geography"],
    ["chinese", "math", "english", "physics", "history", "biology"],
    ["chinese", "math", "english", "physics", "chemistry", "morality"],
];

/// How much homework each subject usually gets, in the order of [`SUBJECTS`].
const WEIGHTS: [u32; 6] = [3, 3, 2, 1, 1, 1];

/// The password of every generated account (bench databases only).
pub const PASSWORD: &str = "city-bench-password";

/// A class's habit, which the flag engine should find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Habit {
    Typical,
    /// Its average is over the grade's limit (`over_average_limit`).
    OverLimit,
    /// Far above its grade (`drift_above`).
    DriftUp,
    /// Far below its grade (`drift_below`).
    DriftDown,
    /// Misses about a quarter of the days (`missing_reports`).
    SkipsDays,
}

#[derive(Debug, Clone)]
pub struct SchoolPlan {
    pub id: i64,
    pub name: String,
    /// Classes per grade (index 0 = grade 1); 0 where the school does not teach the grade.
    pub classes_per_grade: [u32; 9],
}

#[derive(Debug, Clone)]
pub struct ClassPlan {
    pub id: i64,
    pub school_id: i64,
    pub grade: u8,
    pub name: String,
    pub habit: Habit,
    /// The class's usual day total, in minutes.
    pub mean: f64,
}

/// One day report as generated: its minutes per subject of [`SUBJECTS`].
#[derive(Debug, Clone, Copy)]
pub struct DayMinutes {
    pub minutes: [u32; 6],
}

impl DayMinutes {
    pub fn total(&self) -> u32 {
        self.minutes.iter().sum()
    }
}

pub struct City {
    pub shape: CityShape,
    pub schools: Vec<SchoolPlan>,
    pub classes: Vec<ClassPlan>,
    /// School days, oldest first.
    pub days: Vec<NaiveDate>,
    /// Weekdays between the first and the last school day that are holidays.
    pub holidays: Vec<NaiveDate>,
}

impl City {
    pub fn plan(shape: CityShape) -> City {
        let mut rng = Rng::new(shape.seed);
        let schools = plan_schools(&shape, &mut rng);
        let mut classes = Vec::with_capacity(shape.classes as usize);
        for school in &schools {
            for (g, &n) in school.classes_per_grade.iter().enumerate() {
                let grade = g as u8 + 1;
                for k in 1..=n {
                    let habit = match rng.below(100) {
                        0..5 => Habit::OverLimit,
                        5..10 => Habit::DriftUp,
                        10..15 => Habit::DriftDown,
                        15..18 => Habit::SkipsDays,
                        _ => Habit::Typical,
                    };
                    let base = base_minutes(grade);
                    let limit = f64::from(limit_of(grade));
                    let mean = match habit {
                        Habit::OverLimit => limit + 8.0 + rng.below(25) as f64,
                        Habit::DriftUp => base * 1.4,
                        Habit::DriftDown => base * 0.55,
                        Habit::Typical | Habit::SkipsDays => {
                            (base + rng.below(9) as f64 - 4.0).max(0.0)
                        }
                    };
                    classes.push(ClassPlan {
                        id: classes.len() as i64 + 1,
                        school_id: school.id,
                        grade,
                        name: format!("{grade}({k})"),
                        habit,
                        mean,
                    });
                }
            }
        }
        let (days, holidays) = school_year(shape.last_day, shape.school_days);
        City { shape, schools, classes, days, holidays }
    }

    /// What a class reported on a school day, or `None` if it reported nothing.
    pub fn minutes(&self, class: &ClassPlan, day_index: usize) -> Option<DayMinutes> {
        let mut rng = Rng::new(self.shape.seed ^ ((class.id as u64) << 20) ^ day_index as u64);
        let skip_chance = if class.habit == Habit::SkipsDays { 25 } else { 1 };
        if rng.below(100) < skip_chance {
            return None;
        }
        let total = if class.grade <= 2 && class.habit != Habit::OverLimit {
            // No written homework in grades 1–2; now and then a class gives some anyway.
            if rng.below(20) == 0 { 5 + rng.below(15) as u32 } else { 0 }
        } else {
            (class.mean + rng.below(31) as f64 - 15.0).clamp(0.0, 590.0).round() as u32
        };
        Some(DayMinutes { minutes: split(total, &mut rng) })
    }

    /// Every school's policy: the national limits, six subjects a grade.
    pub fn policy() -> Policy {
        let mut policy = Policy::default();
        for grade in Grade::all() {
            let subjects = SUBJECTS[usize::from(grade.get()) - 1]
                .iter()
                .filter_map(|s| Subject::parse(s).ok())
                .collect();
            policy.subjects.insert(grade, subjects);
        }
        policy
    }
}

/// Schools of three kinds (primary 1–6, junior 7–9, nine-year 1–9) and of very different sizes,
/// many small and a few large, adjusted until the city has exactly `shape.classes` classes.
fn plan_schools(shape: &CityShape, rng: &mut Rng) -> Vec<SchoolPlan> {
    let mut schools: Vec<SchoolPlan> = (1..=shape.schools)
        .map(|i| {
            let grades: &[usize] = match rng.below(100) {
                0..65 => &[0, 1, 2, 3, 4, 5],
                65..90 => &[6, 7, 8],
                _ => &[0, 1, 2, 3, 4, 5, 6, 7, 8],
            };
            let size = match rng.below(100) {
                0..40 => 1,
                40..60 => 2,
                60..75 => 3,
                75..87 => 4,
                87..95 => 6,
                95..99 => 10,
                _ => 16,
            };
            let mut per_grade = [0; 9];
            for &g in grades {
                per_grade[g] = size;
            }
            SchoolPlan {
                id: i64::from(i),
                name: format!("第{i}学校 School {i}"),
                classes_per_grade: per_grade,
            }
        })
        .collect();
    let mut total: u32 = schools.iter().flat_map(|s| s.classes_per_grade).sum();
    while total != shape.classes {
        let school = &mut schools[rng.below(u64::from(shape.schools)) as usize];
        let g = rng.below(9) as usize;
        let n = &mut school.classes_per_grade[g];
        if total < shape.classes && *n > 0 && *n < 20 {
            *n += 1;
            total += 1;
        } else if total > shape.classes && *n > 1 {
            *n -= 1;
            total -= 1;
        }
    }
    schools
}

/// The national limit of a grade (the generated schools keep the defaults).
pub fn limit_of(grade: u8) -> u32 {
    Grade::new(i64::from(grade)).map_or(0, shared::policy::default_limit)
}

/// What a typical class of a grade gives.
fn base_minutes(grade: u8) -> f64 {
    match grade {
        1 | 2 => 0.0,
        3..=6 => 42.0 + 2.0 * f64::from(grade - 3),
        _ => 68.0 + 4.0 * f64::from(grade - 7),
    }
}

/// Shares a day's total among the six subjects by their weights, a little at random; a subject
/// gets at most 240 minutes.
fn split(total: u32, rng: &mut Rng) -> [u32; 6] {
    let mut minutes = [0; 6];
    if total == 0 {
        return minutes;
    }
    let weights: Vec<u32> = WEIGHTS.iter().map(|w| w * (1 + rng.below(3) as u32)).collect();
    let sum: u32 = weights.iter().sum();
    let mut left = total;
    for (i, w) in weights.iter().enumerate() {
        let share = if i == 5 { left } else { (total * w / sum).min(left) };
        minutes[i] = share.min(240);
        left -= minutes[i];
    }
    // Whatever the 240-minute cap left over goes to the subjects that still have room.
    for m in &mut minutes {
        let more = left.min(240 - *m);
        *m += more;
        left -= more;
    }
    minutes
}

/// The last `count` school days up to `last_day` (Monday–Friday, less the winter and summer
/// breaks and the national holidays), and the weekdays among them that are holidays.
fn school_year(last_day: NaiveDate, count: u32) -> (Vec<NaiveDate>, Vec<NaiveDate>) {
    let mut days = Vec::new();
    let mut holidays = Vec::new();
    let mut day = last_day;
    while days.len() < count as usize {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            if is_holiday(day) { holidays.push(day) } else { days.push(day) }
        }
        day = day.checked_sub_days(Days::new(1)).unwrap_or(day);
    }
    days.reverse();
    holidays.reverse();
    (days, holidays)
}

/// Roughly China's school calendar: National Day week, New Year's Day, a winter break around
/// the Spring Festival, Qingming, Labour Day, and the summer break.
fn is_holiday(d: NaiveDate) -> bool {
    let (m, day) = (d.month(), d.day());
    matches!(
        (m, day),
        (10, 1..=7)
            | (1, 1)
            | (1, 20..=31)
            | (2, 1..=20)
            | (4, 4..=6)
            | (5, 1..=5)
            | (7, 8..=31)
            | (8, _)
    )
}

/// The session token the generator gives an account: 64 hex digits from the seed and the
/// account's id, so that `loadgen` can name it again without reading the database.
pub fn session_token(seed: u64, user_id: i64) -> String {
    hex(&Sha256::digest(format!("loadgen-session:{seed}:{user_id}").as_bytes()))
}

/// What the server stores of a token: its SHA-256.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// xorshift64*: small, fast and deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        rng.next();
        rng
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> City {
        City::plan(CityShape {
            schools: 20,
            classes: 300,
            school_days: 30,
            last_day: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            seed: 7,
        })
    }

    #[test]
    fn the_city_has_exactly_the_classes_asked_for() {
        let city = small();
        assert_eq!(city.classes.len(), 300);
        assert_eq!(city.schools.len(), 20);
        assert_eq!(city.days.len(), 30);
        assert!(city.days.iter().all(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
    }

    #[test]
    fn a_day_splits_into_subjects_that_add_up_and_stay_valid() {
        let mut rng = Rng::new(1);
        for total in [0, 1, 59, 91, 400, 590] {
            let m = split(total, &mut rng);
            assert_eq!(m.iter().sum::<u32>(), total);
            assert!(m.iter().all(|x| *x <= 240));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_minutes() {
        let (a, b) = (small(), small());
        let class = &a.classes[17];
        let ma = a.minutes(class, 3).map(|d| d.minutes);
        assert_eq!(ma, b.minutes(&b.classes[17], 3).map(|d| d.minutes));
    }
}
