//! The school admin's set-up pages (`/admin/{section}`): classes (with their tablets),
//! accounts, roster import, policy and subjects, holidays and the audit log. One module per
//! section; this one holds the frame they share: the title, the sub-navigation, and the guard
//! that shows other roles a refusal instead.
//!
//! Test ids (every section): `#admin-page[data-section="classes"]`, the sub-navigation
//! `#admin-nav a[data-section="classes|accounts|roster|teaching|policy|holidays|audit"]`
//! (`aria-current="page"` on the open one), `#admin-section-title`. Each section's file lists
//! its own.

pub mod accounts;
pub mod audit;
pub mod classes;
pub mod holidays;
pub mod makeup_days;
pub mod policy;
pub mod policy_draft;
pub mod roster;
pub mod teaching;

use crate::i18n::{Texts, texts};
use crate::route::Route;
use crate::state::use_session;
use shared::api::Role;
use std::fmt;
use std::str::FromStr;
use yew::prelude::*;
use yew_router::prelude::*;

/// A section of the admin pages; its key is the last segment of the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminSection {
    Classes,
    Accounts,
    Roster,
    Teaching,
    Policy,
    Holidays,
    Audit,
}

impl AdminSection {
    pub const ALL: [AdminSection; 7] = [
        AdminSection::Classes,
        AdminSection::Accounts,
        AdminSection::Roster,
        AdminSection::Teaching,
        AdminSection::Policy,
        AdminSection::Holidays,
        AdminSection::Audit,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AdminSection::Classes => "classes",
            AdminSection::Accounts => "accounts",
            AdminSection::Roster => "roster",
            AdminSection::Teaching => "teaching",
            AdminSection::Policy => "policy",
            AdminSection::Holidays => "holidays",
            AdminSection::Audit => "audit",
        }
    }

    fn title(self, t: &Texts) -> &'static str {
        match self {
            AdminSection::Classes => t.admin_classes,
            AdminSection::Accounts => t.admin_accounts,
            AdminSection::Roster => t.admin_roster,
            AdminSection::Teaching => t.admin_teaching,
            AdminSection::Policy => t.admin_policy,
            AdminSection::Holidays => t.admin_holidays,
            AdminSection::Audit => t.admin_audit,
        }
    }

    fn lead(self, t: &Texts) -> &'static str {
        match self {
            AdminSection::Classes => t.admin_classes_lead,
            AdminSection::Accounts => t.admin_accounts_lead,
            AdminSection::Roster => t.admin_roster_lead,
            AdminSection::Teaching => t.admin_teaching_lead,
            AdminSection::Policy => t.admin_policy_lead,
            AdminSection::Holidays => t.admin_holidays_lead,
            AdminSection::Audit => t.admin_audit_lead,
        }
    }
}

impl FromStr for AdminSection {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        AdminSection::ALL.into_iter().find(|section| section.key() == s).ok_or(())
    }
}

impl fmt::Display for AdminSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminPageProps {
    pub section: AdminSection,
}

/// One section of the set-up, in the frame; only for the school's admins.
#[function_component(AdminPage)]
pub fn admin_page(props: &AdminPageProps) -> Html {
    let session = use_session();
    let t = texts(session.lang);
    let Some((me, _)) = session.user() else {
        return html! {};
    };
    if me.user.role != Role::SchoolAdmin {
        return html! {
            <main class="page" id="admin-page">
                <p class="notice error" role="alert" data-testid="load-error">{ t.forbidden }</p>
            </main>
        };
    }
    let section = props.section;
    let body = match section {
        AdminSection::Classes => html! { <classes::ClassesSection /> },
        AdminSection::Accounts => html! { <accounts::AccountsSection /> },
        AdminSection::Roster => html! { <roster::RosterSection /> },
        AdminSection::Teaching => html! { <teaching::TeachingSection /> },
        AdminSection::Policy => html! { <policy::PolicySection /> },
        AdminSection::Holidays => html! {
            <>
                <holidays::HolidaysSection />
                <makeup_days::MakeupDaysSection />
            </>
        },
        AdminSection::Audit => html! { <audit::AuditSection /> },
    };
    html! {
        <main class="page admin-page" id="admin-page" data-section={section.key()}>
            <header class="page-head">
                <div>
                    <p class="eyebrow">{ me.user.school_name.clone() }</p>
                    <h1>{ t.admin_title }</h1>
                </div>
            </header>
            <AdminNav current={section} />
            <section class="admin-section" aria-labelledby="admin-section-title">
                <h2 id="admin-section-title">{ section.title(t) }</h2>
                <p class="sub section-lead">{ section.lead(t) }</p>
                { body }
            </section>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct AdminNavProps {
    current: AdminSection,
}

/// The tabs of the set-up: real links (they open in a new tab too), followed in the app.
#[function_component(AdminNav)]
fn admin_nav(props: &AdminNavProps) -> Html {
    let t = texts(use_session().lang);
    let navigator = use_navigator();
    html! {
        <nav id="admin-nav" class="admin-nav" aria-label={t.admin_nav_label}>
            { for AdminSection::ALL.into_iter().map(|section| {
                let route = Route::Admin { section };
                let current = section == props.current;
                let onclick = {
                    let (navigator, route) = (navigator.clone(), route.clone());
                    Callback::from(move |e: MouseEvent| {
                        if e.ctrl_key() || e.meta_key() || e.shift_key() {
                            return; // the browser opens a new tab
                        }
                        e.prevent_default();
                        if let Some(navigator) = &navigator {
                            navigator.push(&route);
                        }
                    })
                };
                html! {
                    <a href={route.to_path()} data-section={section.key()} {onclick}
                       class={classes!("admin-tab", current.then_some("current"))}
                       aria-current={current.then_some("page")}>
                        { section.title(t) }
                    </a>
                }
            }) }
        </nav>
    }
}

/// A short message after an action succeeded, announced to screen readers.
pub fn done_notice(id: &'static str, text: String) -> Html {
    html! {
        <p class="notice done" {id} role="status" aria-live="polite">
            <span aria-hidden="true">{"✓ "}</span>{ text }
        </p>
    }
}

/// A refused request, in words, with the server's problems listed.
pub fn error_notice(id: &'static str, error: &crate::api::ApiError, lang: shared::Lang) -> Html {
    let problems = match error {
        crate::api::ApiError::Invalid { problems, .. } => problems.clone(),
        _ => Vec::new(),
    };
    html! {
        <div class="notice error" id={(!id.is_empty()).then_some(id)} role="alert">
            <span aria-hidden="true">{"⚠ "}</span>
            if problems.is_empty() {
                { error.message(lang) }
            } else {
                <ul class="problem-list">
                    { for problems.iter().map(|p| html! {
                        <li data-code={p.code.clone()}>{ problem_html(p, lang) }</li>
                    }) }
                </ul>
            }
        </div>
    }
}

/// A problem of the server in the person's language: our words for its code, and in Chinese
/// the server's English sentence under them, for the details it names.
pub fn problem_html(problem: &shared::api::Problem, lang: shared::Lang) -> Html {
    match crate::i18n::problem_label(&problem.code, lang) {
        Some(label) if lang == shared::Lang::Zh => html! {
            <>
                <span class="problem-label">{ label }</span>
                <span class="problem-detail" lang="en">{ problem.message.clone() }</span>
            </>
        },
        _ => html! { <span class="problem-label">{ problem.message.clone() }</span> },
    }
}
