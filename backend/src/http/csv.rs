//! CSV exports that open correctly in Excel and LibreOffice: UTF-8 with a byte-order mark (so
//! Excel reads Chinese right), CRLF line ends, quoting where needed, and no cell that a
//! spreadsheet would run as a formula.

use shared::Lang;
use shared::api::GradeComparison;

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
        let flags: Vec<String> =
            c.flags.iter().map(|f| format!("{}: {}", f.kind(), f.message_in(lang))).collect();
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
