//! The printed two-week report, as Chromium prints it to PDF: one A4 page per grade, no more.
//! The pages are also rendered to PNG (`target/screenshots/print-*.png`) to look at.
//!
//! Needs poppler's `pdfinfo` and `pdftoppm` (Debian's `poppler-utils`, which `cargo xtask test`
//! installs); without them the test fails and says so.

use crate::dashboards::KnownSchool;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use tests::browser::{Browser, BrowserOptions};

/// Prints the page as it is now to PDF (A4, the page's own `@page` size honoured).
pub async fn print_to_pdf(b: &Browser) -> Vec<u8> {
    let params = json!({
        "printBackground": true,
        "preferCSSPageSize": true,
        "paperWidth": 8.27,
        "paperHeight": 11.69,
    });
    let answer = b.cdp("Page.printToPDF", params).await;
    let data =
        answer["data"].as_str().unwrap_or_else(|| panic!("Page.printToPDF gave no data: {answer}"));
    base64_decode(data)
}

/// Standard base64, padding optional; enough for what Chromium sends.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {:?}", c as char),
        }
    };
    let bytes: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, c)| acc | value(*c) << (18 - 6 * i));
        let keep = chunk.len() - 1;
        out.extend_from_slice(&n.to_be_bytes()[1..1 + keep]);
    }
    out
}

fn tool(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()));
    found.unwrap_or_else(|| {
        panic!("{name} not found: install Debian's poppler-utils (`cargo xtask test` does) to check the printed report")
    })
}

/// The PDF's page count and page size in points, as `pdfinfo` reads them.
pub fn pdf_pages(pdf: &Path) -> (u32, String) {
    let out = Command::new(tool("pdfinfo")).arg(pdf).output().expect("pdfinfo runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "pdfinfo failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| panic!("pdfinfo says no {name}: {text}"))
    };
    let pages = field("Pages:").parse().expect("a page count");
    (pages, field("Page size:"))
}

/// Saves the PDF and its pages as PNG under `target/screenshots/`, and returns the PDF's path.
pub fn keep(pdf: &[u8], name: &str) -> PathBuf {
    let dir = tests::server::workspace_root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("PDF written");
    let status = Command::new(tool("pdftoppm"))
        .args(["-png", "-r", "50"])
        .arg(&path)
        .arg(dir.join(name))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success(), "pdftoppm could not render {}", path.display());
    path
}

#[tokio::test]
async fn the_printed_report_is_one_a4_page_per_grade() {
    // Arrange
    let s = KnownSchool::build().await;
    let b = s.browser(BrowserOptions::default()).await;

    // Act: the school's report of every grade, from the school page's link.
    b.goto(&format!("{}/school?{}", s.server.base_url, s.query())).await;
    b.click("#print-report").await;
    b.find("section.grade-report[data-grade='8'][data-ready='true']").await;
    b.find("section.grade-report[data-grade='7'][data-ready='true']").await;
    b.screenshot("report-preview").await;
    let school_pdf = keep(&print_to_pdf(&b).await, "print-school");

    // Assert: two grades, two A4 pages (595 × 842 points).
    let (pages, size) = pdf_pages(&school_pdf);
    assert_eq!(pages, 2, "the report of two grades printed on {pages} pages ({size})");
    assert!(size.contains("(A4)"), "not A4: {size}");

    // Act: the grade page's own print.
    b.goto(&s.grade_url(7)).await;
    b.find("#class-bars rect.bar").await;
    b.find(".print-only section.grade-report[data-ready='true']").await;
    let grade_pdf = keep(&print_to_pdf(&b).await, "print-grade-7");

    // Assert: one page, and it is the report (not the interactive page).
    let (pages, _) = pdf_pages(&grade_pdf);
    assert_eq!(pages, 1, "grade 7's report printed on {pages} pages");
    let pdftotext =
        Command::new(tool("pdftotext")).arg(&grade_pdf).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&pdftotext.stdout);
    assert!(
        text.contains("7(3)") && text.contains("110"),
        "the printed page lacks 7(3) and its 110: {text}"
    );
    assert!(!text.contains("导出 CSV"), "the printed page shows the CSV buttons: {text}");
    b.close().await;
}

#[test]
fn base64_decodes_what_chromium_sends() {
    assert_eq!(base64_decode("JVBERi0xLjQK"), b"%PDF-1.4\n");
    assert_eq!(base64_decode("YQ=="), b"a");
    assert_eq!(base64_decode("YWI="), b"ab");
}
