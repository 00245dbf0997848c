//! Every string of the interface, in Chinese and English. [`Texts`] has one field per string,
//! so a string missing in one language does not compile. Subject names, flag sentences and
//! validation problems come from `shared::i18n`, the words the server uses too.

use shared::api::Role;
use shared::{Grade, Lang};

pub struct Texts {
    pub app_name: &'static str,
    pub switch_language: &'static str,
    pub logout: &'static str,
    pub loading: &'static str,
    // Login.
    pub login_title: &'static str,
    pub login_lead: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub login_button: &'static str,
    pub logging_in: &'static str,
    pub wrong_credentials: &'static str,
    pub too_many_attempts: &'static str,
    pub session_expired: &'static str,
    // Errors.
    pub network_error: &'static str,
    pub unexpected_error: &'static str,
    pub forbidden: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub go_home: &'static str,
    // Entry page.
    pub entry_title: &'static str,
    pub no_class_to_record: &'static str,
    pub which_day: &'static str,
    pub today: &'static str,
    pub yesterday: &'static str,
    pub other_day: &'static str,
    pub nothing_stored: &'static str,
    pub minutes_per_subject: &'static str,
    pub minutes_unit: &'static str,
    pub quick_picks: &'static str,
    pub note_label: &'static str,
    pub note_placeholder: &'static str,
    pub day_total: &'static str,
    pub within_limit: &'static str,
    pub over_limit_hint: &'static str,
    pub no_written_homework: &'static str,
    pub submit: &'static str,
    pub saving: &'static str,
    pub unsaved: &'static str,
    pub kept_try_again: &'static str,
    pub discard_changes: &'static str,
    pub conflict_title: &'static str,
    pub conflict_text: &'static str,
    pub conflict_load_theirs: &'static str,
    pub conflict_overwrite: &'static str,
    pub last_two_weeks: &'static str,
    pub day_missing: &'static str,
    pub day_missing_short: &'static str,
    pub no_report: &'static str,
    // Class page.
    pub record_or_correct: &'static str,
    pub class_average: &'static str,
    pub minutes_per_day: &'static str,
    pub over_by: &'static str,
    pub days_reported: &'static str,
    pub grade_average: &'static str,
    pub grade_average_short: &'static str,
    pub daily_limit: &'static str,
    pub limit_short: &'static str,
    pub flags_title: &'static str,
    pub no_flags: &'static str,
    pub daily_totals: &'static str,
    pub subject_averages: &'static str,
    pub no_reports_in_period: &'static str,
    pub legend_within: &'static str,
    pub legend_over: &'static str,
    pub show_as_table: &'static str,
    pub date: &'static str,
    pub total_minutes: &'static str,
    // Period.
    pub period: &'static str,
    pub period_from: &'static str,
    pub period_to: &'static str,
    pub period_previous: &'static str,
    pub period_next: &'static str,
    pub period_current: &'static str,
    pub period_invalid: &'static str,
    // Comparison.
    pub comparison_title: &'static str,
    pub comparison_lead: &'static str,
    pub comparison_rules: &'static str,
    pub download_csv: &'static str,
    pub print: &'static str,
    pub classes_flagged: &'static str,
    pub class: &'static str,
    pub average_vs_limit: &'static str,
    pub deviation: &'static str,
    // School.
    pub school_overview_lead: &'static str,
    pub open_comparison: &'static str,
    pub no_classes: &'static str,
    // Dashboards.
    pub week: &'static str,
    pub class_averages_chart: &'static str,
    pub holiday_short: &'static str,
    pub no_school: &'static str,
    pub heat_legend_share: &'static str,
    pub csv_short: &'static str,
    pub report_title: &'static str,
    pub report_lead: &'static str,
    pub report_signature: &'static str,
    pub sort_by: &'static str,
    pub sort_hint: &'static str,
    pub comparison_table_caption: &'static str,
    pub subjects_title: &'static str,
    pub subject_driver: &'static str,
    pub heat_map_title: &'static str,
    pub heat_map_hint: &'static str,
    pub classes_over_limit: &'static str,
    pub classes_over_limit_hint: &'static str,
    pub week_trend_title: &'static str,
    pub period_presets: &'static str,
    pub period_this_week: &'static str,
    pub period_this_month: &'static str,
    pub attention_title: &'static str,
    pub no_attention: &'static str,
    pub grades_table_title: &'static str,
    pub print_all_grades: &'static str,
    pub grade: &'static str,
    pub class_count: &'static str,
    pub back_to_school: &'static str,
    lang: Lang,
}

