//! The CSV exports open in a real spreadsheet with their Chinese intact: LibreOffice (headless)
//! converts the downloaded file to HTML, and the Chinese headers and class names are still there,
//! with the byte-order mark (there for Excel) gone rather than shown as `ï»¿` in the first cell.
//!
//! The import is told the file is UTF-8 (`CSV:44,34,76`, as a person picks "Unicode (UTF-8)" in
//! Calc's import dialog): LibreOffice 7.4's headless import without options reads a CSV as
//! Latin-1 whatever its byte-order mark says, even in a UTF-8 locale (measured).
//!
//! Needs LibreOffice Calc (`soffice`; Debian's `libreoffice-calc-nogui`, which `cargo xtask test`
//! installs). Without it the test fails and says so: it never passes without looking.

use crate::helpers::School;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::Command;

/// `soffice` (or `libreoffice`) on the `PATH`, or `SOFFICE`.
fn soffice() -> PathBuf {
    if let Some(p) = std::env::var_os("SOFFICE") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["soffice", "libreoffice"]
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "LibreOffice is not installed (no soffice on the PATH): install Debian's \
                 libreoffice-calc-nogui (`cargo xtask test` does) or set SOFFICE, to check that \
                 the CSV exports open with their Chinese intact"
            )
        })
}

/// Converts the UTF-8 CSV `file` with LibreOffice to `format` (e.g. `html`) in `dir`; returns the
/// new file.
async fn convert(file: &Path, format: &str, dir: &Path) -> PathBuf {
    // Its own profile, so parallel runs and a desktop LibreOffice never meet.
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let run = Command::new(soffice())
        .arg(profile)
        .args(["--headless", "--norestore", "--infilter=CSV:44,34,76", "--convert-to", format])
        .arg("--outdir")
        .arg(dir)
        .arg(file)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .expect("LibreOffice did not finish converting within 3 minutes")
        .expect("LibreOffice runs");
    let converted = dir.join(file.file_stem().expect("a file name")).with_extension(format);
    assert!(
        out.status.success() && converted.is_file(),
        "LibreOffice did not convert {} to {format} ({}):\nstdout: {}\nstderr: {}",
        file.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    converted
}

/// The text of an HTML file: tags dropped, numeric character references (`&#29677;`) decoded.
fn html_text(html: &str) -> String {
    let mut plain = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let mut out = String::with_capacity(plain.len());
    let mut rest = plain.as_str();
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find(';').unwrap_or(0);
        let code = match after.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(&hex[..end.saturating_sub(1)], 16).ok(),
            None => after[..end].parse().ok(),
        };
        match code.and_then(char::from_u32) {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn the_comparison_csv_opens_in_libreoffice_with_its_chinese_headers_and_class_names() {
    // Arrange: a grade with Chinese class names and a week of reports.
    let school = School::new().await;
    let names = ["七年级（1）班", "七年级（2）班"];
    for (i, name) in names.iter().enumerate() {
        let class = school.class(7, name).await;
        for n in 1..=5 {
            let minutes = 40 + 10 * i as i64;
            school
                .admin
                .put_report(class.id, school.days_ago(n), &[("chinese", minutes), ("math", 30)])
                .await;
        }
    }
    let dir = tempfile::tempdir().expect("a folder for the spreadsheet");
    let response = school
        .admin
        .get(&format!("schools/{}/grades/7/comparison.csv", school.school_id))
        .await
        .expect_status(200, "downloading the comparison as CSV");
    assert!(response.text.starts_with('\u{feff}'), "the CSV has no byte-order mark for Excel");
    let csv = dir.path().join("comparison.csv");
    std::fs::write(&csv, response.text.as_bytes()).expect("CSV saved");

    // Act
    let html = convert(&csv, "html", dir.path()).await;

    // Assert
    let html = std::fs::read_to_string(&html).expect("LibreOffice wrote UTF-8 HTML");
    let table = html.find("<table").map_or(html.as_str(), |i| &html[i..]);
    let text = html_text(table);
    let cells: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(cells.first(), Some(&"班级编号"), "the first header cell is not 班级编号: {text}");
    assert!(cells.contains(&"班级"), "the Chinese header 班级 did not survive LibreOffice: {text}");
    for name in names {
        assert!(text.contains(name), "the class name {name} did not survive LibreOffice: {text}");
    }
    assert!(
        !text.contains("ï»¿") && !text.contains('\u{feff}'),
        "the byte-order mark shows as text: {text}"
    );
}

#[test]
fn numeric_character_references_are_decoded() {
    assert_eq!(html_text("<td>&#29677;&#x7EA7;</td>").trim(), "班级");
    assert_eq!(html_text("a &#; b &amp;"), "a &#; b &amp;");
}
