//! The root component: the session, the router, the top bar, and the guard that sends a
//! visitor who is not logged in to the login (and a logged-in one away from it).
//!
//! The screens of the class tablet are in both builds of the app; the others only in the full
//! app (feature `full`, see [`crate::bundle`]).

use crate::components::notice;
use crate::components::top_bar::TopBar;
use crate::pages::entry::EntryPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::tablet::TabletPage;
use crate::route::{Route, home_for, remember_return};
use crate::state::{SessionProvider, Status, use_session};
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <SessionProvider>
            <BrowserRouter>
                <TopBar />
                <Switch<Route> render={|route| html! { <Screen {route} /> }} />
            </BrowserRouter>
        </SessionProvider>
    }
}

#[derive(Properties, PartialEq)]
struct ScreenProps {
    route: Route,
}

/// The screen of a route, once we know who is asking.
#[function_component(Screen)]
fn screen(props: &ScreenProps) -> Html {
    let session = use_session();
    let me = match &session.status {
        Status::Checking => {
            return html! { <main class="page">{ notice::loading(session.lang) }</main> };
        }
        Status::LoggedOut { .. } => {
            return match props.route {
                Route::Login => html! { <LoginPage /> },
                Route::Tablet => html! { <TabletPage /> },
                Route::NotFound => html! { <NotFoundPage /> },
                Route::Notice { .. } => full_app_screen(&props.route),
                _ => {
                    remember_return(&props.route);
                    html! { <Redirect<Route> to={Route::Login} /> }
                }
            };
        }
        Status::LoggedIn { me, .. } => me.clone(),
    };
    match &props.route {
        Route::Home | Route::Login => html! { <Redirect<Route> to={home_for(&me)} /> },
        Route::Entry => html! { <EntryPage /> },
        // Signing in with a code replaces whoever was logged in on this device.
        Route::Tablet => html! { <TabletPage /> },
        Route::NotFound => html! { <NotFoundPage /> },
        other => full_app_screen(other),
    }
}

/// A screen of the full app only.
#[cfg(feature = "full")]
fn full_app_screen(route: &Route) -> Html {
    use crate::pages::account::AccountPage;
    use crate::pages::admin::{AdminPage, AdminSection};
    use crate::pages::class::ClassPage;
    use crate::pages::class_tablets::ClassTabletsPage;
    use crate::pages::comparison::ComparisonPage;
    use crate::pages::school::SchoolPage;
    use crate::pages::school_report::SchoolReportPage;
    match route {
        Route::Class { id } => html! { <ClassPage id={*id} /> },
        Route::Comparison { school, grade } => {
            html! { <ComparisonPage school={*school} grade={*grade} /> }
        }
        Route::School => html! { <SchoolPage /> },
        Route::SchoolReport => html! { <SchoolReportPage /> },
        Route::ClassTablets { id } => html! { <ClassTabletsPage id={*id} /> },
        Route::AdminHome => {
            html! { <Redirect<Route> to={Route::Admin { section: AdminSection::Classes }} /> }
        }
        Route::Admin { section } => html! { <AdminPage section={*section} /> },
        Route::Account => html! { <AccountPage /> },
        Route::District { id } => {
            html! { <crate::pages::district::DistrictPage id={*id} /> }
        }
        Route::DistrictWall { id } => {
            html! { <crate::pages::district_wall::DistrictWallPage id={*id} /> }
        }
        Route::Cases => html! { <crate::pages::cases::CasesPage /> },
        Route::CasesReport { school, grade } => {
            html! { <crate::pages::cases_report::CasesReportPage school={*school} grade={*grade} /> }
        }
        Route::SpotChecks => html! { <crate::pages::spot_checks::SpotChecksPage /> },
        Route::SpotCheckSheet { id } => {
            html! { <crate::pages::spot_checks::SpotCheckSheetPage id={*id} /> }
        }
        Route::ClassPlans { id } => html! { <crate::pages::plans::PlansPage id={*id} /> },
        Route::Notice { token } => {
            html! { <crate::pages::public_notice::PublicNoticePage token={token.clone()} /> }
        }
        Route::Home | Route::Login | Route::Entry | Route::Tablet | Route::NotFound => {
            html! { <NotFoundPage /> }
        }
    }
}

/// The tablet's build has none of those screens: their address boots the full app.
#[cfg(not(feature = "full"))]
fn full_app_screen(route: &Route) -> Html {
    use crate::bundle::FullAppLoad;
    html! { <FullAppLoad path={route.to_path()} /> }
}
