//! Roster import: a school's classes and accounts from one CSV, all or nothing, with every
//! problem listed by row; and the template to fill in.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::{Problem, Role, RosterAccount, RosterResult};
use shared::{Grade, Lang};
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser, password};
use crate::db::{Actor, RosterAccountRow};
use crate::error::{AppError, AppResult};
use crate::http::csv::Csv;
use crate::http::extract::AppQuery;
use crate::http::names::{check_name, check_username};
use crate::http::negotiate::lang_of;

/// The largest roster file accepted.
const MAX_ROSTER_BYTES: usize = 2 * 1024 * 1024;
/// The most rows one file may have (a large school has a few hundred accounts).
const MAX_ROWS: usize = 5000;
/// Problems listed at most; a file this wrong needs fixing at its source anyway.
const MAX_PROBLEMS: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/roster/template.csv", get(template))
        .route("/roster/import", post(import).layer(DefaultBodyLimit::max(MAX_ROSTER_BYTES)))
}

/// A column of the roster, by its English or Chinese header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Column {
    Grade,
    Class,
    Role,
    Username,
    DisplayName,
    Password,
    /// The subjects a teacher or subject teacher teaches in the row's class (optional).
    Subjects,
}

impl Column {
    /// The template's columns.
    const ALL: [Column; 6] = [
        Column::Grade,
        Column::Class,
        Column::Role,
        Column::Username,
        Column::DisplayName,
        Column::Password,
    ];
    /// Every column a file may have.
    const READ: [Column; 7] = [
        Column::Grade,
        Column::Class,
        Column::Role,
        Column::Username,
        Column::DisplayName,
        Column::Password,
        Column::Subjects,
    ];

    fn names(self) -> (&'static str, &'static str) {
        match self {
            Column::Grade => ("grade", "年级"),
            Column::Class => ("class", "班级"),
            Column::Role => ("role", "角色"),
            Column::Username => ("username", "用户名"),
            Column::DisplayName => ("display_name", "姓名"),
            Column::Password => ("password", "密码"),
            Column::Subjects => ("subjects", "任教学科"),
        }
    }

    fn parse(header: &str) -> Option<Column> {
        let h = header.trim().to_lowercase();
        Column::READ.into_iter().find(|c| {
            let (en, zh) = c.names();
            h == en || h == zh
        })
    }
}

fn role_of(s: &str) -> Option<Option<Role>> {
    match s.trim().to_lowercase().as_str() {
        "" => Some(None),
        "monitor" | "记录员" | "作业管理调查员" | "调查员" => {
            Some(Some(Role::Monitor))
        }
        "teacher" | "班主任" | "教师" => Some(Some(Role::Teacher)),
        "grade_leader" | "年级组长" => Some(Some(Role::GradeLeader)),
        "school_admin" | "管理员" => Some(Some(Role::SchoolAdmin)),
        "subject_teacher" | "任课教师" | "任课老师" => Some(Some(Role::SubjectTeacher)),
        _ => None,
    }
}

/// Splits CSV text into records of cells (RFC 4180: quotes, doubled quotes, line breaks in
/// quotes; CRLF or LF), each with the line of the file it starts on.
fn parse_csv(text: &str) -> Vec<(u32, Vec<String>)> {
    let mut records = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut starts_on = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if cell.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) if chars.peek() == Some(&'\n') => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                records.push((starts_on, std::mem::take(&mut row)));
                starts_on = line;
            }
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        records.push((starts_on, row));
    }
    records
}

/// One checked row of the file.
struct Row {
    line: u32,
    grade: Option<Grade>,
    class: Option<String>,
    role: Option<Role>,
    username: String,
    display_name: String,
    password: Option<String>,
    /// Subject keys taught in the row's class.
    subjects: Vec<String>,
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, line: u32, column: Option<Column>, code: &str, message: impl Into<String>) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(Problem {
                code: code.to_owned(),
                message: format!("row {line}: {}", message.into()),
                row: Some(line),
                column: column.map(|c| c.names().0.to_owned()),
            });
        }
    }
}

