//! Homework plans (作业备案): what teachers file for a class's day, the day's required written
//! total against the limit, the day's status, and expected against actual. Pure functions, used
//! by the server (stored plans, the summary's flag) and the browser (the filing page's live
//! total) alike; the rules are DESIGN.md's "Plans".

use crate::{ClassId, Grade, Policy, round1};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The longest item content, in characters.
pub const MAX_CONTENT_CHARS: usize = 500;
/// The most minutes one item may be expected to take.
pub const MAX_ITEM_MINUTES: i64 = 240;
/// The most items one subject's plan for a day may hold.
pub const MAX_ITEMS: usize = 30;
/// How many days back a teacher may file or change a plan (an admin may go further back).
pub const PLAN_DAYS_BACK: u64 = 7;
/// How many days ahead a plan may be filed.
pub const PLAN_DAYS_AHEAD: u64 = 14;

/// What kind of homework an item is; only `written` counts against the limit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Written,
    Oral,
    Reading,
    Practical,
}

impl ItemKind {
    /// What the kind is called on a page (the filing page, the public notice).
    pub fn name(self, lang: crate::Lang) -> &'static str {
        use crate::Lang::{En, Zh};
        match (self, lang) {
            (ItemKind::Written, Zh) => "书面",
            (ItemKind::Oral, Zh) => "口头",
            (ItemKind::Reading, Zh) => "阅读",
            (ItemKind::Practical, Zh) => "实践",
            (ItemKind::Written, En) => "written",
            (ItemKind::Oral, En) => "oral",
            (ItemKind::Reading, En) => "reading",
            (ItemKind::Practical, En) => "practical",
        }
    }

    pub const ALL: [ItemKind; 4] =
        [ItemKind::Written, ItemKind::Oral, ItemKind::Reading, ItemKind::Practical];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Written => "written",
            ItemKind::Oral => "oral",
            ItemKind::Reading => "reading",
            ItemKind::Practical => "practical",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One piece of homework of a subject's plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    pub content: String,
    pub kind: ItemKind,
    pub expected_minutes: u32,
    /// Layered homework (分层作业): a pupil may leave it; it does not count against the limit.
    #[serde(default)]
    pub optional: bool,
}

/// One item as a client sends it: not yet checked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanItemInput {
    pub content: String,
    pub kind: String,
    pub expected_minutes: i64,
    #[serde(default)]
    pub optional: bool,
}

/// Why an item cannot be filed; `code` is the API's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidItem {
    #[error("item {index}: the content needs 1 to {MAX_CONTENT_CHARS} characters")]
    Content { index: usize },
    #[error("item {index}: kind {kind:?} is not written, oral, reading or practical")]
    Kind { index: usize, kind: String },
    #[error("item {index}: {minutes} expected minutes is not between 0 and {MAX_ITEM_MINUTES}")]
    Minutes { index: usize, minutes: i64 },
    #[error("a subject's plan holds at most {MAX_ITEMS} items")]
    TooMany,
}

impl InvalidItem {
    pub fn code(&self) -> &'static str {
        match self {
            InvalidItem::Content { .. } => "invalid_content",
            InvalidItem::Kind { .. } => "invalid_kind",
            InvalidItem::Minutes { .. } => "minutes_out_of_range",
            InvalidItem::TooMany => "too_many_items",
        }
    }
}

/// Checks the items of a subject's plan; the content is kept as typed, less surrounding space.
pub fn validate_items(input: &[PlanItemInput]) -> Result<Vec<PlanItem>, Vec<InvalidItem>> {
    if input.len() > MAX_ITEMS {
        return Err(vec![InvalidItem::TooMany]);
    }
    let mut items = Vec::with_capacity(input.len());
    let mut problems = Vec::new();
    for (index, item) in input.iter().enumerate() {
        let content = item.content.trim();
        let chars = content.chars().count();
        if chars == 0 || chars > MAX_CONTENT_CHARS || content.chars().any(|c| c == '\0') {
            problems.push(InvalidItem::Content { index });
        }
        let kind = ItemKind::parse(&item.kind);
        if kind.is_none() {
            problems.push(InvalidItem::Kind { index, kind: item.kind.chars().take(40).collect() });
        }
        if !(0..=MAX_ITEM_MINUTES).contains(&item.expected_minutes) {
            problems.push(InvalidItem::Minutes { index, minutes: item.expected_minutes });
        }
        if let (Some(kind), true) = (kind, problems.is_empty()) {
            items.push(PlanItem {
                content: content.to_owned(),
                kind,
                expected_minutes: item.expected_minutes as u32,
                optional: item.optional,
            });
        }
    }
    if problems.is_empty() { Ok(items) } else { Err(problems) }
}

/// Whether an item counts against the limit: required and written.
pub fn counts_against_limit(item: &PlanItem) -> bool {
    item.kind == ItemKind::Written && !item.optional
}

