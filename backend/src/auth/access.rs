//! The role table of API.md, in one place: who may read, write and compare what.

use shared::api::{ClassInfo, Role, Teaching};
use shared::cases::Case;
use shared::report::{EditWindow, MONITOR_EDIT_DAYS};
use shared::{Grade, SchoolId};

use crate::db::Account;
use crate::error::AppError;

/// What a refusal says: the same sentence whether the class is in another school or merely not
/// the caller's, so that nothing about other schools leaks.
const NOT_YOURS: &str = "your account may not do this for this class";

impl Account {
    /// The district admin's one rule: it reads every school of its district as the school's
    /// admin reads it, and writes nothing of any school (no write check below lets it: its
    /// `school_id` is 0, no school's, and it is not a school admin). Nothing crosses districts.
    pub fn oversees(&self, school: SchoolId) -> bool {
        self.role == Role::DistrictAdmin && self.district_schools.contains(&school)
    }

    /// Reading a school's own pages (its policy, classes, holidays, overview): its admins and
    /// its district's admins; `own_school_reads` says whether the school's other accounts may.
    pub fn can_read_school(&self, school: SchoolId, own_school_reads: bool) -> bool {
        self.oversees(school)
            || (school == self.school_id && (own_school_reads || self.role == Role::SchoolAdmin))
    }

    /// Reading a class's reports and summary: monitors and teachers their class, grade leaders
    /// their grade's classes, admins every class of their school, district admins every class
    /// of their district.
    pub fn can_read_class(&self, class: &ClassInfo) -> bool {
        self.oversees(class.school_id)
            || class.school_id == self.school_id
                && match self.role {
                    Role::Monitor | Role::Teacher => self.class_id == Some(class.id),
                    Role::GradeLeader => self.grade == Some(class.grade),
                    Role::SchoolAdmin => true,
                    // Its classes' summaries only, through `teaching` (see `http::plans`).
                    Role::SubjectTeacher | Role::DistrictAdmin => false,
                }
    }

    /// How far back the caller may write a class's reports, or `None` if not at all: monitors
    /// their class from seven days ago, teachers their class any past day, admins any class of
    /// their school; grade leaders only read.
    pub fn edit_window(&self, class: &ClassInfo) -> Option<EditWindow> {
        if class.school_id != self.school_id {
            return None;
        }
        match self.role {
            Role::Monitor if self.class_id == Some(class.id) => {
                Some(EditWindow::LastDays(MONITOR_EDIT_DAYS))
            }
            Role::Teacher if self.class_id == Some(class.id) => Some(EditWindow::AnyPast),
            Role::SchoolAdmin => Some(EditWindow::AnyPast),
            _ => None,
        }
    }

    /// Comparing a grade: teachers and grade leaders their own grade, admins every grade,
    /// district admins every grade of their district's schools.
    pub fn can_compare(&self, school: SchoolId, grade: Grade) -> bool {
        self.oversees(school)
            || school == self.school_id
                && match self.role {
                    Role::Monitor | Role::SubjectTeacher | Role::DistrictAdmin => false,
                    Role::Teacher | Role::GradeLeader => self.grade == Some(grade),
                    Role::SchoolAdmin => true,
                }
    }

    /// The endpoints of a district: its own district admins only.
    pub fn require_district(&self, district: shared::district::DistrictId) -> Result<(), AppError> {
        if self.role == Role::DistrictAdmin && self.district_id == Some(district) {
            Ok(())
        } else {
            Err(AppError::Forbidden("only the district's admins may see this district"))
        }
    }