const ZH: Texts = Texts {
    app_name: "作业时长记录",
    switch_language: "切换语言 / Switch language",
    logout: "退出登录",
    loading: "正在加载…",
    login_title: "登录",
    login_lead: "请输入学校发给你的用户名和密码。",
    username: "用户名",
    password: "密码",
    login_button: "登录",
    logging_in: "正在登录…",
    wrong_credentials: "用户名或密码不正确。",
    too_many_attempts: "尝试次数太多，请稍后再试。",
    session_expired: "登录已过期，请重新登录。",
    network_error: "连接不上服务器，请检查网络后再试。",
    unexpected_error: "服务器的回答无法识别",
    forbidden: "你没有查看这里的权限。",
    not_found_title: "找不到这个页面",
    not_found_text: "这个地址不存在，或者你没有权限查看。",
    go_home: "回到首页",
    entry_title: "作业登记",
    no_class_to_record: "你的账号没有绑定班级，无法登记作业。",
    which_day: "登记哪一天",
    today: "今天",
    yesterday: "昨天",
    other_day: "其他日期",
    nothing_stored: "这一天还没有登记。",
    minutes_per_subject: "各学科作业用时（分钟）",
    minutes_unit: "分钟",
    quick_picks: "常用时长",
    note_label: "备注（可不填）",
    note_placeholder: "例如：数学有测验",
    day_total: "合计",
    within_limit: "未超出上限",
    over_limit_hint: "请如实登记，提交后老师会看到提醒。",
    no_written_homework: "一、二年级不布置书面作业",
    submit: "提交",
    saving: "正在保存…",
    unsaved: "有修改还没提交。",
    kept_try_again: "填写的内容还在，可以再点一次“提交”。",
    discard_changes: "这一天的修改还没提交，确定换到另一天吗？",
    conflict_title: "这一天已被别人修改。",
    conflict_text: "在你填写的时候，有人（可能是老师）保存了这一天。你可以载入对方的记录，或者用你的内容覆盖它。",
    conflict_load_theirs: "载入对方的记录",
    conflict_overwrite: "用我的内容覆盖",
    last_two_weeks: "最近两周",
    day_missing: "上课日未登记",
    day_missing_short: "未登记",
    no_report: "没有记录",
    record_or_correct: "登记或修改作业",
    class_average: "班级日均",
    minutes_per_day: "分钟/天",
    over_by: "超出",
    days_reported: "登记天数",
    grade_average: "年级平均",
    grade_average_short: "年级平均",
    daily_limit: "每日上限",
    limit_short: "上限",
    flags_title: "提醒",
    no_flags: "没有需要注意的问题。",
    daily_totals: "每日作业总时长",
    subject_averages: "各学科日均用时（分钟）",
    no_reports_in_period: "这段时间没有登记",
    legend_within: "未超上限",
    legend_over: "超出上限",
    show_as_table: "以表格显示",
    date: "日期",
    total_minutes: "合计（分钟）",
    period: "统计时段",
    period_from: "从",
    period_to: "到",
    period_previous: "上一段",
    period_next: "下一段",
    period_current: "最近两周",
    period_invalid: "开始日期不能晚于结束日期，时段最长一年。",
    comparison_title: "各班对比",
    comparison_lead: "各班日均作业时长与年级平均、每日上限的比较。",
    comparison_rules: "班级日均 = 该班已登记各天的合计的平均；年级平均 = 登记满 3 天的班级的日均的平均；与年级平均相差超过 10 分钟且超过 20% 记为明显偏离。",
    download_csv: "下载表格（CSV）",
    print: "打印",
    classes_flagged: "有提醒的班级",
    class: "班级",
    average_vs_limit: "日均（分钟）",
    deviation: "与年级平均之差",
    school_overview_lead: "各年级的班级与对比。",
    open_comparison: "年级对比",
    no_classes: "还没有班级。",
    week: "周",
    class_averages_chart: "各班日均作业时长",
    holiday_short: "假",
    no_school: "非上课日",
    heat_legend_share: "占上限的 ¼ · ½ · ¾ · 全部",
    csv_short: "导出 CSV",
    report_title: "作业时长报告",
    report_lead: "每个年级一页，可直接打印存档。",
    report_signature: "年级组长签字：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿",
    sort_by: "按此列排序",
    sort_hint: "点击表头可按该列排序，再点一次反向。",
    comparison_table_caption: "各班对比表",
    subjects_title: "各班各学科日均用时（分钟）",
    subject_driver: "用时最多的学科",
    heat_map_title: "每班每天的作业总时长",
    heat_map_hint: "颜色越深，用去的上限越多；斜线加 ▲ 为超出上限；灰色斜线为上课日未登记；空白为周末或假日。",
    classes_over_limit: "日均超上限的班级",
    classes_over_limit_hint: "班级日均 > 每日上限",
    week_trend_title: "逐周趋势（每周日均）",
    period_presets: "常用时段",
    period_this_week: "本周",
    period_this_month: "本月",
    attention_title: "需要优先关注的班级",
    no_attention: "目前没有需要关注的班级。",
    grades_table_title: "各年级一览",
    print_all_grades: "打印各年级报告",
    grade: "年级",
    class_count: "班级数",
    back_to_school: "返回学校总览",
    lang: Lang::Zh,
};

