//! The style sheet as `cargo xtask dist` ships it: one source (`frontend/static/style.css`),
//! two files. The full app gets all of it; the class tablet's first visit gets only the rules
//! its build can use (`tablet.css`), because every kilobyte of that visit counts (issue 18's
//! 250 KB). Both are minified.
//!
//! Which rules the tablet can use is read from what it ships, not from a list kept by hand: a
//! rule stays when every class and id its selector names occurs somewhere in the tablet's wasm
//! (where the class names of its pages are string literals), `index.html` or `boot.js`. A rule
//! kept that the tablet never uses costs a few bytes; a rule dropped that it needs would break
//! a screen, so the test is generous (a name occurring anywhere in the bytes counts, and what a
//! `:not(…)` names is not required). A class name built at run time (`format!("flag-{kind}")`)
//! would not be found: the tablet's pages have none, and one added must be written out whole
//! (`classes!("over")`), which is what the browser tests of the tablet's screens would show.
//!
//! The full app loads `tablet.css` (from `index.html`) and then the whole `style.css` (from
//! `boot.js`): the later sheet holds every rule in the source's order, so the cascade is the
//! source's.

/// The rules of `css` that a page whose code and markup are `shipped` can use, minified.
pub fn subset(css: &str, shipped: &str) -> String {
    let mut out = String::new();
    for item in parse(&strip_comments(css)) {
        write_used(&item, shipped, &mut out);
    }
    minify(&out)
}

/// Without comments and the spaces only a person reads (about 15 % of the bytes).
/// Conservative: inside a selector, a space may be a descendant combinator (`a :hover`), so
/// runs of white space become one space and only the spaces beside `{`, `}`, `;` and `,`, which
/// never carry meaning, go; quoted strings are kept as they are.
pub fn minify(css: &str) -> String {
    let css = strip_comments(css);
    let mut out = String::with_capacity(css.len());
    let mut quotes = Quotes::default();
    let mut pending_space = false;
    for c in css.chars() {
        let opens = quotes.open.is_none();
        if quotes.inside(c) {
            if opens && std::mem::take(&mut pending_space) && !ends_with_separator(&out) {
                out.push(' ');
            }
            out.push(c);
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let separator = matches!(c, '{' | '}' | ';' | ',');
        if std::mem::take(&mut pending_space) && !separator && !ends_with_separator(&out) {
            out.push(' ');
        }
        // `;}`: the last declaration needs no semicolon.
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        out.push(c);
    }
    out
}

fn ends_with_separator(out: &str) -> bool {
    out.is_empty() || out.ends_with(['{', '}', ';', ','])
}

/// Where a scan of a style sheet is: inside a quoted string or not.
#[derive(Default)]
struct Quotes {
    open: Option<char>,
    escaped: bool,
}

impl Quotes {
    /// Takes the next character; whether it belongs to a string (its quotes included).
    fn inside(&mut self, c: char) -> bool {
        match self.open {
            Some(quote) => {
                if self.escaped {
                    self.escaped = false;
                } else if c == '\\' {
                    self.escaped = true;
                } else if c == quote {
                    self.open = None;
                }
                true
            }
            None if c == '"' || c == '\'' => {
                self.open = Some(c);
                true
            }
            None => false,
        }
    }
}

/// `css` without its `/* … */` comments (each becomes a space); strings are left alone.
fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quotes = Quotes::default();
    while let Some(c) = chars.next() {
        if quotes.inside(c) {
            out.push(c);
        } else if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for c in chars.by_ref() {
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A rule (`selectors { declarations }`) or a block of rules (`@media … { rules }`).
#[derive(Debug, PartialEq)]
enum Item {
    Rule { prelude: String, body: String },
    Block { prelude: String, items: Vec<Item> },
}

/// The items of a comment-free style sheet, or of a block's inside.
fn parse(css: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut rest = css;
    while let Some(open) = find_outside_strings(rest, '{') {
        let prelude = rest[..open].trim().to_owned();
        let close = matching_brace(rest, open);
        let inside = &rest[open + 1..close.min(rest.len())];
        let nested = prelude.starts_with("@media") || prelude.starts_with("@supports");
        items.push(if nested {
            Item::Block { prelude, items: parse(inside) }
        } else {
            Item::Rule { prelude, body: inside.to_owned() }
        });
        rest = rest.get(close + 1..).unwrap_or("");
    }
    items
}

/// The byte offset of the first `wanted` outside quotes.
fn find_outside_strings(s: &str, wanted: char) -> Option<usize> {
    let mut quotes = Quotes::default();
    s.char_indices().find(|&(_, c)| !quotes.inside(c) && c == wanted).map(|(i, _)| i)
}

/// The offset of the `}` that closes the `{` at `open` (the end of `s` when none does).
fn matching_brace(s: &str, open: usize) -> usize {
    let mut depth = 0usize;
    let mut quotes = Quotes::default();
    for (i, c) in s[open..].char_indices() {
        if quotes.inside(c) {
            continue;
        }
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + i;
                }
            }
            _ => {}
        }
    }
    s.len()
}

