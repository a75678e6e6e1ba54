//! Reading CSV files that managers upload (workers, assignments): the whole file is read
//! and every problem is collected, each with its row (the header is row 1) and column,
//! before anything is written, so a bad file imports nothing and says all that is wrong.

use std::collections::HashMap;
use std::fmt;

use cairn_store::StoreError;
use serde::Serialize;

use crate::AppError;

/// The largest file accepted (1 MiB, the server's body limit too).
pub const MAX_CSV_BYTES: usize = 1 << 20;
/// The most data rows one file may hold; larger imports are split.
pub const MAX_CSV_ROWS: usize = 10_000;

/// One thing wrong with an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The line in the file: the header is row 1, the first data row is row 2.
    pub row: u64,
    /// The column's name (or `file` for the file as a whole).
    pub column: String,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, {}: {}", self.row, self.column, self.reason)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Data rows read.
    pub rows: usize,
    /// New accounts (without a password) made for e-mail addresses Cairn did not know.
    pub accounts_created: usize,
    /// People who became members of the organization.
    pub members_added: usize,
    /// People who were members already (left as they were).
    pub already_members: usize,
    /// Team memberships added.
    pub teams_joined: usize,
    pub assignments_made: usize,
    /// Assignments left out because the worker already had the same one open.
    pub skipped: usize,
}

/// Why an import did not happen: the file's problems (all of them), or anything else.
#[derive(Debug)]
pub enum CsvImportError {
    Rejected(Vec<RowProblem>),
    Other(AppError),
}

