//! Reading the CSV the server exports (RFC 4180: quoted cells, doubled quotes, CRLF), so tests
//! can look at cells rather than at lines of text.

/// The rows of a CSV document, each a list of cells; a leading byte-order mark is dropped and
/// blank lines are skipped.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows.retain(|r| !(r.len() == 1 && r[0].trim().is_empty()));
    rows
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn quoted_cells_keep_their_commas_quotes_and_line_breaks() {
        let text = "\u{feff}id,name,flags\r\n1,7(1),\"a, \"\"b\"\"\nc\"\r\n\r\n2,7(2),\r\n";
        assert_eq!(
            parse(text),
            vec![
                vec!["id", "name", "flags"],
                vec!["1", "7(1)", "a, \"b\"\nc"],
                vec!["2", "7(2)", ""],
            ]
        );
    }

    #[test]
    fn a_last_line_without_a_line_break_is_a_row() {
        assert_eq!(parse("a,b\n1,2"), vec![vec!["a", "b"], vec!["1", "2"]]);
    }
}
