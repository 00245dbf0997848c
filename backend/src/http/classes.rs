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
use crate::db::Actor;
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppJson, AppPath, AppQuery};
use crate::http::names::check_name;
use crate::http::scope::{find_class, named_school};

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
    let school = named_school(&state, &user, query.school_id).await?.id;
    let classes = match user.visible_grade() {
        Some(None) if query.include_archived => state.store.all_classes(school).await?,
        Some(grade) => state.store.classes(school, grade).await?,
        None => {
            let mut classes: Vec<ClassInfo> = match user.class_id {
                Some(id) => state.store.class(id).await?.into_iter().collect(),
                None => Vec::new(),
            };
            // Teachers also see the classes they teach a subject in.
            if user.may_teach() {
                for t in state.store.teaching(user.id).await? {
                    if !classes.iter().any(|c| c.id == t.class_id) {
                        if let Some(c) = state.store.class(t.class_id).await? {
                            classes.push(c);
                        }
                    }
                }
                classes.sort_by(|a, b| (a.grade, &a.name).cmp(&(b.grade, &b.name)));
            }
            classes
        }
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
    name_free(&state, user.school_id, &name, None).await?;
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
    if let Some(name) = &name {
        name_free(&state, user.school_id, name, Some(class.id)).await?;
    }
    let actor = Actor::of(&user, &address);
    let class = state.store.update_class(class.id, name.as_deref(), body.archived, &actor).await?;
    Ok(Json(class))
}

/// `422 class_name_taken` if another class of the school has this name as compared in NFKC
/// (`shared::text::name_key`: "９（１）" is "9(1)"). The database's own uniqueness rule still
/// catches two exact names written at once.
async fn name_free(
    state: &AppState,
    school: shared::SchoolId,
    name: &str,
    except: Option<ClassId>,
) -> AppResult<()> {
    let key = shared::text::name_key(name);
    let classes = state.store.all_classes(school).await?;
    if classes.iter().any(|c| Some(c.id) != except && shared::text::name_key(&c.name) == key) {
        let taken = crate::db::Taken::ClassName;
        return Err(AppError::invalid(taken.code(), taken.message()));
    }
    Ok(())
}
