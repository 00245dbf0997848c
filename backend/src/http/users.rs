//! Accounts (admins): `GET /users`, `POST /users`, `PATCH /users/{id}` (rename, move, disable)
//! and `POST /users/{id}/password` (reset).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use shared::api::{NewUser, PasswordReset, Role, Teaching, User, UserPatch};
use shared::{ClassId, Grade, UserId};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser, password};
use crate::db::{Account, AccountChanges, Actor, NewAccount};
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppJson, AppPath};
use crate::http::names::{check_name, check_username};
use crate::http::scope::school_of;
use crate::http::views::user_of;

const MAX_DISPLAY_NAME_CHARS: usize = 60;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{user_id}", patch(change))
        .route("/users/{user_id}/password", post(reset_password))
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
) -> AppResult<Json<Vec<User>>> {
    admin.require_admin()?;
    let school = school_of(&state, &admin).await?;
    let accounts = state.store.accounts(admin.school_id).await?;
    let mut teaching = state.store.school_teaching(admin.school_id).await?;
    Ok(Json(
        accounts
            .iter()
            .map(|a| User {
                teaching: teaching.remove(&a.id).unwrap_or_default(),
                ..user_of(a, &school)
            })
            .collect(),
    ))
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppJson(body): AppJson<NewUser>,
) -> AppResult<(StatusCode, Json<User>)> {
    admin.require_admin()?;
    let username = check_username(&body.username)?;
    let display_name = check_name(&body.display_name, MAX_DISPLAY_NAME_CHARS)?;
    password::check_new(&body.password)?;
    // A district admin belongs to a district, not a school: made by `backend add-district`.
    let role = Role::parse(&body.role).filter(|r| *r != Role::DistrictAdmin).ok_or_else(|| {
        AppError::invalid(
            "invalid_role",
            "role must be monitor, teacher, subject_teacher, grade_leader or school_admin",
        )
    })?;
    let (class_id, grade) = placement(&state, &admin, role, body.class_id, body.grade).await?;
    let teaching = check_teaching(&state, &admin, role, body.teaching.as_deref()).await?;
    let password_hash = password::hash(body.password).await?;
    let new = NewAccount {
        school_id: admin.school_id,
        username,
        display_name,
        role,
        class_id,
        grade,
        password_hash,
    };
    let actor = Actor::of(&admin, &address);
    let account = state.store.create_account(new, &actor).await?;
    if !teaching.is_empty() {
        state.store.set_teaching(account.id, &account.username, &teaching, &actor).await?;
    }
    tracing::info!(user = %account.username, role = role.as_str(), by = %admin.username, "account created");
    let school = school_of(&state, &admin).await?;
    Ok((StatusCode::CREATED, Json(User { teaching, ..user_of(&account, &school) })))
}

/// Where a role belongs: monitors and teachers to a class of the school, grade leaders to a
/// grade, admins to neither.
async fn placement(
    state: &AppState,
    admin: &Account,
    role: Role,
    class_id: Option<ClassId>,
    grade: Option<i64>,
) -> AppResult<(Option<ClassId>, Option<Grade>)> {
    match role {
        Role::Monitor | Role::Teacher => {
            let id = class_id.ok_or_else(|| {
                AppError::invalid("class_required", "a monitor or teacher needs a class_id")
            })?;
            let class = state.store.class(id).await?.filter(|c| c.school_id == admin.school_id);
            let class = class.ok_or_else(|| {
                AppError::invalid("unknown_class", format!("your school has no class {id}"))
            })?;
            Ok((Some(class.id), None))
        }
        Role::GradeLeader => {
            let g = grade.ok_or_else(|| {
                AppError::invalid("grade_required", "a grade leader needs a grade")
            })?;
            let g = Grade::new(g).map_err(|e| AppError::invalid("invalid_grade", e.to_string()))?;
            Ok((None, Some(g)))
        }
        Role::SchoolAdmin | Role::SubjectTeacher | Role::DistrictAdmin => Ok((None, None)),
    }
}

