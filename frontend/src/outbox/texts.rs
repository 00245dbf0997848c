//! The words of the outbox on the entry page, in Chinese and English: what is saved, what waits,
//! what the server refused. (Kept beside the outbox rather than in `i18n.rs`, which every page
//! shares; the same one-field-per-string rule holds.) Written for a ten-year-old.

use shared::Lang;

pub struct OutboxTexts {
    pub all_saved: &'static str,
    pub sending: &'static str,
    pub offline: &'static str,
    pub try_now: &'static str,
    pub waiting_here: &'static str,
    pub waiting_state: &'static str,
    pub sending_state: &'static str,
    pub conflict_state: &'static str,
    pub refused_state: &'static str,
    pub refused_title: &'static str,
    pub refused_fix: &'static str,
    pub discard: &'static str,
    pub open_day: &'static str,
    pub outbox_title: &'static str,
    lang: Lang,
}

const ZH: OutboxTexts = OutboxTexts {
    all_saved: "全部已交给老师",
    sending: "正在发送…",
    offline: "现在连不上网络。记录已保存在这台平板上，网络恢复后会自动发送。",
    try_now: "现在重试",
    waiting_here: "已保存在平板上，等待发送。网络恢复后会自动发送，不用再点“提交”。",
    waiting_state: "等待发送",
    sending_state: "正在发送",
    conflict_state: "老师改过这一天，请选择",
    refused_state: "被退回，请改正",
    refused_title: "这份记录没有交上去：",
    refused_fix: "请改正上面的数字，再点“提交”。",
    discard: "放弃这份记录",
    open_day: "打开",
    outbox_title: "还在平板上、没交给老师的记录",
    lang: Lang::Zh,
};

const EN: OutboxTexts = OutboxTexts {
    all_saved: "Everything has reached your teachers",
    sending: "Sending…",
    offline: "No network right now. Your reports are kept on this tablet and go by themselves when the network is back.",
    try_now: "Try now",
    waiting_here: "Kept on this tablet, waiting to send. It goes by itself when the network is back; no need to press Submit again.",
    waiting_state: "waiting to send",
    sending_state: "sending",
    conflict_state: "a teacher changed this day: choose",
    refused_state: "refused: please correct",
    refused_title: "This report was not taken:",
    refused_fix: "Correct the numbers above, then press Submit again.",
    discard: "Give up this report",
    open_day: "Open",
    outbox_title: "Still on this tablet, not yet with your teachers",
    lang: Lang::En,
};

pub fn outbox_texts(lang: Lang) -> &'static OutboxTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

impl OutboxTexts {
    /// "3 reports waiting to send".
    pub fn waiting(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{n} 份记录等待发送"),
            Lang::En if n == 1 => "1 report waiting to send".to_owned(),
            Lang::En => format!("{n} reports waiting to send"),
        }
    }

    /// "1 report needs you".
    pub fn needs_you(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{n} 份记录需要你处理"),
            Lang::En if n == 1 => "1 report needs you".to_owned(),
            Lang::En => format!("{n} reports need you"),
        }
    }
}
