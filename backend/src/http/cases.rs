//! Cases (整改闭环): open a case from a flag that holds over a window, assign it, record actions,
//! recheck over the window after the latest action (by hand, or each morning by the server:
//! [`recheck_due`]), and the grade's half-monthly report of its cases. The rules are
//! `shared::cases`; the flags are the class summary's ([`judge_class`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, NaiveDate};
use serde::Deserialize;
use serde_json::Value;
use shared::api::ClassInfo;
use shared::cases::{
    Case, CaseAction, CasePatch, CaseRuleError, CaseStatus, CaseWindow, CasesReport, NewAction,
    NewCase, Recheck, SUBJECT_KIND, SYSTEM,
};
use shared::{ClassId, Flag, Grade, SchoolId, Window};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::clock::{now_rfc3339, today_in};
use crate::db::cases::{CaseFilter, Versioned};
use crate::db::{Account, Actor, School, Store};
use crate::error::AppError;
use crate::http::case_open::{CaseError, CaseResult, store_new_case, with_overdue};
use crate::http::extract::{AppJson, AppPath, AppQuery, RangeQuery, parse_date};
use crate::http::judge::judge_class;
use crate::http::scope::{comparable, find_class, school};

/// How often a change that lost a race to another is tried again.
const RETRIES: usize = 5;

/// The school-time hour from which the morning's automatic recheck runs.
const MORNING_HOUR: u32 = 6;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", post(open).get(list))
        .route("/cases/{id}", get(one).patch(assign))
        .route("/cases/{id}/actions", post(act))
        .route("/cases/{id}/recheck", post(recheck))
        .route("/schools/{school_id}/grades/{grade}/cases-report", get(report))
}

/// A rule of `shared::cases` broken by a request about `case`.
fn rule(e: CaseRuleError, case: &Case) -> CaseError {
    match e {
        CaseRuleError::Closed => CaseError::Conflict {
            code: e.code(),
            message: e.to_string(),
            case: Box::new(case.clone()),
        },
        other => CaseError::App(AppError::invalid(other.code(), other.to_string())),
    }
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("case_not_found", format!("there is no case {id}"))
}

/// The case of a path that the caller may read, with its school.
async fn readable(
    state: &AppState,
    user: &Account,
    id: i64,
) -> CaseResult<(Versioned<Case>, School)> {
    let case = state.store.case(id).await?.ok_or_else(|| not_found(id))?;
    if !user.can_read_case(&case.value) {
        return Err(AppError::Forbidden("your account may not see this case").into());
    }
    let school = school(state, case.value.school_id).await?;
    Ok((case, school))
}

async fn open(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppJson(body): AppJson<NewCase>,
) -> CaseResult<(StatusCode, Json<Case>)> {
    let class = find_class(&state, body.class_id).await?;
    if !user.can_manage_cases(class.school_id, class.grade) {
        return Err(AppError::Forbidden("your account may not open cases for this class").into());
    }
    shared::cases::check_flag_kind(&body.kind)
        .map_err(|e| AppError::invalid(e.code(), e.to_string()))?;
    let from = parse_date(&body.from)?;
    let to = parse_date(&body.to)?;
    let window = Window::new(from, to).map_err(|e| AppError::InvalidRange(e.to_string()))?;
    let school = school(&state, class.school_id).await?;
    let today = today_in(&school);
    let subject = shared::cases::case_subject(&body.kind, body.subject.as_deref());
    let flag = class_flag(
        state.store.as_ref(),
        &school,
        &class,
        window,
        &body.kind,
        subject.as_deref(),
        today,
    )
    .await?
    .ok_or_else(|| {
        AppError::invalid(
            "flag_not_raised",
            format!("the class has no {} flag from {from} to {to}", body.kind),
        )
    })?;
    let case = Case {
        id: 0,
        school_id: school.id,
        class_id: class.id,
        grade: class.grade,
        class_name: class.name.clone(),
        kind: body.kind.clone(),
        subject,
        window: CaseWindow { from, to },
        numbers: flag,
        status: CaseStatus::Open,
        opened_by: user.display_name.clone(),
        opened_by_id: Some(user.id),
        opened_at: now_rfc3339(),
        assignee_id: None,
        due_date: None,
        actions: Vec::new(),
        recheck: None,
        overdue: false,
    };
    store_new_case(&state, case, &Actor::of(&user, &address), today).await
}

/// The flag of that kind (and subject) the class has over the window, as JSON, if it has one:
/// the class summary's flags ([`judge_class`]).
pub async fn class_flag(
    store: &dyn Store,
    school: &School,
    class: &ClassInfo,
    window: Window,
    kind: &str,
    subject: Option<&str>,
    today: NaiveDate,
) -> Result<Option<Value>, AppError> {
    let policy = store.policy(school.id).await?;
    let judged = judge_class(store, school, class, window, &policy, today).await?;
    Ok(judged
        .class
        .flags
        .iter()
        .find(|f| flag_matches(f, kind, subject))
        .and_then(|f| serde_json::to_value(f).ok()))
}

