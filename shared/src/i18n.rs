//! Words the product says in Chinese and English: subject names, flag reasons and validation
//! problems. The frontend's own interface strings live in the frontend; these are here because
//! the server says them too (API messages, CSV exports).

use crate::flags::FlagReason;
use crate::report::ValidationError;
use crate::{Grade, Subject};
use serde::{Deserialize, Serialize};

/// A language the product speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header or `navigator.language`: Chinese for
    /// any `zh`, English for anything else that is named first.
    pub fn from_accept_language(header: &str) -> Lang {
        let first = header.split(',').next().unwrap_or("").trim().to_ascii_lowercase();
        if first.is_empty() || first.starts_with("zh") { Lang::Zh } else { Lang::En }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// The name of a subject in a language; unknown keys are shown as they are.
pub fn subject_name(subject: &Subject, lang: Lang) -> String {
    let (zh, en) = match subject.as_str() {
        "chinese" => ("语文", "Chinese"),
        "math" => ("数学", "Maths"),
        "english" => ("英语", "English"),
        "science" => ("科学", "Science"),
        "physics" => ("物理", "Physics"),
        "chemistry" => ("化学", "Chemistry"),
        "biology" => ("生物", "Biology"),
        "history" => ("历史", "History"),
        "geography" => ("地理", "Geography"),
        "morality" => ("道德与法治", "Morality & Law"),
        "politics" => ("思想政治", "Politics"),
        "art" => ("美术", "Art"),
        "music" => ("音乐", "Music"),
        "pe" => ("体育", "PE"),
        "it" => ("信息技术", "IT"),
        other => return other.to_owned(),
    };
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// "七年级" or "grade 7".
pub fn grade_name(grade: Grade, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            const NAMES: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
            format!("{}年级", NAMES[usize::from(grade.get() - 1)])
        }
        Lang::En => format!("grade {grade}"),
    }
}

/// The sentence that explains a flag.
pub fn flag_message(reason: &FlagReason, lang: Lang) -> String {
    use FlagReason::*;
    match (reason, lang) {
        (OverDailyLimit { date, total_minutes, grade, .. }, Lang::En) if *grade <= lower() => {
            format!(
                "{date}: {total_minutes} minutes of written homework; {} should have none",
                grade_name(*grade, lang)
            )
        }
        (OverDailyLimit { date, total_minutes, grade, .. }, Lang::Zh) if *grade <= lower() => {
            format!(
                "{}：书面作业 {total_minutes} 分钟，{}不应布置书面作业",
                day_zh(*date),
                grade_name(*grade, lang)
            )
        }
        (OverDailyLimit { date, total_minutes, limit_minutes, .. }, Lang::En) => format!(
            "{date}: {total_minutes} minutes of homework, {} over the {limit_minutes}-minute daily limit",
            total_minutes - limit_minutes
        ),
        (OverDailyLimit { date, total_minutes, limit_minutes, .. }, Lang::Zh) => format!(
            "{}：作业共 {total_minutes} 分钟，超出每日 {limit_minutes} 分钟上限 {} 分钟",
            day_zh(*date),
            total_minutes - limit_minutes
        ),
        (
            OverAverageLimit {
                average_daily_minutes: a,
                limit_minutes: l,
                days_reported: n,
                grade,
            },
            Lang::En,
        ) => {
            if *grade <= lower() {
                format!(
                    "averaged {a:.1} minutes of written homework a day over {n} reported days; {} should have none",
                    grade_name(*grade, lang)
                )
            } else {
                format!(
                    "averaged {a:.1} minutes a day over {n} reported days, {:.1} over the {l}-minute limit",
                    a - f64::from(*l)
                )
            }
        }
        (
            OverAverageLimit {
                average_daily_minutes: a,
                limit_minutes: l,
                days_reported: n,
                grade,
            },
            Lang::Zh,
        ) => {
            if *grade <= lower() {
                format!(
                    "{n} 个填报日平均每天书面作业 {a:.1} 分钟，{}不应布置书面作业",
                    grade_name(*grade, lang)
                )
            } else {
                format!(
                    "{n} 个填报日平均每天 {a:.1} 分钟，超出 {l} 分钟上限 {:.1} 分钟",
                    a - f64::from(*l)
                )
            }
        }
        (
            DriftAbove {
                average_daily_minutes: a,
                grade_average_minutes: g,
                deviation_minutes: d,
                threshold_minutes: t,
            },
            Lang::En,
        ) => format!(
            "averaged {a:.1} minutes a day, {d:.1} above the grade average of {g:.1} (more than the {t:.1} allowed)"
        ),
        (
            DriftAbove {
                average_daily_minutes: a,
                grade_average_minutes: g,
                deviation_minutes: d,
                threshold_minutes: t,
            },
            Lang::Zh,
        ) => format!(
            "平均每天 {a:.1} 分钟，比年级平均 {g:.1} 分钟多 {d:.1} 分钟（超过允许的 {t:.1} 分钟）"
        ),
        (
            DriftBelow {
                average_daily_minutes: a,
                grade_average_minutes: g,
                deviation_minutes: d,
                threshold_minutes: t,
            },
            Lang::En,
        ) => format!(
            "averaged {a:.1} minutes a day, {:.1} below the grade average of {g:.1} (more than the {t:.1} allowed)",
            d.abs()
        ),
        (
            DriftBelow {
                average_daily_minutes: a,
                grade_average_minutes: g,
                deviation_minutes: d,
                threshold_minutes: t,
            },
            Lang::Zh,
        ) => format!(
            "平均每天 {a:.1} 分钟，比年级平均 {g:.1} 分钟少 {:.1} 分钟（超过允许的 {t:.1} 分钟）",
            d.abs()
        ),
        (MissingReports { missing_days, missing_dates }, Lang::En) => {
            format!("no report on {missing_days} school days: {}", list_dates(missing_dates, lang))
        }
        (MissingReports { missing_days, missing_dates }, Lang::Zh) => {
            format!("有 {missing_days} 个上课日未填报：{}", list_dates(missing_dates, lang))
        }
        (ActualAboveExpected { subject, days, expected_average: e, actual_average: a, .. }, _) => {
            let name = Subject::parse(subject)
                .map(|s| subject_name(&s, lang))
                .unwrap_or_else(|_| subject.clone());
            match lang {
                Lang::En => format!(
                    "{name}: took {a:.1} minutes a day on average against {e:.1} expected, over {days} days"
                ),
                Lang::Zh => {
                    format!("{name}：{days} 天平均实际用时 {a:.1} 分钟，备案预计 {e:.1} 分钟")
                }
            }
        }
    }
}

