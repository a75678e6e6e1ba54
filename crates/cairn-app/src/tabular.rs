//! Tables as managers export them: any workforce view that is a list can be written as
//! CSV through [`Table`], so every export quotes, orders and guards cells the same way.

use crate::{AppError, Result};

/// A table: column headers and rows of cells, all text as it should appear.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<I, S>(headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Append a row; it is padded or cut to the number of headers.
    pub fn push<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut row: Vec<String> = cells.into_iter().map(Into::into).collect();
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    /// RFC 4180 CSV with a header line. A cell that a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`,
    /// since names and titles come from users and exports are opened in spreadsheets.
    pub fn to_csv(&self) -> Result<String> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let write = |w: &mut csv::Writer<Vec<u8>>, cells: &[String]| {
            w.write_record(cells.iter().map(|c| guard(c).into_owned()))
                .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
        };
        write(&mut w, &self.headers)?;
        for r in &self.rows {
            write(&mut w, r)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
    }
}

fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_guards_cells() {
        let mut t = Table::new(["name", "note"]);
        t.push(["Okafor, Amara", "says \"hi\""]);
        t.push(["=HYPERLINK(\"x\")", "-5"]);
        t.push(["short"]);
        let csv = t.to_csv().unwrap();
        assert_eq!(
            csv,
            "name,note\r\n\"Okafor, Amara\",\"says \"\"hi\"\"\"\r\n\"'=HYPERLINK(\"\"x\"\")\",'-5\r\nshort,\r\n"
        );
    }
}
