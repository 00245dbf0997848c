//! The role table of API.md, in one place: who may read, write and compare what.

use shared::api::{ClassInfo, Role};
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
                    Role::DistrictAdmin => false,
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
                    Role::Monitor | Role::DistrictAdmin => false,
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
            Role::Monitor | Role::Teacher => None,
        }
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
}
