//! How stored rows are shown on the wire where more than one resource shows them: an account
//! (`/me`, `/users`), a day's plans (`/classes/{id}/plans`, the class notice). A helper, not a
//! resource.

use chrono::NaiveDate;
use shared::Policy;
use shared::api::{ClassInfo, User};
use shared::plans::DayPlan;

use crate::db::plans::StoredDay;
use crate::db::{Account, School};

/// An account as the API shows it.
pub fn user_of(account: &Account, school: &School) -> User {
    User {
        id: account.id,
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role: account.role,
        school_id: account.school_id,
        class_id: account.class_id,
        grade: account.grade,
        school_name: school.name.clone(),
        class_name: account.class_name.clone(),
        disabled: account.disabled,
        teaching: Vec::new(),
    }
}

/// A day as the API shows it.
pub fn day_plan(class: &ClassInfo, policy: &Policy, date: NaiveDate, day: StoredDay) -> DayPlan {
    DayPlan::new(class.id, date, policy.limit(class.grade), day.subjects, day.status, day.review)
}