fn lower() -> Grade {
    Grade::new(2).unwrap_or_else(|_| unreachable!("2 is a grade"))
}

/// The first five dates, and how many more: in Chinese as the pages write a day (`11/24 周二`).
fn list_dates(dates: &[chrono::NaiveDate], lang: Lang) -> String {
    let more = dates.len().saturating_sub(5);
    match lang {
        Lang::En => {
            let shown: Vec<String> = dates.iter().take(5).map(ToString::to_string).collect();
            if more > 0 {
                format!("{} and {more} more", shown.join(", "))
            } else {
                shown.join(", ")
            }
        }
        Lang::Zh => {
            let shown: Vec<String> = dates.iter().take(5).map(|d| day_zh(*d)).collect();
            if more > 0 {
                format!("{} 等 {} 天", shown.join("、"), dates.len())
            } else {
                shown.join("、")
            }
        }
    }
}

/// A date as the Chinese pages write it: `11/24 周二`.
pub fn day_zh(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    let weekday = DAYS[date.weekday().num_days_from_monday() as usize];
    format!("{}/{} {weekday}", date.month(), date.day())
}

/// A validation problem in Chinese.
pub fn validation_zh(err: &ValidationError) -> String {
    use ValidationError::*;
    let name = |s: &str| {
        Subject::parse(s).map(|s| subject_name(&s, Lang::Zh)).unwrap_or_else(|_| s.to_owned())
    };
    match err {
        UnknownSubject { subject, grade } => {
            format!("{}：不是{}的学科", name(subject), grade_name(*grade, Lang::Zh))
        }
        DuplicateSubject { subject } => format!("{}：重复填写", name(subject)),
        MinutesOutOfRange { subject, minutes } => {
            format!("{}：{minutes} 分钟超出 0–240 分钟的范围", name(subject))
        }
        DayTotalTooLarge { total } => format!("当天合计 {total} 分钟，超过 600 分钟"),
        FutureDate { date, today } => format!("{date} 还没到（今天是 {today}）"),
        OutsideEditWindow { date, earliest } => {
            format!("{date} 早于 {earliest}，记录员只能填写最近 7 天内的作业")
        }
        NoteTooLong { length } => format!("备注有 {length} 个字，超过 500 字"),
        InvalidNote => "备注含有控制字符或双向文字控制符".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_browsers_get_chinese_and_others_english() {
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }

    #[test]
    fn chinese_flag_sentences_write_dates_as_the_pages_do_and_hold_no_english() {
        let dates: Vec<chrono::NaiveDate> = [
            "2026-11-23",
            "2026-11-24",
            "2026-11-25",
            "2026-11-26",
            "2026-11-27",
            "2026-11-30",
            "2026-12-01",
        ]
        .iter()
        .map(|d| d.parse().unwrap())
        .collect();
        let zh = list_dates(&dates, Lang::Zh);
        assert_eq!(zh, "11/23 周一、11/24 周二、11/25 周三、11/26 周四、11/27 周五 等 7 天");
        assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
        assert_eq!(list_dates(&dates[..2], Lang::Zh), "11/23 周一、11/24 周二");
        assert!(list_dates(&dates, Lang::En).ends_with("and 2 more"));
        let over = FlagReason::OverDailyLimit {
            date: dates[1],
            total_minutes: 100,
            limit_minutes: 90,
            grade: Grade::new(7).unwrap(),
        };
        let zh = flag_message(&over, Lang::Zh);
        assert!(zh.starts_with("11/24 周二："), "{zh}");
        assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
    }

    #[test]
    fn well_known_subjects_have_names_and_others_show_their_key() {
        let math = Subject::parse("math").unwrap();
        assert_eq!(subject_name(&math, Lang::Zh), "数学");
        assert_eq!(subject_name(&math, Lang::En), "Maths");
        let robotics = Subject::parse("robotics").unwrap();
        assert_eq!(subject_name(&robotics, Lang::Zh), "robotics");
    }
}