impl fmt::Display for CsvImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvImportError::Rejected(p) => {
                write!(
                    f,
                    "the file has {} problem(s); nothing was imported:",
                    p.len()
                )?;
                for p in p {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
            CsvImportError::Other(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CsvImportError {}

impl From<AppError> for CsvImportError {
    fn from(e: AppError) -> Self {
        CsvImportError::Other(e)
    }
}

impl From<StoreError> for CsvImportError {
    fn from(e: StoreError) -> Self {
        CsvImportError::Other(e.into())
    }
}

/// One data row: its line and its cells by (lower-case) column name, trimmed. Columns
/// the row lacks are absent.
#[derive(Debug, Clone)]
pub(crate) struct SheetRow {
    pub row: u64,
    cells: HashMap<String, String>,
}

impl SheetRow {
    /// The cell, empty when the column is absent or blank.
    pub fn get(&self, column: &str) -> &str {
        self.cells.get(column).map(String::as_str).unwrap_or("")
    }

    pub fn has(&self, column: &str) -> bool {
        self.cells.contains_key(column)
    }
}

/// Read a CSV file with a header naming its columns: `required` ones must be there, and
/// `optional` ones may be; any other is a problem. Problems are appended to `problems`;
/// the rows that could be read are returned for the caller's own checks.
pub(crate) fn read_sheet(
    bytes: &[u8],
    required: &[&str],
    optional: &[&str],
    problems: &mut Vec<RowProblem>,
) -> Vec<SheetRow> {
    let problem = |row: u64, column: &str, reason: String| RowProblem {
        row,
        column: column.to_owned(),
        reason,
    };
    let all: Vec<&str> = required.iter().chain(optional).copied().collect();
    let expected = all.join(",");
    if bytes.len() > MAX_CSV_BYTES {
        problems.push(problem(
            1,
            "file",
            format!(
                "the file is {} bytes; the limit is {MAX_CSV_BYTES} bytes — split it into smaller files",
                bytes.len()
            ),
        ));
        return Vec::new();
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            problems.push(problem(
                line as u64,
                "file",
                "is not UTF-8 text; save the file as \"CSV UTF-8\" and upload it again".into(),
            ));
            return Vec::new();
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The reader's own line count skips blank lines; rows are numbered as an editor shows
    // them, so from where each record starts.
    let newlines: Vec<u64> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i as u64)
        .collect();
    // A record's position may be where the blank lines before it begin.
    let raw = text.as_bytes();
    let line_at = |byte: u64| {
        let mut b = usize::try_from(byte).unwrap_or(usize::MAX);
        while raw.get(b).is_some_and(|c| *c == b'\n' || *c == b'\r') {
            b += 1;
        }
        newlines.partition_point(|&n| n < b as u64) as u64 + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            let line = e.position().map_or(1, |p| p.line());
            problems.push(problem(line, "file", format!("cannot be read as CSV: {e}")));
            return Vec::new();
        }
        None => {
            problems.push(problem(
                1,
                "header",
                format!("the file is empty; its first row must name the columns: {expected}"),
            ));
            return Vec::new();
        }
    };
    // Each header cell: the column it names, if one this import knows.
    let mut columns: Vec<Option<String>> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let name = cell.trim().to_lowercase();
        names.push(if name.is_empty() {
            format!("column {}", i + 1)
        } else {
            name.clone()
        });
        if name.is_empty() {
            problems.push(problem(
                1,
                &format!("column {}", i + 1),
                format!("has no name; the columns are: {expected}"),
            ));
            columns.push(None);
        } else if !all.contains(&name.as_str()) {
            problems.push(problem(
                1,
                &name,
                format!("unknown column; the columns are: {expected}"),
            ));
            columns.push(None);
        } else if columns.iter().flatten().any(|c| *c == name) {
            problems.push(problem(
                1,
                &name,
                "appears twice in the header; keep one".into(),
            ));
            columns.push(None);
        } else {
            columns.push(Some(name));
        }
    }
    for r in required {
        if !columns.iter().flatten().any(|c| c == r) {
            problems.push(problem(
                1,
                r,
                format!("missing column; the header must name: {expected}"),
            ));
        }
    }
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                problems.push(problem(line, "file", format!("cannot be read as CSV: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_CSV_ROWS {
            problems.push(problem(
                line,
                "file",
                format!(
                    "the file has more than {MAX_CSV_ROWS} rows; split it into files of at most {MAX_CSV_ROWS}"
                ),
            ));
            break;
        }
        if record.len() < columns.len() {
            let missing: Vec<&str> = names[record.len()..].iter().map(String::as_str).collect();
            problems.push(problem(
                line,
                missing.first().copied().unwrap_or("file"),
                format!(
                    "missing column: the row has {} cells but the header names {} (missing {})",
                    record.len(),
                    columns.len(),
                    missing.join(", ")
                ),
            ));
        } else if record.len() > columns.len() {
            problems.push(problem(
                line,
                "file",
                format!(
                    "the row has {} cells but the header names {}; remove the extra cells or quote cells that contain commas",
                    record.len(),
                    columns.len()
                ),
            ));
        }
        let cells = columns
            .iter()
            .zip(record.iter())
            .filter_map(|(c, v)| c.as_ref().map(|c| (c.clone(), v.trim().to_owned())))
            .collect();
        rows.push(SheetRow { row: line, cells });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_from_the_header_and_every_problem_is_kept() {
        let mut p = Vec::new();
        let rows = read_sheet(
            b"\xef\xbb\xbfEmail,Name,colour\na@x.org,A\n\nb@x.org,\"B, Jr\",1,extra\n",
            &["email", "name", "team"],
            &["job_title"],
            &mut p,
        );
        let said: Vec<String> = p.iter().map(ToString::to_string).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[1].row, 4);
        assert_eq!(rows[1].get("name"), "B, Jr");
        assert!(
            said[0].starts_with("row 1, colour: unknown column"),
            "{said:?}"
        );
        assert!(
            said[1].starts_with("row 1, team: missing column"),
            "{said:?}"
        );
        assert!(
            said[2].starts_with("row 2, colour: missing column"),
            "{said:?}"
        );
        assert!(
            said[3].starts_with("row 4, file: the row has 4 cells"),
            "{said:?}"
        );
        assert_eq!(said.len(), 4);
    }

    #[test]
    fn files_that_are_not_utf8_or_too_long_are_refused() {
        let mut p = Vec::new();
        read_sheet(b"email\na@x.org\n\xff\n", &["email"], &[], &mut p);
        assert_eq!(p[0].row, 3);
        assert!(p[0].reason.contains("UTF-8"));
        let mut p = Vec::new();
        let mut big = String::from("email\n");
        for i in 0..=MAX_CSV_ROWS {
            big.push_str(&format!("p{i}@x.org\n"));
        }
        let rows = read_sheet(big.as_bytes(), &["email"], &[], &mut p);
        assert_eq!(rows.len(), MAX_CSV_ROWS);
        assert_eq!(p.len(), 1);
        assert!(p[0].reason.contains("more than"), "{p:?}");
        let mut p = Vec::new();
        read_sheet(b"", &["email"], &[], &mut p);
        assert!(p[0].reason.contains("empty"), "{p:?}");
        let mut p = Vec::new();
        let huge = vec![b'a'; MAX_CSV_BYTES + 1];
        assert!(read_sheet(&huge, &["email"], &[], &mut p).is_empty());
        assert!(p[0].reason.contains("the limit is"), "{p:?}");
    }
}