const EN: Texts = Texts {
    app_name: "Homework Time Log",
    switch_language: "Switch language / 切换语言",
    logout: "Log out",
    loading: "Loading…",
    login_title: "Log in",
    login_lead: "Enter the username and password your school gave you.",
    username: "Username",
    password: "Password",
    login_button: "Log in",
    logging_in: "Logging in…",
    wrong_credentials: "Wrong username or password.",
    too_many_attempts: "Too many attempts. Please wait a little and try again.",
    session_expired: "Your session has ended. Please log in again.",
    network_error: "Cannot reach the server. Check the network and try again.",
    unexpected_error: "The server's answer was not understood",
    forbidden: "You are not allowed to see this.",
    not_found_title: "Page not found",
    not_found_text: "This address does not exist, or you may not see it.",
    go_home: "Go to the start page",
    entry_title: "homework log",
    no_class_to_record: "Your account has no class, so there is nothing to record.",
    which_day: "Which day",
    today: "Today",
    yesterday: "Yesterday",
    other_day: "Another day",
    nothing_stored: "Nothing recorded for this day yet.",
    minutes_per_subject: "Minutes of homework per subject",
    minutes_unit: "min",
    quick_picks: "Quick picks",
    note_label: "Note (optional)",
    note_placeholder: "e.g. maths test tomorrow",
    day_total: "Total",
    within_limit: "within the limit",
    over_limit_hint: "Record it as it was; the teacher will see a flag.",
    no_written_homework: "Grades 1–2: no written homework",
    submit: "Submit",
    saving: "Saving…",
    unsaved: "Changes not submitted yet.",
    kept_try_again: "Your numbers are still here; press Submit again.",
    discard_changes: "Your changes to this day are not submitted. Switch to another day anyway?",
    conflict_title: "Someone else changed this day.",
    conflict_text: "While you were typing, someone (perhaps a teacher) saved this day. Load their record, or overwrite it with yours.",
    conflict_load_theirs: "Load their record",
    conflict_overwrite: "Overwrite with mine",
    last_two_weeks: "The last two weeks",
    day_missing: "school day not recorded",
    day_missing_short: "missing",
    no_report: "no report",
    record_or_correct: "Record or correct a day",
    class_average: "Class average",
    minutes_per_day: "min/day",
    over_by: "over by",
    days_reported: "Days reported",
    grade_average: "Grade average",
    grade_average_short: "grade avg",
    daily_limit: "Daily limit",
    limit_short: "limit",
    flags_title: "Flags",
    no_flags: "Nothing needs attention.",
    daily_totals: "Daily totals",
    subject_averages: "Average minutes per subject",
    no_reports_in_period: "no reports in this period",
    legend_within: "within the limit",
    legend_over: "over the limit",
    show_as_table: "Show as a table",
    date: "Date",
    total_minutes: "Total (min)",
    period: "Period",
    period_from: "From",
    period_to: "To",
    period_previous: "Previous",
    period_next: "Next",
    period_current: "Last two weeks",
    period_invalid: "The start must not be after the end, and a period is at most a year.",
    comparison_title: "class comparison",
    comparison_lead: "Each class's average daily homework against the grade average and the daily limit.",
    comparison_rules: "Class average = mean of the class's reported day totals; grade average = mean of the averages of classes with at least 3 reported days; a class more than 10 minutes and more than 20% from the grade average is drifting.",
    download_csv: "Download table (CSV)",
    print: "Print",
    classes_flagged: "Classes with flags",
    class: "Class",
    average_vs_limit: "Average (min)",
    deviation: "From grade average",
    school_overview_lead: "The grades and classes of the school.",
    open_comparison: "Compare the grade",
    no_classes: "No classes yet.",
    week: "Week",
    class_averages_chart: "Each class's average per day",
    holiday_short: "hol.",
    no_school: "no school",
    heat_legend_share: "¼ · ½ · ¾ · all of the limit",
    csv_short: "CSV",
    report_title: "homework time report",
    report_lead: "one page per grade, ready to print and file.",
    report_signature: "Grade leader's signature: ____________    Date: ____________",
    sort_by: "Sort by this column",
    sort_hint: "Click a column's header to sort by it; click again to reverse.",
    comparison_table_caption: "The classes compared",
    subjects_title: "Average minutes per subject, by class",
    subject_driver: "Biggest subject",
    heat_map_title: "Each class's total, day by day",
    heat_map_hint: "Darker: more of the limit used. Hatched with ▲: over the limit. Grey hatching: school day not recorded. Blank: weekend or holiday.",
    classes_over_limit: "Classes over the limit",
    classes_over_limit_hint: "average above the daily limit",
    week_trend_title: "Week by week (average per day)",
    period_presets: "Common periods",
    period_this_week: "This week",
    period_this_month: "This month",
    attention_title: "Classes that need attention first",
    no_attention: "No class needs attention now.",
    grades_table_title: "The grades at a glance",
    print_all_grades: "Print every grade's report",
    grade: "Grade",
    class_count: "Classes",
    back_to_school: "Back to the school overview",
    lang: Lang::En,
};

