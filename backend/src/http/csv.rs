//! CSV exports that open correctly in Excel and LibreOffice: UTF-8 with a byte-order mark (so
//! Excel reads Chinese right), CRLF line ends, quoting where needed, and no cell that a
//! spreadsheet would run as a formula.

use chrono::NaiveDate;
use shared::api::{AuditPage, GradeComparison, GradeDays, GradeSubjects, SchoolOverview};
use shared::i18n::{grade_name, subject_name};
use shared::{Lang, Subject};

use shared::api::DayReport;

/// Writes rows of cells as CSV, starting with the byte-order mark.
pub struct Csv {
    out: String,
}

impl Csv {
    pub fn new() -> Self {
        Csv { out: String::from("\u{feff}") }
    }

    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| cell(c.as_ref())).collect();
        self.out.push_str(&cells.join(","));
        self.out.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

impl Default for Csv {
    fn default() -> Self {
        Self::new()
    }
}

/// One cell: a leading `=`, `+`, `-`, `@` on text is defused with an apostrophe, and a cell
/// with a comma, quote or line break is quoted.
fn cell(value: &str) -> String {
    let is_number = value.parse::<f64>().is_ok();
    let defused = if !is_number && value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

fn number(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.1}")).unwrap_or_default()
}

/// The grade comparison table, one row per class.
pub fn grade_comparison(report: &GradeComparison, lang: Lang) -> String {
    let mut csv = Csv::new();
    let header: [&str; 11] = match lang {
        Lang::Zh => [
            "班级编号",
            "班级",
            "填报天数",
            "日均分钟",
            "偏差分钟",
            "偏差比例",
            "每日上限",
            "年级平均",
            "开始日期",
            "结束日期",
            "提示",
        ],
        Lang::En => [
            "class_id",
            "class",
            "days_reported",
            "average_daily_minutes",
            "deviation_minutes",
            "deviation_ratio",
            "limit_minutes",
            "grade_average_minutes",
            "from",
            "to",
            "flags",
        ],
    };
    csv.row(header);
    for c in &report.classes {
        // The sentence only: a flag's kind is a code for programs (`over_average_limit`), not
        // words for the person who opens the file.
        let flags: Vec<&str> = c.flags.iter().map(|f| f.message_in(lang)).collect();
        csv.row([
            c.class_id.to_string(),
            c.name.clone(),
            c.days_reported.to_string(),
            number(c.average_daily_minutes),
            number(c.deviation_minutes),
            c.deviation_ratio.map(|r| format!("{r:.3}")).unwrap_or_default(),
            report.limit_minutes.to_string(),
            number(report.grade_average_minutes),
            report.from.to_string(),
            report.to.to_string(),
            flags.join("; "),
        ]);
    }
    csv.finish()
}

fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn subject_header(key: &str, lang: Lang) -> String {
    Subject::parse(key).map(|s| subject_name(&s, lang)).unwrap_or_else(|_| key.to_owned())
}

/// The heat map's table: one row per class, one column per date ("–" on a missing school day).
pub fn grade_days(t: &GradeDays, lang: Lang) -> (String, String) {
    let mut csv = Csv::new();
    let dates: Vec<NaiveDate> = t.from.iter_days().take_while(|d| *d <= t.to).collect();
    let mut header = vec![pick(lang, "班级", "class").to_owned()];
    header.extend(dates.iter().map(ToString::to_string));
    csv.row(header);
    for class in &t.classes {
        let mut row = vec![class.name.clone()];
        for date in &dates {
            let total = class.days.iter().find(|d| d.date == *date).map(|d| d.total_minutes);
            row.push(match total {
                Some(m) => m.to_string(),
                None if t.school_days.contains(date) && class.start.is_none_or(|s| s <= *date) => {
                    "–".to_owned()
                }
                None => String::new(),
            });
        }
        csv.row(row);
    }
    (format!("grade-{}-days-{}-{}.csv", t.grade, t.from, t.to), csv.finish())
}

/// Which subject drives each class's load: one row per class, one column per subject.
pub fn grade_subjects(t: &GradeSubjects, lang: Lang) -> (String, String) {
    let mut csv = Csv::new();
    let mut header = vec![
        pick(lang, "班级", "class").to_owned(),
        pick(lang, "填报天数", "days_reported").to_owned(),
    ];
    header.extend(t.subjects.iter().map(|s| subject_header(s, lang)));
    csv.row(header);
    for class in &t.classes {
        let mut row = vec![class.name.clone(), class.days_reported.to_string()];
        row.extend(t.subjects.iter().map(|s| number(class.subject_averages.get(s).copied())));
        csv.row(row);
    }
    (format!("grade-{}-subjects-{}-{}.csv", t.grade, t.from, t.to), csv.finish())
}

