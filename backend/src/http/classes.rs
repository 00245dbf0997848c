//! Classes: `GET /classes` (what the caller may see), `POST /classes` and
//! `PATCH /classes/{id}` (admins: create, rename, archive).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::{ClassInfo, ClassPatch, NewClass};
use shared::{ClassId, Grade};

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::db::{Account, Actor};
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppJson, AppPath, AppQuery};

/// The longest class name, in characters.
const MAX_CLASS_NAME_CHARS: usize = 40;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/classes", get(list).post(create))
        .route("/classes/{class_id}", patch(change))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[serde(default)]
    include_archived: bool,
    /// The school whose classes to list: the caller's own by default; a district admin names
    /// one of its district's.
    #[serde(default)]
    school_id: Option<shared::SchoolId>,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppQuery(query): AppQuery<ListQuery>,
) -> AppResult<Json<Vec<ClassInfo>>> {
    // A district admin without a school named sees every class of its district.
    if let (None, Some(district)) = (query.school_id, user.district_id) {
        return Ok(Json(state.store.district_classes(district, query.include_archived).await?));
    }
    let school = crate::http::districts::named_school(&state, &user, query.school_id).await?.id;
    let classes = match user.visible_grade() {
        Some(None) if query.include_archived => state.store.all_classes(school).await?,
        Some(grade) => state.store.classes(school, grade).await?,
        None => match user.class_id {
            Some(id) => state.store.class(id).await?.into_iter().collect(),
            None => Vec::new(),
        },
    };
    Ok(Json(classes))
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppJson(body): AppJson<NewClass>,
) -> AppResult<(StatusCode, Json<ClassInfo>)> {
    user.require_admin()?;
    let grade =
        Grade::new(body.grade).map_err(|e| AppError::invalid("invalid_grade", e.to_string()))?;
    let name = check_name(&body.name, MAX_CLASS_NAME_CHARS)?;
    let actor = Actor::of(&user, &address);
    let class = state.store.create_class(user.school_id, grade, &name, &actor).await?;
    tracing::info!(class = class.id, name = %class.name, by = %user.username, "class created");
    Ok((StatusCode::CREATED, Json(class)))
}

async fn change(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppPath(class_id): AppPath<ClassId>,
    AppJson(body): AppJson<ClassPatch>,
) -> AppResult<Json<ClassInfo>> {
    user.require_admin()?;
    let class = find_class(&state, class_id).await?;
    if class.school_id != user.school_id {
        return Err(AppError::Forbidden("your account may not do this for this class"));
    }
    let name = body.name.as_deref().map(|n| check_name(n, MAX_CLASS_NAME_CHARS)).transpose()?;
    let actor = Actor::of(&user, &address);
    let class = state.store.update_class(class.id, name.as_deref(), body.archived, &actor).await?;
    Ok(Json(class))
}

/// A trimmed name of 1 to `max` characters with no control characters.
pub fn check_name(name: &str, max: usize) -> AppResult<String> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > max || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_name",
            format!("a name needs 1 to {max} characters and no control characters"),
        ));
    }
    Ok(name.to_owned())
}

/// The class of a path, or `404 class_not_found`.
pub async fn find_class(state: &AppState, id: ClassId) -> AppResult<ClassInfo> {
    state
        .store
        .class(id)
        .await?
        .ok_or_else(|| AppError::not_found("class_not_found", format!("there is no class {id}")))
}

/// The class of a path that the caller may read.
pub async fn readable_class(state: &AppState, user: &Account, id: ClassId) -> AppResult<ClassInfo> {
    let class = find_class(state, id).await?;
    user.require_read(&class)?;
    Ok(class)
}
