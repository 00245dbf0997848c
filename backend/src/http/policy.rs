//! The school's policy: `GET /policy` for everyone of the school, `PUT /policy` for its admins.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared::Policy;
use shared::api::Problem;
use shared::policy::PolicyPut;

use crate::AppState;
use crate::auth::{ClientAddress, CurrentUser};
use crate::db::Actor;
use crate::error::{AppError, AppResult};
use crate::http::extract::{AppJson, AppQuery};
use crate::http::scope::{SchoolQuery, named_school};

pub fn router() -> Router<AppState> {
    Router::new().route("/policy", get(read).put(replace))
}

async fn read(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    AppQuery(query): AppQuery<SchoolQuery>,
) -> AppResult<Json<Policy>> {
    let school = named_school(&state, &user, query.school_id).await?;
    Ok(Json(state.store.policy(school.id).await?))
}

async fn replace(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    AppJson(body): AppJson<PolicyPut>,
) -> AppResult<Json<Policy>> {
    user.require_admin()?;
    let policy = body.over(&state.store.policy(user.school_id).await?);
    policy.validate().map_err(|e| AppError::Invalid {
        code: "invalid_policy",
        message: e.to_string(),
        problems: e.0.iter().map(|m| field_problem(m)).collect(),
    })?;
    state.store.set_policy(user.school_id, &policy, &Actor::of(&user, &address)).await?;
    tracing::info!(school = user.school_id, by = %user.username, "policy changed");
    Ok(Json(policy))
}

/// A policy problem with the field it concerns in `column` (`limits.7`, `subjects.3`,
/// `window_days`…), read off the sentence's `field: …` start, so a form can put it in place.
fn field_problem(message: &str) -> Problem {
    let (field, rest) = message.split_once(": ").unwrap_or(("", message));
    let grade = rest
        .strip_prefix("grade ")
        .and_then(|r| r.split(' ').next())
        .filter(|g| g.bytes().all(|b| b.is_ascii_digit()));
    let column = match grade {
        Some(g) if matches!(field, "limits" | "subjects") => format!("{field}.{g}"),
        _ => field.to_owned(),
    };
    Problem {
        code: "invalid_policy".into(),
        message: message.to_owned(),
        row: None,
        column: (!column.is_empty()).then_some(column),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_problem_names_its_field() {
        let p = field_problem("limits: grade 7 limit 700 is more than 600");
        assert_eq!(p.column.as_deref(), Some("limits.7"));
        let p = field_problem("window_days: 0 is not between 1 and 366");
        assert_eq!(p.column.as_deref(), Some("window_days"));
    }
}
