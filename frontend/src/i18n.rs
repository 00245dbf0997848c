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
    // School set-up: admin pages, roster import, tablet sign-in, own password.
    pub admin_title: &'static str,
    pub admin_nav_label: &'static str,
    pub admin_classes: &'static str,
    pub admin_classes_lead: &'static str,
    pub admin_accounts: &'static str,
    pub admin_accounts_lead: &'static str,
    pub admin_roster: &'static str,
    pub admin_roster_lead: &'static str,
    pub admin_policy: &'static str,
    pub admin_policy_lead: &'static str,
    pub admin_holidays: &'static str,
    pub admin_holidays_lead: &'static str,
    pub admin_audit: &'static str,
    pub admin_audit_lead: &'static str,
    pub admin_teaching: &'static str,
    pub admin_teaching_lead: &'static str,
    pub actions: &'static str,
    pub active: &'static str,
    pub add_holiday: &'static str,
    pub add_subject: &'static str,
    pub all_actions: &'static str,
    pub all_roles: &'static str,
    pub apply_filter: &'static str,
    pub archive: &'static str,
    pub archive_confirm: &'static str,
    pub archived_classes: &'static str,
    pub archived_explained: &'static str,
    pub audit_action: &'static str,
    pub audit_actor: &'static str,
    pub audit_change: &'static str,
    pub audit_empty: &'static str,
    pub audit_target: &'static str,
    pub audit_when: &'static str,
    pub break_too_long: &'static str,
    pub cancel: &'static str,
    pub change_password: &'static str,
    pub change_password_lead: &'static str,
    pub class_created: &'static str,
    pub class_name: &'static str,
    pub class_name_placeholder: &'static str,
    pub class_or_grade: &'static str,
    pub class_tablet: &'static str,
    pub class_tablets_lead: &'static str,
    pub clear_filter: &'static str,
    pub comparison_rules_title: &'static str,
    pub create_account: &'static str,
    pub create_class: &'static str,
    pub created_at: &'static str,
    pub current_password: &'static str,
    pub days_unit: &'static str,
    pub disable: &'static str,
    pub disable_confirm: &'static str,
    pub disabled: &'static str,
    pub discard: &'static str,
    pub display_name: &'static str,
    pub display_name_placeholder: &'static str,
    pub drift_min_minutes: &'static str,
    pub drift_min_minutes_help: &'static str,
    pub drift_ratio: &'static str,
    pub drift_ratio_help: &'static str,
    pub enable: &'static str,
    pub find_account: &'static str,
    pub find_account_placeholder: &'static str,
    pub first_password: &'static str,
    pub fix_marked_fields: &'static str,
    pub generate: &'static str,
    pub holiday_first_day: &'static str,
    pub holiday_last_day: &'static str,
    pub holiday_name: &'static str,
    pub holiday_name_placeholder: &'static str,
    pub holiday_until_help: &'static str,
    pub import_roster_instead: &'static str,
    pub issue_tablet_code: &'static str,
    pub last_used: &'static str,
    pub limits_and_subjects: &'static str,
    pub limits_and_subjects_lead: &'static str,
    pub min_days: &'static str,
    pub min_days_help: &'static str,
    pub move_earlier: &'static str,
    pub my_account: &'static str,
    pub my_pages: &'static str,
    pub never_used: &'static str,
    pub new_account: &'static str,
    pub new_class: &'static str,
    pub new_code_title: &'static str,
    pub new_name: &'static str,
    pub new_password: &'static str,
    pub new_password_again: &'static str,
    pub new_password_for: &'static str,
    pub next_year: &'static str,
    pub no_classes_yet: &'static str,
    pub no_holidays: &'static str,
    pub no_label: &'static str,
    pub no_tablet_codes: &'static str,
    pub not_a_number: &'static str,
    pub password_changed: &'static str,
    pub password_login_instead: &'static str,
    pub password_rules: &'static str,
    pub passwords_differ: &'static str,
    pub policy_saved: &'static str,
    pub previous_year: &'static str,
    pub remove: &'static str,
    pub rename: &'static str,
    pub reset_password: &'static str,
    pub retention_days: &'static str,
    pub retention_help: &'static str,
    pub retention_title: &'static str,
    pub revoke: &'static str,
    pub revoke_code_confirm: &'static str,
    pub revoked: &'static str,
    pub role: &'static str,
    pub roster_accounts_created: &'static str,
    pub roster_check: &'static str,
    pub roster_checking: &'static str,
    pub roster_classes_created: &'static str,
    pub roster_col_class: &'static str,
    pub roster_col_display_name: &'static str,
    pub roster_col_grade: &'static str,
    pub roster_col_password: &'static str,
    pub roster_col_role: &'static str,
    pub roster_col_username: &'static str,
    pub roster_column: &'static str,
    pub roster_columns_title: &'static str,
    pub roster_copy_as_text: &'static str,
    pub roster_download_template: &'static str,
    pub roster_file: &'static str,
    pub roster_file_hint: &'static str,
    pub roster_header_en: &'static str,
    pub roster_header_zh: &'static str,
    pub roster_import_now: &'static str,
    pub roster_imported_title: &'static str,
    pub roster_importing: &'static str,
    pub roster_meaning: &'static str,
    pub roster_nothing_new: &'static str,
    pub roster_nothing_stored: &'static str,
    pub roster_password_from_file: &'static str,
    pub roster_password_will_be_generated: &'static str,
    pub roster_passwords_once: &'static str,
    pub roster_preview_hint: &'static str,
    pub roster_preview_title: &'static str,
    pub roster_problem: &'static str,
    pub roster_row: &'static str,
    pub roster_rules: &'static str,
    pub roster_step_check: &'static str,
    pub roster_step_fill: &'static str,
    pub roster_step_template: &'static str,
    pub save: &'static str,
    pub save_policy: &'static str,
    pub set_password: &'static str,
    pub shown_once: &'static str,
    pub state: &'static str,
    pub subjects: &'static str,
    pub tablet_code: &'static str,
    pub tablet_code_label: &'static str,
    pub tablet_code_label_optional: &'static str,
    pub tablet_code_label_placeholder: &'static str,
    pub tablet_codes_title: &'static str,
    pub tablet_has_no_password: &'static str,
    pub tablet_sign_in_button: &'static str,
    pub tablet_sign_in_lead: &'static str,
    pub tablet_sign_in_link: &'static str,
    pub tablet_sign_in_title: &'static str,
    pub tablet_step_issue: &'static str,
    pub tablet_step_type: &'static str,
    pub tablet_step_revoke: &'static str,
    pub tablet_where_code: &'static str,
    pub tablet_wrong_code: &'static str,
    pub unarchive: &'static str,
    pub unsaved_changes: &'static str,
    pub username_placeholder: &'static str,
    pub window_days: &'static str,
    pub window_days_help: &'static str,
    pub written_down: &'static str,
    pub whole_school: &'static str,
    pub policy_limit_rule: &'static str,
    pub policy_subjects_rule: &'static str,
    pub policy_window_rule: &'static str,
    pub policy_drift_ratio_rule: &'static str,
    pub policy_drift_min_rule: &'static str,
    pub policy_min_days_rule: &'static str,
    pub policy_retention_rule: &'static str,
    pub roster_choose_file: &'static str,
    pub roster_no_file: &'static str,
    pub roster_import_another: &'static str,
    pub new_code_address: &'static str,
    pub scan_tablet_code: &'static str,
    pub expected_short: &'static str,
    pub you: &'static str,
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
    network_error: "现在连不上网络，请检查网络后再试。",
    unexpected_error: "出了点问题，请稍后再试",
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
    conflict_title: "老师改过这一天。",
    conflict_text: "你填的时候，老师（或别人）已经交了这一天的数字。用老师的数字最稳妥。",
    conflict_load_theirs: "用老师的数字（推荐）",
    conflict_overwrite: "还是用我的数字…",
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
    // School set-up.
    admin_title: "学校设置",
    admin_nav_label: "学校设置的各部分",
    admin_classes: "班级",
    admin_classes_lead: "新建、改名或归档班级，并为每个班的平板生成登录码。归档的班级保留记录，但不再参加对比、不能再登记。",
    admin_accounts: "账号",
    admin_accounts_lead: "为作业记录员、班主任、年级组长和管理员开账号；为忘记密码的人设新密码；停用不再需要的账号（它的登录立即失效）。",
    admin_roster: "名单导入",
    admin_roster_lead: "用一个 CSV 表格一次建好全校的班级和账号。先检查，没有问题再导入；文件有问题时不会保存任何内容。",
    admin_policy: "上限与学科",
    admin_policy_lead: "各年级的每日作业上限和要登记的学科，以及对比规则。默认值即“双减”规定：一、二年级不布置书面作业，三至六年级 60 分钟，七至九年级 90 分钟。",
    admin_holidays: "节假日",
    admin_holidays_lead: "放假的工作日不算上课日，不会记为“漏登记”。",
    admin_audit: "操作日志",
    admin_audit_lead: "每一次修改都有记录：谁、何时、从哪里、改了什么。日志不能修改，也不能删除。",
    admin_teaching: "任课安排",
    admin_teaching_lead: "哪位老师教哪个班的哪一科：他们为这些班和学科备案作业。",
    actions: "操作",
    active: "使用中",
    add_holiday: "添加节假日",
    add_subject: "添加学科",
    all_actions: "全部操作",
    all_roles: "全部角色",
    apply_filter: "筛选",
    archive: "归档",
    archive_confirm: "归档这个班级？它的记录会保留，但不再参加对比，也不能再登记：",
    archived_classes: "已归档的班级",
    archived_explained: "这些班级的记录仍然保留；恢复后会重新参加对比。",
    audit_action: "操作",
    audit_actor: "操作人",
    audit_change: "修改内容",
    audit_empty: "没有符合条件的记录。",
    audit_target: "对象",
    audit_when: "时间",
    break_too_long: "一次最多添加 70 个工作日，长假请分段添加。",
    cancel: "取消",
    change_password: "修改密码",
    change_password_lead: "修改后，你在其他设备上的登录会退出。",
    class_created: "已新建班级",
    class_name: "班级名称",
    class_name_placeholder: "例如 7(3)",
    class_or_grade: "班级 / 年级",
    class_tablet: "班级平板",
    class_tablets_lead: "班级平板用 12 位登录码登录，学生不需要记用户名和密码。",
    clear_filter: "清除",
    comparison_rules_title: "对比规则",
    create_account: "新建账号",
    create_class: "新建班级",
    created_at: "生成时间",
    current_password: "当前密码",
    days_unit: "天",
    disable: "停用",
    disable_confirm: "停用这个账号？它会立即退出登录，之后不能再登录：",
    disabled: "已停用",
    discard: "放弃修改",
    display_name: "姓名",
    display_name_placeholder: "例如 王丽",
    drift_min_minutes: "偏离：至少相差",
    drift_min_minutes_help: "并且相差超过这么多分钟。默认 10。",
    drift_ratio: "偏离：相差超过",
    drift_ratio_help: "班级日均与年级平均相差超过这个百分比…（默认 20%）",
    enable: "启用",
    find_account: "查找账号",
    find_account_placeholder: "姓名、用户名或班级",
    first_password: "初始密码",
    fix_marked_fields: "请改正标出的项目后再保存。",
    generate: "换一个",
    holiday_first_day: "日期（或假期第一天）",
    holiday_last_day: "假期最后一天（可不填）",
    holiday_name: "名称",
    holiday_name_placeholder: "例如 国庆节",
    holiday_until_help: "填了最后一天，其间每个周一至周五都设为放假。",
    import_roster_instead: "用名单导入一次建好所有班级和账号 →",
    issue_tablet_code: "生成新登录码",
    last_used: "最近使用",
    limits_and_subjects: "各年级的上限与学科",
    limits_and_subjects_lead: "学科的顺序就是登记页上的顺序。",
    min_days: "最少登记天数",
    min_days_help: "登记满这么多天的班级才计入年级平均、才判断偏离。默认 3。",
    move_earlier: "往前移",
    my_account: "我的账号",
    my_pages: "我的页面",
    never_used: "还没用过",
    new_account: "新建账号",
    new_class: "新建班级",
    new_code_title: "新的平板登录码",
    new_name: "新名称",
    new_password: "新密码",
    new_password_again: "再输入一次新密码",
    new_password_for: "给账号设新密码",
    next_year: "下一学年",
    no_classes_yet: "还没有班级。",
    no_holidays: "这一学年还没有设置节假日。",
    no_label: "（未命名）",
    no_tablet_codes: "这个班还没有平板登录码。",
    not_a_number: "请填写一个数字。",
    password_changed: "密码已修改。",
    password_login_instead: "用用户名和密码登录",
    password_rules: "密码至少 8 个字符，不能是常见密码。",
    passwords_differ: "两次输入的新密码不一样。",
    policy_saved: "已保存，所有页面立即使用新的设置。",
    previous_year: "上一学年",
    remove: "删除",
    rename: "改名",
    reset_password: "重设密码",
    retention_days: "登记记录保留",
    retention_help: "超过这么多天的登记会自动删除（30–3660 天）；留空表示一直保留。",
    retention_title: "数据保留",
    revoke: "撤销",
    revoke_code_confirm: "撤销这个登录码？用它登录的平板会立即退出。",
    revoked: "已撤销",
    role: "角色",
    roster_accounts_created: "新建的账号",
    roster_check: "检查文件（不保存）",
    roster_checking: "正在检查…",
    roster_classes_created: "新建的班级",
    roster_col_class: "班级名称，例如 7(3)；学校还没有的班级会自动新建。",
    roster_col_display_name: "显示的姓名，可以用中文；不填则用用户名。",
    roster_col_grade: "年级，1–9。",
    roster_col_password: "初始密码，至少 8 个字符；不填则自动生成，导入后只显示一次。",
    roster_col_role: "记录员、班主任、年级组长或管理员（也可写 monitor、teacher、grade_leader、school_admin）；不填表示这一行只建班级。",
    roster_col_username: "登录用的用户名：2–40 个字母、数字、点、下划线或连字符。",
    roster_column: "列",
    roster_columns_title: "表格的各列",
    roster_copy_as_text: "复制为文本（用户名和密码）",
    roster_download_template: "下载模板",
    roster_file: "名单文件（CSV）",
    roster_file_hint: "Excel 或 WPS 另存为 CSV 即可（UTF-8 或 GBK 编码都能读）。最大 2 MB。",
    roster_header_en: "英文列名",
    roster_header_zh: "中文列名",
    roster_import_now: "确认导入",
    roster_imported_title: "导入完成",
    roster_importing: "正在导入…",
    roster_meaning: "填写什么",
    roster_nothing_new: "文件里的班级和账号都已存在，没有新建任何内容。",
    roster_nothing_stored: "没有保存任何内容。请在表格中改正这些行，再检查一次。",
    roster_password_from_file: "使用文件中的密码",
    roster_password_will_be_generated: "导入后显示（未填的自动生成）",
    roster_passwords_once: "下面自动生成的密码只显示这一次。请现在打印或复制，交给各位老师和同学。",
    roster_preview_hint: "这只是检查，还没有保存。确认无误后点“确认导入”。",
    roster_preview_title: "检查通过",
    roster_problem: "问题",
    roster_row: "行",
    roster_rules: "第一行是列名（中英文均可，顺序不限）。全部正确才会导入：任何一行有问题，都不会保存。",
    roster_step_check: "选择文件，先检查；没有问题再确认导入。",
    roster_step_fill: "用 Excel 或 WPS 填写：每个班一行，每个账号一行。",
    roster_step_template: "（每种行都有一个例子）",
    save: "保存",
    save_policy: "保存设置",
    set_password: "设置密码",
    shown_once: "这个码只显示这一次，离开后无法再查看。丢了就撤销它，再生成一个。",
    state: "状态",
    subjects: "学科",
    tablet_code: "平板登录码（12 位数字）",
    tablet_code_label: "名称",
    tablet_code_label_optional: "名称（可不填）",
    tablet_code_label_placeholder: "例如 教室平板",
    tablet_codes_title: "平板登录码",
    tablet_has_no_password: "班级平板用登录码登录，没有密码。",
    tablet_sign_in_button: "登录",
    tablet_sign_in_lead: "输入班主任或学校管理员给的 12 位数字码。",
    tablet_sign_in_link: "班级平板登录",
    tablet_sign_in_title: "班级平板登录",
    tablet_step_issue: "点“生成新登录码”，码只显示一次。",
    tablet_step_type: "在班级平板上打开登录页，点“班级平板登录”，输入这个码。",
    tablet_step_revoke: "平板丢了或码泄露了，就撤销它：用它登录的平板会立即退出。",
    tablet_where_code: "没有码？请班主任在“班级平板”页生成一个。",
    tablet_wrong_code: "这个码不对，或者已被撤销。",
    unarchive: "恢复",
    unsaved_changes: "有修改还没保存。",
    username_placeholder: "例如 wang.li",
    window_days: "对比时段",
    window_days_help: "对比和提醒看最近多少天。默认 14。",
    written_down: "已记下，隐藏",
    whole_school: "全校",
    policy_limit_rule: "每日上限须在 0–600 分钟之间。",
    policy_subjects_rule: "每个年级要有 1–20 个学科，不能重复。",
    policy_window_rule: "对比时段须在 1–366 天之间。",
    policy_drift_ratio_rule: "须在 0–100% 之间。",
    policy_drift_min_rule: "须在 0–600 分钟之间。",
    policy_min_days_rule: "须至少 1 天，且不超过对比时段。",
    policy_retention_rule: "须在 30–3660 天之间，或留空（一直保留）。",
    roster_choose_file: "选择 CSV 文件…",
    roster_no_file: "还没有选择文件",
    roster_import_another: "导入另一个文件",
    new_code_address: "班级平板登录地址：",
    scan_tablet_code: "用平板相机扫码，登录码自动填好",
    expected_short: "备案预计",
    you: "你",
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
    conflict_title: "A teacher changed this day.",
    conflict_text: "While you were typing, a teacher (or someone else) saved this day. Keeping the teacher's numbers is the safe choice.",
    conflict_load_theirs: "Keep the teacher's numbers (recommended)",
    conflict_overwrite: "Use my numbers instead…",
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
    // School set-up.
    admin_title: "School set-up",
    admin_nav_label: "Parts of the school set-up",
    admin_classes: "Classes",
    admin_classes_lead: "Create, rename or archive classes, and issue sign-in codes for each class's tablet. An archived class keeps its reports but leaves the comparisons and takes no new ones.",
    admin_accounts: "Accounts",
    admin_accounts_lead: "Open accounts for homework monitors, class teachers, grade leaders and admins; set a new password for someone who forgot theirs; disable accounts no longer needed (their sessions end at once).",
    admin_roster: "Roster import",
    admin_roster_lead: "Set up the school's classes and accounts from one CSV file. Check it first, then import it; a file with problems stores nothing.",
    admin_policy: "Limits & subjects",
    admin_policy_lead: "Each grade's daily homework limit and the subjects its monitors record, and the comparison rules. The defaults are the national \"double reduction\" rule: no written homework in grades 1–2, 60 minutes in 3–6, 90 in 7–9.",
    admin_holidays: "Holidays",
    admin_holidays_lead: "Weekdays off school are not school days, so they never count as missing reports.",
    admin_audit: "Audit log",
    admin_audit_lead: "Every change is recorded: who, when, from where, and what changed. Nobody can change or delete the log.",
    admin_teaching: "Teaching",
    admin_teaching_lead: "Which teacher teaches which subject in which class: they file those classes' and subjects' homework plans.",
    actions: "Actions",
    active: "Active",
    add_holiday: "Add holiday",
    add_subject: "Add subject",
    all_actions: "All actions",
    all_roles: "All roles",
    apply_filter: "Filter",
    archive: "Archive",
    archive_confirm: "Archive this class? Its reports are kept, but it leaves the comparisons and takes no new reports:",
    archived_classes: "Archived classes",
    archived_explained: "Their reports are kept; a class brought back joins the comparisons again.",
    audit_action: "Action",
    audit_actor: "Who",
    audit_change: "Change",
    audit_empty: "No entries match.",
    audit_target: "What",
    audit_when: "When",
    break_too_long: "At most 70 weekdays at a time; add a long break in parts.",
    cancel: "Cancel",
    change_password: "Change password",
    change_password_lead: "Your sessions on other devices end when you change it.",
    class_created: "Class created:",
    class_name: "Class name",
    class_name_placeholder: "e.g. 7(3)",
    class_or_grade: "Class / grade",
    class_tablet: "Class tablet",
    class_tablets_lead: "The class tablet signs in with a 12-digit code: no username or password for pupils to remember.",
    clear_filter: "Clear",
    comparison_rules_title: "Comparison rules",
    create_account: "Create account",
    create_class: "Create class",
    created_at: "Created",
    current_password: "Current password",
    days_unit: "days",
    disable: "Disable",
    disable_confirm: "Disable this account? It is logged out at once and cannot log in again:",
    disabled: "Disabled",
    discard: "Discard changes",
    display_name: "Name",
    display_name_placeholder: "e.g. Wang Li",
    drift_min_minutes: "Drift: at least",
    drift_min_minutes_help: "…and more than this many minutes. Default 10.",
    drift_ratio: "Drift: more than",
    drift_ratio_help: "A class this share away from the grade average… (default 20%)",
    enable: "Enable",
    find_account: "Find an account",
    find_account_placeholder: "Name, username or class",
    first_password: "First password",
    fix_marked_fields: "Please correct the marked fields, then save.",
    generate: "New one",
    holiday_first_day: "Date (or first day of a break)",
    holiday_last_day: "Last day of the break (optional)",
    holiday_name: "Name",
    holiday_name_placeholder: "e.g. National Day",
    holiday_until_help: "With a last day, every Monday to Friday in between becomes a holiday.",
    import_roster_instead: "Set them all up with a roster import →",
    issue_tablet_code: "Issue a new code",
    last_used: "Last used",
    limits_and_subjects: "Limits and subjects per grade",
    limits_and_subjects_lead: "The entry page shows the subjects in this order.",
    min_days: "Minimum days reported",
    min_days_help: "Only classes with this many reported days count in the grade average and can drift. Default 3.",
    move_earlier: "Move earlier",
    my_account: "My account",
    my_pages: "My pages",
    never_used: "Never",
    new_account: "New account",
    new_class: "New class",
    new_code_title: "new tablet code",
    new_name: "New name",
    new_password: "New password",
    new_password_again: "New password again",
    new_password_for: "New password for",
    next_year: "Next school year",
    no_classes_yet: "No classes yet.",
    no_holidays: "No holidays set for this school year yet.",
    no_label: "(no name)",
    no_tablet_codes: "This class has no tablet codes yet.",
    not_a_number: "Enter a number.",
    password_changed: "Your password was changed.",
    password_login_instead: "Log in with a username and password",
    password_rules: "At least 8 characters, and not a common password.",
    passwords_differ: "The two new passwords differ.",
    policy_saved: "Saved. Every page uses the new settings now.",
    previous_year: "Previous school year",
    remove: "Remove",
    rename: "Rename",
    reset_password: "Reset password",
    retention_days: "Keep day reports for",
    retention_help: "Older day reports are deleted automatically (30–3660 days); empty keeps them.",
    retention_title: "Data retention",
    revoke: "Revoke",
    revoke_code_confirm: "Revoke this code? Tablets signed in with it are signed out at once.",
    revoked: "Revoked",
    role: "Role",
    roster_accounts_created: "Accounts",
    roster_check: "Check the file (stores nothing)",
    roster_checking: "Checking…",
    roster_classes_created: "New classes",
    roster_col_class: "The class's name, e.g. 7(3); created if the school lacks it.",
    roster_col_display_name: "The name shown; Chinese is fine. Empty: the username.",
    roster_col_grade: "The grade, 1–9.",
    roster_col_password: "A first password, at least 8 characters; empty: one is generated and shown once after the import.",
    roster_col_role: "monitor, teacher, grade_leader or school_admin (or 记录员, 班主任, 年级组长, 管理员); empty: the row only creates the class.",
    roster_col_username: "The username to log in with: 2–40 letters, digits, '.', '_' or '-'.",
    roster_column: "Column",
    roster_columns_title: "The columns",
    roster_copy_as_text: "Copy as text (usernames and passwords)",
    roster_download_template: "Download the template",
    roster_file: "Roster file (CSV)",
    roster_file_hint: "In Excel or WPS: Save As → CSV (UTF-8 or GBK are both read). At most 2 MB.",
    roster_header_en: "English header",
    roster_header_zh: "Chinese header",
    roster_import_now: "Import now",
    roster_imported_title: "Imported",
    roster_importing: "Importing…",
    roster_meaning: "What to fill in",
    roster_nothing_new: "Everything in the file exists already; nothing new.",
    roster_nothing_stored: "Nothing was stored. Correct these rows in the file and check it again.",
    roster_password_from_file: "as given in the file",
    roster_password_will_be_generated: "shown after the import (generated where the file has none)",
    roster_passwords_once: "The generated passwords below are shown only this once. Print or copy them now and hand them out.",
    roster_preview_hint: "This was only a check; nothing is stored yet. If it looks right, press Import now.",
    roster_preview_title: "The file is fine",
    roster_problem: "Problem",
    roster_row: "Row",
    roster_rules: "The first row names the columns (English or Chinese, any order). All or nothing: if any row has a problem, nothing is stored.",
    roster_step_check: "Choose the file and check it; if it is fine, import it.",
    roster_step_fill: "Fill it in with Excel or WPS: a row per class, a row per account.",
    roster_step_template: "(with an example of each kind of row)",
    save: "Save",
    save_policy: "Save settings",
    set_password: "Set password",
    shown_once: "The code is shown only now. If it gets lost, revoke it and issue a new one.",
    state: "State",
    subjects: "Subjects",
    tablet_code: "Tablet code (12 digits)",
    tablet_code_label: "Name",
    tablet_code_label_optional: "Name (optional)",
    tablet_code_label_placeholder: "e.g. classroom tablet",
    tablet_codes_title: "Tablet codes",
    tablet_has_no_password: "A class tablet signs in with a code and has no password.",
    tablet_sign_in_button: "Sign in",
    tablet_sign_in_lead: "Type the 12-digit code from the class teacher or the school admin.",
    tablet_sign_in_link: "Class tablet sign-in",
    tablet_sign_in_title: "Class tablet sign-in",
    tablet_step_issue: "Press \"Issue a new code\"; the code is shown only once.",
    tablet_step_type: "On the class tablet, open the login page, choose \"Class tablet sign-in\" and type the code.",
    tablet_step_revoke: "If the tablet is lost or the code leaks, revoke it: tablets signed in with it are signed out at once.",
    tablet_where_code: "No code? The class teacher issues one on the Class tablet page.",
    tablet_wrong_code: "That code is wrong or has been revoked.",
    unarchive: "Bring back",
    unsaved_changes: "Unsaved changes.",
    username_placeholder: "e.g. wang.li",
    window_days: "Comparison window",
    window_days_help: "How many days the comparisons and flags look back. Default 14.",
    written_down: "Written down: hide it",
    whole_school: "Whole school",
    policy_limit_rule: "A limit is 0 to 600 minutes.",
    policy_subjects_rule: "A grade needs 1 to 20 subjects, none twice.",
    policy_window_rule: "The window is 1 to 366 days.",
    policy_drift_ratio_rule: "Between 0 and 100%.",
    policy_drift_min_rule: "Between 0 and 600 minutes.",
    policy_min_days_rule: "At least 1 day, and no more than the window.",
    policy_retention_rule: "30 to 3660 days, or empty to keep them.",
    roster_choose_file: "Choose a CSV file…",
    roster_no_file: "No file chosen",
    roster_import_another: "Import another file",
    new_code_address: "Tablet sign-in address:",
    scan_tablet_code: "Scan with the tablet's camera: the code fills itself in",
    expected_short: "filed:",
    you: "you",
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

