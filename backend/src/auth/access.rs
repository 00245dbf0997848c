//! The role table of API.md, in one place: who may read, write and compare what.

use shared::api::{ClassInfo, Role, Teaching};
use shared::report::{EditWindow, MONITOR_EDIT_DAYS};
use shared::{Grade, SchoolId};

use crate::db::Account;
use crate::error::AppError;

/// What a refusal says: the same sentence whether the class is in another school or merely not
/// the caller's, so that nothing about other schools leaks.
const NOT_YOURS: &str = "your account may not do this for this class";

impl Account {
    /// Reading a class's reports and summary: monitors and teachers their class, grade leaders
    /// their grade's classes, admins every class of their school.
    pub fn can_read_class(&self, class: &ClassInfo) -> bool {
        class.school_id == self.school_id
            && match self.role {
                Role::Monitor | Role::Teacher => self.class_id == Some(class.id),
                Role::GradeLeader => self.grade == Some(class.grade),
                Role::SchoolAdmin => true,
                // Its classes' summaries only, through `teaching` (see `http::plans`).
                Role::SubjectTeacher => false,
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

    /// Comparing a grade: teachers and grade leaders their own grade, admins every grade.
    pub fn can_compare(&self, school: SchoolId, grade: Grade) -> bool {
        school == self.school_id
            && match self.role {
                Role::Monitor => false,
                Role::Teacher | Role::GradeLeader => self.grade == Some(grade),
                Role::SchoolAdmin => true,
                Role::SubjectTeacher => false,
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
            Role::SchoolAdmin => Some(None),
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
            Role::Monitor | Role::GradeLeader => return None,
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
}
