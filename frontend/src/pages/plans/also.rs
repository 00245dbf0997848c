//! Filing the same homework for several classes at once: a subject teacher often gives 7(1)–7(4)
//! the same exercises. Which other classes an account may file a subject for, as the server's
//! rule (`plan_subjects`) says: an admin every class of the school, a class teacher its own class,
//! and through `teaching` the classes and subjects it teaches; only classes whose grade has the
//! subject.

use shared::api::{ClassInfo, Me, Role};
use shared::{ClassId, Policy};

/// Whether `me` may file `subject` for `class`.
pub fn may_file(me: &Me, policy: &Policy, class: &ClassInfo, subject: &str) -> bool {
    let user = &me.user;
    let grade_has = policy.subjects(class.grade).iter().any(|s| s.as_str() == subject);
    let allowed = match user.role {
        Role::SchoolAdmin => class.school_id == user.school_id,
        Role::Teacher if user.class_id == Some(class.id) => true,
        Role::Teacher | Role::SubjectTeacher => {
            user.teaching.iter().any(|t| t.class_id == class.id && t.subject == subject)
        }
        _ => false,
    };
    grade_has && allowed && !class.archived
}

/// The classes besides `current` that `me` may file `subject` for, in the list's order; an
/// admin's are those of the same grade (a school has dozens of classes).
pub fn other_classes(
    me: &Me,
    policy: &Policy,
    classes: &[ClassInfo],
    current: ClassId,
    subject: &str,
) -> Vec<ClassInfo> {
    let grade = classes.iter().find(|c| c.id == current).map(|c| c.grade);
    classes
        .iter()
        .filter(|c| c.id != current && Some(c.grade) == grade)
        .filter(|c| may_file(me, policy, c, subject))
        .cloned()
        .collect()
}