/// What the entry page says while a day is over its limit: a fact and a thank-you, never a
/// warning to the monitor (the limit is the teachers' concern; an honest number is what we ask).
pub fn over_limit_warning(lang: Lang, limit: u32, over: u32) -> String {
    match (lang, limit) {
        (Lang::Zh, 0) => format!(
            "一、二年级不布置书面作业，这一天填了 {over} 分钟。照实记录就好，老师会看到。谢谢你！"
        ),
        (Lang::En, 0) => format!(
            "Grades 1–2 get no written homework; this day has {over} minutes. Just record what really happened: your teachers will see it. Thank you!"
        ),
        (Lang::Zh, _) => {
            format!("比每天 {limit} 分钟多了 {over} 分钟。照实记录就好，老师会看到。谢谢你！")
        }
        (Lang::En, _) => format!(
            "{over} minutes more than the {limit} minutes of a day. Just record what really happened: your teachers will see it. Thank you!"
        ),
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
        (Role::SubjectTeacher, Lang::Zh) => "任课教师",
        (Role::SubjectTeacher, Lang::En) => "subject teacher",
        (Role::DistrictAdmin, Lang::Zh) => "区域管理员",
        (Role::DistrictAdmin, Lang::En) => "district admin",
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
        ("actual_above_expected", Lang::Zh) => "实际超出备案",
        ("spot_check_discrepancy", Lang::Zh) => "抽查不符",
        ("over_daily_limit", _) => "Day over limit",
        ("over_average_limit", _) => "Average over limit",
        ("drift_above", _) => "Well above grade",
        ("drift_below", _) => "Well below grade",
        ("missing_reports", _) => "Missing reports",
        ("actual_above_expected", _) => "Took longer than filed",
        ("spot_check_discrepancy", _) => "Spot check differs",
        (_, Lang::Zh) => "提醒",
        (_, Lang::En) => "Flag",
    }
}