/// A subject plan's `expected_minutes`: the sum over its required written items.
pub fn expected_minutes(items: &[PlanItem]) -> u32 {
    items.iter().filter(|i| counts_against_limit(i)).map(|i| i.expected_minutes).sum()
}

/// A day's status (DESIGN.md "Plans").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    /// Within the limit.
    Open,
    /// Over it: waiting for the grade leader.
    NeedsApproval,
    /// Over it, and the grade leader approved this total.
    Approved,
    /// Over it, and the grade leader sent it back with a reason.
    Returned,
}

impl DayStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DayStatus::Open => "open",
            DayStatus::NeedsApproval => "needs_approval",
            DayStatus::Approved => "approved",
            DayStatus::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<DayStatus> {
        [DayStatus::Open, DayStatus::NeedsApproval, DayStatus::Approved, DayStatus::Returned]
            .into_iter()
            .find(|d| d.as_str() == s)
    }

    /// Whether the public notice shows the day's homework.
    pub fn is_public(self) -> bool {
        matches!(self, DayStatus::Open | DayStatus::Approved)
    }
}

/// Whether a day's plans are over the limit: their required written minutes above it, or, in
/// grades 1–2, any required written item at all, whatever its minutes.
pub fn over_limit<'a>(
    grade: Grade,
    limit_minutes: u32,
    subjects: impl IntoIterator<Item = &'a [PlanItem]>,
) -> bool {
    let mut total = 0u32;
    let mut any_required_written = false;
    for items in subjects {
        total += expected_minutes(items);
        any_required_written |= items.iter().any(counts_against_limit);
    }
    total > limit_minutes || (grade.is_lower_primary() && any_required_written)
}

/// The day's status after a change of its plans: `needs_approval` when the change leaves it
/// over the limit (even if it was approved or returned before), `open` when within.
pub fn status_after_change<'a>(
    grade: Grade,
    limit_minutes: u32,
    subjects: impl IntoIterator<Item = &'a [PlanItem]>,
) -> DayStatus {
    if over_limit(grade, limit_minutes, subjects) {
        DayStatus::NeedsApproval
    } else {
        DayStatus::Open
    }
}

/// A review's decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    Returned,
}

impl Decision {
    pub fn status(self) -> DayStatus {
        match self {
            Decision::Approved => DayStatus::Approved,
            Decision::Returned => DayStatus::Returned,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.status().as_str()
    }

    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "approved" => Some(Decision::Approved),
            "returned" => Some(Decision::Returned),
            _ => None,
        }
    }
}

/// The status a review leaves, or `None` when the day is not waiting for one (a returned day
/// included: its teachers change it first).
pub fn status_after_review(current: DayStatus, decision: Decision) -> Option<DayStatus> {
    (current == DayStatus::NeedsApproval).then_some(decision.status())
}

/// A subject's plan for a class's day, as the API shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectPlan {
    pub class_id: ClassId,
    pub date: NaiveDate,
    pub subject: String,
    pub items: Vec<PlanItem>,
    pub expected_minutes: u32,
    /// The display name of who filed it last.
    pub filed_by: String,
    pub updated_at: String,
    pub version: i64,
}

/// Who reviewed a day, when, and what they decided.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// The reviewer's display name.
    pub by: String,
    pub at: String,
    pub decision: Decision,
    pub reason: Option<String>,
}

/// A class's day of plans.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayPlan {
    pub class_id: ClassId,
    pub date: NaiveDate,
    pub limit_minutes: u32,
    pub subjects: Vec<SubjectPlan>,
    pub expected_written_minutes: u32,
    pub status: DayStatus,
    pub review: Option<Review>,
}

impl DayPlan {
    /// A day from its subjects (ordered as given) and what the store keeps of its status.
    pub fn new(
        class_id: ClassId,
        date: NaiveDate,
        limit_minutes: u32,
        subjects: Vec<SubjectPlan>,
        status: Option<DayStatus>,
        review: Option<Review>,
    ) -> DayPlan {
        let expected_written_minutes = subjects.iter().map(|s| s.expected_minutes).sum();
        let status =
            if subjects.is_empty() { DayStatus::Open } else { status.unwrap_or(DayStatus::Open) };
        DayPlan {
            class_id,
            date,
            limit_minutes,
            subjects,
            expected_written_minutes,
            status,
            review,
        }
    }
}

/// `PUT /api/v1/classes/{class_id}/plans/{date}/{subject}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutSubjectPlan {
    pub items: Vec<PlanItemInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// The answer to a filed subject plan: the plan (null when removed) and its day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutSubjectPlanResponse {
    pub plan: Option<SubjectPlan>,
    pub day: DayPlan,
}

/// `POST /api/v1/classes/{class_id}/plans/{date}/review`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub decision: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// One subject on the public notice.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeSubject {
    pub subject: String,
    pub items: Vec<PlanItem>,
    pub expected_minutes: u32,
}

