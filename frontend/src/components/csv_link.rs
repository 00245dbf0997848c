//! A download link for the CSV twin of a table (UTF-8 with a byte-order mark, so Excel and
//! LibreOffice read the Chinese right), placed next to the table it exports.

use crate::i18n::texts;
use shared::Lang;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CsvLinkProps {
    pub id: AttrValue,
    pub href: AttrValue,
    pub lang: Lang,
}

#[function_component(CsvLink)]
pub fn csv_link(props: &CsvLinkProps) -> Html {
    let t = texts(props.lang);
    html! {
        <a id={props.id.clone()} class="button secondary csv-link" download="" href={props.href.clone()}
           title={t.download_csv}>
            <span aria-hidden="true">{"⬇ "}</span>{ t.csv_short }
        </a>
    }
}