/// Reads and checks every row on its own; problems are collected, not returned early.
fn read_rows(text: &str, problems: &mut Problems) -> Vec<Row> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = parse_csv(text).into_iter();
    let Some((_, header)) = lines.next() else {
        problems.add(1, None, "roster_empty", "the file is empty; start from the template");
        return Vec::new();
    };
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        match Column::parse(name) {
            Some(c) if columns.insert(c, i).is_some() => {
                problems.add(
                    1,
                    Some(c),
                    "duplicate_column",
                    format!("column {name:?} appears twice"),
                );
            }
            Some(_) => {}
            None if name.trim().is_empty() => {}
            None => problems.add(1, None, "unknown_column", format!("unknown column {name:?}")),
        }
    }
    for required in [Column::Grade, Column::Class, Column::Role, Column::Username] {
        if !columns.contains_key(&required) {
            let (en, zh) = required.names();
            problems.add(
                1,
                Some(required),
                "missing_column",
                format!("the column {en} ({zh}) is missing"),
            );
        }
    }
    if !problems.0.is_empty() {
        return Vec::new();
    }
    let mut rows = Vec::new();
    for (line, cells) in lines {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            problems.add(
                line,
                None,
                "too_many_rows",
                format!("a file may have at most {MAX_ROWS} rows"),
            );
            break;
        }
        let cell = |c: Column| columns.get(&c).and_then(|i| cells.get(*i)).map_or("", |s| s.trim());
        if let Some(row) = check_row(line, &cell, problems) {
            rows.push(row);
        }
    }
    rows
}

fn check_row<'a>(
    line: u32,
    cell: &dyn Fn(Column) -> &'a str,
    problems: &mut Problems,
) -> Option<Row> {
    let before = problems.0.len();
    let (grade_given, class_given) =
        (!cell(Column::Grade).is_empty(), !cell(Column::Class).is_empty());
    let grade = match cell(Column::Grade) {
        "" => None,
        g => match g.trim_end_matches("年级").parse::<i64>().ok().and_then(|n| Grade::new(n).ok())
        {
            Some(g) => Some(g),
            None => {
                problems.add(
                    line,
                    Some(Column::Grade),
                    "invalid_grade",
                    format!("{g:?} is not a grade from 1 to 9"),
                );
                None
            }
        },
    };
    let class = match cell(Column::Class) {
        "" => None,
        c => match check_name(c, 40) {
            Ok(c) => Some(c),
            Err(e) => {
                problems.add(line, Some(Column::Class), "invalid_name", e.to_string());
                None
            }
        },
    };
    let Some(role) = role_of(cell(Column::Role)) else {
        let shown = cell(Column::Role);
        problems.add(
            line,
            Some(Column::Role),
            "invalid_role",
            format!(
                "{shown:?} is not a role (monitor, teacher, subject_teacher, grade_leader, school_admin)"
            ),
        );
        return None;
    };
    let subjects: Vec<String> = cell(Column::Subjects)
        .split([';', ',', '、', '，', '；', ' '])
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if !subjects.is_empty() && !matches!(role, Some(Role::Teacher | Role::SubjectTeacher)) {
        problems.add(
            line,
            Some(Column::Subjects),
            "teaching_not_allowed",
            "only teachers and subject teachers teach subjects",
        );
    }
    let username_cell = cell(Column::Username);
    let display_cell = cell(Column::DisplayName);
    let password_cell = cell(Column::Password);
    let mut username = String::new();
    if role.is_some() {
        match check_username(username_cell) {
            Ok(u) => username = u,
            Err(e) => problems.add(line, Some(Column::Username), "invalid_username", e.to_string()),
        }
        if !password_cell.is_empty() {
            if let Err(e) = password::check_new(password_cell) {
                problems.add(line, Some(Column::Password), "weak_password", e.to_string());
            }
        }
    }
    match role {
        None => {
            if !grade_given || !class_given {
                problems.add(
                    line,
                    Some(Column::Class),
                    "class_required",
                    "a row without a role creates a class: it needs a grade and a class",
                );
            }
            if !username_cell.is_empty() {
                problems.add(line, Some(Column::Role), "invalid_role", "an account needs a role");
            }
        }
        Some(Role::Monitor | Role::Teacher | Role::SubjectTeacher)
            if !grade_given || !class_given =>
        {
            problems.add(
                line,
                Some(Column::Class),
                "class_required",
                "a monitor or teacher needs a grade and a class",
            );
        }
        Some(Role::SubjectTeacher) if subjects.is_empty() => {
            problems.add(
                line,
                Some(Column::Subjects),
                "teaching_required",
                "a subject teacher needs the subjects it teaches in the class",
            );
        }
        Some(Role::GradeLeader) if !grade_given => {
            problems.add(
                line,
                Some(Column::Grade),
                "grade_required",
                "a grade leader needs a grade",
            );
        }
        _ => {}
    }
    let display_name = if display_cell.is_empty() {
        username.clone()
    } else {
        match check_name(display_cell, 60) {
            Ok(n) => n,
            Err(e) => {
                problems.add(line, Some(Column::DisplayName), "invalid_name", e.to_string());
                String::new()
            }
        }
    };
    (problems.0.len() == before).then(|| Row {
        line,
        grade,
        class,
        role,
        username,
        display_name,
        password: (!password_cell.is_empty()).then(|| password_cell.to_owned()),
        subjects,
    })
}