/// Sentences of the set-up pages that carry numbers or names.
impl Texts {
    pub fn account_created(&self, username: &str, password: &str) -> String {
        match self.lang {
            Lang::Zh => format!(
                "已新建账号 {username}，初始密码 {password}。请记下并交给本人，之后不再显示。"
            ),
            Lang::En => format!(
                "Account {username} created; its first password is {password}. Write it down and hand it over: it is not shown again."
            ),
        }
    }

    pub fn accounts_shown(&self, shown: usize, total: usize) -> String {
        match self.lang {
            Lang::Zh => format!("显示 {shown} / {total} 个账号"),
            Lang::En => format!("{shown} of {total} accounts"),
        }
    }

    pub fn add_days(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("添加 {n} 天"),
            Lang::En => format!("Add {n} days"),
        }
    }

    pub fn digits_typed(&self, n: usize, of: usize) -> String {
        match self.lang {
            Lang::Zh => format!("已输入 {n} / {of} 位"),
            Lang::En => format!("{n} of {of} digits"),
        }
    }

    /// The drift rule in words, with the numbers as typed in the policy form.
    pub fn drift_sentence(
        &self,
        percent: &str,
        minutes: &str,
        min_days: &str,
        window: &str,
    ) -> String {
        match self.lang {
            Lang::Zh => format!(
                "看最近 {window} 天：登记满 {min_days} 天的班级，日均与年级平均相差超过 {percent}% 且超过 {minutes} 分钟，就提醒“明显偏离”。"
            ),
            Lang::En => format!(
                "Over the last {window} days, a class with at least {min_days} reported days whose average is more than {percent}% and more than {minutes} minutes from the grade average is flagged as drifting."
            ),
        }
    }

    pub fn holidays_added(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("已添加 {n} 天。"),
            Lang::En if n == 1 => "Added 1 day.".to_owned(),
            Lang::En => format!("Added {n} days."),
        }
    }

    pub fn holidays_count(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("共 {n} 天"),
            Lang::En if n == 1 => "1 day".to_owned(),
            Lang::En => format!("{n} days"),
        }
    }

    pub fn older_entries(&self, n: u32) -> String {
        match self.lang {
            Lang::Zh => format!("再显示 {n} 条更早的记录"),
            Lang::En => format!("Show {n} older entries"),
        }
    }

    pub fn password_set(&self, username: &str, password: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{username} 的新密码 {password} 已生效，其他设备上的登录已退出。"),
            Lang::En => format!(
                "{username}'s new password {password} works now; their other sessions have ended."
            ),
        }
    }

    pub fn roster_problems_title(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("文件有 {n} 个问题"),
            Lang::En if n == 1 => "The file has 1 problem".to_owned(),
            Lang::En => format!("The file has {n} problems"),
        }
    }

    pub fn roster_summary(&self, rows: u32, classes: usize, accounts: usize) -> String {
        match self.lang {
            Lang::Zh => format!("共 {rows} 行：新建 {classes} 个班级、{accounts} 个账号。"),
            Lang::En => format!("{rows} rows: {classes} new classes, {accounts} new accounts."),
        }
    }

    /// `2026–2027 学年` / `School year 2026–2027`.
    pub fn school_year(&self, start: i32) -> String {
        match self.lang {
            Lang::Zh => format!("{start}–{} 学年", start + 1),
            Lang::En => format!("School year {start}–{}", start + 1),
        }
    }
}