    /// Setting up classes, accounts and the policy: the school's admins.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.role == Role::SchoolAdmin {
            Ok(())
        } else {
            Err(AppError::Forbidden("only a school admin may change the school's set-up"))
        }
    }

    pub fn require_read(&self, class: &ClassInfo) -> Result<(), AppError> {
        if self.can_read_class(class) { Ok(()) } else { Err(AppError::Forbidden(NOT_YOURS)) }
    }

    pub fn require_edit_window(&self, class: &ClassInfo) -> Result<EditWindow, AppError> {
        self.edit_window(class).ok_or(AppError::Forbidden(NOT_YOURS))
    }

    /// The classes of the school this account may see, as a filter on grade: `Some(None)` all,
    /// `Some(Some(g))` one grade, `None` only its own class.
    pub fn visible_grade(&self) -> Option<Option<Grade>> {
        match self.role {
            Role::SchoolAdmin | Role::DistrictAdmin => Some(None),
            Role::GradeLeader => Some(self.grade),
            Role::Monitor | Role::Teacher | Role::SubjectTeacher => None,
        }
    }

    /// Filing plans for a class: which subjects, given the account's teaching assignments
    /// (`teaching`, the account's own): `None` none at all, `Some(None)` every subject (a class
    /// teacher's own class, an admin's school), `Some(Some(list))` those subjects.
    pub fn plan_subjects(
        &self,
        class: &ClassInfo,
        teaching: &[Teaching],
    ) -> Option<Option<Vec<String>>> {
        if class.school_id != self.school_id {
            return None;
        }
        match self.role {
            Role::SchoolAdmin => return Some(None),
            Role::Teacher if self.class_id == Some(class.id) => return Some(None),
            Role::Teacher | Role::SubjectTeacher => {}
            Role::Monitor | Role::GradeLeader | Role::DistrictAdmin => return None,
        }
        let subjects: Vec<String> =
            teaching.iter().filter(|t| t.class_id == class.id).map(|t| t.subject.clone()).collect();
        (!subjects.is_empty()).then_some(Some(subjects))
    }

    /// Reading a class's plans: whoever reads the class, and teachers of it through `teaching`.
    pub fn can_read_plans(&self, class: &ClassInfo, teaching: &[Teaching]) -> bool {
        self.can_read_class(class) || self.plan_subjects(class, teaching).is_some()
    }

    /// Reviewing a class's day plans: its grade's leader, the school's admins.
    pub fn can_review_plans(&self, class: &ClassInfo) -> bool {
        class.school_id == self.school_id
            && match self.role {
                Role::GradeLeader => self.grade == Some(class.grade),
                Role::SchoolAdmin => true,
                _ => false,
            }
    }

    /// Managing a class's public notice links: its class teacher, the school's admins.
    pub fn can_manage_notice(&self, class: &ClassInfo) -> bool {
        class.school_id == self.school_id
            && match self.role {
                Role::Teacher => self.class_id == Some(class.id),
                Role::SchoolAdmin => true,
                _ => false,
            }
    }

    /// Whether the role carries teaching assignments at all.
    pub fn may_teach(&self) -> bool {
        matches!(self.role, Role::Teacher | Role::SubjectTeacher)
    }
}

/// Cases and spot checks (API.md "Who may do what (next)"): one function per right, so that a
/// new role is one line in each.
impl Account {
    /// Cases: open, assign, recheck — grade leaders their grade, admins their school.
    pub fn can_manage_cases(&self, school: SchoolId, grade: Grade) -> bool {
        school == self.school_id
            && match self.role {
                Role::GradeLeader => self.grade == Some(grade),
                Role::SchoolAdmin => true,
                Role::Monitor | Role::Teacher | Role::SubjectTeacher | Role::DistrictAdmin => false,
            }
    }

    /// Cases: act — the class's teacher, a subject teacher of the class the case is assigned
    /// to, grade leaders their grade, admins their school.
    pub fn can_act_on_case(&self, case: &Case) -> bool {
        case.school_id == self.school_id
            && match self.role {
                // A class teacher who also teaches another class acts on what it is assigned.
                Role::Teacher => {
                    self.class_id == Some(case.class_id) || case.assignee_id == Some(self.id)
                }
                // Only a subject teacher of the class may be assigned (checked then).
                Role::SubjectTeacher => case.assignee_id == Some(self.id),
                Role::GradeLeader => self.grade == Some(case.grade),
                Role::SchoolAdmin => true,
                Role::Monitor | Role::DistrictAdmin => false,
            }
    }

    /// Cases: read — the class's teacher, the subject teacher it is assigned to, grade leaders
    /// their grade, admins their school, district admins their district.
    pub fn can_read_case(&self, case: &Case) -> bool {
        self.oversees(case.school_id)
            || case.school_id == self.school_id
                && match self.role {
                    Role::Teacher => {
                        self.class_id == Some(case.class_id) || case.assignee_id == Some(self.id)
                    }
                    Role::SubjectTeacher => case.assignee_id == Some(self.id),
                    Role::GradeLeader => self.grade == Some(case.grade),
                    Role::SchoolAdmin => true,
                    Role::Monitor | Role::DistrictAdmin => false,
                }
    }

    /// Whether the account may list cases at all (the list holds those [`Self::can_read_case`]).
    pub fn may_list_cases(&self) -> bool {
        match self.role {
            Role::Teacher
            | Role::SubjectTeacher
            | Role::GradeLeader
            | Role::SchoolAdmin
            | Role::DistrictAdmin => true,
            Role::Monitor => false,
        }
    }

    /// A grade's report of its cases: those who manage the grade's cases (and, merge: district
    /// admins of the school's district).
    pub fn can_read_cases_report(&self, school: SchoolId, grade: Grade) -> bool {
        self.oversees(school) || self.can_manage_cases(school, grade)
    }

    /// Spot checks: draw, record, open a case from — the school's admins.
    pub fn can_write_spot_checks(&self, school: SchoolId) -> bool {
        school == self.school_id && self.role == Role::SchoolAdmin
    }

    /// Spot checks: read — the school's admins (merge: and district admins of its district).
    pub fn can_read_spot_checks(&self, school: SchoolId) -> bool {
        self.oversees(school) || school == self.school_id && self.role == Role::SchoolAdmin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: Role, class_id: Option<i64>, grade: u8) -> Account {
        Account {
            id: 1,
            school_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            role,
            class_id,
            grade: Grade::new(i64::from(grade)).ok(),
            class_name: None,
            password_hash: String::new(),
            disabled: false,
            tablet: false,
            district_id: None,
            district_schools: Default::default(),
            tablet_label: None,
        }
    }