fn flag_matches(flag: &Flag, kind: &str, subject: Option<&str>) -> bool {
    if flag.kind() != kind {
        return false;
    }
    if kind != SUBJECT_KIND {
        return true;
    }
    let value = serde_json::to_value(flag).unwrap_or(Value::Null);
    value.get("subject").and_then(Value::as_str) == subject
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    grade: Option<String>,
    class_id: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppQuery(q): AppQuery<ListQuery>,
) -> CaseResult<Json<Vec<Case>>> {
    if !user.may_list_cases() {
        return Err(AppError::Forbidden("your account has no cases to see").into());
    }
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            CaseStatus::parse(s)
                .ok_or_else(|| AppError::BadQuery(format!("{s:?} is not a case status")))?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    let grade = match q.grade.as_deref().filter(|s| !s.is_empty()) {
        Some(g) => Some(
            g.parse::<i64>()
                .ok()
                .and_then(|g| Grade::new(g).ok())
                .ok_or_else(|| AppError::BadQuery(format!("{g:?} is not a grade")))?,
        ),
        None => None,
    };
    let class_id = match q.class_id.as_deref().filter(|s| !s.is_empty()) {
        Some(c) => Some(
            c.parse::<ClassId>()
                .map_err(|_| AppError::BadQuery(format!("{c:?} is not a class id")))?,
        ),
        None => None,
    };
    let filter = CaseFilter { status, grade, class_id };
    // A district admin lists the cases of every school of its district, newest first.
    if user.role == shared::api::Role::DistrictAdmin {
        let mut all = Vec::new();
        for id in user.district_schools.iter().copied() {
            let school = school(&state, id).await?;
            let today = today_in(&school);
            let cases = state.store.cases(school.id, &filter).await?;
            all.extend(
                cases.into_iter().filter(|c| user.can_read_case(c)).map(|c| with_overdue(c, today)),
            );
        }
        all.sort_by(|a, b| b.opened_at.cmp(&a.opened_at).then(b.id.cmp(&a.id)));
        return Ok(Json(all));
    }
    let school = school(&state, user.school_id).await?;
    let today = today_in(&school);
    let cases = state.store.cases(school.id, &filter).await?;
    Ok(Json(
        cases
            .into_iter()
            .filter(|c| user.can_read_case(c))
            .map(|c| with_overdue(c, today))
            .collect(),
    ))
}

async fn one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> CaseResult<Json<Case>> {
    let (case, school) = readable(&state, &user, id).await?;
    Ok(Json(with_overdue(case.value, today_in(&school))))
}

/// Applies `change` to the case as it stands and stores it with its audit entry (`action`),
/// trying again if another change came first.
async fn change_case<F>(
    store: &dyn Store,
    id: i64,
    action: &str,
    actor: &Actor,
    mut change: F,
) -> CaseResult<Case>
where
    F: FnMut(&mut Case) -> CaseResult<()>,
{
    for _ in 0..RETRIES {
        let current = store.case(id).await?.ok_or_else(|| not_found(id))?;
        let mut case = current.value;
        change(&mut case)?;
        if store.update_case(&case, current.version, action, actor).await? {
            return Ok(case);
        }
    }
    Err(AppError::Unavailable.into())
}

async fn assign(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(id): AppPath<i64>,
    AppJson(body): AppJson<CasePatch>,
) -> CaseResult<Json<Case>> {
    let (case, school) = readable(&state, &user, id).await?;
    if !user.can_manage_cases(case.value.school_id, case.value.grade) {
        return Err(AppError::Forbidden("your account may not assign this case").into());
    }
    let due = body.due_date.as_deref().map(parse_date).transpose()?;
    if let Some(assignee) = body.assignee_id {
        let ok = match state.store.account(assignee).await? {
            Some(a) => {
                let teaching = state.store.teaching(a.id).await?;
                !a.disabled && may_be_assigned(&a, &teaching, &case.value)
            }
            None => false,
        };
        if !ok {
            return Err(AppError::invalid(
                "invalid_assignee",
                "a case is assigned to the class's teacher, a subject teacher of the class or the grade's leader",
            )
            .into());
        }
    }
    let changed =
        change_case(state.store.as_ref(), id, "case.assign", &Actor::of(&user, &address), |c| {
            if c.status == CaseStatus::Resolved {
                return Err(rule(CaseRuleError::Closed, c));
            }
            if let Some(a) = body.assignee_id {
                c.assignee_id = Some(a);
            }
            if let Some(d) = due {
                c.due_date = Some(d);
            }
            Ok(())
        })
        .await?;
    Ok(Json(with_overdue(changed, today_in(&school))))
}