/// A password for an account the file gave none: 12 characters that are hard to misread.
fn generated_password() -> AppResult<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

async fn import(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppQuery(query): AppQuery<ImportQuery>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Json<RosterResult>> {
    admin.require_admin()?;
    let bytes = read_file(multipart).await?;
    let text = decode_roster(&bytes).ok_or_else(|| {
        AppError::InvalidRows(vec![Problem {
            code: "not_utf8".into(),
            message: "the file is neither UTF-8 nor GBK: in Excel choose \"CSV UTF-8 (逗号分隔)\" \
                      when saving"
                .into(),
            row: None,
            column: None,
        }])
    })?;
    let mut problems = Problems(Vec::new());
    let mut rows = read_rows(&text, &mut problems);

    // Across rows and against what the school has.
    let school_classes = state.store.all_classes(admin.school_id).await?;
    same_spelling(&mut rows, school_classes.iter().map(|c| c.name.as_str()));
    let existing: HashMap<String, Grade> =
        school_classes.into_iter().map(|c| (c.name, c.grade)).collect();
    let mut new_classes: BTreeMap<String, Grade> = BTreeMap::new();
    let mut usernames = HashSet::new();
    let mut subject_teachers = HashSet::new();
    let policy = state.store.policy(admin.school_id).await?;
    for row in &rows {
        if let (Some(grade), Some(class)) = (row.grade, &row.class) {
            if row.role != Some(Role::GradeLeader) {
                let known = existing.get(class).or_else(|| new_classes.get(class)).copied();
                match known {
                    Some(g) if g != grade => problems.add(
                        row.line,
                        Some(Column::Grade),
                        "class_grade_mismatch",
                        format!("class {class} is in grade {g}, not {grade}"),
                    ),
                    Some(_) => {}
                    None => {
                        new_classes.insert(class.clone(), grade);
                    }
                }
            }
        }
        if let (Some(grade), false) = (row.grade, row.subjects.is_empty()) {
            for s in row
                .subjects
                .iter()
                .filter(|s| !policy.subjects(grade).iter().any(|k| k.as_str() == s.as_str()))
            {
                problems.add(
                    row.line,
                    Some(Column::Subjects),
                    "unknown_subject",
                    format!("{s} is not a subject of grade {grade}"),
                );
            }
        }
        // A subject teacher of several classes has a row for each.
        let more_teaching =
            row.role == Some(Role::SubjectTeacher) && subject_teachers.contains(&row.username);
        if row.role == Some(Role::SubjectTeacher) {
            subject_teachers.insert(row.username.clone());
        }
        if row.role.is_some() && !more_teaching {
            if !usernames.insert(row.username.clone()) {
                problems.add(
                    row.line,
                    Some(Column::Username),
                    "duplicate_username",
                    format!("{} appears twice in the file", row.username),
                );
            } else if state.store.account_by_username(&row.username).await?.is_some() {
                problems.add(
                    row.line,
                    Some(Column::Username),
                    "username_taken",
                    format!("{} is already used", row.username),
                );
            }
        }
    }
    if !problems.0.is_empty() {
        return Err(AppError::InvalidRows(problems.0));
    }

    let mut accounts = Vec::new();
    let mut created = Vec::new();
    // username → (class name, subject) taught.
    let mut teaching: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.role.is_some()) {
        let role = row.role.unwrap_or(Role::Monitor);
        if let Some(class) = &row.class {
            for s in &row.subjects {
                teaching.entry(row.username.clone()).or_default().push((class.clone(), s.clone()));
            }
        }
        if accounts.iter().any(|a: &RosterAccountRow| a.username == row.username) {
            continue;
        }
        let (password, generated) = match &row.password {
            Some(p) => (p.clone(), None),
            None => {
                let p = generated_password()?;
                (p.clone(), Some(p))
            }
        };
        let class = match role {
            Role::Monitor | Role::Teacher => row.grade.zip(row.class.clone()),
            _ => None,
        };
        let grade = (role == Role::GradeLeader).then_some(row.grade).flatten();
        created.push(RosterAccount {
            username: row.username.clone(),
            role,
            class: class.as_ref().map(|c| c.1.clone()),
            display_name: row.display_name.clone(),
            grade: row.grade,
            password_generated: generated.is_some(),
            password: generated,
        });
        let password_hash =
            if query.dry_run { String::new() } else { password::hash(password).await? };
        accounts.push(RosterAccountRow {
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            role,
            class,
            grade,
            password_hash,
        });
    }
    let classes: Vec<(Grade, String)> = new_classes.iter().map(|(n, g)| (*g, n.clone())).collect();
    if !query.dry_run {
        let actor = Actor::of(&admin, &address);
        state.store.import_roster(admin.school_id, &classes, &accounts, &actor).await?;
        if !teaching.is_empty() {
            let by_name: HashMap<String, shared::ClassId> = state
                .store
                .all_classes(admin.school_id)
                .await?
                .into_iter()
                .map(|c| (c.name, c.id))
                .collect();
            for (username, pairs) in teaching {
                let Some(account) = state.store.account_by_username(&username).await? else {
                    continue;
                };
                let mut list: Vec<shared::api::Teaching> = pairs
                    .into_iter()
                    .filter_map(|(class, subject)| {
                        by_name
                            .get(&class)
                            .map(|id| shared::api::Teaching { class_id: *id, subject })
                    })
                    .collect();
                list.sort();
                list.dedup();
                state.store.set_teaching(account.id, &username, &list, &actor).await?;
            }
        }
        tracing::info!(classes = classes.len(), accounts = accounts.len(), by = %admin.username, "roster imported");
    }
    Ok(Json(RosterResult {
        dry_run: query.dry_run,
        rows: rows.len() as u32,
        classes_created: classes.into_iter().map(|(_, n)| n).collect(),
        accounts_created: if query.dry_run {
            created.into_iter().map(|a| RosterAccount { password: None, ..a }).collect()
        } else {
            created
        },
    }))
}