    fn class(id: i64, school_id: i64, grade: u8) -> ClassInfo {
        ClassInfo {
            id,
            school_id,
            grade: Grade::new(i64::from(grade)).unwrap(),
            name: format!("{grade}({id})"),
            archived: false,
        }
    }

    #[test]
    fn the_role_table_of_the_api_holds() {
        let own = class(1, 1, 7);
        let same_grade = class(2, 1, 7);
        let other_grade = class(3, 1, 8);
        let other_school = class(4, 2, 7);
        let monitor = account(Role::Monitor, Some(1), 7);
        let teacher = account(Role::Teacher, Some(1), 7);
        let leader = account(Role::GradeLeader, None, 7);
        let admin = account(Role::SchoolAdmin, None, 0);

        let reads = |a: &Account| {
            [&own, &same_grade, &other_grade, &other_school].map(|c| a.can_read_class(c))
        };
        assert_eq!(reads(&monitor), [true, false, false, false]);
        assert_eq!(reads(&teacher), [true, false, false, false]);
        assert_eq!(reads(&leader), [true, true, false, false]);
        assert_eq!(reads(&admin), [true, true, true, false]);

        assert_eq!(monitor.edit_window(&own), Some(EditWindow::LastDays(7)));
        assert_eq!(teacher.edit_window(&own), Some(EditWindow::AnyPast));
        assert_eq!(teacher.edit_window(&same_grade), None);
        assert_eq!(leader.edit_window(&own), None);
        assert_eq!(admin.edit_window(&other_grade), Some(EditWindow::AnyPast));
        assert_eq!(admin.edit_window(&other_school), None);

        let g7 = Grade::new(7).unwrap();
        let g8 = Grade::new(8).unwrap();
        assert!(!monitor.can_compare(1, g7));
        assert!(teacher.can_compare(1, g7) && !teacher.can_compare(1, g8));
        assert!(leader.can_compare(1, g7) && !leader.can_compare(1, g8));
        assert!(admin.can_compare(1, g8) && !admin.can_compare(2, g7));
    }

    #[test]
    fn a_district_admin_reads_its_district_and_writes_nothing() {
        let in_district = class(1, 1, 7);
        let other_district = class(4, 2, 7);
        let bureau = Account {
            school_id: 0,
            district_id: Some(9),
            district_schools: std::sync::Arc::new([1].into_iter().collect()),
            ..account(Role::DistrictAdmin, None, 0)
        };
        assert!(bureau.can_read_class(&in_district) && !bureau.can_read_class(&other_district));
        let g7 = Grade::new(7).unwrap();
        assert!(bureau.can_compare(1, g7) && !bureau.can_compare(2, g7));
        assert!(bureau.can_read_school(1, false) && !bureau.can_read_school(2, true));
        assert_eq!(bureau.edit_window(&in_district), None);
        assert!(bureau.require_admin().is_err());
        assert!(bureau.require_district(9).is_ok() && bureau.require_district(8).is_err());
        let admin = account(Role::SchoolAdmin, None, 0);
        assert!(admin.require_district(9).is_err() && !admin.oversees(1));
    }

    #[test]
    fn the_rights_table_of_cases_and_spot_checks_holds() {
        let g7 = Grade::new(7).unwrap();
        let case = Case {
            id: 1,
            school_id: 1,
            class_id: 1,
            grade: g7,
            class_name: "7(1)".into(),
            kind: "over_average_limit".into(),
            subject: None,
            window: shared::cases::CaseWindow {
                from: "2026-10-01".parse().unwrap(),
                to: "2026-10-14".parse().unwrap(),
            },
            numbers: serde_json::Value::Null,
            status: shared::cases::CaseStatus::Open,
            opened_by: "L".into(),
            opened_by_id: None,
            opened_at: "2026-10-15T00:00:00Z".into(),
            assignee_id: None,
            due_date: None,
            actions: Vec::new(),
            recheck: None,
            overdue: false,
        };
        let monitor = account(Role::Monitor, Some(1), 7);
        let teacher = account(Role::Teacher, Some(1), 7);
        let other_teacher = account(Role::Teacher, Some(2), 7);
        let leader = account(Role::GradeLeader, None, 7);
        let leader8 = account(Role::GradeLeader, None, 8);
        let admin = account(Role::SchoolAdmin, None, 0);
        let other_admin = Account { school_id: 2, ..admin.clone() };
        let all = [&monitor, &teacher, &other_teacher, &leader, &leader8, &admin, &other_admin];

        assert_eq!(
            all.map(|a| a.can_manage_cases(1, g7)),
            [false, false, false, true, false, true, false]
        );
        assert_eq!(
            all.map(|a| a.can_act_on_case(&case)),
            [false, true, false, true, false, true, false]
        );
        assert_eq!(
            all.map(|a| a.can_read_case(&case)),
            [false, true, false, true, false, true, false]
        );
        assert_eq!(
            all.map(|a| a.can_write_spot_checks(1)),
            [false, false, false, false, false, true, false]
        );
        assert_eq!(
            all.map(|a| a.can_read_spot_checks(1)),
            [false, false, false, false, false, true, false]
        );
    }
}
