//! One clear page instead of a half-drawn one: when what a page shows is refused to the account
//! (403) it says "no access" (`#no-access`), and when it does not exist (404) "not found"
//! (`#not-found`), each with a way back to the start page; never three error boxes.

use crate::api::ApiError;
use crate::route::Route;
use shared::Lang;
use yew::prelude::*;
use yew_router::prelude::*;

/// What a refusal is to a person: `Some(403)` no access, `Some(404)` not found, else `None`.
pub fn refusal_kind(error: &ApiError) -> Option<u16> {
    match error {
        ApiError::Refused { status: status @ (403 | 404), .. } => Some(*status),
        _ => None,
    }
}

/// The first of `errors` that refuses the page as a whole, as its one page.
pub fn refused_page<'a>(
    errors: impl IntoIterator<Item = Option<&'a ApiError>>,
    lang: Lang,
) -> Option<Html> {
    let status = errors.into_iter().flatten().find_map(refusal_kind)?;
    let (id, title, text) = match (status, lang) {
        (403, Lang::Zh) => {
            ("no-access", "无权查看", "你的账号不能查看这个页面。如果你需要它，请联系学校管理员。")
        }
        (403, Lang::En) => (
            "no-access",
            "No access",
            "Your account may not see this page. If you need it, ask your school's administrator.",
        ),
        (_, Lang::Zh) => {
            ("not-found", "找不到", "要找的班级或年级不存在，可能已被删除或地址有误。")
        }
        (_, Lang::En) => (
            "not-found",
            "Not found",
            "The class or grade you are looking for does not exist; it may be gone, or the address is wrong.",
        ),
    };
    let home = if lang == Lang::Zh { "回到首页" } else { "Go to the start page" };
    Some(html! {
        <main class="page refused-page" {id}>
            <h1>{ title }</h1>
            <p>{ text }</p>
            <Link<Route> to={Route::Home} classes="button primary">{ home }</Link<Route>>
        </main>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_403_or_a_404_refuses_a_whole_page() {
        let refused =
            |status| ApiError::Refused { status, code: String::new(), message: String::new() };
        assert_eq!(refusal_kind(&refused(403)), Some(403));
        assert_eq!(refusal_kind(&refused(404)), Some(404));
        assert_eq!(refusal_kind(&refused(500)), None);
        assert_eq!(refusal_kind(&ApiError::Network(String::new())), None);
    }
}
