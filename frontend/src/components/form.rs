//! Pieces of the set-up forms: reading an input's value from its event, a field's problem line
//! under it, the server's problems sorted by field, a confirmation question, and passwords that
//! are easy to read out.

use shared::api::Problem;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The value of the `<input>` an event came from.
pub fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The value of the `<select>` a change came from.
pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// What is wrong with a field, under it, as `#{field}-problem`; nothing when all is well.
pub fn problem_line(field: &str, problem: Option<&str>) -> Html {
    match problem {
        Some(text) => html! {
            <p class="field-problem" id={format!("{field}-problem")} role="alert">
                <span aria-hidden="true">{"⚠ "}</span>{ text.to_owned() }
            </p>
        },
        None => html! {},
    }
}

/// The id of the problem line of a field, for `aria-describedby`, when it has one.
pub fn described_by(field: &str, problem: Option<&str>) -> Option<AttrValue> {
    problem.map(|_| AttrValue::from(format!("{field}-problem")))
}

/// Which field of a form a problem of the server is about, by its code; `""` for the form as a
/// whole.
pub fn field_of<'a>(problem: &Problem, fields: &[(&str, &'a str)]) -> &'a str {
    fields.iter().find(|(code, _)| *code == problem.code).map_or("", |(_, field)| field)
}

/// A new password an admin can read out or print: 12 characters without look-alikes (no 0/o,
/// 1/l/i), from the browser's cryptographic random numbers.
pub fn generate_password() -> String {
    readable_password(crate::api::random_bytes())
}

/// Turns random bytes into a password of letters and digits that are hard to misread, in
/// groups of four (`k7mq-4xhp-ta2w`) so it can be read out and typed on a tablet.
pub fn readable_password(bytes: [u8; 12]) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let chars: Vec<char> =
        bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_password_is_three_groups_of_four_readable_characters() {
        let p = readable_password([0, 1, 2, 3, 30, 31, 32, 33, 200, 201, 254, 255]);
        assert_eq!(p.len(), 14);
        assert_eq!(p.matches('-').count(), 2);
        assert!(!p.contains(['0', '1', 'l', 'i', 'o']), "{p}");
        assert!(p.starts_with("abcd-9ab"), "{p}");
    }

    #[test]
    fn a_problem_lands_on_the_field_its_code_names() {
        let fields = [("weak_password", "password"), ("username_taken", "username")];
        let p = |code: &str| Problem {
            code: code.into(),
            message: String::new(),
            row: None,
            column: None,
        };
        assert_eq!(field_of(&p("weak_password"), &fields), "password");
        assert_eq!(field_of(&p("something_else"), &fields), "");
    }
}
