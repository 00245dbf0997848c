//! Flags in plain words: why a class needs attention, with the numbers. Each flag is an element
//! `.flag[data-kind=…][data-severity=alert|warning]` with an icon, a short label and the sentence.

use crate::i18n::{flag_label, texts};
use shared::{Flag, Lang, Severity};
use yew::prelude::*;

/// Past this many days over the limit, the day flags fold into one line that opens on a click.
const FOLD_DAY_FLAGS_OVER: usize = 2;

#[derive(Properties, PartialEq)]
pub struct FlagListProps {
    pub flags: Vec<Flag>,
    pub lang: Lang,
    /// Compact badges for a table cell instead of a full-width list.
    #[prop_or(false)]
    pub compact: bool,
    /// The class and period shown: grade leaders and admins get "open a case" beside each flag
    /// that may become one (the full app only).
    #[prop_or_default]
    pub origin: Option<crate::components::open_case::CaseOrigin>,
}

/// All flags of a class, alerts first; many "day over the limit" flags are folded together.
#[function_component(FlagList)]
pub fn flag_list(props: &FlagListProps) -> Html {
    let lang = props.lang;
    let mut flags: Vec<&Flag> = props.flags.iter().collect();
    flags.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let (days, others): (Vec<&Flag>, Vec<&Flag>) =
        flags.into_iter().partition(|f| f.kind() == "over_daily_limit");
    let class = if props.compact { "flags compact" } else { "flags" };
    if days.is_empty() && others.is_empty() {
        return html! {
            <p class="no-flags"><span aria-hidden="true">{"✓ "}</span>{ texts(lang).no_flags }</p>
        };
    }
    let origin = props.origin;
    let day_items = days.iter().map(|f| flag_item(f, lang, origin));
    let days_html = if days.len() > FOLD_DAY_FLAGS_OVER {
        let summary = format!("{} × {}", flag_label("over_daily_limit", lang), days.len());
        html! {
            <li class="flag-group">
                <details>
                    <summary><span class="flag-icon" aria-hidden="true">{"▲"}</span>{ summary }</summary>
                    <ul class={class}>{ for day_items }</ul>
                </details>
            </li>
        }
    } else {
        html! { <>{ for day_items }</> }
    };
    html! {
        <ul class={class}>
            { for others.iter().map(|f| flag_item(f, lang, origin)) }
            { days_html }
        </ul>
    }
}

fn flag_item(
    flag: &Flag,
    lang: Lang,
    origin: Option<crate::components::open_case::CaseOrigin>,
) -> Html {
    let (severity, icon) = match flag.severity {
        Severity::Alert => ("alert", "!"),
        Severity::Warning => ("warning", "⚠"),
    };
    html! {
        <li class={classes!("flag", severity)} data-kind={flag.kind()} data-severity={severity}>
            <span class="flag-icon" aria-hidden="true">{ icon }</span>
            <span class="flag-label">{ flag_label(flag.kind(), lang) }</span>
            <span class="flag-message">{ flag.message_in(lang).to_owned() }</span>
            { open_case(flag, origin) }
        </li>
    }
}

/// The "open a case" button of a flag, where the page gives the class and period.
#[cfg(feature = "full")]
fn open_case(flag: &Flag, origin: Option<crate::components::open_case::CaseOrigin>) -> Html {
    use crate::components::open_case::OpenCase;
    match origin {
        Some(origin) => html! { <OpenCase flag={flag.clone()} {origin} /> },
        None => html! {},
    }
}

/// The tablet's build opens no cases.
#[cfg(not(feature = "full"))]
fn open_case(_: &Flag, _: Option<crate::components::open_case::CaseOrigin>) -> Html {
    html! {}
}