/// Our words for a problem code of the server (its own sentences are English); `None` for a
/// code we have no words for.
pub fn problem_label(code: &str, lang: Lang) -> Option<&'static str> {
    let (zh, en) = match code {
        "username_taken" => ("这个用户名已被使用", "That username is taken"),
        "invalid_username" => (
            "用户名须为 2–40 个字母、数字、点、下划线或连字符",
            "A username needs 2–40 letters, digits, '.', '_' or '-'",
        ),
        "weak_password" => (
            "密码太弱：至少 8 个字符，不能是常见密码",
            "Too weak: at least 8 characters, and not a common password",
        ),
        "wrong_password" => ("当前密码不对", "The current password is wrong"),
        "invalid_name" => ("名称不能为空，也不能太长", "A name must not be empty or too long"),
        "class_name_taken" => ("已有同名的班级", "A class with that name exists"),
        "invalid_grade" => ("年级须为 1–9", "The grade must be 1–9"),
        "invalid_role" => (
            "角色须为记录员、班主任、年级组长或管理员",
            "Not a role: monitor, teacher, grade_leader or school_admin",
        ),
        "class_required" => ("记录员和班主任需要年级和班级", "A monitor or teacher needs a class"),
        "grade_required" => ("年级组长需要年级", "A grade leader needs a grade"),
        "unknown_class" => ("学校没有这个班级", "The school has no such class"),
        "cannot_disable_self" => ("不能停用自己的账号", "You cannot disable your own account"),
        "duplicate_username" => ("用户名在文件里出现了两次", "The username appears twice"),
        "class_grade_mismatch" => ("这个班级属于另一个年级", "That class is in another grade"),
        "missing_column" => ("缺少必需的列", "A required column is missing"),
        "unknown_column" => ("无法识别的列名", "Unknown column"),
        "duplicate_column" => ("列名重复", "A column appears twice"),
        "roster_empty" => {
            ("文件是空的，请从模板开始", "The file is empty; start from the template")
        }
        "too_many_rows" => ("行数太多（最多 5000 行）", "Too many rows (at most 5000)"),
        "not_utf8" => (
            "文件既不是 UTF-8 也不是 GBK 编码：在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
            "Neither UTF-8 nor GBK: in Excel, save as \"CSV UTF-8 (comma delimited)\"",
        ),
        // A day report the server refused (the monitor's outbox shows these).
        "class_archived" => {
            ("这个班级已归档，不再接收新的记录", "This class is archived and takes no new reports")
        }
        "unknown_subject" => ("有一门学科不属于本年级", "A subject is not one of this grade's"),
        "duplicate_subject" => ("同一门学科填了两次", "A subject appears twice"),
        "minutes_out_of_range" => {
            ("每门学科须在 0–240 分钟之间", "Each subject takes 0–240 minutes")
        }
        "day_total_too_large" => {
            ("一天合计不能超过 600 分钟", "A day adds up to at most 600 minutes")
        }
        "future_date" => ("不能登记以后的日期", "A day in the future cannot be recorded"),
        "outside_edit_window" => (
            "这一天太早了，记录员已不能登记，请找班主任",
            "That day is too long ago for a monitor; ask the teacher",
        ),
        "note_too_long" => ("备注太长", "The note is too long"),
        "forbidden" => ("这个账号不能登记这个班级", "This account may not record for this class"),
        _ => return None,
    };
    Some(if lang == Lang::Zh { zh } else { en })
}

