//! Accounts: `POST /users` (admins create monitor, teacher, grade leader and admin accounts).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use shared::Grade;
use shared::api::{NewUser, Role, User};

use crate::AppState;
use crate::auth::{CurrentUser, password};
use crate::db::NewAccount;
use crate::error::{AppError, AppResult};
use crate::http::classes::check_name;
use crate::http::extract::AppJson;
use crate::http::session::{school_of, user_of};

const MAX_DISPLAY_NAME_CHARS: usize = 60;

pub fn router() -> Router<AppState> {
    Router::new().route("/users", post(create))
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(admin): CurrentUser,
    AppJson(body): AppJson<NewUser>,
) -> AppResult<(StatusCode, Json<User>)> {
    admin.require_admin()?;
    let username = check_username(&body.username)?;
    let display_name = check_name(&body.display_name, MAX_DISPLAY_NAME_CHARS)?;
    password::check_new(&body.password)?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        AppError::invalid(
            "invalid_role",
            "role must be monitor, teacher, grade_leader or school_admin",
        )
    })?;
    let (class_id, grade) = match role {
        Role::Monitor | Role::Teacher => {
            let id = body.class_id.ok_or_else(|| {
                AppError::invalid("class_required", "a monitor or teacher needs a class_id")
            })?;
            let class = state.store.class(id).await?.filter(|c| c.school_id == admin.school_id);
            let class = class.ok_or_else(|| {
                AppError::invalid("unknown_class", format!("your school has no class {id}"))
            })?;
            (Some(class.id), None)
        }
        Role::GradeLeader => {
            let g = body.grade.ok_or_else(|| {
                AppError::invalid("grade_required", "a grade leader needs a grade")
            })?;
            let g = Grade::new(g).map_err(|e| AppError::invalid("invalid_grade", e.to_string()))?;
            (None, Some(g))
        }
        Role::SchoolAdmin => (None, None),
    };
    let password_hash = password::hash(body.password).await?;
    let account = state
        .store
        .create_account(NewAccount {
            school_id: admin.school_id,
            username,
            display_name,
            role,
            class_id,
            grade,
            password_hash,
        })
        .await?;
    tracing::info!(user = %account.username, role = role.as_str(), by = %admin.username, "account created");
    let school = school_of(&state, &admin).await?;
    Ok((StatusCode::CREATED, Json(user_of(&account, &school))))
}

/// Usernames: 2 to 40 letters, digits, `.`, `_` or `-`, compared without case.
pub fn check_username(username: &str) -> AppResult<String> {
    let u = username.trim().to_lowercase();
    let ok = (2..=40).contains(&u.chars().count())
        && u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(u)
    } else {
        Err(AppError::invalid(
            "invalid_username",
            "a username needs 2 to 40 letters, digits, '.', '_' or '-'",
        ))
    }
}
