//! The contents of xAPI statement attachments, kept once per organization and hash.

use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

/// One stored attachment content.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRow {
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

impl Conn<'_> {
    /// Keep attachment contents; one already stored under the same hash is the same
    /// content, so it is left as it is.
    pub async fn put_xapi_attachments(&mut self, org: Uuid, rows: &[AttachmentRow]) -> Result<()> {
        let q = "INSERT INTO xapi_attachments (org_id, sha2, content_type, content) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, sha2) DO NOTHING";
        for r in rows {
            on!(self, |c| sqlx::query(q)
                .bind(org)
                .bind(&r.sha2)
                .bind(&r.content_type)
                .bind(&r.content)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// The stored contents among `hashes`, in the order asked, each once.
    pub async fn xapi_attachments(
        &mut self,
        org: Uuid,
        hashes: &[String],
    ) -> Result<Vec<AttachmentRow>> {
        let q = "SELECT sha2, content_type, content FROM xapi_attachments \
                 WHERE org_id = $1 AND sha2 = $2";
        let mut out: Vec<AttachmentRow> = Vec::new();
        for h in hashes {
            if out.iter().any(|r| &r.sha2 == h) {
                continue;
            }
            let row: Option<AttachmentRow> = on!(self, |c| sqlx::query_as(q)
                .bind(org)
                .bind(h)
                .fetch_optional(c)
                .await)?;
            out.extend(row);
        }
        Ok(out)
    }
}
