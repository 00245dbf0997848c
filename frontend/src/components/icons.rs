//! Small inline icons drawn in the text's colour, for the places where an emoji would depend on
//! the device having an emoji font (many school PCs and tablets do not).

use yew::prelude::*;

/// A tablet held upright.
pub fn tablet() -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <rect x="5" y="2.5" width="14" height="19" rx="2.5" fill="none" stroke="currentColor" stroke-width="2" />
            <circle cx="12" cy="18" r="1.2" fill="currentColor" />
        </svg>
    }
}
