//! A QR code of a short text (an address), drawn as one SVG path: the `qrcode` crate encodes,
//! this only lays its dark modules out, with the four-module quiet zone a phone's camera needs.
//! Only the full app's pages draw one: the class tablet's build links none of it.
//!
//! Test ids: the `id` given, on the `svg`, with the encoded text in `data-text`.

use qrcode::{Color, EcLevel, QrCode};
use yew::prelude::*;

/// Modules of light margin around the code (the standard's quiet zone).
const QUIET: usize = 4;

#[derive(Properties, PartialEq)]
pub struct QrProps {
    pub id: AttrValue,
    pub text: AttrValue,
    /// What a screen reader says instead of the picture.
    pub label: AttrValue,
}

#[function_component(Qr)]
pub fn qr(props: &QrProps) -> Html {
    let Some((size, path)) = modules_path(&props.text) else {
        return html! {};
    };
    let view_box = format!("0 0 {size} {size}");
    html! {
        <svg id={props.id.clone()} class="qr-code" viewBox={view_box} role="img"
             aria-label={props.label.clone()} data-text={props.text.clone()}
             shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
            <rect width={size.to_string()} height={size.to_string()} fill="#fff" />
            <path d={path} fill="#000" />
        </svg>
    }
}

/// The code's side in modules, quiet zone included, and an SVG path with one unit square per
/// dark module; `None` when the text is too long for any QR code.
pub fn modules_path(text: &str) -> Option<(usize, String)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let mut path = String::new();
    for (i, colour) in code.to_colors().into_iter().enumerate() {
        if colour == Color::Dark {
            let (x, y) = (i % width + QUIET, i / width + QUIET);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((width + 2 * QUIET, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_becomes_a_square_with_its_quiet_zone_and_the_finder_patterns_dark() {
        let (size, path) = modules_path("https://school.example/notice/0123456789abcdef")
            .expect("an address fits");
        // Version 3 or 4 at level M: 29 or 33 modules, plus 4 on each side.
        assert!(size == 37 || size == 41, "size {size}");
        // The top-left finder pattern's corner module is dark, the quiet zone is not.
        assert!(path.starts_with("M4 4h1v1h-1z"), "{}", &path[..40]);
        for square in path.split('M').filter(|s| !s.is_empty()) {
            let mut xy = square.trim_end_matches("h1v1h-1z").split(' ');
            let x: usize = xy.next().and_then(|n| n.parse().ok()).expect("x");
            let y: usize = xy.next().and_then(|n| n.parse().ok()).expect("y");
            assert!(
                (QUIET..size - QUIET).contains(&x),
                "a dark module in the quiet zone: {square}"
            );
            assert!(
                (QUIET..size - QUIET).contains(&y),
                "a dark module in the quiet zone: {square}"
            );
        }
    }

    #[test]
    fn a_text_too_long_for_any_code_draws_nothing() {
        assert!(modules_path(&"x".repeat(5000)).is_none());
    }
}