/// Every grade at a glance, then the classes that need attention.
pub fn school_overview(t: &SchoolOverview, lang: Lang) -> (String, String) {
    let mut csv = Csv::new();
    csv.row([
        pick(lang, "年级", "grade"),
        pick(lang, "班级数", "classes"),
        pick(lang, "每日上限", "limit_minutes"),
        pick(lang, "年级平均", "grade_average_minutes"),
        pick(lang, "提示数", "flags"),
    ]);
    for g in &t.grades {
        let flags: u32 = g.flag_counts.values().sum();
        csv.row([
            grade_name(g.grade, lang),
            g.class_count.to_string(),
            g.limit_minutes.to_string(),
            number(g.grade_average_minutes),
            flags.to_string(),
        ]);
    }
    csv.row([""; 0]);
    csv.row([
        pick(lang, "班级", "class"),
        pick(lang, "年级", "grade"),
        pick(lang, "日均分钟", "average_daily_minutes"),
        pick(lang, "提示", "flags"),
    ]);
    for c in &t.attention {
        let flags: Vec<&str> = c.flags.iter().map(|f| f.message_in(lang)).collect();
        csv.row([
            c.name.clone(),
            grade_name(c.grade, lang),
            number(c.average_daily_minutes),
            flags.join("; "),
        ]);
    }
    (format!("school-{}-{}-{}.csv", t.school_id, t.from, t.to), csv.finish())
}

/// A class's days with the window it covers, for the CSV.
#[derive(serde::Serialize)]
pub struct ClassDaysTable {
    pub class_name: String,
    pub subjects: Vec<String>,
    pub reports: Vec<DayReport>,
}

/// A class's days: date, total, a column per subject, note, who recorded it, and who corrected
/// it and when, where a teacher or an admin did.
pub fn class_days(
    t: &ClassDaysTable,
    lang: Lang,
    from: NaiveDate,
    to: NaiveDate,
) -> (String, String) {
    let mut csv = Csv::new();
    let mut header = vec![
        pick(lang, "日期", "date").to_owned(),
        pick(lang, "合计分钟", "total_minutes").to_owned(),
    ];
    header.extend(t.subjects.iter().map(|s| subject_header(s, lang)));
    header.push(pick(lang, "备注", "note").to_owned());
    header.push(pick(lang, "记录人", "recorded_by").to_owned());
    header.push(pick(lang, "更正人", "corrected_by").to_owned());
    header.push(pick(lang, "更正时间 (UTC)", "corrected_at (UTC)").to_owned());
    csv.row(header);
    for r in &t.reports {
        let mut row = vec![r.date.to_string(), r.total_minutes.to_string()];
        row.extend(t.subjects.iter().map(|s| {
            r.entries
                .iter()
                .find(|e| e.subject.as_str() == s)
                .map(|e| e.minutes.get().to_string())
                .unwrap_or_default()
        }));
        row.push(r.note.clone());
        row.push(r.recorded_by.clone());
        match &r.corrected_by {
            Some(by) => row.extend([by.clone(), r.updated_at.clone()]),
            None => row.extend([String::new(), String::new()]),
        }
        csv.row(row);
    }
    let safe: String = t
        .class_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '(' | ')' | '-'))
        .collect();
    (format!("class-{safe}-{from}-{to}.csv"), csv.finish())
}

/// The audit log: one row per entry, before and after as JSON.
pub fn audit(t: &AuditPage, lang: Lang) -> (String, String) {
    let mut csv = Csv::new();
    csv.row([
        pick(lang, "编号", "id"),
        pick(lang, "时间 (UTC)", "at (UTC)"),
        pick(lang, "操作人", "actor"),
        pick(lang, "地址", "address"),
        pick(lang, "操作", "action"),
        pick(lang, "对象", "target"),
        pick(lang, "修改前", "before"),
        pick(lang, "修改后", "after"),
    ]);
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(ToString::to_string).unwrap_or_default();
    for e in &t.entries {
        csv.row([
            e.id.to_string(),
            e.at.clone(),
            e.actor.clone(),
            e.address.clone(),
            e.action.clone(),
            e.target.clone(),
            json(&e.before),
            json(&e.after),
        ]);
    }
    ("audit-log.csv".to_owned(), csv.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("7(1)"), "7(1)");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-12.5"), "-12.5");
        assert_eq!(cell("七年级"), "七年级");
    }

    #[test]
    fn the_csv_starts_with_a_bom_and_ends_lines_with_crlf() {
        let mut csv = Csv::new();
        csv.row(["a", "b"]);
        assert_eq!(csv.finish(), "\u{feff}a,b\r\n");
    }
}