/// Whether an account may be a case's assignee: the class's teacher, a subject teacher of the
/// class, or the grade's leader, of the case's school.
fn may_be_assigned(account: &Account, teaching: &[shared::api::Teaching], case: &Case) -> bool {
    use shared::api::Role;
    account.school_id == case.school_id
        && match account.role {
            Role::Teacher => {
                account.class_id == Some(case.class_id)
                    || teaching.iter().any(|t| t.class_id == case.class_id)
            }
            Role::SubjectTeacher => teaching.iter().any(|t| t.class_id == case.class_id),
            Role::GradeLeader => account.grade == Some(case.grade),
            Role::Monitor | Role::SchoolAdmin | Role::DistrictAdmin => false,
        }
}

async fn act(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(id): AppPath<i64>,
    AppJson(body): AppJson<NewAction>,
) -> CaseResult<(StatusCode, Json<Case>)> {
    let (case, school) = readable(&state, &user, id).await?;
    if !user.can_act_on_case(&case.value) {
        return Err(AppError::Forbidden("your account may not act on this case").into());
    }
    let today = today_in(&school);
    shared::cases::check_action_text(&body.text)
        .map_err(|e| AppError::invalid(e.code(), e.to_string()))?;
    let effective = match body.effective_date.as_deref() {
        Some(d) => parse_date(d)?,
        None => today,
    };
    let action = CaseAction {
        at: now_rfc3339(),
        by: user.display_name.clone(),
        by_id: Some(user.id),
        text: body.text.clone(),
        effective_date: effective,
    };
    let changed =
        change_case(state.store.as_ref(), id, "case.action", &Actor::of(&user, &address), |c| {
            c.status = shared::cases::after_action(c.status).map_err(|e| rule(e, c))?;
            shared::cases::check_action_date(c.window, effective, today).map_err(|e| rule(e, c))?;
            c.actions.push(action.clone());
            Ok(())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(with_overdue(changed, today))))
}

async fn recheck(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(id): AppPath<i64>,
) -> CaseResult<Json<Case>> {
    let (case, school) = readable(&state, &user, id).await?;
    if !user.can_manage_cases(case.value.school_id, case.value.grade) {
        return Err(AppError::Forbidden("your account may not recheck this case").into());
    }
    let today = today_in(&school);
    let actor = Actor::of(&user, &address);
    let done =
        recheck_case(state.store.as_ref(), &school, id, today, &user.display_name, &actor, false)
            .await?;
    Ok(Json(with_overdue(done.unwrap_or(case.value), today)))
}

/// Rechecks a case as of `today`: over the window after its latest action, the same flag
/// (kind and subject) still holding escalates it, else it is resolved. `only_due`: the morning
/// run, which leaves alone a case that is not acted on and due (`None`).
pub(crate) async fn recheck_case(
    store: &dyn Store,
    school: &School,
    id: i64,
    today: NaiveDate,
    by: &str,
    actor: &Actor,
    only_due: bool,
) -> CaseResult<Option<Case>> {
    let policy = store.policy(school.id).await?;
    for _ in 0..RETRIES {
        let current = store.case(id).await?.ok_or_else(|| not_found(id))?;
        let mut case = current.value;
        if only_due
            && !shared::cases::due_for_recheck(
                case.status,
                &case.actions,
                policy.window_days,
                today,
            )
        {
            return Ok(None);
        }
        let window =
            shared::cases::check_recheck(case.status, &case.actions, policy.window_days, today)
                .map_err(|e| rule(e, &case))?;
        let holds = if case.kind == shared::cases::SPOT_CHECK_DISCREPANCY {
            // A spot check's discrepancy is no flag of the engine: a recheck finds none.
            false
        } else {
            let class = store
                .class(case.class_id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("case {id} has no class")))?;
            class_flag(store, school, &class, window, &case.kind, case.subject.as_deref(), today)
                .await?
                .is_some()
        };
        case.recheck = Some(Recheck {
            from: window.from(),
            to: window.to(),
            flag_holds: holds,
            at: now_rfc3339(),
            by: by.to_owned(),
        });
        case.status = shared::cases::after_recheck(holds);
        if store.update_case(&case, current.version, "case.recheck", actor).await? {
            tracing::info!(case = id, status = case.status.as_str(), by, "case rechecked");
            return Ok(Some(case));
        }
    }
    Err(AppError::Unavailable.into())
}