/// A problem of the server in the person's language: in Chinese our words for its code, in
/// English (or for a code we have no words for) the server's own, more precise sentence.
pub fn problem_text(code: &str, message: &str, lang: Lang) -> String {
    match (lang, problem_label(code, lang)) {
        (Lang::Zh, Some(label)) => label.to_owned(),
        _ => message.to_owned(),
    }
}

/// What an action of the audit log did, in words; unknown actions as they are.
pub fn audit_action_label(action: &str, lang: Lang) -> String {
    let (zh, en) = match action {
        "report.put" => ("登记作业", "Day report saved"),
        "class.create" => ("新建班级", "Class created"),
        "class.update" => ("修改班级", "Class changed"),
        "user.create" => ("新建账号", "Account created"),
        "user.update" => ("修改账号", "Account changed"),
        "user.password" => ("设置密码", "Password set"),
        "policy.update" => ("修改上限与学科", "Policy changed"),
        "holiday.put" => ("设置节假日", "Holiday set"),
        "holiday.delete" => ("删除节假日", "Holiday removed"),
        "roster.import" => ("导入名单", "Roster imported"),
        "tablet_code.create" => ("生成平板码", "Tablet code issued"),
        "tablet_code.revoke" => ("撤销平板码", "Tablet code revoked"),
        "auth.login" => ("登录", "Log-in"),
        "auth.tablet" => ("平板登录", "Tablet sign-in"),
        "auth.login_failed" => ("登录失败", "Failed log-in"),
        "auth.logout" => ("退出登录", "Log-out"),
        "retention.purge" => ("按保留期删除", "Old reports deleted"),
        "school.create" => ("建立学校", "School created"),
        other => return other.to_owned(),
    };
    (if lang == Lang::Zh { zh } else { en }).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_over_limit_line_names_the_limit_and_the_excess_and_thanks_the_monitor() {
        let zh = over_limit_warning(Lang::Zh, 90, 15);
        assert!(zh.starts_with("比每天 90 分钟多了 15 分钟"), "{zh}");
        assert!(zh.contains("谢谢你") && !zh.contains("超出"), "{zh}");
        let en = over_limit_warning(Lang::En, 90, 15);
        assert!(en.starts_with("15 minutes more than the 90 minutes") && en.contains("Thank you"));
        assert!(over_limit_warning(Lang::Zh, 0, 10).contains("不布置书面作业"));
    }

    #[test]
    fn grades_have_chinese_and_english_names() {
        let g = Grade::new(7).unwrap();
        assert_eq!(grade_name(g, Lang::Zh), "七年级");
        assert_eq!(grade_name(g, Lang::En), "Grade 7");
    }
}
