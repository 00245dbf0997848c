//! Input hygiene for every name and note people type: what is refused, what is removed, and
//! the form names are compared in. The server applies it before storing; the app may apply it
//! before sending, so both sides agree on what "the same name" is.
//!
//! - **Refused** (`422 invalid_name` in a name, `422 invalid_note` in a note): control characters (C0 and C1, DEL) and the bidirectional controls
//!   (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can forge log lines, hide
//!   text in a CSV or reverse what a reader sees. A note may keep line breaks and tabs.
//! - **Removed**: invisible characters that change no glyph (zero-width space, joiners, word
//!   joiner, soft hyphen, BOM, variation selectors…), so that "9(1)" and "9(1)\u{200b}" are one
//!   name.
//! - **Compared in NFKC**: a name is stored as typed (less the above), but compared in Unicode
//!   NFKC ([`name_key`]), so full-width "９（１）" and "9(1)" are one name too, while a school
//!   that writes "七年级（1）班" keeps its full-width brackets.

use unicode_normalization::UnicodeNormalization;

/// Whether `c` is a bidirectional control: it reorders what follows when displayed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is invisible and changes nothing a reader sees (removed, not refused).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Whether a name may not contain `c`: a control or bidirectional control character.
pub fn is_refused_in_name(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Whether a note may not contain `c`: as for names, but line breaks and tabs are kept.
pub fn is_refused_in_note(c: char) -> bool {
    !matches!(c, '\n' | '\r' | '\t') && is_refused_in_name(c)
}

/// Why a name cannot be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("a name may not contain control or bidirectional characters")]
    Refused,
    #[error("a name needs 1 to {max} characters")]
    Length { max: usize },
}

impl NameProblem {
    /// The stable machine code of the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Refused | Self::Length { .. } => "invalid_name",
        }
    }
}

/// A name as stored: invisible characters removed, spaces at the ends trimmed. Control and
/// bidirectional characters are not touched here (see [`clean_name`]).
pub fn canonical_name(name: &str) -> String {
    let visible: String = name.chars().filter(|c| !is_invisible(*c)).collect();
    visible.trim().to_owned()
}

/// The form two names are compared in: NFKC of [`canonical_name`].
pub fn name_key(name: &str) -> String {
    let normal: String = canonical_name(name).nfkc().filter(|c| !is_invisible(*c)).collect();
    normal.trim().to_owned()
}

/// A name as stored: refused if it holds a control or bidirectional character, else in
/// [`canonical_name`] form and 1 to `max` characters long.
pub fn clean_name(name: &str, max: usize) -> Result<String, NameProblem> {
    if name.chars().any(is_refused_in_name) {
        return Err(NameProblem::Refused);
    }
    let name = canonical_name(name);
    let n = name.chars().count();
    if n == 0 || n > max {
        return Err(NameProblem::Length { max });
    }
    Ok(name)
}

/// A note as stored: refused if it holds a control character other than a line break or tab,
/// or a bidirectional control; else with invisible characters removed. Notes are not NFKC'd:
/// nobody compares them, and the writer's full-width punctuation is theirs.
pub fn clean_note(note: &str) -> Result<String, NameProblem> {
    if note.chars().any(is_refused_in_note) {
        return Err(NameProblem::Refused);
    }
    Ok(note.chars().filter(|c| !is_invisible(*c)).collect())
}

/// At most `max` characters of `s`, for what is kept only to count (a typed username).
pub fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_width_and_full_width_forms_are_the_same_class_name() {
        assert_eq!(clean_name("9(1)\u{200b}", 40).unwrap(), "9(1)");
        assert_eq!(clean_name("\u{feff}9(1)", 40).unwrap(), "9(1)");
        assert_eq!(clean_name("七年级（1）班", 40).unwrap(), "七年级（1）班");
        assert_eq!(name_key("９（１）"), name_key("9(1)\u{200b}"));
        assert_eq!(name_key("七年级（1）班"), name_key("七年级(1)班"));
        assert_eq!(clean_name("  七年级(3)班 ", 40).unwrap(), "七年级(3)班");
    }

    #[test]
    fn control_and_bidirectional_characters_are_refused_in_names_and_notes() {
        for bad in ["a\u{0}b", "a\u{1b}[31mb", "a\nb", "a\u{202e}b", "a\u{2066}b", "a\u{85}b"] {
            assert_eq!(clean_name(bad, 40), Err(NameProblem::Refused), "{bad:?}");
        }
        for bad in ["a\u{0}b", "a\u{1b}[2Jb", "a\u{202e}b", "a\u{7f}"] {
            assert_eq!(clean_note(bad), Err(NameProblem::Refused), "{bad:?}");
        }
        assert_eq!(clean_note("line one\nline two\u{200b}").unwrap(), "line one\nline two");
    }

    #[test]
    fn a_name_of_only_invisible_characters_is_empty_and_refused() {
        assert_eq!(clean_name("\u{200b}\u{200c}", 40), Err(NameProblem::Length { max: 40 }));
        assert_eq!(clean_name(&"x".repeat(41), 40), Err(NameProblem::Length { max: 40 }));
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate_chars("作业作业", 2), "作业");
        assert_eq!(truncate_chars("ab", 64), "ab");
    }
}