/// The morning's automatic recheck: every case of every school that is acted on and whose
/// recheck window has ended before that school's today (`today`, or each school's own), recorded
/// as done by the system. `claim`: take the school's day first ([`crate::db::cases::CaseStore::claim_case_sweep`]),
/// so that of several servers exactly one does it; the command line (`recheck-cases`) does not
/// claim, and a case already rechecked is left alone either way. How many cases were rechecked.
pub async fn recheck_due(
    store: &dyn Store,
    today: Option<NaiveDate>,
    claim: bool,
) -> Result<u32, String> {
    let mut done = 0;
    for school in store.schools().await.map_err(|e| e.to_string())? {
        // The server's own run waits for the school's morning; a day given is taken as is.
        if claim && today.is_none() && local_hour(&school) < MORNING_HOUR {
            continue;
        }
        let today = today.unwrap_or_else(|| today_in(&school));
        if claim
            && !store
                .claim_case_sweep(school.id, today, &now_rfc3339())
                .await
                .map_err(|e| e.to_string())?
        {
            continue;
        }
        let actor = Actor { username: SYSTEM.into(), ..Actor::system(Some(school.id)) };
        let filter = CaseFilter {
            status: Some(CaseStatus::ActionTaken.as_str().to_owned()),
            ..CaseFilter::default()
        };
        let cases = store.cases(school.id, &filter).await.map_err(|e| e.to_string())?;
        for case in cases {
            match recheck_case(store, &school, case.id, today, SYSTEM, &actor, true).await {
                Ok(Some(_)) => done += 1,
                Ok(None) => {}
                Err(e) => tracing::error!(case = case.id, error = ?e, "automatic recheck failed"),
            }
        }
    }
    Ok(done)
}

/// Runs [`recheck_due`] every `every`, for as long as the server runs: each school's first run
/// on or after 06:00 of its day claims that day and rechecks.
pub async fn run_mornings(store: std::sync::Arc<dyn Store>, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match recheck_due(store.as_ref(), None, true).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rechecked = n, "morning recheck of cases"),
            Err(e) => tracing::error!(error = %e, "morning recheck of cases failed"),
        }
    }
}

fn local_hour(school: &School) -> u32 {
    use chrono::Timelike;
    (chrono::Utc::now() + Duration::minutes(i64::from(school.utc_offset_minutes))).hour()
}

/// The school's date of an RFC 3339 time.
fn local_date(at: &str, school: &School) -> Option<NaiveDate> {
    let t = DateTime::parse_from_rfc3339(at).ok()?;
    Some((t.naive_utc() + Duration::minutes(i64::from(school.utc_offset_minutes))).date())
}

async fn report(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppPath((school_id, grade)): AppPath<(SchoolId, String)>,
    AppQuery(range): AppQuery<RangeQuery>,
) -> CaseResult<Json<CasesReport>> {
    let (school, grade) = match comparable(&state, &user, school_id, &grade).await {
        Ok(found) => found,
        Err(AppError::Forbidden(_)) => {
            return Err(AppError::Forbidden("your account may not see this grade's cases").into());
        }
        Err(e) => return Err(e.into()),
    };
    if !user.can_read_cases_report(school.id, grade) {
        return Err(AppError::Forbidden("your account may not see this grade's cases").into());
    }
    let policy = state.store.policy(school.id).await?;
    let today = today_in(&school);
    let window = range.window(today, policy.window_days)?;
    let filter = CaseFilter { grade: Some(grade), ..CaseFilter::default() };
    let cases: Vec<Case> = state
        .store
        .cases(school.id, &filter)
        .await?
        .into_iter()
        .map(|c| with_overdue(c, today))
        .collect();
    let within = |at: &str| local_date(at, &school).is_some_and(|d| window.contains(d));
    let rechecked = |c: &Case, holds: bool| {
        c.recheck.as_ref().is_some_and(|r| r.flag_holds == holds && within(&r.at))
    };
    Ok(Json(CasesReport {
        school_id: school.id,
        grade,
        from: window.from(),
        to: window.to(),
        opened: cases.iter().filter(|c| within(&c.opened_at)).cloned().collect(),
        acted_on: cases
            .iter()
            .filter(|c| {
                c.actions.iter().any(|a| window.contains(a.effective_date) || within(&a.at))
            })
            .cloned()
            .collect(),
        resolved: cases
            .iter()
            .filter(|c| c.status == CaseStatus::Resolved && rechecked(c, false))
            .cloned()
            .collect(),
        escalated: cases.iter().filter(|c| rechecked(c, true)).cloned().collect(),
    }))
}

/// `backend recheck-cases [--today YYYY-MM-DD] [--claim]`: [`recheck_due`] once; with
/// `--claim` it claims each school's day first, as the morning run does.
pub async fn recheck_cli(
    cli: &crate::config::Cli,
    today: Option<NaiveDate>,
    claim: bool,
) -> Result<(), String> {
    let store = crate::db::connect(&cli.database_url()).await?;
    let n = recheck_due(store.as_ref(), today, claim).await?;
    println!("rechecked {n} case(s)");
    Ok(())
}