/// `GET /api/v1/public/notices/{token}`: the day's homework as parents see it, with nobody's
/// name.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicNotice {
    pub school_name: String,
    pub class_name: String,
    pub grade: Grade,
    pub date: NaiveDate,
    pub limit_minutes: u32,
    /// `open` or `approved`, or `pending` for a day still waiting or sent back.
    pub status: String,
    pub subjects: Vec<NoticeSubject>,
    /// Null while the day is pending.
    pub expected_written_minutes: Option<u32>,
}

impl PublicNotice {
    /// The notice of a day plan: its subjects only when the day is open or approved.
    pub fn of(day: &DayPlan, school_name: &str, class_name: &str, grade: Grade) -> PublicNotice {
        let public = day.status.is_public();
        PublicNotice {
            school_name: school_name.to_owned(),
            class_name: class_name.to_owned(),
            grade,
            date: day.date,
            limit_minutes: day.limit_minutes,
            status: if public { day.status.as_str().to_owned() } else { "pending".to_owned() },
            subjects: if public {
                day.subjects
                    .iter()
                    .map(|s| NoticeSubject {
                        subject: s.subject.clone(),
                        items: s.items.clone(),
                        expected_minutes: s.expected_minutes,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            expected_written_minutes: public.then_some(day.expected_written_minutes),
        }
    }
}

/// A class's public notice link; the token itself only in the answer that created it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLink {
    pub id: i64,
    pub class_id: ClassId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub created_at: String,
}

// ---------------------------------------------------------------------------------------------
// Expected against actual.

/// One subject's paired days: what was expected and what it took, on average.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectedActual {
    pub subject: String,
    pub days: u32,
    pub expected_average: f64,
    pub actual_average: f64,
}

/// What the expected-against-actual engine found for a class: one row per subject with a
/// paired day, and the subjects whose actual ran too far above the estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedEvaluation {
    pub rows: Vec<ExpectedActual>,
    pub above: Vec<AboveExpected>,
}

/// The numbers of an `actual_above_expected` flag.
#[derive(Debug, Clone, PartialEq)]
pub struct AboveExpected {
    pub subject: String,
    pub days: u32,
    pub expected_average: f64,
    pub actual_average: f64,
    pub threshold_minutes: f64,
}

const EPSILON: f64 = 1e-9;

/// Compares a class's filed estimates with its reports, per subject, over the given school days
/// (the caller decides which days are school days: the window's, less holidays, plus make-up
/// days). A paired day is a school day with both a report and a plan for the subject whose
/// expected minutes are above 0; the actual is the report's minutes for the subject (0 if the
/// report lacks it). `reports`: date → subject → minutes; `plans`: date → subject → expected.
pub fn expected_vs_actual(
    school_days: &BTreeSet<NaiveDate>,
    reports: &BTreeMap<NaiveDate, BTreeMap<String, u32>>,
    plans: &BTreeMap<NaiveDate, BTreeMap<String, u32>>,
    policy: &Policy,
) -> ExpectedEvaluation {
    // subject → (days, expected sum, actual sum)
    let mut sums: BTreeMap<&str, (u32, u64, u64)> = BTreeMap::new();
    for (date, subjects) in plans {
        if !school_days.contains(date) {
            continue;
        }
        let Some(report) = reports.get(date) else { continue };
        for (subject, expected) in subjects.iter().filter(|(_, e)| **e > 0) {
            let actual = report.get(subject).copied().unwrap_or(0);
            let s = sums.entry(subject.as_str()).or_default();
            s.0 += 1;
            s.1 += u64::from(*expected);
            s.2 += u64::from(actual);
        }
    }
    let mut rows = Vec::new();
    let mut above = Vec::new();
    for (subject, (days, expected, actual)) in sums {
        let expected_average = expected as f64 / f64::from(days);
        let actual_average = actual as f64 / f64::from(days);
        rows.push(ExpectedActual {
            subject: subject.to_owned(),
            days,
            expected_average: round1(expected_average),
            actual_average: round1(actual_average),
        });
        if days < policy.min_days {
            continue;
        }
        let threshold =
            f64::from(policy.expected_min_minutes).max(policy.expected_ratio * expected_average);
        if actual_average - expected_average > threshold + EPSILON {
            above.push(AboveExpected {
                subject: subject.to_owned(),
                days,
                expected_average: round1(expected_average),
                actual_average: round1(actual_average),
                threshold_minutes: round1(threshold),
            });
        }
    }
    ExpectedEvaluation { rows, above }
}

impl AboveExpected {
    /// The flag's reason.
    pub fn reason(&self) -> crate::FlagReason {
        crate::FlagReason::ActualAboveExpected {
            subject: self.subject.clone(),
            days: self.days,
            expected_average: self.expected_average,
            actual_average: self.actual_average,
            threshold_minutes: self.threshold_minutes,
        }
    }
}

#[cfg(test)]
#[path = "plans_tests.rs"]
mod tests;
