//! The URLs of the app's screens, and where each role lands after logging in.

use crate::pages::admin::AdminSection;
use shared::api::{Me, Role};
use shared::{ClassId, SchoolId};
use yew_router::prelude::*;

#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    /// Sends a visitor to their own start page, or to the login.
    #[at("/")]
    Home,
    #[at("/login")]
    Login,
    /// The monitor's (and teacher's) daily entry for their class.
    #[at("/entry")]
    Entry,
    #[at("/classes/:id")]
    Class { id: ClassId },
    #[at("/schools/:school/grades/:grade")]
    Comparison { school: SchoolId, grade: u8 },
    /// The school admin's overview of grades and classes.
    #[at("/school")]
    School,
    /// The printable report of every grade, one A4 page each.
    #[at("/school/report")]
    SchoolReport,
    /// A class's tablet codes, for its teacher (and admins).
    #[at("/classes/:id/tablets")]
    ClassTablets { id: ClassId },
    /// The school admin's set-up; `/admin` opens its first section.
    #[at("/admin")]
    AdminHome,
    #[at("/admin/:section")]
    Admin { section: AdminSection },
    /// The class tablet's sign-in with a code (open to anyone).
    #[at("/tablet")]
    Tablet,
    /// A district admin's board: every school of the district side by side, read only.
    #[at("/district/:id")]
    District { id: shared::district::DistrictId },
    /// The district's wall screen: large type, live as reports arrive.
    #[at("/district/:id/wall")]
    DistrictWall { id: shared::district::DistrictId },
    /// One's own account: change the password.
    #[at("/account")]
    Account,
    /// The cases (整改) the account may see: the teacher's, the grade's board, the admin's.
    #[at("/cases")]
    Cases,
    /// Filing a class's homework plans (作业备案), for its teachers; reviews for leaders.
    #[at("/classes/:id/plans")]
    ClassPlans { id: ClassId },
    /// A class's public notice (作业公示), for parents: no log-in.
    #[at("/notice/:token")]
    Notice { token: String },
    /// A grade's half-monthly case report, printable on A4.
    #[at("/schools/:school/grades/:grade/cases-report")]
    CasesReport { school: SchoolId, grade: u8 },
    /// The school admin's spot checks (随机抽查).
    #[at("/spot-checks")]
    SpotChecks,
    /// A spot check's inspection sheet, printable on A4.
    #[at("/spot-checks/:id/sheet")]
    SpotCheckSheet { id: i64 },
    #[not_found]
    #[at("/404")]
    NotFound,
}

thread_local! {
    /// The page that was open (or asked for) when nobody was logged in: logging in returns to
    /// it, so a teacher whose session ended is back on the page she had open.
    static RETURN_TO: std::cell::RefCell<Option<Route>> = const { std::cell::RefCell::new(None) };
}

/// Remembers the page to return to after logging in.
pub fn remember_return(route: &Route) {
    RETURN_TO.with(|r| *r.borrow_mut() = Some(route.clone()));
}

/// Where logging in leads: the page remembered by [`remember_return`] (once), else the
/// account's first screen.
pub fn after_log_in(me: &Me) -> Route {
    match RETURN_TO.with(|r| r.borrow_mut().take()) {
        Some(Route::Home | Route::Login | Route::Tablet | Route::NotFound) | None => home_for(me),
        Some(route) => route,
    }
}

/// The first screen of an account: monitors record, teachers watch their class, grade leaders
/// compare their grade, admins see the school.
pub fn home_for(me: &Me) -> Route {
    let user = &me.user;
    match (user.role, user.class_id, user.grade) {
        (Role::Monitor, Some(_), _) => Route::Entry,
        (Role::Teacher, Some(id), _) => Route::Class { id },
        (Role::SubjectTeacher, _, _) => match user.teaching.first() {
            Some(t) => Route::Class { id: t.class_id },
            None => Route::School,
        },
        (Role::GradeLeader, _, Some(grade)) => {
            Route::Comparison { school: user.school_id, grade: grade.get() }
        }
        (Role::DistrictAdmin, _, _) => Route::District { id: me.district_id.unwrap_or(0) },
        _ => Route::School,
    }
}