/// The strings of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

impl Texts {
    pub fn classes_count(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{n} 个班"),
            Lang::En if n == 1 => "1 class".to_owned(),
            Lang::En => format!("{n} classes"),
        }
    }

    /// Who saved a day, and when.
    pub fn stored_by(&self, who: &str, when: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已由 {who} 登记（{when}）。修改后再次提交会替换它。"),
            Lang::En => format!("Recorded by {who} ({when}). Submitting again replaces it."),
        }
    }

    /// Who saved the other version of a day, and when (after a conflict).
    pub fn saved_by(&self, who: &str, when: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{who} 于 {when} 保存的记录："),
            Lang::En => format!("Saved by {who} at {when}:"),
        }
    }

    pub fn saved_line(&self, date: &str, total: u32) -> String {
        match self.lang {
            Lang::Zh => format!("已保存：{date} 共 {total} 分钟。"),
            Lang::En => format!("Saved: {date}, {total} minutes in all."),
        }
    }
}

/// Sentences of the dashboards, with their numbers.
impl Texts {
    /// The day chart in one sentence, for its `aria-label`.
    pub fn day_chart_summary(
        &self,
        days: usize,
        over: usize,
        missing: usize,
        limit: u32,
    ) -> String {
        match self.lang {
            Lang::Zh => format!(
                "每日作业总时长，按学科分段：{days} 天中 {over} 天超出每日 {limit} 分钟上限，{missing} 个上课日未登记"
            ),
            Lang::En => format!(
                "Daily totals stacked by subject: {over} of {days} days over the {limit}-minute limit, {missing} school days not recorded"
            ),
        }
    }

    /// `11/9 起一周` / `week of 11/9`.
    pub fn week_of(&self, monday: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{monday} 起一周"),
            Lang::En => format!("week of {monday}"),
        }
    }

    /// The latest week's average, and how it moved from the week before.
    pub fn trend_sentence(
        &self,
        monday: &str,
        average: f64,
        change: Option<f64>,
        limit: u32,
    ) -> String {
        let over = average > f64::from(limit);
        match self.lang {
            Lang::Zh => {
                let mut s = format!("{monday} 起的一周日均 {average:.1} 分钟");
                match change {
                    Some(c) if c >= 0.05 => s.push_str(&format!("，比前一周多 {c:.1} 分钟 ▲")),
                    Some(c) if c <= -0.05 => s.push_str(&format!("，比前一周少 {:.1} 分钟 ▼", -c)),
                    Some(_) => s.push_str("，与前一周持平"),
                    None => {}
                }
                if over {
                    s.push_str(&format!("；超出 {limit} 分钟上限"));
                }
                s.push('。');
                s
            }
            Lang::En => {
                let mut s = format!("The week of {monday} averaged {average:.1} minutes a day");
                match change {
                    Some(c) if c >= 0.05 => {
                        s.push_str(&format!(", {c:.1} more than the week before ▲"))
                    }
                    Some(c) if c <= -0.05 => {
                        s.push_str(&format!(", {:.1} less than the week before ▼", -c))
                    }
                    Some(_) => s.push_str(", the same as the week before"),
                    None => {}
                }
                if over {
                    s.push_str(&format!("; over the {limit}-minute limit"));
                }
                s.push('.');
                s
            }
        }
    }

    /// The class bars in one sentence.
    pub fn class_bars_summary(
        &self,
        classes: usize,
        over: usize,
        limit: u32,
        average: Option<f64>,
    ) -> String {
        let avg = average.map_or_else(|| "–".to_owned(), |a| format!("{a:.1}"));
        match self.lang {
            Lang::Zh => format!(
                "各班日均作业时长：{classes} 个班中 {over} 个超出 {limit} 分钟上限；年级平均 {avg} 分钟"
            ),
            Lang::En => format!(
                "Each class's average per day: {over} of {classes} classes over the {limit}-minute limit; grade average {avg}"
            ),
        }
    }

    /// The heat map in one sentence.
    pub fn heat_map_summary(&self, classes: usize, limit: u32) -> String {
        match self.lang {
            Lang::Zh => format!("{classes} 个班每天的作业总时长，与每日 {limit} 分钟上限比较"),
            Lang::En => format!(
                "Each day's total of {classes} classes against the {limit}-minute daily limit"
            ),
        }
    }

    /// `数学最多：每天 40.0 分钟，占 35%`.
    pub fn driver_words(&self, subject: &str, minutes: f64, share: f64) -> String {
        match self.lang {
            Lang::Zh => format!("{subject}最多：每天 {minutes:.1} 分钟，占 {share:.0}%"),
            Lang::En => format!("{subject}: {minutes:.1} min a day, {share:.0}% of the load"),
        }
    }
}