/// Writes `item` as CSS if a page shipping `shipped` can use it; a block keeps its used rules.
fn write_used(item: &Item, shipped: &str, out: &mut String) {
    match item {
        Item::Rule { prelude, body } => {
            // At-rules other than blocks of rules (`@keyframes`, `@font-face`, `@page`) and
            // rules naming no class or id (`:root`, `body`, `h1`) are kept.
            if prelude.starts_with('@') || prelude.split(',').any(|s| used(s, shipped)) {
                out.push_str(&format!("{prelude}{{{body}}}\n"));
            }
        }
        Item::Block { prelude, items } => {
            let mut inner = String::new();
            for item in items {
                write_used(item, shipped, &mut inner);
            }
            if !inner.is_empty() {
                out.push_str(&format!("{prelude}{{\n{inner}}}\n"));
            }
        }
    }
}

/// Whether every class and id `selector` names (outside `:not(…)`) occurs in `shipped`.
fn used(selector: &str, shipped: &str) -> bool {
    names(&without_not(selector)).iter().all(|name| shipped.contains(name.as_str()))
}

/// `selector` with the insides of its `:not(…)` removed.
fn without_not(selector: &str) -> String {
    let mut out = String::new();
    let mut rest = selector;
    while let Some(at) = rest.find(":not(") {
        out.push_str(&rest[..at]);
        let after = &rest[at + ":not(".len()..];
        let mut depth = 1usize;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The class and id names of a selector (`.a > #b:hover` → `a`, `b`), attribute values aside.
fn names(selector: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_attribute = false;
    let mut chars = selector.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '[' => in_attribute = true,
            ']' => in_attribute = false,
            '.' | '#' if !in_attribute => {
                let mut name = String::new();
                while let Some(&(_, n)) = chars.peek() {
                    if n.is_alphanumeric() || n == '-' || n == '_' {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                // `.5rem` is no class: a name does not start with a digit.
                if name.chars().next().is_some_and(|f| !f.is_ascii_digit()) {
                    found.push(name);
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = "/* The top bar. */\n:root { --x: 1; }\n.top-bar > .title,\n.grade-table td { color: red; }\n.chart .bar:not(.over) { fill: blue; }\n.flag-over_limit { content: \"a } /* b */\"; }\n@media (max-width: 700px) {\n  .top-bar { padding: 0; }\n  .grade-table { display: block; }\n}\n@media print { .grade-table { color: black; } }\n@keyframes spin { to { transform: rotate(1turn); } }\n";

    #[test]
    fn minified_css_keeps_every_rule_and_drops_only_comments_and_idle_spaces() {
        let css = "/* x */\n.a > .b,\n.c :hover {\n  color: red;\n  content: \"a  /* b */ ;\";\n}\n\n@media (max-width: 600px) {\n  .d { margin: 0 auto; }\n}\n";
        assert_eq!(
            minify(css),
            ".a > .b,.c :hover{color: red;content: \"a  /* b */ ;\"}@media (max-width: 600px){.d{margin: 0 auto}}"
        );
    }

    #[test]
    fn an_escaped_quote_does_not_end_a_string() {
        let css = ".a::after { content: \"say \\\" } /* no */\"; }\n.b { x: 1 }";
        assert_eq!(minify(css), ".a::after{content: \"say \\\" } /* no */\"}.b{x: 1}");
        assert_eq!(subset(css, "b"), ".b{x: 1}");
    }

    #[test]
    fn the_tablets_sheet_keeps_the_rules_whose_names_it_ships_and_drops_the_others() {
        // The tablet ships "top-bar", "title", "chart" and "bar"; "flag-" alone names nothing.
        let shipped = "...top-bartitlechartbarflag-...";
        let tablet = subset(SHEET, shipped);
        assert_eq!(
            tablet,
            ":root{--x: 1}.top-bar > .title,.grade-table td{color: red}\
             .chart .bar:not(.over){fill: blue}\
             @media (max-width: 700px){.top-bar{padding: 0}}\
             @keyframes spin{to{transform: rotate(1turn)}}"
        );
    }

    #[test]
    fn a_rule_is_dropped_when_one_name_of_its_selector_is_not_shipped() {
        let tablet = subset(".a .b { x: 1 } .a { y: 2 } #c { z: 3 }", "a c");
        assert_eq!(tablet, ".a{y: 2}#c{z: 3}");
    }

    #[test]
    fn the_real_sheet_parses_into_as_many_rules_as_it_has_closing_braces() {
        let css = include_str!("../../frontend/static/style.css");
        let whole = subset(css, "");
        // With nothing shipped, what stays names no class or id; with every name shipped, the
        // whole sheet stays, byte for byte as minified.
        assert!(!whole.contains(".entry-page"), "{}", &whole[..200.min(whole.len())]);
        assert_eq!(subset(css, &names_in(css)), minify(css));
    }

    /// Every class and id name a sheet's selectors mention, run together.
    fn names_in(css: &str) -> String {
        let mut all = String::new();
        for item in parse(&strip_comments(css)) {
            collect(&item, &mut all);
        }
        all
    }

    fn collect(item: &Item, all: &mut String) {
        match item {
            Item::Rule { prelude, .. } => {
                for n in names(prelude) {
                    all.push_str(&n);
                    all.push(' ');
                }
            }
            Item::Block { items, .. } => items.iter().for_each(|i| collect(i, all)),
        }
    }
}