/// Writes every row's class as the school already spells it, or as its first row does, when
/// the two are the same name compared in NFKC (`shared::text::name_key`: "９（１）" is
/// "9(1)"), so that a roster never makes a second class of one the school has.
fn same_spelling<'a>(rows: &mut [Row], known: impl IntoIterator<Item = &'a str>) {
    let mut spelling: HashMap<String, String> =
        known.into_iter().map(|n| (shared::text::name_key(n), n.to_owned())).collect();
    for class in rows.iter_mut().filter_map(|r| r.class.as_mut()) {
        let key = shared::text::name_key(class);
        let known = spelling.entry(key).or_insert_with(|| class.clone());
        class.clone_from(known);
    }
}

/// The file's text: UTF-8 where it is valid UTF-8 (a byte-order mark is read as such later),
/// else GB18030, the superset of GBK that Excel and WPS write as "CSV" on a Chinese Windows.
/// `None` when it is neither.
fn decode_roster(bytes: &[u8]) -> Option<String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// The bytes of the `file` field (or the only field) of the upload.
async fn read_file(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Vec<u8>> {
    let mut multipart = multipart.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::BodyTooLarge
        } else {
            AppError::UnsupportedMediaType
        }
    })?;
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::BodyTooLarge
        } else {
            AppError::BadJson(format!("the upload could not be read: {}", e.body_text()))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        if field.name().is_none_or(|n| n == "file") {
            return Ok(field.bytes().await.map_err(too_large)?.to_vec());
        }
    }
    Err(AppError::BadJson("the upload has no field named \"file\"".into()))
}

