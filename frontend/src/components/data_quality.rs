//! Data-quality hints beside the grade comparison: classes whose numbers look copied rather than
//! recorded (the same total five school days running; nothing but 0 while the grade's other
//! classes report homework). Hints for a person to look at, not flags.
//!
//! Test ids: `#data-quality`, `li.quality-hint[data-kind=same_total|always_zero][data-class-id]`.

use shared::Lang;
use shared::api::GradeDays;
use shared::data_quality::{QualityHint, SAME_RUN_DAYS, hints};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DataQualityProps {
    pub days: Rc<GradeDays>,
    pub lang: Lang,
}

#[function_component(DataQuality)]
pub fn data_quality(props: &DataQualityProps) -> Html {
    let lang = props.lang;
    let list = hints(&props.days);
    let (title, none, lead) = match lang {
        Lang::Zh => {
            ("数据质量提示", "✓ 本期没有可疑的数据。", "以下只是提示，请核实，不计入提醒。")
        }
        Lang::En => (
            "Data quality hints",
            "✓ Nothing looks copied in this period.",
            "Hints to check with the class, not flags.",
        ),
    };
    html! {
        <section class="card" id="data-quality">
            <h2>{ title }</h2>
            if list.is_empty() {
                <p class="muted">{ none }</p>
            } else {
                <p class="hint">{ lead }</p>
                <ul class="quality-hints">
                    { for list.iter().map(|h| html! {
                        <li class="quality-hint" data-kind={h.kind()} data-class-id={h.class_id().to_string()}>
                            <span aria-hidden="true">{ "⚠ " }</span>{ sentence(h, lang) }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

fn sentence(h: &QualityHint, lang: Lang) -> String {
    match (h, lang) {
        (QualityHint::SameTotal { name, total_minutes, days, from, to, .. }, Lang::Zh) => format!(
            "{name}：连续 {days} 个上课日（{from} 至 {to}）合计都是 {total_minutes} 分钟（{SAME_RUN_DAYS} 天起提示），请核实是否照抄。"
        ),
        (QualityHint::SameTotal { name, total_minutes, days, from, to, .. }, _) => format!(
            "{name}: the same total, {total_minutes} minutes, on {days} school days running ({from} to {to}; {SAME_RUN_DAYS} or more is a hint). Was it copied?"
        ),
        (QualityHint::AlwaysZero { name, days, others, .. }, Lang::Zh) => format!(
            "{name}：{days} 个上课日登记都是 0 分钟，而本年级另有 {others} 个班登记了作业，请核实。"
        ),
        (QualityHint::AlwaysZero { name, days, others, .. }, _) => format!(
            "{name}: 0 minutes on all {days} school days reported, while {others} other classes of the grade reported homework."
        ),
    }
}