/// Checks teaching assignments: only teachers carry them, a subject teacher at least one
/// (`teaching_required`); each names a class of the school (`unknown_class`) and a subject of
/// that class's grade (`unknown_subject`). Duplicates are merged; the list comes back ordered.
async fn check_teaching(
    state: &AppState,
    admin: &Account,
    role: Role,
    teaching: Option<&[Teaching]>,
) -> AppResult<Vec<Teaching>> {
    let list = teaching.unwrap_or_default();
    match role {
        Role::SubjectTeacher if list.is_empty() => {
            return Err(AppError::invalid(
                "teaching_required",
                "a subject teacher needs at least one class and subject in teaching",
            ));
        }
        Role::SubjectTeacher | Role::Teacher => {}
        _ if list.is_empty() => return Ok(Vec::new()),
        _ => {
            return Err(AppError::invalid(
                "teaching_not_allowed",
                "only teachers and subject teachers carry teaching assignments",
            ));
        }
    }
    if list.len() > MAX_TEACHING {
        return Err(AppError::invalid(
            "too_many_assignments",
            format!("an account may teach at most {MAX_TEACHING} class subjects"),
        ));
    }
    let policy = state.store.policy(admin.school_id).await?;
    let mut out = std::collections::BTreeSet::new();
    for t in list {
        let class = state.store.class(t.class_id).await?.filter(|c| c.school_id == admin.school_id);
        let class = class.ok_or_else(|| {
            AppError::invalid("unknown_class", format!("your school has no class {}", t.class_id))
        })?;
        if !policy.subjects(class.grade).iter().any(|s| s.as_str() == t.subject) {
            let shown: String = t.subject.chars().take(32).collect();
            return Err(AppError::invalid(
                "unknown_subject",
                format!("{shown}: not a subject of grade {}", class.grade),
            ));
        }
        out.insert(t.clone());
    }
    Ok(out.into_iter().collect())
}

/// The most teaching assignments one account may carry.
const MAX_TEACHING: usize = 200;

/// An account of the admin's school; `403` for another school's (API.md), `404 user_not_found`
/// for none (or a class tablet's, which is managed through its codes).
async fn account_of_school(state: &AppState, admin: &Account, id: UserId) -> AppResult<Account> {
    match state.store.account(id).await? {
        Some(a) if a.school_id != admin.school_id => {
            Err(AppError::Forbidden("your account may not change another school's accounts"))
        }
        Some(a) if !a.tablet => Ok(a),
        _ => Err(AppError::not_found("user_not_found", format!("your school has no user {id}"))),
    }
}

async fn change(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(user_id): AppPath<UserId>,
    AppJson(body): AppJson<UserPatch>,
) -> AppResult<Json<User>> {
    admin.require_admin()?;
    let account = account_of_school(&state, &admin, user_id).await?;
    if body.disabled == Some(true) && account.id == admin.id {
        return Err(AppError::invalid(
            "cannot_disable_self",
            "you cannot disable your own account",
        ));
    }
    let display_name =
        body.display_name.as_deref().map(|n| check_name(n, MAX_DISPLAY_NAME_CHARS)).transpose()?;
    let (class_id, grade) = match (body.class_id, body.grade) {
        (None, None) => (None, None),
        (class_id, grade) => {
            placement(
                &state,
                &admin,
                account.role,
                class_id.or(account.class_id),
                grade.or(account.grade.map(|g| i64::from(g.get()))),
            )
            .await?
        }
    };
    let teaching = match &body.teaching {
        Some(list) => Some(check_teaching(&state, &admin, account.role, Some(list)).await?),
        None => None,
    };
    let changes = AccountChanges { display_name, disabled: body.disabled, class_id, grade };
    let actor = Actor::of(&admin, &address);
    let account = state.store.update_account(account.id, changes, &actor).await?;
    if let Some(teaching) = &teaching {
        state.store.set_teaching(account.id, &account.username, teaching, &actor).await?;
    }
    let teaching = match teaching {
        Some(t) => t,
        None => state.store.teaching(account.id).await?,
    };
    let school = school_of(&state, &admin).await?;
    Ok(Json(User { teaching, ..user_of(&account, &school) }))
}

async fn reset_password(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(user_id): AppPath<UserId>,
    AppJson(body): AppJson<PasswordReset>,
) -> AppResult<StatusCode> {
    admin.require_admin()?;
    let account = account_of_school(&state, &admin, user_id).await?;
    password::check_new(&body.password)?;
    let hash = password::hash(body.password).await?;
    state.store.set_password(account.id, &hash, None, &Actor::of(&admin, &address)).await?;
    Ok(StatusCode::NO_CONTENT)
}
