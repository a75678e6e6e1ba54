//! ICD-11 MMS reference data: one loaded release, its chapters, blocks and categories.

use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use crate::Result;
use crate::conn::{Conn, on};

/// One row of WHO's simple tabulation, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Icd11Entity {
    /// Position in WHO's file (1-based), which is also the classification's order.
    pub seq: i32,
    /// The linearization URI (unique; residual categories end in /other or /unspecified).
    pub uri: String,
    pub foundation_uri: Option<String>,
    /// Categories only.
    pub code: Option<String>,
    pub block_id: Option<String>,
    /// WHO's title, verbatim apart from the depth markers.
    pub title: String,
    /// `chapter`, `block` or `category`.
    pub kind: String,
    /// How deep in the tree (chapters 0).
    pub depth: i32,
    pub parent_seq: Option<i32>,
    /// `01`–`26`, `V` or `X`.
    pub chapter: String,
    pub is_leaf: bool,
    pub is_residual: bool,
    /// In chapter X.
    pub is_extension: bool,
}

/// Which release is loaded, and from where.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Icd11Release {
    pub version: String,
    pub source: String,
    pub imported_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct Icd11Counts {
    pub chapters: i64,
    pub blocks: i64,
    /// Including extension codes.
    pub categories: i64,
    pub extension_codes: i64,
}

macro_rules! entity_columns {
    () => {
        "e.seq, e.uri, e.foundation_uri, e.code, e.block_id, e.title, e.kind, e.depth, e.parent_seq, e.chapter, e.is_leaf, e.is_residual, e.is_extension"
    };
}

const INSERT_COLUMNS: usize = 14;
/// Rows per INSERT. SQLite looks `$N` parameters up by name, which grows with the square of
/// their number per statement: 500-row batches took 9 s for the 36,044 rows of WHO's
/// tabulation, 50-row batches 2 s (PostgreSQL is as fast either way).
const BATCH_ROWS: usize = 50;

fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO icd11_entities (seq, uri, foundation_uri, code, block_id, title, title_lower, kind, depth, parent_seq, chapter, is_leaf, is_residual, is_extension) VALUES ",
    );
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..INSERT_COLUMNS {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * INSERT_COLUMNS + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Longest number of words a search uses.
pub const ICD11_SEARCH_MAX_WORDS: usize = 4;

impl Conn<'_> {
    /// Remove the loaded release and all its entities.
    pub async fn icd11_clear(&mut self) -> Result<()> {
        // Children before parents is not needed: one statement removes every row.
        on!(self, |c| sqlx::query("DELETE FROM icd11_entities")
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        on!(self, |c| sqlx::query("DELETE FROM icd11_release")
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Insert entities in multi-row statements. Parents must come before their children
    /// (WHO's order does).
    pub async fn icd11_insert_entities(&mut self, rows: &[Icd11Entity]) -> Result<()> {
        for chunk in rows.chunks(BATCH_ROWS) {
            let sql = insert_sql(chunk.len());
            on!(self, |c| {
                let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
                for e in chunk {
                    q = q
                        .bind(e.seq)
                        .bind(&e.uri)
                        .bind(&e.foundation_uri)
                        .bind(&e.code)
                        .bind(&e.block_id)
                        .bind(&e.title)
                        .bind(e.title.to_lowercase())
                        .bind(&e.kind)
                        .bind(e.depth)
                        .bind(e.parent_seq)
                        .bind(&e.chapter)
                        .bind(e.is_leaf)
                        .bind(e.is_residual)
                        .bind(e.is_extension);
                }
                q.execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    pub async fn icd11_set_release(&mut self, r: &Icd11Release) -> Result<()> {
        let q =
            "INSERT INTO icd11_release (id, version, source, imported_at) VALUES (1, $1, $2, $3)";
        on!(self, |c| sqlx::query(q)
            .bind(&r.version)
            .bind(&r.source)
            .bind(r.imported_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn icd11_release(&mut self) -> Result<Option<Icd11Release>> {
        let q = "SELECT version, source, imported_at FROM icd11_release WHERE id = 1";
        Ok(on!(self, |c| sqlx::query_as(q).fetch_optional(c).await)?)
    }

    pub async fn icd11_counts(&mut self) -> Result<Icd11Counts> {
        let q = "SELECT COUNT(*) FILTER (WHERE kind = 'chapter') AS chapters, \
                 COUNT(*) FILTER (WHERE kind = 'block') AS blocks, \
                 COUNT(*) FILTER (WHERE kind = 'category') AS categories, \
                 COUNT(*) FILTER (WHERE kind = 'category' AND is_extension) AS extension_codes \
                 FROM icd11_entities";
        Ok(on!(self, |c| sqlx::query_as(q).fetch_one(c).await)?)
    }

    pub async fn icd11_by_code(&mut self, code: &str) -> Result<Option<Icd11Entity>> {
        let q = concat!(
            "SELECT ",
            entity_columns!(),
            " FROM icd11_entities e WHERE e.code = $1"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(code)
            .fetch_optional(c)
            .await)?)
    }

    /// The chain above an entity, its chapter first and its parent last.
    pub async fn icd11_ancestors(&mut self, seq: i32) -> Result<Vec<Icd11Entity>> {
        let q = concat!(
            "WITH RECURSIVE up(seq, n) AS (",
            "SELECT parent_seq, 1 FROM icd11_entities WHERE seq = $1 AND parent_seq IS NOT NULL ",
            "UNION ALL SELECT p.parent_seq, up.n + 1 FROM icd11_entities p JOIN up ON p.seq = up.seq ",
            "WHERE p.parent_seq IS NOT NULL) SELECT ",
            entity_columns!(),
            " FROM icd11_entities e JOIN up ON e.seq = up.seq ORDER BY up.n DESC"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(seq)
            .fetch_all(c)
            .await)?)
    }

    /// The entities directly below one, in WHO's order.
    pub async fn icd11_children(&mut self, seq: i32) -> Result<Vec<Icd11Entity>> {
        let q = concat!(
            "SELECT ",
            entity_columns!(),
            " FROM icd11_entities e WHERE e.parent_seq = $1 ORDER BY e.seq"
        );
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(seq)
            .fetch_all(c)
            .await)?)
    }

    /// Categories whose code starts with `code_prefix` (upper case; empty for none), or
    /// whose lower-cased title contains every one of `words` (lower case, at most
    /// [`ICD11_SEARCH_MAX_WORDS`]; more are ignored). Exact code first, then stem codes
    /// before extension codes, shorter titles first.
    pub async fn icd11_search(
        &mut self,
        code_prefix: &str,
        words: &[String],
        limit: i64,
    ) -> Result<Vec<Icd11Entity>> {
        let q = concat!(
            "SELECT ",
            entity_columns!(),
            " FROM icd11_entities e WHERE e.kind = 'category' AND (e.code LIKE $1 OR (",
            "e.title_lower LIKE $2 ESCAPE '\\' AND e.title_lower LIKE $3 ESCAPE '\\' AND ",
            "e.title_lower LIKE $4 ESCAPE '\\' AND e.title_lower LIKE $5 ESCAPE '\\')) ",
            "ORDER BY CASE WHEN e.code = $6 THEN 0 WHEN e.code LIKE $1 THEN 1 ELSE 2 END, ",
            "e.is_extension, length(e.title), e.seq LIMIT $7"
        );
        let code_like = if code_prefix.is_empty() {
            String::new()
        } else {
            format!("{}%", like_escape(code_prefix))
        };
        let mut pats: Vec<String> = words
            .iter()
            .filter(|w| !w.is_empty())
            .take(ICD11_SEARCH_MAX_WORDS)
            .map(|w| format!("%{}%", like_escape(w)))
            .collect();
        if pats.is_empty() {
            // No words: only the code can match (titles are never empty).
            pats.push(String::new());
        }
        while pats.len() < ICD11_SEARCH_MAX_WORDS {
            pats.push("%".into());
        }
        Ok(on!(self, |c| sqlx::query_as(q)
            .bind(&code_like)
            .bind(&pats[0])
            .bind(&pats[1])
            .bind(&pats[2])
            .bind(&pats[3])
            .bind(code_prefix)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }
}

/// `s` with LIKE's wildcards (and the escape character) escaped by a backslash.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_sql_numbers_every_parameter() {
        let s = insert_sql(2);
        assert!(s.ends_with("($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14), ($15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)"));
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
