//! Who may read what, found once: the school, class or grade a path names, looked up and
//! checked against the caller (`404` before `403`, as API.md orders them), and the scopes that
//! the summary, comparison, dashboard and CSV handlers start from ([`Scope`]: the lookup, the
//! access check, the school's policy and the window asked for, built by an extractor). A
//! helper, not a resource: resource modules import it, it imports none of them.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;
use shared::api::{ClassInfo, Role};
use shared::{ClassId, Grade, Policy, SchoolId, Window};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::clock::today_in;
use crate::db::{Account, School};
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppPath, AppQuery, GradeRequest, RangeQuery};
use crate::http::negotiate::Negotiation;

/// The school of a path, or `404 school_not_found`.
pub async fn school(state: &AppState, id: SchoolId) -> AppResult<School> {
    state
        .store
        .school(id)
        .await?
        .ok_or_else(|| AppError::not_found("school_not_found", format!("there is no school {id}")))
}

/// The school an account belongs to.
pub async fn school_of(state: &AppState, account: &Account) -> AppResult<School> {
    state
        .store
        .school(account.school_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("account {} has no school", account.id)))
}

/// The class of a path, or `404 class_not_found`.
pub async fn find_class(state: &AppState, id: ClassId) -> AppResult<ClassInfo> {
    state
        .store
        .class(id)
        .await?
        .ok_or_else(|| AppError::not_found("class_not_found", format!("there is no class {id}")))
}

/// The class of a path whose reports and summary the caller may read: whoever reads the class,
/// and teachers of a subject in it (API.md: a subject teacher reads its classes' summaries,
/// and sees what its homework really took there).
pub async fn readable_class(state: &AppState, user: &Account, id: ClassId) -> AppResult<ClassInfo> {
    let class = find_class(state, id).await?;
    if class.school_id == user.school_id && !user.can_read_class(&class) && user.may_teach() {
        let teaching = state.store.teaching(user.id).await?;
        if teaching.iter().any(|t| t.class_id == class.id) {
            return Ok(class);
        }
    }
    user.require_read(&class)?;
    Ok(class)
}
/// The school and grade of a path that the caller may compare.
pub async fn comparable(
    state: &AppState,
    user: &Account,
    school_id: SchoolId,
    grade: &str,
) -> AppResult<(School, Grade)> {
    let school = school(state, school_id).await?;
    let grade = grade.parse::<i64>().ok().and_then(|g| Grade::new(g).ok()).ok_or_else(|| {
        let shown: String = grade.chars().take(10).collect();
        AppError::not_found("grade_not_found", format!("there is no grade {shown:?}"))
    })?;
    if !user.can_compare(school.id, grade) {
        return Err(AppError::Forbidden("your account may not compare this grade"));
    }
    Ok((school, grade))
}

/// `?school_id=`: the school a read of "the caller's school" is about.
#[derive(Debug, Default, Deserialize)]
pub struct SchoolQuery {
    #[serde(default)]
    pub school_id: Option<SchoolId>,
}

/// The school a read of "the caller's school" (`GET /policy`, `/classes`, `/holidays`) is about:
/// the one named by `?school_id=` if the caller may read it (`403` else, `404` if there is no
/// such school), else the caller's own. A district admin has none of its own and must name one
/// (`400 school_required`).
pub async fn named_school(
    state: &AppState,
    user: &Account,
    school_id: Option<SchoolId>,
) -> AppResult<School> {
    match school_id {
        Some(id) => {
            let school = school(state, id).await?;
            if user.can_read_school(school.id, true) {
                Ok(school)
            } else {
                Err(AppError::Forbidden("your account may not see this school"))
            }
        }
        None if user.role == Role::DistrictAdmin => Err(AppError::BadQuery(
            "a district admin names the school: ?school_id=N (one of its district's)".into(),
        )),
        None => school_of(state, user).await,
    }
}

/// A read of one class, one grade or one school over a window, resolved once: who asks, the
/// school, what of it ([`ClassScope`], [`GradeScope`], [`SchoolScope`]), the school's policy, the
/// window (`?from=&to=`; the policy window ending the school's today by default) and how the
/// answer is wanted. Extracted in the order every such read answers in: `401`, the path
/// (`400 bad_query`), the query (`400 bad_query`), the lookup (`404`), the access check
/// (`403`), then the range (`400 bad_date`, `400 invalid_range`).
pub struct Scope<T> {
    pub user: Account,
    pub school: School,
    /// The class, the grade, or [`WholeSchool`].
    pub of: T,
    pub policy: Policy,
    pub window: Window,
    pub negotiation: Negotiation,
}

/// What a [`SchoolScope`] is of: the whole school (its overview).
pub struct WholeSchool;

/// `/classes/{class_id}/…`: a class whose reports and summary the caller may read.
pub type ClassScope = Scope<ClassInfo>;
/// `/schools/{school_id}/grades/{grade}/…`: a grade the caller may compare.
pub type GradeScope = Scope<Grade>;
/// `/schools/{school_id}/…`: a school whose overview the caller may see.
pub type SchoolScope = Scope<WholeSchool>;

impl<T> Scope<T> {
    /// The rest of the preamble once the access check passed: the policy, the window, the form.
    async fn over(
        state: &AppState,
        user: Account,
        school: School,
        of: T,
        range: &RangeQuery,
        parts: &Parts,
    ) -> AppResult<Self> {
        let policy = state.store.policy(school.id).await?;
        let window = range.window(today_in(&school), policy.window_days)?;
        let negotiation = range.negotiation(&parts.headers);
        Ok(Scope { user, school, of, policy, window, negotiation })
    }
}

impl FromRequestParts<AppState> for ClassScope {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let AppPath(class_id) = AppPath::<ClassId>::from_request_parts(parts, state).await?;
        let AppQuery(range) = AppQuery::<RangeQuery>::from_request_parts(parts, state).await?;
        let class = readable_class(state, &user, class_id).await?;
        let school = school(state, class.school_id).await?;
        Scope::over(state, user, school, class, &range, parts).await
    }
}

impl FromRequestParts<AppState> for GradeScope {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let GradeRequest { user, id, grade, range, .. } =
            GradeRequest::<SchoolId>::from_request_parts(parts, state).await?;
        let (school, grade) = comparable(state, &user, id, &grade).await?;
        Scope::over(state, user, school, grade, &range, parts).await
    }
}

impl FromRequestParts<AppState> for SchoolScope {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let AppPath(school_id) = AppPath::<SchoolId>::from_request_parts(parts, state).await?;
        let AppQuery(range) = AppQuery::<RangeQuery>::from_request_parts(parts, state).await?;
        let school = school(state, school_id).await?;
        // Those who oversee the school (its district's admins), and its own admins.
        if !user.oversees(school.id) {
            if school.id != user.school_id {
                return Err(AppError::Forbidden("your account may not see this school"));
            }
            user.require_admin()?;
        }
        Scope::over(state, user, school, WholeSchool, &range, parts).await
    }
}