/// The warning on the entry page while a day is over its limit.
pub fn over_limit_warning(lang: Lang, limit: u32, over: u32) -> String {
    match (lang, limit) {
        (Lang::Zh, 0) => format!("一、二年级不布置书面作业，现在填了 {over} 分钟"),
        (Lang::En, 0) => format!("Grades 1–2 get no written homework; this day has {over} minutes"),
        (Lang::Zh, _) => format!("超出每日 {limit} 分钟上限 {over} 分钟"),
        (Lang::En, _) => format!("{over} minutes over the {limit}-minute daily limit"),
    }
}

/// `七年级` / `Grade 7`.
pub fn grade_name(grade: Grade, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            const NAMES: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
            let name = NAMES.get(usize::from(grade.get()).saturating_sub(1)).copied().unwrap_or("");
            format!("{name}年级")
        }
        Lang::En => format!("Grade {grade}"),
    }
}

pub fn role_name(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::Monitor, Lang::Zh) => "作业记录员",
        (Role::Teacher, Lang::Zh) => "班主任",
        (Role::GradeLeader, Lang::Zh) => "年级组长",
        (Role::SchoolAdmin, Lang::Zh) => "学校管理员",
        (Role::Monitor, Lang::En) => "homework monitor",
        (Role::Teacher, Lang::En) => "class teacher",
        (Role::GradeLeader, Lang::En) => "grade leader",
        (Role::SchoolAdmin, Lang::En) => "school admin",
    }
}

/// A flag kind's short label, for badges.
pub fn flag_label(kind: &str, lang: Lang) -> &'static str {
    match (kind, lang) {
        ("over_daily_limit", Lang::Zh) => "单日超时",
        ("over_average_limit", Lang::Zh) => "日均超上限",
        ("drift_above", Lang::Zh) => "明显高于年级",
        ("drift_below", Lang::Zh) => "明显低于年级",
        ("missing_reports", Lang::Zh) => "漏登记",
        ("over_daily_limit", _) => "Day over limit",
        ("over_average_limit", _) => "Average over limit",
        ("drift_above", _) => "Well above grade",
        ("drift_below", _) => "Well below grade",
        ("missing_reports", _) => "Missing reports",
        (_, Lang::Zh) => "提醒",
        (_, Lang::En) => "Flag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_over_limit_warning_names_the_limit_and_the_excess() {
        assert_eq!(over_limit_warning(Lang::Zh, 90, 15), "超出每日 90 分钟上限 15 分钟");
        assert_eq!(
            over_limit_warning(Lang::En, 90, 15),
            "15 minutes over the 90-minute daily limit"
        );
        assert!(over_limit_warning(Lang::Zh, 0, 10).contains("不布置书面作业"));
    }

    #[test]
    fn grades_have_chinese_and_english_names() {
        let g = Grade::new(7).unwrap();
        assert_eq!(grade_name(g, Lang::Zh), "七年级");
        assert_eq!(grade_name(g, Lang::En), "Grade 7");
    }
}