async fn template(CurrentUser(admin): CurrentUser, headers: HeaderMap) -> AppResult<Response> {
    admin.require_admin()?;
    let mut csv = Csv::new();
    let lang = lang_of(&headers);
    let header: Vec<&str> = Column::ALL
        .iter()
        .map(|c| match lang {
            Lang::Zh => c.names().1,
            Lang::En => c.names().0,
        })
        .collect();
    csv.row(header);
    csv.row(["7", "7(1)", "", "", "", ""]);
    csv.row(["7", "7(1)", "teacher", "wang.li", "王丽", ""]);
    csv.row(["7", "7(1)", "monitor", "monitor-7-1", "7(1) 作业记录员", ""]);
    csv.row(["7", "", "grade_leader", "zhang.wei", "张伟", ""]);
    csv.row(["", "", "school_admin", "office", "教务处", ""]);
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"roster-template.csv\""),
            ),
        ],
        csv.finish(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_is_read_as_utf8_or_else_as_gbk_and_refused_when_neither() {
        let utf8 = "年级,班级\n7,七(1)班\n";
        assert_eq!(decode_roster(utf8.as_bytes()).as_deref(), Some(utf8));
        // "年级,班级" and "7,七(1)班" as GBK.
        let gbk = [
            0xc4, 0xea, 0xbc, 0xb6, b',', 0xb0, 0xe0, 0xbc, 0xb6, b'\n', b'7', b',', 0xc6, 0xdf,
            b'(', b'1', b')', 0xb0, 0xe0, b'\n',
        ];
        assert_eq!(decode_roster(&gbk).as_deref(), Some(utf8));
        // A lone lead byte at the end is neither.
        assert_eq!(decode_roster(&[b'a', 0x81]), None);
    }

    #[test]
    fn csv_cells_may_be_quoted_and_hold_commas_quotes_and_line_breaks() {
        let rows = parse_csv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"x\ny\",z\nlast\n");
        let cells = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows,
            vec![
                (1, cells(&["a", "b,c", "say \"hi\""])),
                (2, cells(&["x\ny", "z"])),
                (4, cells(&["last"])),
            ]
        );
    }

    #[test]
    fn headers_may_be_english_or_chinese_and_every_row_problem_is_listed() {
        let text = "\u{feff}年级,班级,角色,用户名,姓名,密码\n7,7(1),,,,\n10,7(2),monitor,m1,,\n7,7(3),boss,m2,,\n7,,teacher,t1,,short\n";
        let mut problems = Problems(Vec::new());
        let rows = read_rows(text, &mut problems);
        assert_eq!(rows.len(), 1, "only the class row is fine");
        let found: Vec<(Option<u32>, &str)> =
            problems.0.iter().map(|p| (p.row, p.code.as_str())).collect();
        assert_eq!(
            found,
            vec![
                (Some(3), "invalid_grade"),
                (Some(4), "invalid_role"),
                (Some(5), "weak_password"),
                (Some(5), "class_required"),
            ]
        );
    }

    #[test]
    fn a_class_written_in_full_width_or_with_invisible_characters_is_the_school_s_class() {
        let text = "年级,班级,角色,用户名\n9,９（１）,monitor,m1\n9,9(2)\u{200b},teacher,t1\n9,9（2）,monitor,m2\n";
        let mut problems = Problems(Vec::new());
        let mut rows = read_rows(text, &mut problems);
        assert!(problems.0.is_empty());
        same_spelling(&mut rows, ["9(1)"]);
        let classes: Vec<_> = rows.iter().map(|r| r.class.as_deref().unwrap_or("")).collect();
        assert_eq!(classes, ["9(1)", "9(2)", "9(2)"]);
    }
}
